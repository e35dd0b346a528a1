"""When a daily check-in is due, in the person's own time zone.

Everything here is pure arithmetic on aware datetimes: the store keeps one UTC `due` moment per person, and these
functions move it forward. UTC in, UTC out, so nothing depends on the server's clock or zone.
"""
from __future__ import annotations

import logging
import re
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Mapping
from zoneinfo import ZoneInfo, available_timezones


log = logging.getLogger(__name__)

UTC = timezone.utc
CATCH_UP_GRACE = timedelta(hours=3)
_MAX_INPUT = 64  # longer "times" or "zones" are not typos but noise; refuse before any regex work

# 24-hour: "21:30", "9:05", "21.30", "21h30", "2130", "0930".
_H24 = re.compile(r"([01]?[0-9]|2[0-3])\s*[:.h]\s*([0-5][0-9])|([01][0-9]|2[0-3])([0-5][0-9])")
# 12-hour: "9pm", "9 pm", "9:30pm", "9.30 p.m.", "12am".
_H12 = re.compile(r"(1[0-2]|0?[1-9])(?:\s*[:.]\s*([0-5][0-9]))?\s*([ap])\.?\s*m\.?")


def parse_time(text: str) -> time | None:
    """A wall-clock time as people type it, or None.

    Accepts 24-hour "21:30", "9:05", "21.30", "21h30" and four digits "2130"; 12-hour "9pm", "9:30 pm", "12am"
    (midnight). A bare "9" is refused: morning or evening is the one thing we must not guess. Never raises.
    """
    if not isinstance(text, str) or len(text) > _MAX_INPUT:
        return None
    cleaned = text.strip().lower()
    match = _H24.fullmatch(cleaned)
    if match:
        hour, minute = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        return time(int(hour), int(minute))
    match = _H12.fullmatch(cleaned)
    if match:
        hour = int(match.group(1)) % 12 + (12 if match.group(3) == "p" else 0)
        return time(hour, int(match.group(2) or 0))
    return None


def parse_zone(text: str, aliases: Mapping[str, str]) -> ZoneInfo | None:
    """A time zone from an IANA name in any case ("europe/berlin") or a city/abbreviation people type ("New York").

    `aliases` maps lower-case names to IANA keys (the `city_aliases` of content/checkins.yaml). Aliases
    win over IANA names, so "EST" means New York's clock (with summer time), not the fixed-offset "EST" zone
    nobody actually lives in. Returns None for anything unknown; never raises.
    """
    if not isinstance(text, str) or len(text) > _MAX_INPUT:
        return None
    words = " ".join(text.replace("_", " ").split()).lower()
    if not words:
        return None
    key = aliases.get(words) or _iana_keys().get(words.replace(" ", "_"))
    return _zone(key) if key else None


def zone_name(zone: ZoneInfo) -> str:
    """The IANA key to store and show ("Europe/Berlin"), so a person can see exactly what was understood."""
    return str(zone.key)


def next_due(local_time: time, zone: ZoneInfo, after_utc: datetime) -> datetime:
    """The first moment strictly after `after_utc` when the clock in `zone` shows `local_time` (aware, UTC).

    Strictly after, so passing the moment just sent gives tomorrow's. On a spring-forward day a time inside the
    gap goes at the first valid minute after it (02:30 in New York on the skip day goes at 03:00 EDT), so the
    day's check-in is late rather than lost. On a fall-back day a repeated time goes once, at its first
    occurrence (fold=0); the second occurrence is never a candidate, so nobody is asked twice.
    """
    after = _require_aware(after_utc).astimezone(UTC)
    start = after.astimezone(zone).date()
    candidates = (_occurrence(start + timedelta(days=step), local_time, zone) for step in range(-1, 3))
    return min(moment for moment in candidates if moment > after)


def local_day(moment_utc: datetime, zone: ZoneInfo) -> date:
    """The person's calendar day at `moment_utc`: the key that keeps check-ins to one per local day."""
    return _require_aware(moment_utc).astimezone(zone).date()


def catch_up(
    due_utc: datetime,
    now_utc: datetime,
    local_time: time,
    zone: ZoneInfo,
    grace: timedelta = CATCH_UP_GRACE,
) -> datetime | None:
    """What to do with a check-in found due at `now_utc` (e.g. after the bot was down).

    None means "send it now": it is less than `grace` late, so it still reads as today's check-in. Otherwise it
    returns the next due moment after now: a "How are you today?" at 4 a.m. for yesterday evening helps nobody.
    A check-in that is not yet due keeps its moment (returned unchanged), so this never sends early.
    """
    due = _require_aware(due_utc)
    now = _require_aware(now_utc)
    if now < due:
        return due.astimezone(UTC)
    if now - due < grace:
        return None
    return next_due(local_time, zone, now)


def _occurrence(day: date, local_time: time, zone: ZoneInfo) -> datetime:
    """The UTC moment `zone` first shows `local_time` on `day`, or the end of the DST gap that skips it."""
    wall = datetime.combine(day, local_time.replace(microsecond=0, tzinfo=None, fold=0))
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == wall:
        return first
    return _gap_end(wall, zone)


def _gap_end(wall: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant a DST gap containing `wall` ends, rounded up to a whole minute.

    For a skipped wall time the two folds bracket the transition: fold=1 uses the new offset (the earlier UTC),
    fold=0 the old one (the later UTC). Bisect between them for the first instant showing the new offset.
    """
    low = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if high < low:
        low, high = high, low
    after_offset = high.astimezone(zone).utcoffset()
    second = timedelta(seconds=1)
    while high - low > second:
        middle = low + ((high - low) // second // 2) * second  # whole seconds: transitions never fall between
        if middle.astimezone(zone).utcoffset() == after_offset:
            high = middle
        else:
            low = middle
    return _ceil_minute(high)


def _ceil_minute(moment: datetime) -> datetime:
    """Round up to a whole minute: check-ins are scheduled in minutes, transitions sometimes fall on odd seconds."""
    floored = moment.replace(second=0, microsecond=0)
    return floored if floored == moment else floored + timedelta(minutes=1)


def _require_aware(moment: datetime) -> datetime:
    """Refuse naive datetimes loudly: silently treating server-local time as UTC would shift everyone's check-in."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("expected an aware datetime (UTC), got a naive one")
    return moment


@lru_cache(maxsize=1)
def _iana_keys() -> dict[str, str]:
    """Lower-case IANA key -> its real spelling, for case-insensitive lookup."""
    return {key.lower(): key for key in available_timezones()}


@lru_cache(maxsize=None)
def _zone(key: str) -> ZoneInfo | None:
    """Load a zone; a bad alias in content must not crash a chat, so failures give None."""
    try:
        return ZoneInfo(key)
    except (ValueError, KeyError, OSError):
        log.warning("time zone %r could not be loaded", key)
        return None


