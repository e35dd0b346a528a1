"""What the handlers share, built once at start-up and kept in `application.bot_data`."""
from __future__ import annotations

from dataclasses import dataclass

from telegram.ext import ContextTypes

from bot.config import Settings
from bot.flows import Flows
from bot.respond import Brain
from bot.store import Store
from bot.telegram.sender import BroadcastLane, RecentlySent, Sender


@dataclass
class Runtime:
    settings: Settings
    brain: Brain
    store: Store
    sender: Sender
    lane: BroadcastLane
    flows: Flows
    recently_sent: RecentlySent
    bot_username: str | None = None
    bot_id: int | None = None


def runtime(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    return context.application.bot_data["runtime"]
