"""The helpline directory: every country gives a person in danger an emergency number and a line open right now."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from bot.contentfile import ContentError
from bot.safety.helplines import (
    DEFAULT_PATH,
    INTL,
    LINE_CATEGORIES,
    STATUSES,
    TRUSTED,
    UNVERIFIED,
    country_buttons,
    directory_warnings,
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
ADDED_CODES = ("MX", "AR", "CO", "BR", "PT", "AT", "CH", "BE")


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
    for code in REQUIRED_CODES + ADDED_CODES:
        assert directory.has(code), code


@pytest.mark.parametrize("code", REQUIRED_CODES + ADDED_CODES)
def test_every_country_has_an_emergency_number_a_crisis_line_and_a_checked_24_7_line_to_name(directory, code):
    country = directory.for_country(code)
    assert country.emergency.isdigit()
    assert any("suicide" in line.categories for line in country.lines)
    named = primary_line(country, "suicide")
    assert named.always_open and named.trusted, code


def test_every_line_tells_the_truth_about_how_sure_we_are(directory):
    """A `checked` date only with a named source page and a verified/secondary status; unverified lines never claim
    24/7; every line says which languages it answers in."""
    for code in directory.codes() + (INTL,):
        for line in directory.for_country(code).lines:
            assert line.status in STATUSES, line.name
            if line.status in TRUSTED:
                assert line.checked is not None and line.source.startswith(("https://", "http://")), line.name
            else:
                assert line.checked is None and not line.always_open, line.name
                assert not line.hours.startswith("24/7"), line.name
            assert set(line.categories) <= set(LINE_CATEGORIES)
            assert line.languages and all(len(lang) == 2 for lang in line.languages), line.name
            assert line.number or line.text or line.chat_url, line.name


def test_statuses_follow_the_audit_evidence(directory):
    def line(code, name):
        return next(line for line in directory.for_country(code).lines if line.name.startswith(name))

    assert line("US", "SAMHSA").status == "verified"  # samhsa.gov, the service's own page
    assert line("US", "Never Use Alone").status == "secondary"  # third-party pages only
    assert line("CA", "National Overdose").status == "secondary"
    assert line("GB", "FRANK").status == "verified"
    for code, name in (("NZ", "Alcohol Drug Helpline"), ("AU", "National Alcohol"), ("ZA", "SADAG"),
                       ("FR", "Drogues Info"), ("DE", "Sucht")):
        assert line(code, name).status == UNVERIFIED, name
    assert "2026-11-26" not in DEFAULT_PATH.read_text(encoding="utf-8")  # the date nobody checked on is gone


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
        "FR": "112", "ES": "112", "IN": "112", "ZA": "112", INTL: "911",
    }


def test_the_lines_people_need_are_there(directory):
    def contacts(code):
        return {(line.number, line.text) for line in directory.for_country(code).lines}

    assert ("1-800-484-3731", None) in contacts("US")  # Never Use Alone
    assert ("1-800-222-1222", None) in contacts("US")  # Poison Control
    assert ("1-800-799-7233", "START to 88788") in contacts("US")  # National Domestic Violence Hotline
    assert ("1-800-662-4357", "your ZIP code to 435748") in contacts("US")  # SAMHSA and its text service
    assert (None, "SHOUT to 85258") in contacts("GB")
    assert ("0808 2000 247", None) in contacts("GB")
    assert (None, "TALK to 50808") in contacts("IE")
    assert ("1-888-688-6677", None) in contacts("CA")
    us = directory.for_country("US")
    assert [b.url for b in country_buttons(us, "suicide")] == ["https://988lifeline.org/chat/"]
    assert country_buttons(directory.for_country("AU"), "suicide")[0].url == "https://www.lifeline.org.au"


def test_every_country_has_abuse_and_poison_lines_or_says_none_was_found(directory):
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    blocks = dict(re.findall(r"\n  ([A-Z]{2}|INTL):\n(.*?)(?=\n  [A-Z]{2}:\n|\n  INTL:\n|\Z)", text, re.S))
    for code in directory.codes():
        categories = {c for line in directory.for_country(code).lines for c in line.categories}
        comments = " ".join(l for l in blocks[code].splitlines() if l.strip().startswith("#"))
        for needed in ("abuse", "poison", "never_use_alone"):
            assert needed in categories or needed in comments, (code, needed)


def test_south_africa_notes_the_proposed_phase_out_of_10111_and_10177(directory):
    note = directory.for_country("ZA").note
    assert "10111" in note and "10177" in note and "112" in note and "2024" in note


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
    assert format_lines(directory.for_country("GB"), "drugs") == (
        "<b>FRANK</b>: 0300 123 6600 (text 82111) – 24/7; calls cost the national rate, not free"
    )
    shout = next(line for line in directory.for_country("GB").lines if line.name == "Shout")
    assert format_contact(shout) == "<b>Shout</b>: text SHOUT to 85258"


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
         status: verified, checked: 2026-11-26, languages: [en]}
      - {name: Night, number: "2", hours: 24/7, what: w, categories: [drugs], source: "https://a.example",
         status: verified, checked: 2026-11-26, languages: [en]}
      - {name: Direct, number: "3", hours: weekdays, what: w, categories: [overdose], source: "https://a.example",
         status: verified, checked: 2026-11-26, languages: [en]}
      - {name: Crisis, number: "4", hours: 24/7, what: w, categories: [suicide], source: "https://a.example",
         status: verified, checked: 2026-11-26, languages: [en]}"""))
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
        status: verified
        checked: 2026-11-26
        languages: [en]
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
        source: ftp://insecure.example
        status: secondary
        checked: "last tuesday"
        languages: [english]
      - name: No way to reach it
        hours: 24/7
        what: nothing
        categories: [drugs]
        source: https://a.example
        status: verified
        checked: 2026-11-26
        languages: [en]
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
    assert at("`checked` must be a date") == first_line
    assert at("`languages` must be a list") == first_line
    assert at("needs a `number`") == second_line
    assert at("unknown field `colour`") == second_line
    assert at("`suicide` in categories") == line_number(BROKEN, "name: Nowhere")
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


