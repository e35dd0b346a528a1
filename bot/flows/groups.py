"""Groups and channels: quiet unless addressed, crisis first, commands from the table, settings, welcome.

Telegram-free. The adapter describes each message as a Source (with its author resolved once), passes a way to
check admin rights with Telegram at the time of the command, and sends what comes back.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime

from bot.flows.commands import ADMIN, GROUP_COMMANDS, PRIVATE_COMMANDS
from bot.flows.effects import CrisisEffects, Outcome
from bot.flows.group_settings import GroupSettings
from bot.reply import Reply
from bot.respond import Brain, Source
from bot.store import Store
from bot.texts import Texts


class GroupChats:
    def __init__(self, brain: Brain, store: Store, texts: Texts, effects: CrisisEffects, settings: GroupSettings,
                 clock: Callable[[], datetime]):
        self.brain = brain
        self.store = store
        self.texts = texts
        self.effects = effects
        self.settings = settings
        self.clock = clock

    async def source(self, source: Source) -> Source:
        """The adapter's Source completed with the group's country and the author's crisis of the last minutes."""
        group = await self.store.get_group(source.chat_id)
        return replace(source, country=group.country if group else None, recent_crisis=self.effects.recent(source))

    async def on_text(self, source: Source, text: str) -> Outcome:
        """The decision path for a group or channel text; the Outcome may say to page the responders."""
        source = await self.source(source)
        return await self.effects.apply(self.brain.respond(text, source), source)

    async def on_command(self, source: Source, name: str, args: str, *,
                         is_admin: Callable[[], Awaitable[bool]], target: tuple[int, str] | None = None) -> Reply | None:
        """A command from the table; None for commands that are not ours (other bots' commands)."""
        command = GROUP_COMMANDS.get(name)
        if command is None:
            if name not in PRIVATE_COMMANDS:
                return None
            return self.private_only(source)
        if command.scope == ADMIN and not await is_admin():
            return self.texts.reply("group_admins_only")
        return await getattr(self, command.handler)(source, args, target)

    def private_only(self, source: Source) -> Reply:
        if not source.bot_username:
            return self.texts.reply("private_only")
        button = self.texts.button("open_private_chat", url=f"https://t.me/{source.bot_username}")
        return Reply(texts=(self.texts("private_only"),), buttons=((button,),))

    async def cmd_sos(self, source: Source, args: str, target) -> Reply:
        return self.brain.sos(await self.source(source))

    async def cmd_topics(self, source: Source, args: str, target) -> Reply:
        return self.brain.topics_menu()

    async def cmd_help(self, source: Source, args: str, target) -> Reply:
        return self.texts.reply("group_help")

    async def cmd_settings(self, source: Source, args: str, target) -> Reply:
        return await self.settings.settings(source.chat_id, source.chat_type, args)

    async def cmd_checkin(self, source: Source, args: str, target) -> Reply:
        return await self.settings.checkin(source.chat_id, source.chat_type, args, self.clock(), source.thread_id)

    async def cmd_responders(self, source: Source, args: str, target) -> Reply:
        return await self.settings.responders(source.chat_id, source.chat_type, args, target)

    async def welcome(self, chat_id: int, only_bots_joined: bool) -> Reply | None:
        """The welcome for new members, if the group's admins turned it on."""
        group = await self.store.get_group(chat_id)
        if group is None or not group.welcome or only_bots_joined:
            return None
        return self.texts.reply("group_welcome")

    def introduction(self, *, is_admin: bool, reads_all: bool) -> Reply:
        """What the bot is, privacy in one line, who sets it up, and whether it can notice crisis messages now."""
        sight = "group_sight_admin" if is_admin else "group_sight_all" if reads_all else "group_sight_none"
        return self.texts.reply("group_intro", sight=self.texts(sight))
