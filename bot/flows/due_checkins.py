"""Deciding which check-ins go out now, from the database: the schedule survives restarts because it lives there.

Telegram-free: `due_checkins` returns what to send and `mark_sent` records it. The adapter's check-in job sends them
through the broadcast lane (which keeps `RecentlySent`, its own bookkeeping). A check-in is marked sent only after Telegram accepted it, so a crash mid-send means at most
one duplicate for that person, never a miss; and a local day already marked is never sent again.
"""
from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from bot.checkins.milestones import sober_days
from bot.checkins.schedule import catch_up, local_day, next_due
from bot.checkins.texts import CheckinTexts, checkin_message, group_checkin_message, pick_prompt
from bot.reply import Reply
from bot.store import Store
from bot.texts import Texts

UTC = timezone.utc
BATCH = 2000  # rows claimed per tick at most; the lane is the real limit (about 28 a second)


@dataclass(frozen=True)
class DueCheckin:
    """One check-in to send: to whom, what, and how to record it once delivered."""

    chat_id: int
    is_group: bool
    expected_next: int
    new_next: int
    local_day: str
    prompt_index: int
    reply: Reply
    thread_id: int | None = None  # a group's forum topic for its post


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _plan(row, now: datetime) -> tuple[str, int, date | None]:
    """('send', next, day) for a row to send now; ('skip', next, None) for one to move on without sending."""
    zone = ZoneInfo(row.timezone or "UTC")
    at = time.fromisoformat(row.checkin_time)
    due = datetime.fromtimestamp(row.checkin_next_utc, UTC)
    following = _epoch(next_due(at, zone, max(due, now)))
    later = catch_up(due, now, at, zone)
    if later is not None:  # too late after downtime: tomorrow instead of a 3 a.m. surprise
        return "skip", _epoch(later), None
    day = local_day(due, zone)
    if row.checkin_last_day == day.isoformat():  # already sent for that local day (zone change, DST)
        return "skip", following, None
    return "send", following, day


async def due_checkins(store: Store, texts: CheckinTexts, words: Texts, now: datetime, busy: Container[int],
                       limit: int = BATCH) -> list[DueCheckin]:
    """Personal and group check-ins due at `now`, minus chats already queued (`busy`). Late ones are moved on."""
    found: list[DueCheckin] = []
    now_epoch = _epoch(now)
    for row in await store.due_people(now_epoch, limit):
        plan = await _plan_or_move_on(store.advance_person_checkin, row, row.user_id, now, busy)
        if plan is not None:
            following, day = plan
            index, prompt = pick_prompt(texts, day, row.prompt_index)
            days = sober_days(date.fromisoformat(row.sober_since), day) if row.sober_since else None
            found.append(DueCheckin(row.user_id, False, row.checkin_next_utc, following, day.isoformat(), index,
                                    checkin_message(texts, days, prompt, day)))
    for row in await store.due_groups(now_epoch, limit):
        plan = await _plan_or_move_on(store.advance_group_checkin, row, row.chat_id, now, busy)
        if plan is not None:
            following, day = plan
            index, reply = group_checkin_message(texts, day, row.prompt_index)
            if row.poll:
                options = tuple(words("group_poll_options").split(" / "))
                reply = Reply(texts=reply.texts, poll=(words("group_poll_question"), options))
            found.append(DueCheckin(row.chat_id, True, row.checkin_next_utc, following, day.isoformat(), index,
                                    reply, row.checkin_thread))
    return found


async def _plan_or_move_on(advance, row, chat_id: int, now: datetime, busy: Container[int]):
    """(next due, local day) for a row to send now; None when it is queued already or was moved on instead."""
    if chat_id in busy:
        return None
    action, following, day = _plan(row, now)
    if action == "skip":
        await advance(chat_id, row.checkin_next_utc, following, None, None)
        return None
    return following, day


class DueCheckins:
    """The check-in job's view of the store: what is due now, and recording what was delivered."""

    def __init__(self, store: Store, checkin_texts: CheckinTexts, texts: Texts):
        self.store = store
        self.checkin_texts = checkin_texts
        self.texts = texts

    async def due(self, now: datetime, busy: Container[int]) -> list[DueCheckin]:
        return await due_checkins(self.store, self.checkin_texts, self.texts, now, busy)

    async def sent(self, item: DueCheckin, now: datetime) -> None:
        await mark_sent(self.store, item, now)


async def mark_sent(store: Store, item: DueCheckin, now: datetime) -> None:
    """Record a delivered check-in: next due moment, its local day (never twice) and the prompt used."""
    advance = store.advance_group_checkin if item.is_group else store.advance_person_checkin
    if await advance(item.chat_id, item.expected_next, item.new_next, item.local_day, item.prompt_index):
        await store.bump("checkin_sent", "all", now.date().isoformat())
    if item.is_group:
        await store.clear_group_refused(item.chat_id)  # it could post: whatever refused it before is over
