"""The helpline directory: every country gives a person in danger an emergency number and a line open right now."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.contentfile import ContentError
from bot.safety.helplines import (
    DEFAULT_PATH,
    INTL,
    LINE_CATEGORIES,
    country_buttons,
    default_directory,
    format_contact,
    format_emergency,
    format_lines,
    load_directory,
    primary_line,
    ranked_lines,
    validate_directory,
)

REQUIRED_CODES = ("US", "GB", "CA", "AU", "NZ", "IE", "DE", "FR", "ES", "IN", "ZA", INTL)


@pytest.fixture(scope="module")
def directory():
    return default_directory()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "helplines.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_number(text: str, fragment: str) -> int:
    """1-based line of the first line containing `fragment`, so tests name faults by content, not by counting."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


# ---- the real content -----------------------------------------------------------------------------------


def test_the_real_directory_validates_with_zero_problems():
    assert validate_directory(DEFAULT_PATH) == []


def test_every_required_country_and_the_international_entry_are_there(directory):
    for code in REQUIRED_CODES:
        assert directory.has(code), code


@pytest.mark.parametrize("code", REQUIRED_CODES)
def test_every_country_has_an_emergency_number_and_a_24_7_suicide_line(directory, code):
    country = directory.for_country(code)
    assert country.emergency.isdigit()
    assert any(line.always_open and "suicide" in line.categories for line in country.lines)


def test_every_line_names_an_official_https_source_and_a_verified_date(directory):
    for code in directory.codes() + (INTL,):
        for line in directory.for_country(code).lines:
            assert line.source.startswith("https://"), line.name
            assert line.verified.isoformat() == "2026-11-26", line.name
            assert set(line.categories) <= set(LINE_CATEGORIES)
            assert line.number or line.chat_url, line.name


def test_numbers_match_the_safety_reference_sheet(directory):
    numbers = {code: {line.number for line in directory.for_country(code).lines} for code in REQUIRED_CODES}
    assert {"988", "1-800-662-4357"} <= numbers["US"]
    assert {"116 123", "0300 123 6600"} <= numbers["GB"]
    assert {"9-8-8", "1-888-688-6677"} <= numbers["CA"]
    assert "13 11 14" in numbers["AU"]
    assert {"116 123", "1800 247 247", "1800 459 459"} <= numbers["IE"]
    assert "01806 313031" in numbers["DE"]
    assert "14416 or 1-800-891-4416" in numbers["IN"]
    emergency = {code: directory.for_country(code).emergency for code in REQUIRED_CODES}
    assert emergency == {
        "US": "911", "GB": "999", "CA": "911", "AU": "000", "NZ": "111", "IE": "112", "DE": "112",
        "FR": "112", "ES": "112", "IN": "112", "ZA": "112", INTL: "112",
    }


def test_entries_from_secondary_sources_or_outside_the_sheet_say_check_before_going_live(directory):
    secondary = {"Never Use Alone", "National Overdose Response Service", "Pieta", "HSE Drugs and Alcohol Helpline",
                 "Sucht & Drogen Hotline", "Lifeline"}
    outside_the_sheet = {"NZ", "FR", "ES", "ZA"}
    for code in REQUIRED_CODES:
        country = directory.for_country(code)
        if code in outside_the_sheet:
            assert "check before going live" in (country.note or ""), code
        for line in country.lines:
            if line.name in secondary or code in outside_the_sheet:
                assert "check before going live" in (line.note or ""), line.name


def test_the_file_tells_operators_to_check_their_numbers_before_going_live():
    header = DEFAULT_PATH.read_text(encoding="utf-8").split("countries:")[0]
    assert "BEFORE GOING LIVE" in header and "change" in header


# ---- lookups ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [None, "", "XX", "zz ", "12"])
def test_unknown_or_missing_country_gets_the_international_entry(directory, code):
    assert directory.for_country(code).code == INTL


def test_lookup_ignores_case_and_spaces_and_accepts_uk_for_gb(directory):
    assert directory.for_country(" gb ").code == "GB"
    assert directory.for_country("UK").code == "GB"
    assert directory.has("uk") and not directory.has("XX") and not directory.has(None)


def test_codes_lists_iso_codes_sorted_without_intl(directory):
    codes = directory.codes()
    assert INTL not in codes and list(codes) == sorted(codes) and "GB" in codes


# ---- formatting -------------------------------------------------------------------------------------------


def test_a_line_reads_name_number_text_and_hours(directory):
    assert format_lines(directory.for_country("GB"), "drugs") == "<b>FRANK</b>: 0300 123 6600 (text 82111) – 24/7"


def test_names_are_html_escaped(directory):
    assert "<b>Sucht &amp; Drogen Hotline</b>" in format_lines(directory.for_country("DE"), None)


def test_suicide_lines_come_first_for_suicide_and_drug_lines_for_overdose(directory):
    us = directory.for_country("US")
    assert format_lines(us, "suicide").startswith("<b>988 Suicide &amp; Crisis Lifeline</b>: 988 (text 988)")
    assert "SAMHSA" not in format_lines(us, "suicide")
    assert "SAMHSA" in format_lines(us, "overdose")


