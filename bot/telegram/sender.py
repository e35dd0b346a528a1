"""All sending goes through here: priorities, retries, pacing, and what Telegram's errors mean for a chat.

Three kinds of message, most important first:
- CRISIS: retried on timeouts, network errors, 5xx and 429 (honouring retry_after) for up to two minutes; only a
  lasting refusal (see FAULTS) ends it. Nothing queued goes out while one is in flight.
- REPLY: an answer to something a person just wrote; a few quick retries.
- BROADCAST: check-ins, through `BroadcastLane`, paced under Telegram's bulk limits and always behind the others.

python-telegram-bot's AIORateLimiter is not used: it throttles every call alike, so a crisis reply could wait
behind a check-in broadcast. Here the broadcast lane yields to anything more urgent.

What each of Telegram's errors means is decided in one table, `FAULTS`; `classify` reads it and `Sender._deliver`
acts on the fault. In a forum supergroup every message of a reply (each split part, the poll) goes to the topic
it answers (`thread_id`).
"""
from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections.abc import Awaitable, Callable
from typing import NoReturn
from dataclasses import dataclass, field
from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, ReplyParameters
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.reply import Reply, to_plain

log = logging.getLogger(__name__)


class Priority(enum.IntEnum):
    CRISIS = 0
    REPLY = 1
    BROADCAST = 2


@dataclass(frozen=True)
class RetryPolicy:
    """How long and how often to keep trying one message."""

    deadline: float  # seconds from the first attempt
    max_attempts: int
    first_backoff: float = 0.5
    max_backoff: float = 8.0


POLICIES = {
    Priority.CRISIS: RetryPolicy(deadline=120.0, max_attempts=10_000),
    Priority.REPLY: RetryPolicy(deadline=30.0, max_attempts=4),
    Priority.BROADCAST: RetryPolicy(deadline=60.0, max_attempts=3),
}


class Undeliverable(Exception):
    """The chat cannot receive messages now (gone, or no right to write): retrying would never help."""

    def __init__(self, chat_id: int, reason: str, fault: "Fault | None" = None):
        super().__init__(reason)
        self.chat_id = chat_id
        self.reason = reason
        self.fault = fault if fault is not None else Fault.CHAT_GONE


def retry_after_seconds(exc: RetryAfter) -> float:
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def markup_for(reply: Reply) -> InlineKeyboardMarkup | None:
    """Reply buttons as Telegram's inline keyboard (URL buttons or callback buttons)."""
    if not reply.buttons:
        return None
    rows = [
        [InlineKeyboardButton(b.text, url=b.url) if b.url else InlineKeyboardButton(b.text, callback_data=b.callback)
         for b in row]
        for row in reply.buttons
    ]
    return InlineKeyboardMarkup(rows)


