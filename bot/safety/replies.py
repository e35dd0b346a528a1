"""What a person in crisis reads: the helpline handoff, built from content/crisis_replies.yaml and the directory.

The wording lives in YAML so people who know safe messaging can edit it without touching code. This module only
puts it in order (the emergency number first when life is at risk now), fills in the country's numbers and keeps
the Telegram HTML valid. Nothing here imports Telegram.
"""
from __future__ import annotations

import html
import re
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from bot.contentfile import ContentError, Problem, ProblemReport, load_yaml_file, value_or_raise
from bot.reply import Button, CrisisRef, Reply
from bot.safety.crisis import CATEGORIES, CRISIS, EMERGENCY, Crisis
from bot.safety.helplines import (
    INTL,
    Country,
    Directory,
    country_buttons,
    default_directory,
    format_contact,
    format_emergency,
    format_lines,
    primary_line,
)

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "content" / "crisis_replies.yaml"

PLACEHOLDERS = frozenset({"emergency", "primary_line", "lines", "country", "code"})
# Life at risk within minutes: the first step must give the emergency number, before any other number.
EMERGENCY_FIRST: tuple[str, ...] = ("overdose", "medical", "violence", "abuse")
# Phrases safe-messaging guidance warns against: they lecture, judge or shame someone already in pain.
LECTURING: tuple[str, ...] = (
    "never the answer",
    "selfish",
    "so much to live for",
    "think of your family",
    "think of your loved ones",
    "commit suicide",
    "committed suicide",
    "cowardly",
    "should be ashamed",
    "pull yourself together",
)
ALLOWED_TAGS = frozenset({"b", "i"})
PRIVATE_START = "sos"  # the deep-link payload: /start sos opens the private chat on the helplines

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\s*>|<\s*/?\s*[a-zA-Z][^>]*>")
BOLD_VALUES = frozenset({"{emergency}", "{primary_line}", "{lines}"})  # placeholders whose values carry <b>
_TAG_OR_BOLD_VALUE = re.compile(_TAG.pattern + r"|\{(?:emergency|primary_line|lines)\}")
_LOOSE_AMP = re.compile(r"&(?!#?\w+;)")


@dataclass(frozen=True)
class CategoryTexts:
    """The wording for one crisis category (see the comments at the top of the YAML file)."""

    opening: str
    softened: str
    steps: tuple[str, ...]
    closing: str
    reminder: str
    emergency_steps: tuple[str, ...] = ()
    emergency_reminder: str | None = None
    group_reply: str | None = None


@dataclass(frozen=True)
class Replies:
    """All crisis wording, checked; templates are Telegram HTML with {placeholders}."""

    categories: Mapping[str, CategoryTexts]
    lines_heading: str
    group_reply: str
    group_private: str
    group_button: str
    choose_country: str
    sos_opening: str
    sos_overdose: str
    sos_closing: str
    country_confirmed: str
    country_unknown: str
    check: "CheckTexts"


@dataclass(frozen=True)
class CheckTexts:
    """The ask-directly tier: the question, its three buttons, and the answer to "no"."""

    question: str
    button_yes: str
    button_no: str
    button_unsure: str
    answer_no: str


# ---- building replies -------------------------------------------------------------------------------------


def crisis_reply(
    crisis: Crisis,
    country: Country,
    *,
    repeat: bool = False,
    in_group: bool = False,
    bot_username: str | None = None,
    country_known: bool = True,
    replies: Replies | None = None,
) -> Reply:
    """The handoff for one detected crisis.

    In a group: a short public reply that never echoes the person's words (they are not even passed in) and a
    button to talk privately. A repeat within minutes gets a short reminder, not the whole block again.
    """
    replies = replies or default_replies()
    texts = _texts_for(crisis, replies)
    values = _values(country, crisis.category)
    if in_group:
        return _group_reply(crisis, texts, values, replies, bot_username)
    body = _render(_reminder(crisis, texts), values) if repeat else _full_text(crisis, texts, values, replies)
    if not country_known:
        body += "\n\n" + _render(replies.choose_country, values)
    return Reply(
        texts=(body,),
        buttons=_rows(country_buttons(country, crisis.category)),
        crisis=CrisisRef(crisis.category, crisis.tier),
    )


