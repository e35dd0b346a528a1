"""Sober-day counting and milestones: the number a person sees every day has to be right."""
from datetime import date, timedelta

import pytest

from bot.checkins.milestones import BadSoberDate, milestone_for, milestone_key, parse_sober_date, sober_days

TODAY = date(2024, 6, 15)


# ------------------------------------------------------------------------------------------------ sober_days


def test_the_sober_date_itself_is_day_zero_and_the_next_day_is_day_one():
    assert sober_days(TODAY, TODAY) == 0
    assert sober_days(TODAY - timedelta(days=1), TODAY) == 1


def test_sober_days_counts_full_days_across_month_year_and_leap_day():
    assert sober_days(date(2024, 2, 28), date(2024, 3, 1)) == 2  # 2024-02-29 exists
    assert sober_days(date(2023, 12, 31), date(2024, 1, 1)) == 1
    assert sober_days(date(2023, 6, 15), date(2024, 6, 15)) == 366


def test_sober_days_is_never_negative():
    # Setting "today" in Auckland, then moving the check-in zone to Hawaii, can put today a day earlier.
    assert sober_days(TODAY + timedelta(days=1), TODAY) == 0


# ------------------------------------------------------------------------------------------------ milestones


@pytest.mark.parametrize("days", [1, 3, 7, 14, 30, 60, 90, 180, 365, 730, 1095, 3650])
def test_milestone_days(days):
    assert milestone_for(days) == days


@pytest.mark.parametrize("days", [0, 2, 4, 6, 8, 15, 29, 31, 45, 100, 364, 366, 500, 729, 731, 1000, -7])
def test_ordinary_days_are_not_milestones(days):
    assert milestone_for(days) is None


def test_exactly_one_milestone_per_milestone_day_in_ten_years():
    found = [days for days in range(0, 3651) if milestone_for(days) is not None]
    assert found == [1, 3, 7, 14, 30, 60, 90, 180, 365, 730, 1095, 1460, 1825, 2190, 2555, 2920, 3285, 3650]


def test_milestone_keys_name_the_message_kind():
    assert milestone_key(7) == "7"
    assert milestone_key(365) == "365"
    assert milestone_key(730) == "yearly"
    assert milestone_key(8) is None


# ------------------------------------------------------------------------------------------------ parse_sober_date


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-03-15", date(2024, 3, 15)),
        (" 2024-03-15 ", date(2024, 3, 15)),
        ("2024-3-5", date(2024, 3, 5)),
        ("2024/03/15", date(2024, 3, 15)),
        ("2024.03.15", date(2024, 3, 15)),
        ("today", TODAY),
        ("Today", TODAY),
        ("TODAY", TODAY),
        ("yesterday", TODAY - timedelta(days=1)),
        ("2024-06-15", TODAY),
        ("2024-02-29", date(2024, 2, 29)),
        ("1990-01-01", date(1990, 1, 1)),
    ],
)
def test_parse_sober_date_accepts_iso_dates_and_today(text, expected):
    assert parse_sober_date(text, TODAY) == expected


@pytest.mark.parametrize(
    "text, reason_mentions",
    [
        ("2024-06-16", "future"),
        ("2030-01-01", "future"),
        ("tomorrow", "YYYY-MM-DD"),
        ("2023-02-29", "real date"),
        ("2024-13-01", "real date"),
        ("2024-00-10", "real date"),
        ("2024-04-31", "real date"),
        ("15/03/2024", "YYYY-MM-DD"),
        ("03/15/2024", "YYYY-MM-DD"),
        ("last tuesday", "YYYY-MM-DD"),
        ("", "YYYY-MM-DD"),
        ("2024-03-15; DROP TABLE people", "YYYY-MM-DD"),
        ("0000-01-01", "real date"),
        ("1850-01-01", "hundred years"),
        ("x" * 1000, "YYYY-MM-DD"),
    ],
)
def test_parse_sober_date_refuses_nonsense_with_a_reason(text, reason_mentions):
    result = parse_sober_date(text, TODAY)
    assert isinstance(result, BadSoberDate)
    assert reason_mentions in result.reason


@pytest.mark.parametrize("junk", [None, 20240315, b"2024-03-15"])
def test_parse_sober_date_never_raises(junk):
    assert isinstance(parse_sober_date(junk, TODAY), BadSoberDate)
