"""What the handlers share, built once at start-up and kept in `application.bot_data`."""
from __future__ import annotations

from dataclasses import dataclass, field

from telegram.ext import ContextTypes

from bot.config import Settings
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
    bot_username: str | None = None
    bot_id: int | None = None
    extras: dict = field(default_factory=dict)


def runtime(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    return context.application.bot_data["runtime"]
