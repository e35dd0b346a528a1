"""A short memory of crisis handoffs, so a person writing again within minutes gets a reminder, not a wall.

Kept in process memory on purpose: it is about a person's crisis, so it is never written to disk, and losing it
on a restart only means the full helpline block is shown once more, which is safe.
"""
from __future__ import annotations

import time
from collections.abc import Callable

from bot.safety.crisis import Crisis

REPEAT_WINDOW = 600.0  # seconds: "repeated crisis messages within 10 minutes"


class CrisisMemory:
    def __init__(self, window: float = REPEAT_WINDOW, clock: Callable[[], float] = time.monotonic):
        self.window = window
        self._clock = clock
        self._last: dict[object, tuple[Crisis, float]] = {}

    def recent(self, key: object) -> Crisis | None:
        """The most urgent crisis handed to `key` within the window, if any."""
        entry = self._last.get(key)
        if entry is None:
            return None
        crisis, at = entry
        if self._clock() - at > self.window:
            del self._last[key]
            return None
        return crisis

    def remember(self, key: object, crisis: Crisis) -> None:
        """Record a handoff; a less urgent one never replaces a more urgent one still in the window."""
        previous = self.recent(key)
        if previous is None or crisis.urgency >= previous.urgency:
            self._last[key] = (crisis, self._clock())
        else:
            self._last[key] = (previous, self._clock())
        self._forget_expired()

    def forget(self, key: object) -> None:
        self._last.pop(key, None)

    def _forget_expired(self) -> None:
        if len(self._last) < 10_000:
            return
        now = self._clock()
        for key in [k for k, (_, at) in self._last.items() if now - at > self.window]:
            del self._last[key]
