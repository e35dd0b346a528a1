"""Private chats: texts through the decision path, commands from the command table, and button presses.

Telegram-free, so `console` drives exactly the code a private chat runs. The Telegram adapter only translates
updates into these calls and Replies into messages.
"""
from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timezone

from bot.flows.checkin import CheckinDialogue
from bot.knowledge.understand import TopicMemory
from bot.flows.effects import CrisisEffects, day_key
from bot.flows.commands import OPERATOR, PRIVATE_COMMANDS
from bot.reply import Reply
from bot.respond import Brain, Source
from bot.safety.crisis import CRISIS, Crisis
from bot.safety.helplines import normalize_code
from bot.safety.replies import CHECK_CALLBACK, parse_check_answer, unknown_country_reply
from bot.store import Store
from bot.texts import Texts

# Stored fields /mydata shows, each with the key of its label in content/messages.yaml.
MYDATA_FIELDS = ("country", "timezone", "checkin_time", "checkin_next_utc", "checkin_last_day", "prompt_index",
                 "sober_since", "active", "inactive_reason", "created_at")


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class PrivateChats:
    """Answers people in private chats: texts, commands and button presses."""

    def __init__(self, brain: Brain, store: Store, texts: Texts, effects: CrisisEffects, *,
                 bot_username: str | None = None, admin_user_ids: frozenset[int] = frozenset(), clock: Callable[[], datetime] = utc_now):
        self.brain = brain
        self.store = store
        self.texts = texts
        self.effects = effects
        self.bot_username = bot_username
        self.admin_user_ids = admin_user_ids
        self.clock = clock
        self.topic_memory = TopicMemory()  # the last topic per person, for minutes, never the text
        self.checkins = CheckinDialogue(store, brain.checkin_texts, texts, clock, brain.country_of)
        self.commands = PRIVATE_COMMANDS

    # --- free text --------------------------------------------------------------------------------------------

    async def source(self, user_id: int, **fields) -> Source:
        """The private chat as the brain sees it: the person's country and any crisis of the last minutes."""
        row = await self.store.get_person(user_id)
        source = Source.private(user_id, bot_username=self.bot_username, **fields)
        return replace(source, country=row.country if row else None, recent_crisis=self.effects.recent(source))

    async def on_text(self, user_id: int, text: str, **fields) -> Reply:
        """One private message (or edit): the decision path, with a pending guided step in place of an answer.

        `fields` describe the message for the Source (message_id, edited, language_hint).
        """
        source = await self.source(user_id, previous_topic=self.topic_memory.recent(user_id), **fields)
        reply = self.brain.respond(text, source)
        if reply.crisis is None and not reply.check and not source.edited:
            pending = await self.checkins.on_text(user_id, text)
            if pending is not None:
                return pending
        if reply.answer is not None:
            self.topic_memory.remember(user_id, reply.answer.id)
        return (await self.effects.apply(reply, source)).reply

    # --- commands -----------------------------------------------------------------------------------------------

    async def on_command(self, user_id: int, command: str, args: str, **fields) -> Reply:
        """A /command in a private chat (name without the slash, lower-case; args the rest of the line).

        The arguments are text a person wrote, so the decision path sees them first ("/start i want to die").
        """
        source = await self.source(user_id, addressed=False, **fields)
        reply = self.brain.respond(args, source)
        if reply.crisis is not None:
            return (await self.effects.apply(reply, source)).reply
        command = self.commands.get(command)
        if command is None or (command.scope == OPERATOR and user_id not in self.admin_user_ids):
            return self.texts.reply("unknown_command")
        return await getattr(self, command.handler)(user_id, args.strip())

    async def cmd_start(self, user_id: int, args: str) -> Reply:
        await self.store.ensure_person(user_id)
        await self.store.reactivate_person(user_id)
        if args.lower() == "sos":  # the deep link from a group's crisis reply
            return await self.cmd_sos(user_id, "")
        return self.texts.reply("start")

    async def cmd_help(self, user_id: int, args: str) -> Reply:
        """Exactly the commands of the private menu, from the same table that sets the menu."""
        t = self.texts
        lines = [t("help_line", command=c.name, description=t(c.menu)) for c in self.commands.values() if c.menu]
        return Reply(texts=("\n".join([t("help_head"), *lines, "", t("help_foot")]),))

    async def cmd_privacy(self, user_id: int, args: str) -> Reply:
        return self.texts.reply("privacy")

    async def cmd_topics(self, user_id: int, args: str) -> Reply:
        return self.brain.topics_menu()

    async def cmd_sos(self, user_id: int, args: str) -> Reply:
        return self.brain.sos(await self.source(user_id))

    async def cmd_country(self, user_id: int, args: str) -> Reply:
        if not args:
            return self.texts.reply("country_ask", codes=", ".join(self.brain.directory.codes()))
        reply = self.brain.choose_country(args.split()[0])
        if reply is None:
            return unknown_country_reply(args.split()[0], self.brain.directory)
        await self.store.set_country(user_id, normalize_code(args.split()[0]))
        return reply

    async def cmd_mydata(self, user_id: int, args: str) -> Reply:
        """Every stored field about the person, in every table, in words."""
        t = self.texts
        row = await self.store.get_person(user_id)
        if row is None:
            return t.reply("mydata_nothing")
        lines = [t("mydata_head", user_id=row.user_id)]
        lines += [t("mydata_line", label=t(f"label_{name}"), value=html.escape(self.shown(name, getattr(row, name))))
                  for name in MYDATA_FIELDS]
        answers = await self.store.answers_for(user_id)
        lines.append(t("mydata_answers", answers=", ".join(f"{d} {a}" for d, a in answers) or t("mydata_none")))
        groups = await self.store.responder_entries(user_id)
        lines.append(t("mydata_responder_groups", count=len(groups), ids=", ".join(str(g.chat_id) for g in groups))
                     if groups else t("mydata_responder", count=0))
        lines.append(t("mydata_alerts", count=len(await self.store.alerts_about(user_id))))
        lines.append(t("mydata_foot"))
        return Reply(texts=("\n".join(lines),))

    def shown(self, name: str, value) -> str:
        """A stored value as a person reads it."""
        if value is None:
            return self.texts("mydata_none")
        if name == "checkin_next_utc":
            return datetime.fromtimestamp(value, timezone.utc).strftime("%Y-%m-%d %H:%M")
        if name == "active":
            return self.texts("mydata_yes" if value else "mydata_inactive")
        return str(value)

    async def cmd_deletemydata(self, user_id: int, args: str) -> Reply:
        t = self.texts
        return Reply(texts=(t("delete_confirm"),),
                     buttons=((t.button("delete_yes", callback=f"del:yes:{user_id}"),
                               t.button("delete_no", callback=f"del:no:{user_id}")),))

    async def cmd_stats(self, user_id: int, args: str) -> Reply:
        day = day_key(self.clock())
        opted = await self.store.count_opted_in()
        sent = (await self.store.counts("checkin_sent", day)).get("all", 0)
        answers = await self.store.counts("answer")
        crises = await self.store.counts("crisis")
        return self.texts.reply("stats", opted=opted, sent=sent, answers=html.escape(self.counts_text(answers)),
                                crises=html.escape(self.counts_text(crises)))

    def counts_text(self, counts: dict[str, int]) -> str:
        """`key n, key n` in key order, for /stats."""
        return ", ".join(f"{key} {n}" for key, n in sorted(counts.items())) or self.texts("counts_none")

    async def cmd_checkin(self, user_id: int, args: str) -> Reply:
        return await self.checkins.command_checkin(user_id, args)

    async def cmd_timezone(self, user_id: int, args: str) -> Reply:
        return await self.checkins.command_timezone(user_id, args)

    async def cmd_sober(self, user_id: int, args: str) -> Reply:
        return await self.checkins.command_sober(user_id, args)

    # --- buttons ------------------------------------------------------------------------------------------------

    async def on_callback(self, user_id: int, data: str, *, private: bool) -> Reply | None:
        """A button press. Forged, stale or someone else's data gets None (the adapter answers politely)."""
        if data.startswith(("topic:", "more:")):  # a topic from /topics or a related button; "Tell me more"
            return self.brain.topic(data)
        if not private:
            return None
        if data.startswith("del:"):
            return await self._confirm_delete(user_id, data)
        if data.startswith(CHECK_CALLBACK):
            return await self._check_answered(user_id, data)
        return await self.checkins.on_callback(user_id, data)

    async def _check_answered(self, user_id: int, data: str) -> Reply | None:
        """The answer to "are you thinking about ending your life?": yes or not sure gets the whole handoff at
        once (recorded and counted like any handoff); no gets thanks, and the conversation carries on."""
        answer = parse_check_answer(data)
        if answer is None:
            return None
        source = await self.source(user_id)
        if answer == "no":
            return self.brain.check_declined(source)
        reply = self.brain.crisis(Crisis("suicide", CRISIS), replace(source, recent_crisis=None))
        return (await self.effects.apply(reply, source)).reply

    async def _confirm_delete(self, user_id: int, data: str) -> Reply | None:
        parts = data.split(":")
        if len(parts) != 3 or parts[1] not in ("yes", "no") or parts[2] != str(user_id):
            return None
        if parts[1] == "no":
            return self.texts.reply("delete_kept")
        await self.store.delete_person(user_id)
        self.effects.forget(user_id)
        self.checkins.forget(user_id)
        self.topic_memory.forget(user_id)
        return self.texts.reply("delete_done")