# ---- verification as data that can't lie -------------------------------------------------------------------

def one_line(fields: str) -> str:
    """VALID with one extra GB line, its fields given as YAML flow-mapping text."""
    return VALID.replace("LINES", f"""
      - {{name: Crisis, number: "1", hours: 24/7, what: w, categories: [suicide], languages: [en],
         status: verified, source: "https://a.example", checked: 2026-11-26}}
      - {{name: Under test, number: "2", what: w, categories: [drugs], languages: [en], {fields}}}""")


@pytest.mark.parametrize("fields, message", [
    ('hours: weekdays, status: secondary, checked: 2026-11-26', "`checked` needs the `source` page"),
    ('hours: weekdays, status: unverified, source: "https://a.example", checked: 2026-11-26',
     "`checked` on a line with status unverified"),
    ('hours: weekdays, status: verified, source: "https://a.example"', "status verified needs the `source` page"),
    ('hours: 24/7, status: unverified', "an unverified line can't say \"24/7\""),
    ('hours: weekdays, status: sure', "`status` must be one of verified, secondary, unverified"),
    ('hours: weekdays, status: secondary, source: "https://a.example", checked: 2999-01-01', "in the future"),
    ('hours: weekdays, verified: 2026-11-26, status: unverified', "`verified` is gone"),
])
def test_check_content_fails_on_a_claim_the_data_cannot_back(tmp_path, fields, message):
    text = one_line(fields)
    problems = validate_directory(write(tmp_path, text))
    assert [p.line for p in problems if message in p.message] == [line_number(text, "name: Under test")], problems


def test_an_unverified_line_without_a_date_is_fine_but_warned_about(tmp_path):
    text = one_line('hours: "hours not confirmed", status: unverified, source: "https://a.example"')
    path = write(tmp_path, text)
    assert validate_directory(path) == []
    warnings = directory_warnings(path, today=date(2026, 12, 2))
    assert [(w.line, "unverified" in w.message) for w in warnings] == [(line_number(text, "name: Under test"), True)]
    assert all(w.message.startswith("warning: ") for w in warnings)


def test_lines_checked_longer_ago_than_the_stale_age_are_warned_about(tmp_path):
    path = write(tmp_path, one_line('hours: weekdays, status: secondary, source: "https://a.example", '
                                    'checked: 2026-06-01'))
    names = lambda days: [w.message for w in directory_warnings(path, today=date(2026, 12, 2), stale_days=days)]
    assert len(names(365)) == 0
    stale = names(90)
    assert len(stale) == 1 and any("Under test was last checked 184 days ago (more than 90)" in m for m in stale)


def test_check_content_prints_warnings_and_still_passes(tmp_path, capsys):
    import shutil

    from bot.cli import check_content

    content = tmp_path / "content"
    shutil.copytree(DEFAULT_PATH.parent, content)
    assert check_content(content, stale_days=180) == 0
    out = capsys.readouterr().out
    assert "warning: ZA SADAG Suicide Crisis Helpline is unverified" in out and "content OK" in out
    broken = (content / "helplines.yaml").read_text(encoding="utf-8").replace(
        "        status: unverified\n        source: https://www.rainn.org\n",
        "        status: unverified\n        checked: 2026-11-29\n", 1)
    (content / "helplines.yaml").write_text(broken, encoding="utf-8")
    assert check_content(content) == 1
    assert "`checked` needs the `source` page" in capsys.readouterr().out


# ---- what people see reflects certainty ----------------------------------------------------------------

def test_uncertain_hours_are_not_shown_as_24_7(directory):
    nz = format_lines(directory.for_country("NZ"), "overdose")
    assert "<b>Alcohol Drug Helpline</b>: 0800 787 797 (text 8681) – hours not confirmed" in nz
    assert "Alcohol Drug Helpline</b>: 0800 787 797 (text 8681) – 24/7" not in nz
    au = format_lines(directory.for_country("AU"), "drugs")
    assert "1800 250 015" in au and "1800 250 015 – 24/7" not in au
    ca = format_lines(directory.for_country("CA"), "overdose")
    assert "1-888-688-6677 – hours not confirmed" in ca


