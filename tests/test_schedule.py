"""Check-in schedule: a person's clock, not the server's, decides when they are asked, once per local day."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.checkins.texts import load_checkin_texts
from bot.config import CONTENT_DIR

ALIASES = load_checkin_texts(CONTENT_DIR / "checkins.yaml").city_aliases

from bot.checkins.schedule import (
    catch_up,
    local_day,
    next_due,
    parse_time,
    parse_zone,
    zone_name,
)

UTC = timezone.utc
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")
KOLKATA = ZoneInfo("Asia/Kolkata")
ST_JOHNS = ZoneInfo("America/St_Johns")
KATHMANDU = ZoneInfo("Asia/Kathmandu")
AUCKLAND = ZoneInfo("Pacific/Auckland")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# ------------------------------------------------------------------------------------------------ parse_time


@pytest.mark.parametrize(
    "text, expected",
    [
        ("21:30", time(21, 30)),
        ("9:05", time(9, 5)),
        ("09:05", time(9, 5)),
        (" 7:00 ", time(7, 0)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("21.30", time(21, 30)),
        ("21h30", time(21, 30)),
        ("2130", time(21, 30)),
        ("0930", time(9, 30)),
        ("9pm", time(21, 0)),
        ("9 PM", time(21, 0)),
        ("9:30pm", time(21, 30)),
        ("9.30 p.m.", time(21, 30)),
        ("7am", time(7, 0)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("12:15 am", time(0, 15)),
    ],
)
def test_parse_time_accepts_what_people_type(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text",
    ["24:00", "7:60", "25:00", "9", "21", "930", "13pm", "0am", "21:3", "21:300", "noon", "", "   ", "9:30 xm",
     "21:30:00", "-1:00", "٩:٣٠", "21:30" * 20, "\u200b21:30"],
)
def test_parse_time_rejects_impossible_and_ambiguous_times(text):
    assert parse_time(text) is None


@pytest.mark.parametrize("junk", [None, 2130, b"21:30", ["21:30"]])
def test_parse_time_never_raises_on_non_text(junk):
    assert parse_time(junk) is None


# ------------------------------------------------------------------------------------------------ parse_zone


@pytest.mark.parametrize(
    "text, key",
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("AMERICA/NEW_YORK", "America/New_York"),
        ("america/new york", "America/New_York"),
        ("London", "Europe/London"),
        ("new york", "America/New_York"),
        ("New   York", "America/New_York"),
        ("new_york", "America/New_York"),
        ("Berlin", "Europe/Berlin"),
        ("Delhi", "Asia/Kolkata"),
        ("Mumbai", "Asia/Kolkata"),
        ("Sydney", "Australia/Sydney"),
        ("Toronto", "America/Toronto"),
        ("Dublin", "Europe/Dublin"),
        ("Paris", "Europe/Paris"),
        ("Madrid", "Europe/Madrid"),
        ("Johannesburg", "Africa/Johannesburg"),
        ("Auckland", "Pacific/Auckland"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("GMT", "GMT"),
        ("EST", "America/New_York"),  # the clock people live by, summer time included
        ("Asia/Kathmandu", "Asia/Kathmandu"),
    ],
)
def test_parse_zone_understands_iana_names_cities_and_abbreviations(text, key):
    zone = parse_zone(text, ALIASES)
    assert zone is not None and zone_name(zone) == key


@pytest.mark.parametrize(
    "text",
    ["", "   ", "Atlantis", "Europe/Atlantis", "../../etc/passwd", "/etc/localtime", "Europe/", "x" * 500,
     "Europe\x00/Berlin", "+05:30"],
)
def test_parse_zone_returns_none_for_unknown_zones(text):
    assert parse_zone(text, ALIASES) is None


@pytest.mark.parametrize("junk", [None, 5, b"Europe/Berlin", {"zone": "UTC"}])
def test_parse_zone_never_raises_on_non_text(junk):
    assert parse_zone(junk, ALIASES) is None


def test_parse_zone_takes_an_explicit_alias_table():
    assert zone_name(parse_zone("home", aliases={"home": "Asia/Kathmandu"})) == "Asia/Kathmandu"
    assert parse_zone("london", aliases={}) is None
    assert parse_zone("home", aliases={"home": "Not/AZone"}) is None


def test_common_times_and_zones_come_from_content():
    texts = load_checkin_texts(CONTENT_DIR / "checkins.yaml")
    times = texts.common_times
    assert time(21, 0) in times and time(8, 0) in times
    zones = dict(texts.common_zones)
    assert zones["London"] == "Europe/London"
    assert all(parse_zone(key, {}) is not None for key in zones.values())


# ------------------------------------------------------------------------------------------------ next_due: ordinary days


@pytest.mark.parametrize(
    "zone, local, after, expected",
    [
        (KOLKATA, time(21, 30), utc(2024, 6, 1, 12, 0), utc(2024, 6, 1, 16, 0)),  # +05:30
        (KOLKATA, time(21, 30), utc(2024, 6, 1, 16, 0), utc(2024, 6, 2, 16, 0)),  # exactly due: strictly after
        (KOLKATA, time(2, 0), utc(2024, 6, 1, 19, 0), utc(2024, 6, 1, 20, 30)),  # local tomorrow, UTC today
        (KATHMANDU, time(9, 0), utc(2024, 6, 1, 0, 0), utc(2024, 6, 1, 3, 15)),  # +05:45
        (KATHMANDU, time(9, 0), utc(2024, 6, 1, 3, 16), utc(2024, 6, 2, 3, 15)),
        (ST_JOHNS, time(21, 0), utc(2024, 1, 15, 12, 0), utc(2024, 1, 16, 0, 30)),  # -03:30 in winter
        (ST_JOHNS, time(21, 0), utc(2024, 7, 15, 12, 0), utc(2024, 7, 15, 23, 30)),  # -02:30 in summer
        (NEW_YORK, time(8, 0), utc(2024, 7, 4, 0, 0), utc(2024, 7, 4, 12, 0)),  # EDT
        (NEW_YORK, time(8, 0), utc(2024, 12, 4, 0, 0), utc(2024, 12, 4, 13, 0)),  # EST
        (SYDNEY, time(20, 0), utc(2024, 1, 10, 0, 0), utc(2024, 1, 10, 9, 0)),  # AEDT +11
        (SYDNEY, time(20, 0), utc(2024, 7, 10, 0, 0), utc(2024, 7, 10, 10, 0)),  # AEST +10
    ],
)
def test_next_due_on_ordinary_days(zone, local, after, expected):
    assert next_due(local, zone, after) == expected


def test_next_due_returns_aware_utc():
    due = next_due(time(9, 0), KATHMANDU, utc(2024, 6, 1))
    assert due.tzinfo is not None and due.utcoffset() == timedelta(0)


def test_next_due_accepts_an_aware_non_utc_start():
    after = datetime(2024, 6, 1, 8, 0, tzinfo=KOLKATA)  # 02:30 UTC
    assert next_due(time(9, 0), KOLKATA, after) == utc(2024, 6, 1, 3, 30)


def test_next_due_refuses_naive_datetimes():
    with pytest.raises(ValueError):
        next_due(time(9, 0), LONDON, datetime(2024, 6, 1, 12, 0))


# ------------------------------------------------------------------------------------------------ next_due: across year end


def test_next_due_across_year_end_in_new_york():
    first = next_due(time(21, 0), NEW_YORK, utc(2024, 12, 31, 12, 0))
    assert first == utc(2025, 1, 1, 2, 0)  # New Year's Eve 21:00 EST is already 2025 in UTC
    assert local_day(first, NEW_YORK) == date(2024, 12, 31)
    second = next_due(time(21, 0), NEW_YORK, first)
    assert second == utc(2025, 1, 2, 2, 0)
    assert local_day(second, NEW_YORK) == date(2025, 1, 1)


def test_next_due_across_year_end_in_auckland():
    first = next_due(time(8, 0), AUCKLAND, utc(2024, 12, 30, 20, 0))  # 09:00 NZDT on Dec 31
    assert first == utc(2024, 12, 31, 19, 0)  # 08:00 NZDT on New Year's Day is still 2024 in UTC
    assert local_day(first, AUCKLAND) == date(2025, 1, 1)


# ------------------------------------------------------------------------------------------------ next_due: spring forward


@pytest.mark.parametrize(
    "zone, local, after, expected, why",
    [
        # London: 01:00 GMT -> 02:00 BST on 31 March 2024 (01:00 UTC); 01:30 does not exist that day.
        (LONDON, time(1, 30), utc(2024, 3, 30, 12, 0), utc(2024, 3, 31, 1, 0), "goes at 02:00 BST"),
        (LONDON, time(1, 0), utc(2024, 3, 30, 12, 0), utc(2024, 3, 31, 1, 0), "gap start goes at 02:00 BST"),
        (LONDON, time(2, 30), utc(2024, 3, 30, 12, 0), utc(2024, 3, 31, 1, 30), "02:30 exists: 02:30 BST"),
        # New York: 02:00 EST -> 03:00 EDT on 10 March 2024 (07:00 UTC).
        (NEW_YORK, time(2, 30), utc(2024, 3, 9, 12, 0), utc(2024, 3, 10, 7, 0), "goes at 03:00 EDT"),
        (NEW_YORK, time(2, 59), utc(2024, 3, 9, 12, 0), utc(2024, 3, 10, 7, 0), "goes at 03:00 EDT"),
        # Sydney: 02:00 AEST -> 03:00 AEDT on 6 October 2024 (16:00 UTC on the 5th).
        (SYDNEY, time(2, 30), utc(2024, 10, 5, 0, 0), utc(2024, 10, 5, 16, 0), "goes at 03:00 AEDT"),
        # St John's: 02:00 NST (-03:30) -> 03:00 NDT (-02:30) on 10 March 2024 (05:30 UTC).
        (ST_JOHNS, time(2, 15), utc(2024, 3, 9, 12, 0), utc(2024, 3, 10, 5, 30), "goes at 03:00 NDT"),
    ],
)
def test_spring_forward_skipped_time_goes_at_the_first_valid_minute(zone, local, after, expected, why):
    due = next_due(local, zone, after)
    assert due == expected, why
    assert due.astimezone(zone).replace(tzinfo=None) >= datetime.combine(due.astimezone(zone).date(), local)


def test_spring_forward_day_is_not_skipped_and_the_next_day_is_normal():
    gap_day = next_due(time(2, 30), NEW_YORK, utc(2024, 3, 9, 12, 0))
    assert local_day(gap_day, NEW_YORK) == date(2024, 3, 10)
    following = next_due(time(2, 30), NEW_YORK, gap_day)
    assert following == utc(2024, 3, 11, 6, 30)  # 02:30 EDT


# ------------------------------------------------------------------------------------------------ next_due: fall back


@pytest.mark.parametrize(
    "zone, local, after, first, next_day",
    [
        # London: 02:00 BST -> 01:00 GMT on 27 October 2024; 01:30 happens at 00:30 and 01:30 UTC.
        (LONDON, time(1, 30), utc(2024, 10, 26, 12, 0), utc(2024, 10, 27, 0, 30), utc(2024, 10, 28, 1, 30)),
        # New York: 02:00 EDT -> 01:00 EST on 3 November 2024; 01:30 happens at 05:30 and 06:30 UTC.
        (NEW_YORK, time(1, 30), utc(2024, 11, 2, 12, 0), utc(2024, 11, 3, 5, 30), utc(2024, 11, 4, 6, 30)),
        # Sydney: 03:00 AEDT -> 02:00 AEST on 7 April 2024; 02:30 happens at 15:30 and 16:30 UTC on the 6th.
        (SYDNEY, time(2, 30), utc(2024, 4, 6, 0, 0), utc(2024, 4, 6, 15, 30), utc(2024, 4, 7, 16, 30)),
        # St John's: 02:00 NDT -> 01:00 NST on 3 November 2024; 01:30 happens at 04:00 and 05:00 UTC.
        (ST_JOHNS, time(1, 30), utc(2024, 11, 2, 12, 0), utc(2024, 11, 3, 4, 0), utc(2024, 11, 4, 5, 0)),
    ],
)
def test_fall_back_repeated_time_goes_once(zone, local, after, first, next_day):
    due = next_due(local, zone, after)
    assert due == first
    assert due.astimezone(zone).fold == 0
    again = next_due(local, zone, due)
    assert again == next_day, "the second occurrence must not be a check-in"
    assert local_day(again, zone) == local_day(due, zone) + timedelta(days=1)


def test_fall_back_from_between_the_occurrences_goes_to_the_next_day():
    # Restarted at 01:00 UTC, between London's two 01:30s: the first has passed, the second is not a check-in.
    assert next_due(time(1, 30), LONDON, utc(2024, 10, 27, 1, 0)) == utc(2024, 10, 28, 1, 30)


# ------------------------------------------------------------------------------------------------ a whole year, every zone


@pytest.mark.parametrize("zone", [LONDON, NEW_YORK, SYDNEY, KOLKATA, ST_JOHNS, KATHMANDU, AUCKLAND])
@pytest.mark.parametrize("local", [time(0, 0), time(1, 30), time(2, 30), time(9, 0), time(21, 30), time(23, 59)])
def test_a_year_of_check_ins_gives_exactly_one_per_local_day(zone, local):
    start = datetime(2024, 1, 1, tzinfo=zone).astimezone(UTC) - timedelta(seconds=1)
    due, days = start, []
    for _ in range(366):  # 2024 is a leap year
        following = next_due(local, zone, due)
        assert following > due
        assert following - due <= timedelta(hours=25)
        due = following
        days.append(local_day(due, zone))
    assert days == [date(2024, 1, 1) + timedelta(days=n) for n in range(366)]


# ------------------------------------------------------------------------------------------------ local_day


def test_local_day_is_the_persons_calendar_day():
    moment = utc(2024, 6, 1, 20, 0)
    assert local_day(moment, KOLKATA) == date(2024, 6, 2)  # 01:30 next morning in India
    assert local_day(moment, NEW_YORK) == date(2024, 6, 1)
    assert local_day(utc(2024, 6, 1, 18, 14), KATHMANDU) == date(2024, 6, 1)  # 23:59 local
    assert local_day(utc(2024, 6, 1, 18, 15), KATHMANDU) == date(2024, 6, 2)  # 00:00 local


# ------------------------------------------------------------------------------------------------ catch_up


def test_catch_up_sends_a_check_in_just_under_three_hours_late():
    due = utc(2024, 6, 1, 16, 0)  # 21:30 in Kolkata
    assert catch_up(due, due + timedelta(hours=2, minutes=59), time(21, 30), KOLKATA) is None


def test_catch_up_moves_a_check_in_over_three_hours_late_to_the_next_day():
    due = utc(2024, 6, 1, 16, 0)
    moved = catch_up(due, due + timedelta(hours=3, minutes=1), time(21, 30), KOLKATA)
    assert moved == utc(2024, 6, 2, 16, 0)


def test_catch_up_at_exactly_three_hours_moves_on():
    due = utc(2024, 6, 1, 16, 0)
    assert catch_up(due, due + timedelta(hours=3), time(21, 30), KOLKATA) == utc(2024, 6, 2, 16, 0)


def test_catch_up_after_days_of_downtime_goes_to_the_next_future_moment():
    due = utc(2024, 6, 1, 16, 0)
    moved = catch_up(due, utc(2024, 6, 5, 10, 0), time(21, 30), KOLKATA)
    assert moved == utc(2024, 6, 5, 16, 0)  # today's, still ahead: not a day lost


def test_catch_up_on_time_sends():
    due = utc(2024, 6, 1, 16, 0)
    assert catch_up(due, due, time(21, 30), KOLKATA) is None


def test_catch_up_never_sends_early():
    due = utc(2024, 6, 1, 16, 0)
    assert catch_up(due, due - timedelta(minutes=5), time(21, 30), KOLKATA) == due


def test_catch_up_grace_can_be_changed():
    due = utc(2024, 6, 1, 16, 0)
    assert catch_up(due, due + timedelta(hours=1), time(21, 30), KOLKATA, grace=timedelta(minutes=30)) is not None