def split_long(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Telegram refuses texts over 4096 characters: cut at paragraph breaks (or hard, as a last resort)."""
    chunks: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n\n", 0, limit)
        if cut <= 0:
            cut = limit
        chunks.append(text[:cut])
        text = text[cut:].lstrip("\n")
    chunks.append(text)
    return chunks


class Fault(enum.Enum):
    """What a failed call means, and so what happens next (see FAULTS for which errors are which)."""

    RETRY_LATER = "retry later"  # timeouts, connection errors, 5xx: the same call again after a back-off
    RETRY_AFTER = "retry after"  # 429: wait retry_after seconds (the broadcast lane pauses as a whole)
    MIGRATE = "migrate"  # the group became a supergroup: move its state, send there
    CHAT_GONE = "chat gone"  # blocked, kicked, chat not found: stop writing to it (person inactive, group off)
    NO_RIGHTS = "no rights"  # in the chat but may not write there: a group's daily post backs off to the next day
    TOPIC_GONE = "topic gone"  # the forum topic was deleted: the message goes to the chat's General topic
    BAD_REQUEST = "bad request"  # our mistake in this one message: HTML is resent as plain text, else dropped


@dataclass(frozen=True)
class FaultRule:
    fault: Fault
    errors: tuple[type[TelegramError], ...]
    phrases: tuple[str, ...] = ()  # any of these in Telegram's description (lower case); none: every such error


# First match wins: the specific phrases before the general types (BadRequest is a NetworkError in PTB).
FAULTS: tuple[FaultRule, ...] = (
    FaultRule(Fault.MIGRATE, (ChatMigrated,)),
    FaultRule(Fault.RETRY_AFTER, (RetryAfter,)),
    FaultRule(Fault.NO_RIGHTS, (BadRequest, Forbidden), (
        "not enough rights", "have no rights", "chat_write_forbidden", "chat_send_plain_forbidden",
        "chat_restricted", "need administrator rights", "topic_closed")),
    FaultRule(Fault.TOPIC_GONE, (BadRequest,), ("message thread not found", "topic_deleted")),
    FaultRule(Fault.CHAT_GONE, (Forbidden,)),  # blocked, kicked, deactivated, not a member
    FaultRule(Fault.CHAT_GONE, (BadRequest,), (
        "chat not found", "deactivated", "peer_id_invalid")),  # a deleted group, a deleted account
    FaultRule(Fault.BAD_REQUEST, (BadRequest,)),
    FaultRule(Fault.RETRY_LATER, (NetworkError,)),
)
LASTING = (Fault.CHAT_GONE, Fault.NO_RIGHTS)  # retrying the same chat would never help


def classify(exc: TelegramError) -> Fault:
    """The fault a Telegram error stands for, from FAULTS; anything unknown is treated as our bad request."""
    description = (getattr(exc, "message", "") or "").lower()
    for rule in FAULTS:
        if isinstance(exc, rule.errors) and (not rule.phrases or any(p in description for p in rule.phrases)):
            return rule.fault
    return Fault.BAD_REQUEST


def gone_reason(exc: TelegramError) -> str | None:
    """Why a chat can no longer be reached, or None when the error is about this message only."""
    if classify(exc) != Fault.CHAT_GONE:
        return None
    return "blocked" if "blocked" in exc.message.lower() else (
        "forbidden" if isinstance(exc, Forbidden) else "chat not found")


async def optional(call: Awaitable, what: str) -> bool:
    """A call whose failure must never cancel the message that matters (answering a button press, a chat action,
    removing a keyboard): a failure is logged by type only, and the caller carries on."""
    try:
        await call
        return True
    except TelegramError as exc:
        log.info("optional %s failed: %s", what, type(exc).__name__)
        return False


ChatCallback = Callable[[int, str], Awaitable[None]]
MigrateCallback = Callable[[int, int], Awaitable[None]]


async def _noop_gone(chat_id: int, reason: str) -> None:
    return None


async def _noop_migrate(old: int, new: int) -> None:
    return None


class Sender:
    """Sends Replies with the retry policy of their priority; the one place that interprets Telegram's errors."""

    def __init__(self, bot, *, on_gone: ChatCallback = _noop_gone, on_migrate: MigrateCallback = _noop_migrate,
                 on_no_rights: ChatCallback = _noop_gone, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep):
        self.bot = bot
        self.on_gone = on_gone
        self.on_no_rights = on_no_rights
        self.on_migrate = on_migrate
        self._sleep = sleep
        self._urgent_in_flight = 0
        self._urgent_done = asyncio.Event()
        self._urgent_done.set()

    async def wait_for_urgent(self) -> None:
        """Block until no crisis or reply is being sent: the broadcast lane calls this before each message."""
        await self._urgent_done.wait()

    async def send(self, chat_id: int, reply: Reply, priority: Priority = Priority.REPLY, *,
                   reply_to: int | None = None, thread_id: int | None = None) -> list[Message]:
        """Send every text of a reply in order (buttons under the last), all of it in forum topic `thread_id`
        when given. Raises Undeliverable or TelegramError."""
        urgent = priority < Priority.BROADCAST
        if urgent:
            self._urgent_in_flight += 1
            self._urgent_done.clear()
        try:
            return await self._send_texts(chat_id, reply, priority, reply_to, thread_id)
        finally:
            if urgent:
                self._urgent_in_flight -= 1
                if self._urgent_in_flight == 0:
                    self._urgent_done.set()

    async def _send_texts(self, chat_id: int, reply: Reply, priority: Priority, reply_to: int | None,
                          thread_id: int | None):
        sent: list[Message] = []
        texts = [chunk for text in reply.texts for chunk in split_long(text)]
        for i, text in enumerate(texts):
            markup = markup_for(reply) if i == len(texts) - 1 else None
            message = await self._deliver(chat_id, priority, reply_to if i == 0 else None, thread_id,
                                          self._text_call(text, markup))
            if message.chat_id != chat_id:  # a migration moves the rest of the reply too (a new chat: no topic)
                chat_id, thread_id = message.chat_id, None
            sent.append(message)
        if reply.poll is not None:
            question, options = reply.poll
            sent.append(await self._deliver(chat_id, priority, None, thread_id, self._poll_call(question, options)))
        return sent

    def _text_call(self, text: str, markup):
        def call(chat_id: int, reply_to: int | None, plain: bool, thread_id: int | None):
            return self.bot.send_message(
                chat_id=chat_id,
                text=to_plain(text) if plain else text,
                parse_mode=None if plain else ParseMode.HTML,
                reply_markup=markup,
                reply_parameters=ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None,
                **topic(thread_id),
            )
        return call

    def _poll_call(self, question: str, options: tuple[str, ...]):
        def call(chat_id: int, reply_to: int | None, plain: bool, thread_id: int | None):
            return self.bot.send_poll(chat_id=chat_id, question=question, options=list(options), is_anonymous=True,
                                      **topic(thread_id))
        return call

    async def _deliver(self, chat_id: int, priority: Priority, reply_to: int | None, thread_id: int | None,
                       call) -> Message:
        """One API call, tried until its policy gives up. `call(chat_id, reply_to, plain, thread_id)` makes the
        request."""
        policy = POLICIES[priority]
        started = time.monotonic()
        backoff = policy.first_backoff
        plain = False
        attempt = 0
        while True:
            attempt += 1
            try:
                return await call(chat_id, reply_to, plain, thread_id)
            except TelegramError as exc:
                fault = classify(exc)
                if fault == Fault.MIGRATE:
                    log.info("chat migrated to a supergroup; re-sending there")
                    await self.on_migrate(chat_id, exc.new_chat_id)
                    chat_id, reply_to, thread_id = exc.new_chat_id, None, None
                    continue
                if fault == Fault.TOPIC_GONE and thread_id is not None:
                    log.info("forum topic gone; sending to the chat's General topic")
                    thread_id = None
                    continue
                if fault == Fault.RETRY_AFTER:
                    if priority == Priority.BROADCAST:
                        raise  # the lane pauses as a whole
                    wait = retry_after_seconds(exc)
                elif fault in LASTING:
                    await self._refused(chat_id, priority, fault, exc)
                elif fault == Fault.RETRY_LATER:  # timeouts, connection errors and 5xx
                    wait = backoff
                    backoff = min(backoff * 2, policy.max_backoff)
                    log.info("send failed (%s), retrying in %.1fs", type(exc).__name__, wait)
                else:  # BAD_REQUEST (or a topic error with no topic): our mistake in this one message
                    if not plain and "parse" in exc.message.lower():
                        log.error("Telegram could not parse a message's HTML; sending it as plain text")
                        plain = True
                        continue
                    log.warning("%s message refused by Telegram: %s", priority.name.lower(), type(exc).__name__)
                    raise
            elapsed = time.monotonic() - started
            if attempt >= policy.max_attempts or elapsed + wait > policy.deadline:
                log.error("%s message given up after %d attempts", priority.name.lower(), attempt)
                raise NetworkError("gave up retrying")
            await self._sleep(wait)

    async def _refused(self, chat_id: int, priority: Priority, fault: Fault, exc: TelegramError) -> NoReturn:
        """A lasting refusal: the chat's state changes (see Fault) and this message is given up."""
        reason = gone_reason(exc) if fault == Fault.CHAT_GONE else "no rights"
        log.warning("chat refuses messages (%s); %s message dropped", reason, priority.name.lower())
        await (self.on_gone if fault == Fault.CHAT_GONE else self.on_no_rights)(chat_id, reason)
        raise Undeliverable(chat_id, reason, fault) from exc


def topic(thread_id: int | None) -> dict:
    """The keyword that puts a message in a forum topic, or nothing outside topics."""
    return {"message_thread_id": thread_id} if thread_id is not None else {}


@dataclass(order=True)
class _Job:
    due: float
    seq: int
    chat_id: int = field(compare=False)
    reply: Reply = field(compare=False)
    on_done: Callable[[bool], Awaitable[None]] = field(compare=False)
    thread_id: int | None = field(default=None, compare=False)


class BroadcastLane:
    """Check-ins go out here: about `rate` messages a second overall, 20 a minute per group, behind every reply.

    Each item's `on_done(sent)` runs after its send: True when delivered, False when it never will be. A 429
    pauses the whole lane for retry_after. Several sends are in flight at once (up to `parallel`), because one
    round trip to Telegram takes longer than the gap between two messages at the target rate.
    """

    GROUP_GAP = 3.0  # seconds between two posts to the same group: 20 a minute
    MAX_PAUSES = 5  # 429s for one message before it is left to the next tick

    def __init__(self, sender: Sender, *, rate: float = 28.0, parallel: int = 8):
        self.sender = sender
        self.interval = 1.0 / rate
        self._queue: asyncio.Queue[_Job] = asyncio.Queue()
        self._slots = asyncio.Semaphore(parallel)
        self._paused_until = 0.0
        self._group_next: dict[int, float] = {}
        self._seq = 0
        self._task: asyncio.Task | None = None
        self._in_flight: set[asyncio.Task] = set()
        self.queued_chats: set[int] = set()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="broadcast-lane")

    async def stop(self) -> None:
        """Stop taking new items; let messages already on the wire finish."""
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)

    def submit(self, chat_id: int, reply: Reply, on_done: Callable[[bool], Awaitable[None]], *,
               thread_id: int | None = None) -> bool:
        """Queue one message (to forum topic `thread_id` if given); False if that chat already has one waiting (so
        a slow tick never doubles it)."""
        if chat_id in self.queued_chats:
            return False
        self.queued_chats.add(chat_id)
        self._seq += 1
        self._queue.put_nowait(_Job(0.0, self._seq, chat_id, reply, on_done, thread_id))
        return True

    async def _run(self) -> None:
        next_slot = time.monotonic()
        while True:
            job = await self._queue.get()
            await self._wait_for_group(job.chat_id)
            now = time.monotonic()
            next_slot = max(next_slot + self.interval, now, self._paused_until)
            await asyncio.sleep(max(0.0, next_slot - now))
            await self.sender.wait_for_urgent()
            await self._slots.acquire()
            task = asyncio.create_task(self._send(job))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

    async def _wait_for_group(self, chat_id: int) -> None:
        if chat_id >= 0:
            return
        now = time.monotonic()
        ready = self._group_next.get(chat_id, now)
        if ready > now:
            await asyncio.sleep(ready - now)
        self._group_next[chat_id] = max(ready, now) + self.GROUP_GAP

    async def _send(self, job: _Job) -> None:
        sent = False
        try:
            for attempt in range(self.MAX_PAUSES + 1):
                try:
                    await self.sender.send(job.chat_id, job.reply, Priority.BROADCAST, thread_id=job.thread_id)
                    sent = True
                    break
                except RetryAfter as exc:  # pause everyone, then try this one again (the next tick retries later)
                    if attempt == self.MAX_PAUSES:
                        raise
                    self._paused_until = time.monotonic() + retry_after_seconds(exc)
                    await asyncio.sleep(retry_after_seconds(exc))
        except Undeliverable:
            pass
        except TelegramError as exc:
            log.warning("check-in not delivered: %s", type(exc).__name__)
        finally:
            self._slots.release()
            try:
                await job.on_done(sent)
            except Exception:  # a bookkeeping error must not stop the lane
                log.exception("broadcast bookkeeping failed")
            finally:
                # Only after on_done has recorded the send: until then the chat's row still looks due, and a tick
                # in between would queue it a second time.
                self.queued_chats.discard(job.chat_id)


class RecentlySent:
    """Chats whose check-in was recorded as sent during this tick or the one before.

    A tick's due query can read a row just before that row's send is recorded; without this, the stale row
    would be queued again once the chat leaves the lane. Two generations cover any overlap of one tick.
    """

    def __init__(self, queued: set[int]):
        self.queued = queued
        self.current: set[int] = set()
        self.previous: set[int] = set()

    def add(self, chat_id: int) -> None:
        self.current.add(chat_id)

    def rotate(self) -> None:
        self.previous, self.current = self.current, set()

    def __contains__(self, chat_id: int) -> bool:
        return chat_id in self.queued or chat_id in self.current or chat_id in self.previous