CHECK_ANSWERS: tuple[str, ...] = ("yes", "unsure", "no")
CHECK_CALLBACK = "safe:"  # callback data of the ask-directly buttons: safe:yes, safe:unsure, safe:no


def check_reply(*, replies: Replies | None = None) -> Reply:
    """The ask-directly question for an indirect sign, with Yes / I'm not sure / No buttons (private chats only)."""
    texts = (replies or default_replies()).check
    labels = {"yes": texts.button_yes, "unsure": texts.button_unsure, "no": texts.button_no}
    buttons = (tuple(Button(labels[a], callback=CHECK_CALLBACK + a) for a in CHECK_ANSWERS),)
    return Reply(texts=(_render(texts.question, {}),), buttons=buttons, check=True)


def parse_check_answer(data: str) -> str | None:
    """"yes", "unsure" or "no" from a button's callback data, or None for anything else (forged, stale)."""
    answer = data.removeprefix(CHECK_CALLBACK) if data.startswith(CHECK_CALLBACK) else None
    return answer if answer in CHECK_ANSWERS else None


def sos_reply(country: Country, country_known: bool, *, replies: Replies | None = None) -> Reply:
    """/sos and /crisis: the emergency number first, every line for the country, the overdose steps in short."""
    replies = replies or default_replies()
    values = _values(country, None, detailed=True)
    parts = [
        _render(replies.sos_opening, values),
        _lines_block(replies, values),
        _render(replies.sos_overdose, values),
        _render(replies.sos_closing, values),
    ]
    if not country_known:
        parts.append(_render(replies.choose_country, values))
    return Reply(texts=("\n\n".join(parts),), buttons=_rows(country_buttons(country, None)))


def country_reply(country: Country, *, replies: Replies | None = None) -> Reply:
    """/country CC: confirms the choice, so the person can see the lines they will be given are theirs."""
    replies = replies or default_replies()
    values = _values(country, None, detailed=True)
    text = _render(replies.country_confirmed, values) + "\n\n" + _lines_block(replies, values)
    return Reply(texts=(text,), buttons=_rows(country_buttons(country, None)))


def unknown_country_reply(
    code: str, directory: Directory | None = None, *, replies: Replies | None = None
) -> Reply:
    """/country XX for a code we have no entry for: say so honestly and give the lines that work anywhere."""
    replies = replies or default_replies()
    country = (directory or default_directory()).for_country(INTL)
    values = _values(country, None, detailed=True)
    values["code"] = html.escape(code.strip()[:12], quote=False)
    text = _render(replies.country_unknown, values) + "\n\n" + _lines_block(replies, values)
    return Reply(texts=(text,), buttons=_rows(country_buttons(country, None)))


def _texts_for(crisis: Crisis, replies: Replies) -> CategoryTexts:
    """A category missing from the wording must never lose the reply: fall back to the nearest kind."""
    fallback = "medical" if crisis.tier == EMERGENCY else "suicide"
    return replies.categories.get(crisis.category) or replies.categories[fallback]


def _reminder(crisis: Crisis, texts: CategoryTexts) -> str:
    """The short repeat; in an emergency the variant that gives the emergency number first."""
    return texts.emergency_reminder if crisis.tier == EMERGENCY and texts.emergency_reminder else texts.reminder


def _full_text(crisis: Crisis, texts: CategoryTexts, values: dict, replies: Replies) -> str:
    """Opening, steps, lines, closing. Softened detections get gentler words and no instructions; an emergency
    never counts as softened."""
    if crisis.softened and crisis.tier == CRISIS:
        parts = [_render(texts.softened, values)]
    else:
        steps = texts.emergency_steps if crisis.tier == EMERGENCY and texts.emergency_steps else texts.steps
        parts = [_render(texts.opening, values), _bullets(steps, values)]
    parts += [_lines_block(replies, values), _render(texts.closing, values)]
    return "\n\n".join(parts)


