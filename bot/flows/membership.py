"""Whether the bot can reach a chat: blocked and unblocked in private, added to and removed from groups,
a group's move to a supergroup id, and chats Telegram says are gone. Telegram-free; the adapter reports."""
from __future__ import annotations

from bot.store import Store


class Membership:
    def __init__(self, store: Store):
        self.store = store

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

    async def gone(self, chat_id: int, reason: str) -> None:
        """Telegram says a chat can't be reached (blocked, not found): stop writing to it, and say why."""
        if chat_id > 0:
            await self.store.mark_person_inactive(chat_id, reason)
        else:
            await self.store.deactivate_group(chat_id)
