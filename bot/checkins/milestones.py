"""Counting sober days and noticing milestones.

Day numbering: "Day N" is N = (today - sober_since).days. The sober date itself is Day 0 (it has only just
started); the next morning is Day 1, one whole day done. So "Day 30" means thirty full days, which is what people
mean when they say "30 days clean", and the milestone messages can say "one week" on Day 7 without an off-by-one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MILESTONES: tuple[int, ...] = (1, 3, 7, 14, 30, 60, 90, 180, 365)
YEAR = 365  # yearly milestones after the first year, counted in days like the rest (see milestone_for)
MAX_YEARS_BACK = 100

_ISO_DATE = re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})")
_TODAY_WORDS = frozenset({"today", "now"})
_YESTERDAY_WORDS = frozenset({"yesterday"})


@dataclass(frozen=True)
class BadSoberDate:
    """Why a typed sober date was refused; `reason` is a short sentence to show the person as is."""

    reason: str


def sober_days(sober_since: date, today: date) -> int:
    """Full days since the sober date (the sober date is Day 0).

    Never negative: moving to a time zone further west can make the local "today" fall a day before a date set
    as "today" elsewhere, and "Day -1" would only confuse.
    """
    return max(0, (today - sober_since).days)


def milestone_for(days: int) -> int | None:
    """`days` if it is a milestone worth marking, else None.

    The fixed list covers the early weeks, when each step is hard-won; after the first year every 365 days
    counts, so the messages never stop. Years are counted in days (730, 1095...), which can be a day before the
    calendar anniversary after a leap year; it keeps the rule one line and the same for everyone.
    """
    if days in MILESTONES:
        return days
    if days > YEAR and days % YEAR == 0:
        return days
    return None


def milestone_key(days: int) -> str | None:
    """Which milestone message to use: "1", "3", ... "365" for the fixed list, "yearly" for later years."""
    milestone = milestone_for(days)
    if milestone is None:
        return None
    return str(milestone) if milestone in MILESTONES else "yearly"


def parse_sober_date(text: str, today: date) -> date | BadSoberDate:
    """The sober-since date from "/sober" input: YYYY-MM-DD (also with / or .), "today" or "yesterday".

    Year first only: 03/04 means March 4th to some and April 3rd to others, and a wrong day count is worse than
    asking again. Future dates and dates over a century ago are refused with a reason. Never raises.
    """
    if not isinstance(text, str) or len(text) > 40:
        return BadSoberDate("Please send the date as YYYY-MM-DD, for example 2024-03-15, or the word today.")
    words = text.strip().lower()
    if words in _TODAY_WORDS:
        return today
    if words in _YESTERDAY_WORDS:
        return today - timedelta(days=1)
    return _check_range(_parse_iso(words), today)


def _parse_iso(words: str) -> date | BadSoberDate:
    """YYYY-MM-DD to a date, with a reason that says which part is wrong."""
    match = _ISO_DATE.fullmatch(words)
    if not match:
        return BadSoberDate("Please send the date as YYYY-MM-DD, for example 2024-03-15, or the word today.")
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return BadSoberDate(f"{words} is not a real date. Please check the month and the day (YYYY-MM-DD).")


def _check_range(parsed: date | BadSoberDate, today: date) -> date | BadSoberDate:
    """Refuse dates that cannot be a sober-since date: the future, or longer ago than a lifetime."""
    if isinstance(parsed, BadSoberDate):
        return parsed
    if parsed > today:
        return BadSoberDate("That date is in the future. Send the day you stopped, or today.")
    if today.year - parsed.year > MAX_YEARS_BACK:
        return BadSoberDate("That is more than a hundred years ago. Please check the year.")
    return parsed
