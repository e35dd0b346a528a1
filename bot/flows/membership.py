"""Whether the bot can reach a chat: blocked and unblocked in private, added to and removed from groups,
a group's move to a supergroup id, and chats Telegram says are gone. Telegram-free; the adapter reports."""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

from bot.checkins.schedule import next_due
from bot.store import GroupRow, Store

log = logging.getLogger(__name__)


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Membership:
    def __init__(self, store: Store, clock: Callable[[], datetime] = _utc_now):
        self.store = store
        self.clock = clock

    async def person_reachable(self, user_id: int, reachable: bool) -> None:
        """A person blocked the bot (nothing more is sent to them) or started it again."""
        if reachable:
            await self.store.reactivate_person(user_id)
        else:
            await self.store.mark_person_inactive(user_id, "blocked")

    async def joined(self, chat_id: int, chat_type: str) -> None:
        await self.store.upsert_group(chat_id, chat_type)

    async def left(self, chat_id: int) -> None:
        """Removed from a group or channel: its posts stop."""
        await self.store.deactivate_group(chat_id)

    async def migrated(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: everything it set moves to the new id."""
        await self.store.migrate_group(old_id, new_id)

    async def no_rights(self, chat_id: int, reason: str) -> None:
        """Telegram refuses to let the bot write in a group (not enough rights): mark it, and move a daily post
        that is due to its next day, so a lasting refusal is tried once a day, not every tick. The first refusal
        is logged; private chats have no such state (each message is simply given up)."""
        if chat_id > 0:
            return
        row = await self.store.get_group(chat_id)
        if row is None:
            return
        await self.store.refuse_group(chat_id, reason, self._after_today(row))
        if row.refused is None:
            log.warning("a group refuses the bot's messages (%s): its daily post waits for the next day", reason)

    def _after_today(self, row: GroupRow) -> int | None:
        """The group's next daily post strictly after now (and after the one that is due), or None if it has none."""
        if row.checkin_next_utc is None or row.checkin_time is None:
            return None
        now = self.clock()
        due = datetime.fromtimestamp(row.checkin_next_utc, timezone.utc)
        following = next_due(time.fromisoformat(row.checkin_time), ZoneInfo(row.timezone or "UTC"), max(now, due))
        return int(following.timestamp())

    async def gone(self, chat_id: int, reason: str) -> None:
        """Telegram says a chat can't be reached (blocked, not found): stop writing to it, and say why."""
        if chat_id > 0:
            await self.store.mark_person_inactive(chat_id, reason)
        else:
            await self.store.deactivate_group(chat_id)
