"""The helpline directory: which numbers a person in a given country is given, read from content/helplines.yaml.

Numbers are data, not code, so operators can check and correct them without a release. Each line says how sure we
are of it (`status`: verified on the service's own page, secondary when only a third-party page confirmed it, or
unverified), the page it was checked on (`source`) and when (`checked`); the checker refuses a date without a page,
and what people read follows the certainty: an unverified line never counts as open 24/7 and is never offered alone.
Nothing here imports Telegram.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from bot.contentfile import ContentError, Problem, ProblemReport, load_yaml_file, value_or_raise
from bot.reply import Button

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "content" / "helplines.yaml"

INTL = "INTL"  # the entry for "country not known": works anywhere
LINE_CATEGORIES: tuple[str, ...] = (
    "suicide", "self_harm", "overdose", "medical", "violence", "abuse", "drugs", "poison", "never_use_alone",
)
VERIFIED, SECONDARY, UNVERIFIED = "verified", "secondary", "unverified"
STATUSES: tuple[str, ...] = (VERIFIED, SECONDARY, UNVERIFIED)
TRUSTED: frozenset[str] = frozenset({VERIFIED, SECONDARY})  # someone checked it against a named page
STALE_DAYS = 180  # `check-content` warns about lines checked longer ago than this (`--stale DAYS` changes it)
ALWAYS_OPEN = "24/7"  # an `hours` value starting with this means the line never closes
ALIASES = {"UK": "GB"}  # what people type instead of the ISO code

# Which line categories serve a crisis, best first. Where a country has none of them, its 24/7 suicide lines stand
# in: crisis lines take any call from someone in danger.
# Overdose: lines for overdoses first, then poison control (it advises on any overdose, at any hour), then the
# never-use-alone services (for the next time: someone on the phone while a person uses), then drug helplines.
RELATED: dict[str, tuple[str, ...]] = {
    "overdose": ("overdose", "poison", "never_use_alone", "drugs"),
    "medical": ("medical", "poison"),
    "suicide": ("suicide",),
    "self_harm": ("self_harm", "suicide"),
    "violence": ("violence",),
    "abuse": ("abuse",),
    "drugs": ("drugs", "never_use_alone"),
    "poison": ("poison",),
    "never_use_alone": ("never_use_alone",),
}

_COUNTRY_KEYS = frozenset({"name", "emergency", "emergency_note", "emergency_source", "note", "lines"})
_LINE_KEYS = frozenset({
    "name", "number", "text", "chat_url", "hours", "what", "categories", "languages", "status", "source", "checked",
    "note", "verified",  # `verified` is refused with its own message below
})
_CODE = re.compile(r"[A-Z]{2}")
_LANGUAGE = re.compile(r"[a-z]{2}")
_EMERGENCY = re.compile(r"\d{2,6}")


@dataclass(frozen=True)
class Line:
    """One helpline. `number` may be None for a web-only service, which then has a `chat_url`."""

    name: str
    hours: str
    what: str
    categories: tuple[str, ...]
    status: str
    languages: tuple[str, ...] = ()
    source: str | None = None
    checked: date | None = None
    number: str | None = None
    text: str | None = None
    chat_url: str | None = None
    note: str | None = None
    line: int = field(default=0, compare=False)  # where it starts in the file, for warnings and the review command

    @property
    def trusted(self) -> bool:
        """Checked against a named page (its own site, or a third-party one): fit to be offered on its own."""
        return self.status in TRUSTED

    @property
    def always_open(self) -> bool:
        """True for lines that answer at any hour: the only kind we may send someone to at 3 a.m. An unverified line
        never counts, whatever its hours say: we would be promising an answer nobody has confirmed."""
        return self.trusted and self.hours.startswith(ALWAYS_OPEN)


@dataclass(frozen=True)
class Country:
    """A country's emergency number and its helplines, in the order the file gives them."""

    code: str
    name: str
    emergency: str
    lines: tuple[Line, ...]
    emergency_note: str | None = None
    note: str | None = None
    emergency_source: str | None = None
    line: int = field(default=0, compare=False)
    # Trusted lines that work anywhere (the INTL entry's), offered when none of the country's own lines for a crisis
    # has been checked: an unverified line is never the only one a person gets.
    fallback: tuple[Line, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Directory:
    """All countries by code. Lookups never fail: an unknown country gets the international entry."""

    countries: Mapping[str, Country]

    def for_country(self, code: str | None) -> Country:
        """The country's entry, or INTL when the code is unknown or missing, so a crisis reply always has lines."""
        return self.countries.get(normalize_code(code)) or self.countries[INTL]

    def has(self, code: str | None) -> bool:
        """Whether `code` (any case, UK for GB) has its own entry; lets /country say when we fall back to INTL."""
        return normalize_code(code) in self.countries

    def codes(self) -> tuple[str, ...]:
        """The ISO codes with their own entry, sorted, without INTL: what /country can offer."""
        return tuple(sorted(code for code in self.countries if code != INTL))


def normalize_code(code: str | None) -> str:
    """Upper-case, trimmed, with common aliases resolved, so "gb", " GB " and "UK" all find the same entry."""
    key = (code or "").strip().upper()
    return ALIASES.get(key, key)


# ---- loading and validation -------------------------------------------------------------------------------


def load_directory(path: Path | str = DEFAULT_PATH) -> Directory:
    """Read and check the directory; raises ContentError on the first problem, so a bad file stops start-up
    instead of giving a person in danger a broken number."""
    return value_or_raise(*_read(Path(path)))


def validate_directory(path: Path | str = DEFAULT_PATH) -> list[Problem]:
    """Every problem in the file as `file:line: message`, for `check-content`."""
    return _read(Path(path))[1]


def directory_warnings(
    path: Path | str = DEFAULT_PATH, *, today: date | None = None, stale_days: int = STALE_DAYS
) -> list[Problem]:
    """What an operator should re-check, as `file:line: warning: ...`: unverified lines, and lines checked more than
    `stale_days` ago. Warnings don't fail `check-content`; they say what to look at before going live."""
    directory, _ = _read(Path(path))
    warnings = []
    for code in directory.codes():
        country = directory.countries[code]
        if not any(line.always_open and "suicide" in line.categories for line in country.lines):
            warnings.append(Problem(str(path), country.line, (
                f"warning: {code} has no checked 24/7 line for suicide: people there are also given the "
                f"{INTL} lines")))
    for country, line, age in stale_lines(directory, stale_days, today=today):
        if age is None:
            why = f"is {UNVERIFIED}: check it on the service's own page and record status, source and checked"
        else:
            why = f"was last checked {age} days ago (more than {stale_days}): check it again"
        warnings.append(Problem(str(path), line.line, f"warning: {country.code} {line.name} {why}"))
    return warnings


def line_age(line: Line, today: date | None = None) -> int | None:
    """Days since the line was checked, or None if it never was."""
    return None if line.checked is None else ((today or date.today()) - line.checked).days


def stale_lines(
    directory: Directory, days: int, *, today: date | None = None
) -> list[tuple[Country, Line, int | None]]:
    """(country, line, age in days) for every line not checked within `days` days; unverified lines (age None)
    always count. INTL comes last, after the countries in code order."""
    found = []
    for code in (*directory.codes(), INTL):
        country = directory.countries.get(code)
        for line in country.lines if country else ():
            age = line_age(line, today)
            if age is None or age > days:
                found.append((country, line, age))
    return found


@lru_cache(maxsize=1)
def default_directory() -> Directory:
    """The directory from content/, read once: crisis replies must not wait on disk."""
    return load_directory(DEFAULT_PATH)


class _Report(ProblemReport):
    """Collects problems for one file, so the parsing functions stay short."""

    def text(self, node: dict, key: str, *, required: bool = True) -> str | None:
        """A non-empty string field. Numbers must be quoted: YAML reads 000 as 0 and 0800 as octal-ish noise."""
        value = node.get(key)
        if value is None:
            if required:
                self.add(node, f"missing `{key}`")
            return None
        if not isinstance(value, str) or not value.strip():
            self.add(node, f"`{key}` must be text in quotes, got {value!r}")
            return None
        return value.strip()

    def unknown_keys(self, node: dict, allowed: frozenset[str], what: str) -> None:
        for key in node:
            if key not in allowed:
                self.add(node, f"unknown field `{key}` in {what} (allowed: {', '.join(sorted(allowed))})")


def _read(path: Path) -> tuple[Directory, list[Problem]]:
    report = _Report(path)
    try:
        data = load_yaml_file(path)
    except ContentError as exc:
        return Directory(MappingProxyType({})), [exc.problem]
    except ValueError as exc:  # PyYAML raises this for impossible dates such as 2026-13-01
        return Directory(MappingProxyType({})), [Problem(str(path), 1, f"not valid YAML: {exc}")]
    countries = _parse_countries(data, report)
    return Directory(MappingProxyType(countries)), report.problems


def _parse_countries(data, report: _Report) -> dict[str, Country]:
    if not isinstance(data, dict) or not isinstance(data.get("countries"), dict):
        report.add(data, "expected a `countries:` mapping of country codes")
        return {}
    countries: dict[str, Country] = {}
    for code, node in data["countries"].items():
        country = _parse_country(code, node, report, data["countries"])
        if country is not None:
            countries[country.code] = country
    if INTL not in data["countries"]:
        report.add(data["countries"], f"missing the `{INTL}` entry used when a country is not known")
    elif INTL in countries:
        anywhere = tuple(line for line in countries[INTL].lines if line.trusted)
        countries = {code: (c if code == INTL else replace(c, fallback=anywhere)) for code, c in countries.items()}
    return countries


def _parse_country(code, node, report: _Report, parent) -> Country | None:
    if isinstance(code, bool):  # YAML 1.1 reads NO (Norway) as false
        report.add(parent, f"country code {code!r} must be in quotes, e.g. \"NO\"")
        return None
    code = str(code)
    if code != INTL and not _CODE.fullmatch(code):
        report.add(parent, f"country code `{code}` must be two capital letters (ISO 3166-1) or {INTL}")
    if not isinstance(node, dict):
        report.add(parent, f"country `{code}` must be a mapping with name, emergency and lines")
        return None
    report.unknown_keys(node, _COUNTRY_KEYS, f"country {code}")
    name = report.text(node, "name")
    emergency = report.text(node, "emergency")
    if emergency and not _EMERGENCY.fullmatch(emergency):
        report.add(node, f"country {code}: `emergency` must be the digits people dial, e.g. \"112\"")
    emergency_source = report.text(node, "emergency_source", required=False)
    _check_url(node, "emergency_source", emergency_source, report, page=True)
    lines = _parse_lines(code, node, report)
    if lines is not None and not any("suicide" in line.categories for line in lines):
        report.add(node, f"country {code} needs at least one line with `suicide` in categories")
    if not (name and emergency and lines):
        return None
    return Country(
        code=code,
        name=name,
        emergency=emergency,
        lines=lines,
        emergency_note=report.text(node, "emergency_note", required=False),
        note=report.text(node, "note", required=False),
        emergency_source=emergency_source,
        line=getattr(node, "line", 0),
    )


def _parse_lines(code: str, node: dict, report: _Report) -> tuple[Line, ...] | None:
    items = node.get("lines")
    if not isinstance(items, list) or not items:
        report.add(node, f"country {code} needs `lines:` with at least one line")
        return None
    parsed = [_parse_line(code, item, report, items) for item in items]
    return tuple(line for line in parsed if line is not None)


def _parse_line(code: str, node, report: _Report, parent) -> Line | None:
    if not isinstance(node, dict):
        report.add(parent, f"country {code}: each line must be a mapping with name, number, hours...")
        return None
    report.unknown_keys(node, _LINE_KEYS, f"a line of {code}")
    if "verified" in node:
        report.add(node, "`verified` is gone: use `status` (verified, secondary, unverified), `source` and `checked`")
    fields = {key: report.text(node, key) for key in ("name", "hours", "what")}
    optional = {key: report.text(node, key, required=False) for key in ("number", "text", "chat_url", "note", "source")}
    _check_contact(node, optional, report)
    _check_url(node, "source", optional["source"], report, page=True)
    _check_url(node, "chat_url", optional["chat_url"], report)
    categories = _parse_categories(node, report)
    languages = _parse_languages(node, report)
    status, checked, ok = _parse_verification(node, optional["source"], fields["hours"], report)
    if None in fields.values() or categories is None or languages is None or not ok:
        return None
    return Line(categories=categories, languages=languages, status=status, checked=checked,
                line=getattr(node, "line", 0), **fields, **optional)


def _check_contact(node: dict, optional: dict, report: _Report) -> None:
    """A line people cannot reach is worse than none: it needs a number with digits, a text number, or a web chat."""
    number = optional["number"]
    if all(node.get(key) is None for key in ("number", "text", "chat_url")):
        report.add(node, "a line needs a `number` (or, for a text- or web-only service, `text` or a `chat_url`)")
    elif number is not None and not any(ch.isdigit() for ch in number):
        report.add(node, f"`number` {number!r} has no digits")


def _check_url(node: dict, key: str, value: str | None, report: _Report, *, page: bool = False) -> None:
    """Links people tap must be https://. A `source` is a record of the page a fact was checked on, which some
    stored pages only have as http://."""
    schemes = ("https://", "http://") if page else ("https://",)
    if value is not None and not value.startswith(schemes):
        report.add(node, f"`{key}` must be a URL starting with {' or '.join(schemes)}, got {value!r}")


def _parse_categories(node: dict, report: _Report) -> tuple[str, ...] | None:
    value = node.get("categories")
    if not isinstance(value, list) or not value:
        report.add(node, f"`categories` must be a list from: {', '.join(LINE_CATEGORIES)}")
        return None
    unknown = [str(c) for c in value if c not in LINE_CATEGORIES]
    if unknown:
        report.add(node, f"unknown categories {', '.join(unknown)} (known: {', '.join(LINE_CATEGORIES)})")
        return None
    return tuple(value)


def _parse_languages(node: dict, report: _Report) -> tuple[str, ...] | None:
    """The ISO 639-1 codes the line answers in, so a person can be given a line that speaks their language."""
    value = node.get("languages")
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and _LANGUAGE.fullmatch(v) for v in value):
        report.add(node, f"`languages` must be a list of ISO 639-1 codes such as [en, es], got {value!r}")
        return None
    return tuple(value)


