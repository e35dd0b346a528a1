"""The one place a Reply's side effects are carried out: crisis remembered and counted, responders paged.

Once per message: Telegram sends an edit with the same (chat id, message id), and an edit must never repeat a
public crisis reply or page the responders again, unless the new words are more urgent (Crisis.urgency).
Everything here is kept in process memory, never on disk, and holds no text.
"""
from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.reply import SILENCE, Reply
from bot.respond import Source
from bot.safety.crisis import Crisis
from bot.safety.memory import CrisisMemory
from bot.store import Store

log = logging.getLogger(__name__)
HANDLED_KEPT = 10_000  # messages remembered; an edit arrives within minutes, so the oldest can go


def day_key(now: datetime) -> str:
    return now.date().isoformat()


class HandledMessages:
    """The most urgent crisis already acted on for each recent (chat id, message id)."""

    def __init__(self, kept: int = HANDLED_KEPT):
        self.kept = kept
        self._urgency: OrderedDict[tuple[int, int], int] = OrderedDict()

    def first_time(self, chat_id: int | None, message_id: int | None, crisis: Crisis) -> bool:
        """True (and remembered) when this message has not been acted on at this urgency or higher."""
        if chat_id is None or message_id is None:
            return True  # console and ask have no message ids: every line is its own message
        key = (chat_id, message_id)
        seen = self._urgency.get(key)
        if seen is not None and crisis.urgency <= seen:
            return False
        self._urgency[key] = crisis.urgency
        self._urgency.move_to_end(key)
        while len(self._urgency) > self.kept:
            self._urgency.popitem(last=False)
        return True


@dataclass(frozen=True)
class Outcome:
    """What the adapter sends: the reply in the chat, and whether to page responders (after the reply)."""

    reply: Reply
    page: Crisis | None = None


def memory_key(source: Source) -> object:
    """Whose crisis a repeat is compared with: the person in private; the author within a group."""
    if not source.in_group:
        return source.chat_id
    return (source.chat_id, source.author.id if source.author else None)


class CrisisEffects:
    """Carries out `Reply.effects`; the only code that records, counts or decides to page."""

    def __init__(self, store: Store, clock: Callable[[], datetime]):
        self.store = store
        self.clock = clock
        self.memory = CrisisMemory()
        self.handled = HandledMessages()
        self._background: set[asyncio.Task] = set()

    def recent(self, source: Source) -> Crisis | None:
        return self.memory.recent(memory_key(source))

    def forget(self, user_id: int) -> None:
        self.memory.forget(user_id)

    async def apply(self, reply: Reply, source: Source) -> Outcome:
        """Do what the reply's effects say, once per message; an already-handled crisis becomes silence."""
        effects = reply.effects
        if effects.answer_count is not None:
            await self.store.bump("answer", effects.answer_count, day_key(self.clock()))
        crisis = effects.crisis
        if crisis is None:
            return Outcome(reply)
        if not self.handled.first_time(source.chat_id, source.message_id, crisis):
            return Outcome(SILENCE)
        self.memory.remember(memory_key(source), crisis)
        self._count_in_background(effects.crisis_count)
        return Outcome(reply, page=crisis if effects.page_responders else None)

    def _count_in_background(self, key: str | None) -> None:
        """A slow or busy database must never hold back a crisis reply, so the count is written aside."""
        if key is None:
            return
        task = asyncio.create_task(self._count(key))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _count(self, key: str) -> None:
        try:
            await self.store.bump("crisis", key, day_key(self.clock()))
        except Exception:  # a counter must never cost anything else
            log.exception("crisis counter not recorded")
