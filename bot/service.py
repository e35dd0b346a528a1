"""Private-chat behaviour: the brain's decisions plus what is remembered about a person (through the store).

Telegram-free, so `console` drives exactly the code a private chat runs. The Telegram adapter only translates
updates into these calls and Replies into messages.
"""
from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timezone

from bot.checkin_flow import CheckinFlow
from bot.knowledge.understand import TopicMemory
from bot.reply import Button, Reply
from bot.respond import Brain, Person
from bot.safety.helplines import normalize_code
from bot.safety.crisis import CRISIS, Crisis
from bot.safety.memory import CrisisMemory
from bot.safety.replies import CHECK_CALLBACK, parse_check_answer, unknown_country_reply
from bot.store import Store

log = logging.getLogger(__name__)

Handler = Callable[["Conversations", int, str], Awaitable[Reply]]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def today_key(now: datetime) -> str:
    return now.date().isoformat()


class Conversations:
    """Answers people in private chats: texts, commands and button presses."""

    def __init__(self, brain: Brain, store: Store, *, bot_username: str | None = None,
                 admin_user_ids: frozenset[int] = frozenset(), clock: Callable[[], datetime] = utc_now):
        self.brain = brain
        self.store = store
        self.bot_username = bot_username
        self.admin_user_ids = admin_user_ids
        self.clock = clock
        self.crisis_memory = CrisisMemory()
        self.topic_memory = TopicMemory()  # the last topic per person, minutes only, never the text
        self._background: set[asyncio.Task] = set()
        self.checkins = CheckinFlow(self)

    # --- free text --------------------------------------------------------------------------------------------

    async def person(self, user_id: int) -> Person:
        """The private-chat person as the brain sees them: their country and any crisis of the last minutes."""
        row = await self.store.get_person(user_id)
        return Person(
            user_id=user_id,
            country=row.country if row else None,
            recent_crisis=self.crisis_memory.recent(user_id),
            bot_username=self.bot_username,
        )

    async def crisis_reply(self, user_id: int, text: str) -> Reply | None:
        """The crisis handoff if `text` needs one (recorded and counted), the ask-directly question for an indirect
        sign, else None. Always checked first."""
        assessment = self.brain.assess(text)
        if assessment.crisis is None:
            if assessment.check:
                person = await self.person(user_id)
                return self.brain.ask_directly(self.brain.reply_language(person, assessment.language))
            return None
        reply = self.brain.crisis(assessment.crisis, await self.person(user_id), language=assessment.language)
        await self.record_crisis(user_id, assessment.crisis, "private")
        return reply

    async def on_text(self, user_id: int, text: str) -> Reply:
        """One private message: the crisis check, then any pending guided step, then the decision path."""
        crisis = await self.crisis_reply(user_id, text)
        if crisis is not None:
            return crisis
        pending = await self.checkins.on_text(user_id, text)
        if pending is not None:
            return pending
        person = await self.person(user_id)
        reply = self.brain.answer(text, previous_topic=self.topic_memory.recent(user_id),
                                  country=self.brain.country_code(person))
        if reply.answer is not None:
            self.topic_memory.remember(user_id, reply.answer.id)
            await self.store.bump("answer", reply.answer.id, today_key(self.clock()))
        return reply

    async def record_crisis(self, memory_key: object, crisis, chat_type: str) -> None:
        """Remember the handoff (in memory only) and count it, with no text and no user id.

        The count is written in the background: a slow or busy database must never hold back a crisis reply.
        """
        self.crisis_memory.remember(memory_key, crisis)
        task = asyncio.create_task(self._count_crisis(f"{crisis.category}/{chat_type}"))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _count_crisis(self, key: str) -> None:
        try:
            await self.store.bump("crisis", key, today_key(self.clock()))
        except Exception:  # a counter must never cost anything else
            log.exception("crisis counter not recorded")

    # --- commands -----------------------------------------------------------------------------------------------

    async def on_command(self, user_id: int, command: str, args: str) -> Reply:
        """A /command in a private chat (name without the slash, lower-case; args the rest of the line).

        The arguments are text a person wrote, so the crisis check runs on them first ("/start i want to die").
        """
        crisis = await self.crisis_reply(user_id, args)
        if crisis is not None:
            return crisis
        handler = COMMANDS.get(command)
        if handler is None:
            return self.brain.message("unknown_command")
        return await handler(self, user_id, args.strip())

    async def cmd_start(self, user_id: int, args: str) -> Reply:
        await self.store.ensure_person(user_id)
        await self.store.reactivate_person(user_id)
        if args.lower() == "sos":  # the deep link from a group's crisis reply
            return await self.cmd_sos(user_id, "")
        return self.brain.message("start")

    async def cmd_help(self, user_id: int, args: str) -> Reply:
        return self.brain.message("help")

    async def cmd_privacy(self, user_id: int, args: str) -> Reply:
        return self.brain.message("privacy")

    async def cmd_topics(self, user_id: int, args: str) -> Reply:
        return self.brain.topics_menu()

    async def cmd_sos(self, user_id: int, args: str) -> Reply:
        return self.brain.sos(await self.person(user_id))

    async def cmd_country(self, user_id: int, args: str) -> Reply:
        if not args:
            return Reply(texts=("Tell me your country's two-letter code, for example <code>/country GB</code>, "
                                "<code>/country US</code> or <code>/country IN</code>. Countries I know: "
                                f"{', '.join(self.brain.directory.codes())}.",))
        reply = self.brain.choose_country(args.split()[0])
        if reply is None:
            return unknown_country_reply(args.split()[0], self.brain.directory)
        await self.store.set_country(user_id, normalize_code(args.split()[0]))
        return reply

    async def cmd_mydata(self, user_id: int, args: str) -> Reply:
        """Every stored field about the person, in every table, in words."""
        row = await self.store.get_person(user_id)
        if row is None:
            return Reply(texts=("I store nothing about you. (/start would store only that you started me.)",))
        lines = [f"<b>Everything I store about you</b> (Telegram user id {row.user_id}):"]
        for name, value in vars(row).items():
            if name in MYDATA_LABELS:
                lines.append(f"• {MYDATA_LABELS[name]}: {html.escape(shown(name, value))}")
        answers = await self.store.answers_for(user_id)
        lines.append(f"• check-in answers: {', '.join(f'{d} {a}' for d, a in answers) if answers else '-'}")
        groups = await self.store.responder_entries(user_id)
        lines.append(f"• peer responder in {len(groups)} group(s)" + (f" (group ids {', '.join(str(g.chat_id) for g in groups)})"
                                                                     if groups else ""))
        alerts = await self.store.alerts_about(user_id)
        lines.append(f"• responder alerts naming you (kept for a day): {len(alerts)}")
        lines.append("\nThe texts of your messages are never stored. /deletemydata removes all of this.")
        return Reply(texts=("\n".join(lines),))

    async def cmd_deletemydata(self, user_id: int, args: str) -> Reply:
        return Reply(
            texts=("This deletes everything I store about you: settings, check-in time, sober date and answers. "
                   "It cannot be undone. Are you sure?",),
            buttons=((Button("Yes, delete everything", callback=f"del:yes:{user_id}"),
                      Button("No, keep it", callback=f"del:no:{user_id}")),),
        )

    async def cmd_stats(self, user_id: int, args: str) -> Reply:
        if user_id not in self.admin_user_ids:
            return self.brain.message("unknown_command")
        day = today_key(self.clock())
        opted = await self.store.count_opted_in()
        sent = (await self.store.counts("checkin_sent", day)).get("all", 0)
        answers = await self.store.counts("answer")
        crises = await self.store.counts("crisis")
        return Reply(texts=(f"<b>Counts</b> (no names, no texts)\n• opted in to check-ins: {opted}\n"
                            f"• check-ins sent today: {sent}\n• answers by topic: {html.escape(counts_text(answers))}\n"
                            f"• crisis events by category/chat: {html.escape(counts_text(crises))}",))

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
        once; no gets thanks, and the conversation carries on."""
        answer = parse_check_answer(data)
        if answer is None:
            return None
        person = await self.person(user_id)
        if answer == "no":
            return self.brain.check_declined(person)
        crisis = Crisis("suicide", CRISIS)
        reply = self.brain.crisis(crisis, replace(person, recent_crisis=None))
        await self.record_crisis(user_id, crisis, "private")
        return reply

    async def _confirm_delete(self, user_id: int, data: str) -> Reply | None:
        parts = data.split(":")
        if len(parts) != 3 or parts[1] not in ("yes", "no") or parts[2] != str(user_id):
            return None
        if parts[1] == "no":
            return Reply(texts=("Nothing was deleted.",))
        await self.store.delete_person(user_id)
        self.crisis_memory.forget(user_id)
        self.checkins.forget(user_id)
        return Reply(texts=("Done: everything I stored about you has been deleted. If you write to me again, "
                            "I start from nothing.",))


MYDATA_LABELS = {
    "country": "country for helplines", "timezone": "time zone", "checkin_time": "daily check-in time",
    "checkin_next_utc": "next check-in (UTC)", "checkin_last_day": "last check-in sent for",
    "prompt_index": "last check-in question used (number)", "sober_since": "sober since",
    "active": "reachable", "inactive_reason": "why not reachable", "created_at": "first used the bot",
}


def counts_text(counts: dict[str, int]) -> str:
    """`key n, key n` in key order, for /stats."""
    return ", ".join(f"{key} {n}" for key, n in sorted(counts.items())) or "none"


def shown(name: str, value) -> str:
    """A stored value as a person reads it."""
    if value is None:
        return "-"
    if name == "checkin_next_utc":
        return datetime.fromtimestamp(value, timezone.utc).strftime("%Y-%m-%d %H:%M")
    if name == "active":
        return "yes" if value else "no (Telegram said the chat is blocked or gone)"
    return str(value)


COMMANDS: dict[str, Handler] = {
    "start": Conversations.cmd_start,
    "help": Conversations.cmd_help,
    "privacy": Conversations.cmd_privacy,
    "topics": Conversations.cmd_topics,
    "sos": Conversations.cmd_sos,
    "crisis": Conversations.cmd_sos,
    "country": Conversations.cmd_country,
    "mydata": Conversations.cmd_mydata,
    "deletemydata": Conversations.cmd_deletemydata,
    "stats": Conversations.cmd_stats,
    "checkin": Conversations.cmd_checkin,
    "timezone": Conversations.cmd_timezone,
    "sober": Conversations.cmd_sober,
}