def _group_reply(
    crisis: Crisis, texts: CategoryTexts, values: dict, replies: Replies, bot_username: str | None
) -> Reply:
    text = _render(texts.group_reply or replies.group_reply, values)
    buttons: tuple[tuple[Button, ...], ...] = ()
    if bot_username:
        text += " " + _render(replies.group_private, values)
        link = f"https://t.me/{bot_username.lstrip('@')}?start={PRIVATE_START}"
        buttons = ((Button(text=replies.group_button, url=link),),)
    return Reply(texts=(text,), buttons=buttons, crisis=CrisisRef(crisis.category, crisis.tier))


def _values(country: Country, category: str | None, *, detailed: bool = False) -> dict[str, str]:
    """Placeholder values, already HTML. `primary_line` for category None is the 24/7 suicide line."""
    return {
        "emergency": format_emergency(country),
        "primary_line": format_contact(primary_line(country, category or "suicide")),
        "lines": format_lines(country, category, detailed=detailed),
        "country": html.escape(country.name, quote=False),
        "code": html.escape(country.code, quote=False),
    }


def _lines_block(replies: Replies, values: dict) -> str:
    return _render(replies.lines_heading, values) + "\n" + values["lines"]


def _bullets(steps: tuple[str, ...], values: dict) -> str:
    return "\n".join("• " + _render(step, values) for step in steps)


def _rows(buttons: tuple[Button, ...]) -> tuple[tuple[Button, ...], ...]:
    return tuple((button,) for button in buttons)


class _Keep(dict):
    """Leaves an unknown {placeholder} as written instead of raising: a crisis reply must always go out."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _render(template: str, values: dict) -> str:
    """Escape the template's text (keeping <b> and <i>), then fill in the placeholder values, which are HTML."""
    pieces, last = [], 0
    for match in _TAG.finditer(template):
        pieces.append(_escape_text(template[last : match.start()]))
        allowed = match.group(2) and match.group(2).lower() in ALLOWED_TAGS
        pieces.append(match.group(0) if allowed else _escape_text(match.group(0)))
        last = match.end()
    pieces.append(_escape_text(template[last:]))
    return "".join(pieces).format_map(_Keep(values))


def _escape_text(text: str) -> str:
    return _LOOSE_AMP.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")


# ---- loading and validation -------------------------------------------------------------------------------


def load_replies(path: Path | str = DEFAULT_PATH) -> Replies:
    """Read and check the wording; raises ContentError on the first problem so bad wording stops start-up."""
    return value_or_raise(*_read(Path(path)))


def load_reply_languages(content_dir: Path) -> dict[str, Replies]:
    """The wording in every language there is: crisis_replies.yaml (English) and crisis_replies.<lang>.yaml."""
    found = {"en": load_replies(content_dir / "crisis_replies.yaml")}
    for path in sorted(content_dir.glob("crisis_replies.*.yaml")):
        found[path.suffixes[0].lstrip(".")] = load_replies(path)
    return found


def validate_replies(path: Path | str = DEFAULT_PATH) -> list[Problem]:
    """Every problem in the file as `file:line: message`, for `check-content`."""
    return _read(Path(path))[1]


def validate_reply_languages(content_dir: Path) -> list[Problem]:
    """The English wording and each translation (crisis_replies.<lang>.yaml): each valid on its own, and each
    translation with exactly the English keys, list lengths and placeholders, so nothing is lost in a language."""
    english_path = content_dir / "crisis_replies.yaml"
    problems = validate_replies(english_path)
    try:
        english = _leaves(load_yaml_file(english_path))
    except (ContentError, ValueError):
        return problems
    for path in sorted(content_dir.glob("crisis_replies.*.yaml")):
        found = validate_replies(path)
        problems += found
        if not found:
            problems += _parity_problems(english, _leaves(load_yaml_file(path)), path)
    return problems


def _leaves(node, prefix: str = "") -> dict[str, tuple[str, int]]:
    """Every text in a wording file by its path ("categories.overdose.steps[2]"), with its line."""
    if isinstance(node, dict):
        return {k: v for key, value in node.items() for k, v in _leaves(value, f"{prefix}{key}.").items()}
    if isinstance(node, list):
        return {k: v for i, value in enumerate(node) for k, v in _leaves(value, f"{prefix[:-1]}[{i + 1}].").items()}
    return {prefix[:-1]: (str(node), getattr(node, "line", 1))}