def test_a_crisis_with_no_matching_line_falls_back_to_the_24_7_suicide_line(directory):
    assert "024" in format_lines(directory.for_country("ES"), "overdose")
    assert "Samaritans" in format_lines(directory.for_country("GB"), "violence")


def test_closest_category_first_then_24_7_lines_before_office_hours(tmp_path):
    path = write(tmp_path, VALID.replace("LINES", """
      - {name: Office, number: "1", hours: weekdays, what: w, categories: [drugs], source: "https://a.example",
         verified: 2026-11-26}
      - {name: Night, number: "2", hours: 24/7, what: w, categories: [drugs], source: "https://a.example",
         verified: 2026-11-26}
      - {name: Direct, number: "3", hours: weekdays, what: w, categories: [overdose], source: "https://a.example",
         verified: 2026-11-26}
      - {name: Crisis, number: "4", hours: 24/7, what: w, categories: [suicide], source: "https://a.example",
         verified: 2026-11-26}"""))
    country = load_directory(path).for_country("GB")
    assert [line.name for line in ranked_lines(country, "overdose")] == ["Direct", "Night", "Office"]
    assert primary_line(country, "overdose").name == "Night"
    assert primary_line(country, "violence").name == "Crisis"


def test_emergency_and_contact_read_as_html(directory):
    assert format_emergency(directory.for_country("GB")) == "<b>999</b> (or 112)"
    assert format_emergency(directory.for_country("US")) == "<b>911</b>"
    intl = directory.for_country(INTL)
    assert format_contact(primary_line(intl, "suicide")) == (
        '<b>Find A Helpline</b> at <a href="https://findahelpline.com">findahelpline.com</a>'
    )


def test_web_chats_become_url_buttons(directory):
    buttons = country_buttons(directory.for_country("US"), "suicide")
    assert [b.url for b in buttons] == ["https://988lifeline.org/chat/"]
    assert country_buttons(directory.for_country("GB"), "suicide") == ()


# ---- a broken file ----------------------------------------------------------------------------------------

VALID = """\
countries:
  GB:
    name: United Kingdom
    emergency: "999"
    lines:LINES
  INTL:
    name: International
    emergency: "112"
    lines:
      - name: Find A Helpline
        chat_url: https://findahelpline.com
        hours: 24/7
        what: directory
        categories: [suicide]
        source: https://findahelpline.com
        verified: 2026-11-26
"""

BROKEN = """\
countries:
  gb1:
    name: Nowhere
    lines:
      - name: Unquoted
        number: 999
        hours: weekdays
        what: a line
        categories: [suicide, astrology]
        source: http://insecure.example
        verified: "last tuesday"
      - name: No way to reach it
        hours: 24/7
        what: nothing
        categories: [drugs]
        source: https://a.example
        verified: 2026-11-26
        colour: blue
"""


def test_a_broken_file_gives_each_problem_with_file_and_line(tmp_path):
    path = write(tmp_path, BROKEN)
    problems = validate_directory(path)
    by_message = {p.message: p for p in problems}
    first_line, second_line = line_number(BROKEN, "name: Unquoted"), line_number(BROKEN, "No way to reach")

    def at(fragment: str) -> int:
        return next(p.line for p in problems if fragment in p.message)

    assert at("gb1") == line_number(BROKEN, "gb1")
    assert at("missing `emergency`") == line_number(BROKEN, "name: Nowhere")
    assert at("`number` must be text in quotes") == first_line
    assert at("astrology") == first_line
    assert at("https://") == first_line
    assert at("`verified` must be a date") == first_line
    assert at("needs a `number`") == second_line
    assert at("unknown field `colour`") == second_line
    assert at("24/7") == line_number(BROKEN, "name: Nowhere")
    assert at(f"missing the `{INTL}` entry") == line_number(BROKEN, "gb1")
    assert all(str(p).startswith(f"{path}:{p.line}: ") for p in by_message.values())


def test_a_number_yaml_would_misread_must_be_quoted(tmp_path):
    path = write(tmp_path, VALID.replace('emergency: "999"', "emergency: 000").replace("LINES", ""))
    messages = [p.message for p in validate_directory(path)]
    assert any("`emergency` must be text in quotes, got 0" in m for m in messages)


def test_invalid_yaml_is_reported_with_its_line_and_load_refuses_it(tmp_path):
    path = write(tmp_path, "countries:\n  GB: [unclosed\n")
    problems = validate_directory(path)
    assert len(problems) == 1 and problems[0].line >= 2 and "not valid YAML" in problems[0].message
    with pytest.raises(ContentError):
        load_directory(path)


def test_an_impossible_date_is_a_problem_not_a_crash(tmp_path):
    path = write(tmp_path, VALID.replace("LINES", "").replace("2026-11-26", "2026-13-45"))
    assert [p.message for p in validate_directory(path)][0].startswith("not valid YAML")
