"""What the handlers share, built once at start-up and kept in `application.bot_data`."""
from __future__ import annotations

from dataclasses import dataclass

from telegram.ext import ContextTypes

from bot.checkin_jobs import RecentlySent
from bot.config import Settings
from bot.group_settings import GroupSettings
from bot.respond import Brain
from bot.service import Conversations
from bot.store import Store
from bot.telegram.sender import BroadcastLane, Sender


@dataclass
class Runtime:
    settings: Settings
    brain: Brain
    store: Store
    sender: Sender
    lane: BroadcastLane
    conversations: Conversations
    group_settings: GroupSettings
    recently_sent: RecentlySent
    bot_username: str | None = None
    bot_id: int | None = None


def runtime(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    return context.application.bot_data["runtime"]