def _parse_verification(
    node: dict, source: str | None, hours: str | None, report: _Report
) -> tuple[str, date | None, bool]:
    """`status`, `source` and `checked` must tell the truth together: a date only with the page it was checked on,
    never on an unverified line, and never in the future; an unverified line can't promise 24/7."""
    status, ok = node.get("status"), True
    if status not in STATUSES:
        report.add(node, f"`status` must be one of {', '.join(STATUSES)}, got {status!r}")
        status, ok = UNVERIFIED, False
    checked = _parse_checked(node, report)
    if checked is False:
        return status, None, False
    if checked is not None and source is None:
        report.add(node, "`checked` needs the `source` page it was checked on")
        ok = False
    if checked is not None and status == UNVERIFIED:
        report.add(node, f"`checked` on a line with status {UNVERIFIED}: a checked line is {VERIFIED} or {SECONDARY}")
        ok = False
    if status in TRUSTED and (checked is None or source is None):
        report.add(node, f"status {status} needs the `source` page and the date it was `checked`")
        ok = False
    if checked is not None and checked > date.today():
        report.add(node, f"`checked` {checked.isoformat()} is in the future")
        ok = False
    if status == UNVERIFIED and hours and hours.startswith(ALWAYS_OPEN):
        report.add(node, f"an {UNVERIFIED} line can't say \"{ALWAYS_OPEN}\": write what is known, e.g. "
                         "\"hours not confirmed\"")
        ok = False
    return status, checked, ok