def test_an_unverified_line_is_never_the_only_line_offered(directory):
    for code in directory.codes() + (INTL,):
        country = directory.for_country(code)
        for category in (None, "suicide", "self_harm", "overdose", "medical", "violence", "abuse", "drugs"):
            lines = ranked_lines(country, category)
            assert any(line.trusted for line in lines), (code, category)
    za = ranked_lines(directory.for_country("ZA"), "suicide")
    assert [line.name for line in za] == ["SADAG Suicide Crisis Helpline", "Find A Helpline"]
    assert primary_line(directory.for_country("ZA"), "suicide").name == "Find A Helpline"
    ch = [line.name for line in ranked_lines(directory.for_country("CH"), "suicide")]
    assert ch[-1] == "Find A Helpline"


def test_checked_lines_come_before_unverified_ones(directory):
    ie = [line.name for line in ranked_lines(directory.for_country("IE"), "suicide")]
    assert ie.index("Pieta") > ie.index("50808") > ie.index("Samaritans Ireland")


def test_abuse_puts_domestic_violence_and_sexual_assault_lines_first(directory):
    for code, first in (("US", "National Domestic Violence Hotline"), ("GB", "National Domestic Abuse Helpline"),
                        ("AU", "1800RESPECT"), ("DE", "Hilfetelefon"), ("FR", "3919"), ("ES", "016"),
                        ("IE", "Women's Aid")):
        lines = ranked_lines(directory.for_country(code), "abuse")
        assert lines[0].name.startswith(first), code
        assert all("abuse" in line.categories for line in lines), code
    us = [line.name for line in ranked_lines(directory.for_country("US"), "abuse")]
    assert us == ["National Domestic Violence Hotline", "RAINN National Sexual Assault Hotline"]
    assert [line.name for line in ranked_lines(directory.for_country("NZ"), "abuse")][0] == "Need to Talk? 1737"


def test_overdose_surfaces_poison_control_and_never_use_alone_lines(directory):
    us = [line.name for line in ranked_lines(directory.for_country("US"), "overdose")]
    assert us[:2] == ["Poison Control", "Never Use Alone"] and "SAMHSA National Helpline" in us
    assert "988 Suicide & Crisis Lifeline" in us
    ca = [line.name for line in ranked_lines(directory.for_country("CA"), "overdose")]
    assert ca[0] == "National Overdose Response Service (NORS)"
    assert ranked_lines(directory.for_country("AU"), "overdose")[0].name == "Poisons Information Centre"
    assert "Never Use Alone" in [line.name for line in ranked_lines(directory.for_country("US"), "drugs")]
    assert primary_line(directory.for_country("US"), "overdose").name == "Poison Control"


def test_the_unknown_country_entry_names_the_main_emergency_numbers(directory):
    intl = format_emergency(directory.for_country(INTL))
    for number in ("911", "999", "112", "000", "111"):
        assert number in intl


# ---- the operator's review command ----------------------------------------------------------------------

def test_helplines_gb_lists_every_line_with_status_source_and_age(capsys):
    from bot.cli import helplines

    assert helplines(DEFAULT_PATH, "uk", None, today=date(2026, 12, 2)) == 0
    out = capsys.readouterr().out
    for expected in ("Samaritans: 116 123", "Shout: text SHOUT to 85258; 24/7", "NHS 111, mental health option: 111",
                     "FRANK: 0300 123 6600", "calls cost the national rate, not free",
                     "verified, checked 2026-11-29 (3 days ago); source https://www.talktofrank.com"):
        assert expected in out, expected
    assert "mental health option" in out and "United States" not in out


def test_helplines_stale_lists_unverified_and_old_lines(capsys):
    from bot.cli import helplines

    assert helplines(DEFAULT_PATH, None, 180, today=date(2026, 12, 2)) == 0
    out = capsys.readouterr().out
    assert "ZA  SADAG Suicide Crisis Helpline: unverified, never checked" in out
    assert "Samaritans" not in out
    assert helplines(DEFAULT_PATH, None, 1, today=date(2026, 12, 2)) == 0
    assert "GB  Samaritans: verified, checked 2026-11-29 (3 days ago)" in capsys.readouterr().out
    assert helplines(DEFAULT_PATH, "XX", None) == 2


def test_helplines_runs_as_a_command():
    import subprocess
    import sys

    root = DEFAULT_PATH.parents[1]
    run = subprocess.run([sys.executable, "bot.py", "helplines", "GB"], cwd=root, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    assert all(name in run.stdout for name in ("Samaritans", "Shout", "NHS 111", "FRANK"))
    stale = subprocess.run([sys.executable, "bot.py", "helplines", "--stale", "180"], cwd=root, capture_output=True,
                           text=True, timeout=60)
    assert stale.returncode == 0 and "not checked in the last 180 days" in stale.stdout