def _parity_problems(english: dict, translated: dict, path: Path) -> list[Problem]:
    problems = [Problem(str(path), 1, f"`{key}` is missing (it is in crisis_replies.yaml)")
                for key in english if key not in translated]
    problems += [Problem(str(path), line, f"`{key}` is not in crisis_replies.yaml")
                 for key, (_, line) in translated.items() if key not in english]
    for key in english.keys() & translated.keys():
        wanted, (text, line) = _placeholders(english[key][0]), translated[key]
        if _placeholders(text) != wanted:
            problems.append(Problem(str(path), line, f"`{key}`: placeholders {sorted(_placeholders(text))} "
                                                     f"differ from English {sorted(wanted)}"))
    return problems


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


@lru_cache(maxsize=1)
def default_replies() -> Replies:
    """The wording from content/, read once."""
    return load_replies(DEFAULT_PATH)


class _Checker(ProblemReport):
    """Reads templates out of the YAML and checks each one, collecting problems with their lines."""

    def section(self, node, key: str) -> dict:
        value = node.get(key) if isinstance(node, dict) else None
        if not isinstance(value, dict):
            self.add(node, f"missing section `{key}:`")
            return {}
        return value

    def template(self, node: dict, key: str, where: str, *, required=(), optional=False) -> str:
        value = node.get(key)
        if value is None and optional:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.add(node, f"`{where}` must be text")
            return ""
        self.check_text(node, value, where, required)
        return value.strip()

    def steps(self, node: dict, key: str, where: str, *, optional=False) -> tuple[str, ...]:
        value = node.get(key)
        if value is None and optional:
            return ()
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
            self.add(node, f"`{where}` must be a list of texts")
            return ()
        for index, step in enumerate(value):
            self.check_text(value, step, f"{where}[{index + 1}]", ())
        return tuple(step.strip() for step in value)

    def check_text(self, node, text: str, where: str, required) -> None:
        for message in _text_problems(text, required):
            self.add(node, f"`{where}`: {message}")


def _text_problems(text: str, required) -> list[str]:
    """Everything wrong with one template: placeholders, HTML, lecturing."""
    problems = []
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return ["unmatched { or }; placeholders look like {emergency}"]
    known = ", ".join(sorted(PLACEHOLDERS))
    problems += [f"unknown placeholder {{{n}}} (known: {known})" for n in sorted(names - PLACEHOLDERS)]
    problems += [f"must contain {{{n}}}" for n in required if n not in names]
    problems += html_problems(text)
    lowered = text.lower()
    problems += [f'lecturing phrase "{p}": acknowledge, don\'t judge' for p in LECTURING if p in lowered]
    return problems


def html_problems(text: str) -> list[str]:
    """Telegram rejects a message with bad HTML, and a rejected crisis reply is a lost one: only <b>/<i>, closed,
    and no bold placeholder inside <b> (bold within bold is not something to bet a crisis reply on)."""
    problems, open_tags = [], []
    for match in _TAG_OR_BOLD_VALUE.finditer(text):
        closing, name = match.group(1), (match.group(2) or "").lower()
        if match.group(0) in BOLD_VALUES:
            if "b" in open_tags:
                problems.append(f"{match.group(0)} is already bold: take it out of <b>...</b>")
        elif name not in ALLOWED_TAGS:
            problems.append(f"tag {match.group(0)} not allowed (only <b> and <i>)")
        elif not closing:
            open_tags.append(name)
        elif not open_tags or open_tags.pop() != name:
            problems.append(f"</{name}> closes a tag that is not open")
    problems += [f"<{name}> is never closed" for name in open_tags]
    return problems


def _read(path: Path) -> tuple[Replies | None, list[Problem]]:
    try:
        data = load_yaml_file(path)
    except ContentError as exc:
        return None, [exc.problem]
    except ValueError as exc:  # PyYAML raises this for impossible dates
        return None, [Problem(str(path), 1, f"not valid YAML: {exc}")]
    check = _Checker(path)
    if not isinstance(data, dict):
        check.add(data, "expected a mapping with `categories:`, `group:`, `sos:` ...")
        return None, check.problems
    replies = _parse(data, check)
    return (replies if not check.problems else None), check.problems