def _parse_checked(node: dict, report: _Report) -> date | None | bool:
    """`checked` as a real date (YAML gives a date for 2026-11-29, a string when quoted); None when absent, False
    when it is not a date."""
    value = node.get("checked")
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        report.add(node, f"`checked` must be a date like 2026-11-29, got {value!r}")
        return False


# ---- choosing and formatting lines -----------------------------------------------------------------------


def ranked_lines(country: Country, category: str | None) -> tuple[Line, ...]:
    """The lines that suit `category`, most relevant first (closest category, then 24/7, then checked lines before
    unverified ones, then file order).

    None means every line in file order, for /sos. If nothing matches, the 24/7 suicide lines stand in. When none of
    the lines chosen has been checked, the country's checked 24/7 suicide lines are added after them, or, if it has
    none, the lines that work anywhere: an unverified line is never the only one offered.
    """
    if category is None:
        return _with_backup(country, country.lines)
    wanted = RELATED.get(category, (category,))
    matching = [line for line in country.lines if set(wanted) & set(line.categories)]
    if not matching:
        matching = _crisis_lines(country)
    ranked = sorted(matching, key=lambda line: (_closeness(line, wanted), not line.always_open, not line.trusted))
    return _with_backup(country, tuple(ranked))


def _crisis_lines(country: Country) -> list[Line]:
    return [line for line in country.lines if line.always_open and "suicide" in line.categories]


def _with_backup(country: Country, lines: tuple[Line, ...]) -> tuple[Line, ...]:
    if any(line.trusted for line in lines):
        return lines
    backup = [line for line in _crisis_lines(country) if line not in lines] or list(country.fallback)
    return lines + tuple(line for line in backup if line not in lines)


def _closeness(line: Line, wanted: tuple[str, ...]) -> int:
    return min((wanted.index(c) for c in line.categories if c in wanted), default=len(wanted))


def primary_line(country: Country, category: str | None) -> Line:
    """The one line to name in a sentence ("contact X now"): the most relevant one that is open right now,
    whatever the hour, falling back to a 24/7 suicide line, which takes any crisis call."""
    for line in (*ranked_lines(country, category), *ranked_lines(country, "suicide"), *country.fallback):
        if line.always_open:
            return line
    return country.lines[0]


def format_line(line: Line, *, detailed: bool = False) -> str:
    """ "<b>Name</b>: number (text X) – hours" in Telegram HTML; `detailed` adds what the line is for."""
    entry = f"<b>{_esc(line.name)}</b>: {_contact(line)}"
    if line.text and (line.number or line.chat_url):
        entry += f" (text {_esc(line.text)})"
    entry += f" – {_esc(line.hours)}"
    if detailed:
        entry += f"\n<i>{_esc(line.what)}</i>"
    return entry