def _parse(data: dict, check: _Checker) -> Replies:
    group, sos, country = (check.section(data, key) for key in ("group", "sos", "country"))
    return Replies(
        categories=MappingProxyType(_parse_categories(check.section(data, "categories"), check)),
        lines_heading=check.template(data, "lines_heading", "lines_heading"),
        group_reply=check.template(group, "reply", "group.reply", required=("emergency", "primary_line")),
        group_private=check.template(group, "private", "group.private"),
        group_button=check.template(group, "button", "group.button"),
        choose_country=_choose_country(data, check),
        sos_opening=check.template(sos, "opening", "sos.opening", required=("emergency",)),
        sos_overdose=check.template(sos, "overdose", "sos.overdose", required=("emergency",)),
        sos_closing=check.template(sos, "closing", "sos.closing"),
        country_confirmed=check.template(country, "confirmed", "country.confirmed", required=("emergency",)),
        country_unknown=check.template(country, "unknown", "country.unknown", required=("emergency",)),
        check=_parse_check(check.section(data, "check"), check),
    )


def _parse_check(node: dict, check: _Checker) -> CheckTexts:
    return CheckTexts(*(check.template(node, key, f"check.{key}")
                        for key in ("question", "button_yes", "button_no", "button_unsure", "answer_no")))


def _choose_country(data: dict, check: _Checker) -> str:
    text = check.template(data, "choose_country", "choose_country")
    if text and "/country" not in text:
        check.add(data, "`choose_country` must show the /country command")
    return text


def _parse_categories(node: dict, check: _Checker) -> dict[str, CategoryTexts]:
    for key in node:
        if key not in CATEGORIES:
            check.add(node, f"unknown category `{key}` (known: {', '.join(CATEGORIES)})")
    parsed = {}
    for name in CATEGORIES:
        if not isinstance(node.get(name), dict):
            check.add(node, f"missing category `{name}:`")
            continue
        parsed[name] = _parse_category(name, node[name], check)
    return parsed


def _parse_category(name: str, node: dict, check: _Checker) -> CategoryTexts:
    texts = CategoryTexts(
        opening=check.template(node, "opening", f"{name}.opening"),
        softened=check.template(node, "softened", f"{name}.softened"),
        steps=check.steps(node, "steps", f"{name}.steps"),
        closing=check.template(node, "closing", f"{name}.closing"),
        reminder=check.template(node, "reminder", f"{name}.reminder", required=("emergency",)),
        emergency_steps=check.steps(node, "emergency_steps", f"{name}.emergency_steps",
                                    optional=name in EMERGENCY_FIRST),
        emergency_reminder=check.template(node, "emergency_reminder", f"{name}.emergency_reminder",
                                          required=("emergency",), optional=name in EMERGENCY_FIRST) or None,
        group_reply=check.template(node, "group_reply", f"{name}.group_reply", required=("emergency",),
                                   optional=True) or None,
    )
    _check_order(name, node, texts, check)
    return texts


def _check_order(name: str, node: dict, texts: CategoryTexts, check: _Checker) -> None:
    """Where life is at risk now, the emergency number must come before any other number."""
    first_lists = [("emergency_steps", texts.emergency_steps)]
    reminders = [("emergency_reminder", texts.emergency_reminder or "")]
    if name in EMERGENCY_FIRST:
        first_lists.append(("steps", texts.steps))
        reminders.append(("reminder", texts.reminder))
        if {"{primary_line}", "{lines}"} & set(re.findall(r"\{\w+\}", texts.opening)):
            check.add(node, f"`{name}.opening`: no other number before the emergency steps")
    elif not any("{emergency}" in step for step in texts.steps):
        check.add(node, f"`{name}.steps`: one step must say when to call {{emergency}}")
    for key, steps in first_lists:
        if steps and "{emergency}" not in steps[0]:
            check.add(node, f"`{name}.{key}`: the first step must contain {{emergency}}")
    for key, reminder in reminders:
        if _before(reminder, "primary_line", "emergency"):
            check.add(node, f"`{name}.{key}`: put {{emergency}} before {{primary_line}}")


def _before(text: str, first: str, second: str) -> bool:
    """True when {first} appears in text before {second} (or {second} is missing)."""
    a, b = text.find("{" + first + "}"), text.find("{" + second + "}")
    return a != -1 and (b == -1 or a < b)