def format_lines(country: Country, category: str | None, *, detailed: bool = False) -> str:
    """The lines that suit `category`, most relevant first, one per line (see ranked_lines)."""
    separator = "\n\n" if detailed else "\n"
    return separator.join(format_line(line, detailed=detailed) for line in ranked_lines(country, category))


def format_contact(line: Line) -> str:
    """A line as it reads inside a sentence: "<b>Samaritans</b> on 116 123"."""
    if not line.number and not line.chat_url:
        return f"<b>{_esc(line.name)}</b>: {_contact(line)}"
    joiner = "on" if line.number else "at"
    return f"<b>{_esc(line.name)}</b> {joiner} {_contact(line)}"


def format_emergency(country: Country) -> str:
    """The emergency number in bold, with its short note: "<b>999</b> (or 112)"."""
    number = f"<b>{_esc(country.emergency)}</b>"
    return f"{number} ({_esc(country.emergency_note)})" if country.emergency_note else number


def country_buttons(country: Country, category: str | None) -> tuple[Button, ...]:
    """URL buttons for the suitable lines that have a web chat: some people cannot speak out loud."""
    return tuple(
        Button(text=f"{line.name} (online)", url=line.chat_url)
        for line in ranked_lines(country, category)
        if line.chat_url
    )


def _contact(line: Line) -> str:
    if line.number:
        return _esc(line.number)
    if line.text and not line.chat_url:
        return f"text {_esc(line.text)}"
    url = line.chat_url or ""
    label = url.removeprefix("https://").rstrip("/")
    return f'<a href="{html.escape(url, quote=True)}">{_esc(label)}</a>'


def _esc(text: str) -> str:
    return html.escape(text, quote=False)
