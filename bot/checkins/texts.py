"""The words of a check-in: prompts, answer buttons, replies, milestones and group posts, from content/checkins.yaml.

The content file is edited by non-programmers, so validation is strict and speaks in `file:line: problem`, and
the safety parts of the replies (coping steps, overdose risk, naloxone) are required, not hoped for.
Callback data is parsed just as strictly: anyone can forge it, so it is an input like any typed message.
"""
from __future__ import annotations

import hashlib
import re
import string
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from types import MappingProxyType
from typing import Mapping
from zoneinfo import available_timezones

from bot.checkins.milestones import MILESTONES, YEAR, milestone_key
from bot.contentfile import ContentError, Problem, line_of, load_yaml_file
from bot.reply import Button, Reply

ANSWERS: tuple[str, ...] = ("good", "okay", "struggling", "used")
CALLBACK_PREFIX = "ci"
SOBER_RESET = "sober:reset"
SOBER_KEEP = "sober:keep"

MIN_PROMPTS = 20
MIN_GROUP_PROMPTS = 10
MAX_LINE = 300  # a prompt is one glance, not a paragraph
MAX_MESSAGE = 3500  # Telegram allows 4096; leave room for the helpline block inserted into a reply
MAX_LABEL = 40  # button labels are cut off on phones well before Telegram's own limit

_CALLBACK = re.compile(r"ci:(good|okay|struggling|used):([0-9]{4})([0-9]{2})([0-9]{2})")
_CLOCK = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
_TAG = re.compile(r"<(/?)(b|i|a)(?:\s+href=\"[^\"<>]+\")?>")
_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|#[0-9]+|#x[0-9a-fA-F]+);")
_MILESTONE_KEYS = tuple(str(days) for days in MILESTONES) + ("yearly",)
_SAMPLE_VALUES = {"days": 30, "years": 2, "helpline": "helpline"}

# The words a reply must keep, whatever an editor rewrites: these are the parts that keep people alive.
_REQUIRED_WORDS = {"struggling": ("/sos",), "used": ("tolerance", "alone", "naloxone")}
_REQUIRED_FIELDS = {"struggling": {"helpline"}, "used": {"helpline"}}
_TOP_KEYS = frozenset(
    {
        "prompts", "day_line", "first_day_line", "answers", "reset_question", "reset_button", "keep_button",
        "milestones", "group_prompts", "group_footer", "common_times", "common_zones", "city_aliases",
    }
)


@dataclass(frozen=True)
class CheckinTexts:
    """Everything in content/checkins.yaml, checked and ready to use (texts are Telegram HTML templates)."""

    prompts: tuple[str, ...]
    day_line: str
    first_day_line: str
    labels: Mapping[str, str]
    replies: Mapping[str, str]
    reset_question: str
    reset_button: str
    keep_button: str
    milestones: Mapping[str, str]
    group_prompts: tuple[str, ...]
    group_footer: str
    common_times: tuple[time, ...]
    common_zones: tuple[tuple[str, str], ...]
    city_aliases: Mapping[str, str]


# ---------------------------------------------------------------------------------------------------- loading


def load_checkin_texts(path: Path | str) -> CheckinTexts:
    """Read and check the file; raises ContentError with the first problem, so a broken file never half-works."""
    data = load_yaml_file(Path(path))
    problems = _problems(data, str(path))
    if problems:
        raise ContentError(problems[0])
    return _build(data)


def validate_checkin_texts(path: Path | str) -> list[Problem]:
    """Every problem in the file, for `check-content`; an empty list means it is good to ship."""
    try:
        data = load_yaml_file(Path(path))
    except ContentError as exc:
        return [exc.problem]
    return _problems(data, str(path))


def _build(data: dict) -> CheckinTexts:
    """Turn checked YAML into CheckinTexts; assumes _problems found nothing.

    Texts without placeholders are rendered here (turning {{ into {), so every field is either final HTML or,
    for day_line, replies and milestones, a template filled in when a message is built.
    """
    answers = data["answers"]
    return CheckinTexts(
        prompts=tuple(line.format() for line in data["prompts"]),
        day_line=data["day_line"],
        first_day_line=data["first_day_line"].format(),
        labels=MappingProxyType({name: answers[name]["label"] for name in ANSWERS}),
        replies=MappingProxyType({name: answers[name]["reply"] for name in ANSWERS}),
        reset_question=data["reset_question"].format(),
        reset_button=data["reset_button"],
        keep_button=data["keep_button"],
        milestones=MappingProxyType({str(key): text for key, text in data["milestones"].items()}),
        group_prompts=tuple(line.format() for line in data["group_prompts"]),
        group_footer=(data.get("group_footer") or "").format(),
        common_times=tuple(time.fromisoformat(value) for value in data["common_times"]),
        common_zones=tuple((str(label), zone) for label, zone in data["common_zones"].items()),
        city_aliases=MappingProxyType(dict(data["city_aliases"])),
    )


# ---------------------------------------------------------------------------------------------------- messages


def pick_prompt(texts: CheckinTexts, local_day: date, previous_index: int | None) -> tuple[int, str]:
    """Today's prompt: (index, line). Varies by day, same all day, and never the line used the previous time.

    Deterministic, so a retried send after a crash asks the same question; `previous_index` is the one stored
    from the last check-in, which keeps "How are you today?" from greeting someone two days running.
    """
    index = _pick_index(len(texts.prompts), local_day, previous_index, salt="private")
    return index, texts.prompts[index]


def checkin_message(texts: CheckinTexts, days: int | None, prompt: str, local_day: date) -> Reply:
    """The daily check-in: "<b>Day 57.</b> How are you today?" with the four answer buttons.

    `days` is None when no sober date is set (then no day line). On a milestone day the milestone message comes
    first, as its own text, so the celebration is not buried under the question. The buttons carry `local_day`
    so an old check-in's buttons answer that day, not today.
    """
    question = f"{_day_line(texts, days)} {prompt}" if days is not None else prompt
    celebration = milestone_message(texts, days) if days is not None else None
    return Reply(
        texts=(celebration, question) if celebration else (question,),
        buttons=_answer_buttons(texts, local_day),
    )


def answer_reply(texts: CheckinTexts, answer: str, helpline_text: str, has_sober_date: bool = True) -> Reply:
    """What the bot says to an answer button; `helpline_text` (Telegram HTML) is the person's country's line.

    After "used" the person is asked whether to reset their sober date, with two buttons; nothing is reset
    here or by default, because a slip does not have to erase a count, and that choice is theirs. Without a
    sober date there is nothing to reset, so no question.
    """
    if answer not in ANSWERS:
        raise ValueError(f"unknown check-in answer {answer!r}")
    body = _tidy(texts.replies[answer].format(helpline=helpline_text))
    if answer != "used" or not has_sober_date:
        return Reply(texts=(body,))
    choice = (Button(texts.reset_button, callback=SOBER_RESET), Button(texts.keep_button, callback=SOBER_KEEP))
    return Reply(texts=(body, texts.reset_question), buttons=(choice,))


def milestone_message(texts: CheckinTexts, days: int) -> str | None:
    """The celebration for `days` full sober days, or None on an ordinary day."""
    key = milestone_key(days)
    if key is None:
        return None
    return texts.milestones[key].format(days=days, years=days // YEAR)


def group_checkin_message(texts: CheckinTexts, local_day: date, previous_index: int | None) -> tuple[int, Reply]:
    """The daily post in a group: (index, Reply). No buttons and nothing about anyone: answers stay voluntary."""
    index = _pick_index(len(texts.group_prompts), local_day, previous_index, salt="group")
    body = texts.group_prompts[index]
    text = f"{body}\n\n{texts.group_footer}" if texts.group_footer else body
    return index, Reply(texts=(text,))


def callback_data(answer: str, local_day: date) -> str:
    """ "ci:<answer>:<yyyymmdd>": well under Telegram's 64-byte limit, and binds the button to its day."""
    return f"{CALLBACK_PREFIX}:{answer}:{local_day:%Y%m%d}"


def parse_callback(data: object) -> tuple[str, date] | None:
    """(answer, day) from check-in callback data, or None for anything that is not exactly what we send."""
    if not isinstance(data, str) or len(data) > 64:
        return None
    match = _CALLBACK.fullmatch(data)
    if not match:
        return None
    answer, year, month, day = match.groups()
    try:
        return answer, date(int(year), int(month), int(day))
    except ValueError:
        return None


def _pick_index(count: int, local_day: date, previous_index: int | None, salt: str) -> int:
    """A day-seeded index in range(count), moved on by one if it equals the previous one.

    sha256 rather than hash(): Python salts str hashes per process, and the choice must survive a restart.
    """
    digest = hashlib.sha256(f"{salt}:{local_day.isoformat()}".encode()).digest()
    index = int.from_bytes(digest[:8], "big") % count
    if index == previous_index and count > 1:
        index = (index + 1) % count
    return index


def _day_line(texts: CheckinTexts, days: int) -> str:
    """ "<b>Day 57.</b>", or the first-day line on the sober date itself, where "Day 0" would read oddly."""
    return texts.first_day_line if days == 0 else texts.day_line.format(days=days)


def _answer_buttons(texts: CheckinTexts, local_day: date) -> tuple[tuple[Button, ...], ...]:
    """Two rows of two, so labels stay readable on a phone."""
    buttons = [Button(texts.labels[name], callback=callback_data(name, local_day)) for name in ANSWERS]
    return (tuple(buttons[:2]), tuple(buttons[2:]))


def _tidy(text: str) -> str:
    """Collapse the blank lines an empty helpline block would leave."""
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# ---------------------------------------------------------------------------------------------------- checking


def _problems(data: object, path: str) -> list[Problem]:
    """Every fault in the loaded file, in file order as far as the checks can tell."""
    if not isinstance(data, dict):
        return [Problem(path, line_of(data), "the file must be a mapping of the sections described at its top")]
    problems = [Problem(path, line_of(data), f"unknown section {key!r}") for key in data if key not in _TOP_KEYS]
    problems += _check_lines(data, "prompts", MIN_PROMPTS, path)
    problems += _check_text(data, "day_line", path, required={"days"})
    problems += _check_text(data, "first_day_line", path)
    problems += _check_answers(data, path)
    problems += _check_text(data, "reset_question", path)
    problems += _check_label(data, "reset_button", path)
    problems += _check_label(data, "keep_button", path)
    problems += _check_milestones(data, path)
    problems += _check_lines(data, "group_prompts", MIN_GROUP_PROMPTS, path)
    if "group_footer" in data:
        problems += _check_text(data, "group_footer", path)
    problems += _check_times(data, path)
    problems += _check_zones(data, "common_zones", path, keys_are_aliases=False)
    problems += _check_zones(data, "city_aliases", path, keys_are_aliases=True)
    return problems


def _check_lines(data: dict, key: str, minimum: int, path: str) -> list[Problem]:
    """A list of at least `minimum` distinct short texts (so day-to-day variety is real)."""
    lines = data.get(key)
    if not isinstance(lines, list) or len(lines) < minimum:
        return [Problem(path, line_of(lines or data), f"{key}: needs a list of at least {minimum} lines")]
    problems = []
    for number, line in enumerate(lines, 1):
        where = f"{key} #{number}"
        problems += _text_problems(line, where, path, line_of(lines), limit=MAX_LINE)
    duplicates = sorted({line for line in lines if isinstance(line, str) and lines.count(line) > 1})
    problems += [Problem(path, line_of(lines), f"{key}: {line!r} appears twice") for line in duplicates]
    return problems


def _check_text(
    data: dict, key: str, path: str, allowed: set[str] | None = None, required: set[str] = frozenset()
) -> list[Problem]:
    """One HTML template under `key`."""
    return _text_problems(data.get(key), key, path, line_of(data), allowed=allowed or required, required=required)


def _check_label(data: dict, key: str, path: str) -> list[Problem]:
    """A button label: short plain text (Telegram shows tags in buttons literally)."""
    return _label_problems(data.get(key), key, path, line_of(data))


def _check_answers(data: dict, path: str) -> list[Problem]:
    """Exactly the four answers, each with a label and a reply that keeps its safety content."""
    answers = data.get("answers")
    if not isinstance(answers, dict) or set(answers) != set(ANSWERS):
        return [Problem(path, line_of(answers or data), f"answers: needs exactly {', '.join(ANSWERS)}")]
    problems = []
    for name in ANSWERS:
        entry = answers[name]
        if not isinstance(entry, dict):
            problems.append(Problem(path, line_of(answers), f"answers.{name}: needs a label and a reply"))
            continue
        problems += _label_problems(entry.get("label"), f"answers.{name}.label", path, line_of(entry))
        required = _REQUIRED_FIELDS.get(name, set())
        problems += _text_problems(
            entry.get("reply"), f"answers.{name}.reply", path, line_of(entry),
            allowed={"helpline"}, required=required, limit=MAX_MESSAGE,
        )
        problems += _missing_words(entry.get("reply"), name, path, line_of(entry))
    return problems


def _missing_words(reply: object, name: str, path: str, line: int) -> list[Problem]:
    """Safety words a reply must keep (case-insensitive)."""
    if not isinstance(reply, str):
        return []
    lowered = reply.lower()
    return [
        Problem(path, line, f"answers.{name}.reply: must mention {word!r} (it is safety information)")
        for word in _REQUIRED_WORDS.get(name, ())
        if word not in lowered
    ]


def _check_milestones(data: dict, path: str) -> list[Problem]:
    """One message per milestone kind; each may use {days}, the yearly one {years} too."""
    milestones = data.get("milestones")
    if not isinstance(milestones, dict):
        return [Problem(path, line_of(data), "milestones: needs a message per milestone")]
    have, line = {str(key) for key in milestones}, line_of(milestones)
    problems = [Problem(path, line, f"milestones: missing {key}") for key in _MILESTONE_KEYS if key not in have]
    extra = sorted(have - set(_MILESTONE_KEYS))
    problems += [Problem(path, line, f"milestones: {key} is not a milestone") for key in extra]
    for key, text in milestones.items():
        allowed = {"days", "years"} if str(key) == "yearly" else {"days"}
        problems += _text_problems(text, f"milestones.{key}", path, line, allowed=allowed)
    return problems


def _check_times(data: dict, path: str) -> list[Problem]:
    """Quoted 24-hour "HH:MM" times: unquoted 20:00 is a number (1200) to YAML."""
    times = data.get("common_times")
    if not isinstance(times, list) or not times:
        return [Problem(path, line_of(times or data), "common_times: needs a list of times like \"20:00\"")]
    return [
        Problem(path, line_of(times), f"common_times: {value!r} is not a quoted 24-hour time like \"20:00\"")
        for value in times
        if not (isinstance(value, str) and _CLOCK.fullmatch(value))
    ]


def _check_zones(data: dict, key: str, path: str, keys_are_aliases: bool) -> list[Problem]:
    """name -> IANA zone; alias names must be written as typed input is normalised (lower case, single spaces)."""
    table = data.get(key)
    if not isinstance(table, dict) or not table:
        return [Problem(path, line_of(table or data), f"{key}: needs a mapping of name -> IANA time zone")]
    known = available_timezones()
    problems = []
    for name, zone in table.items():
        if zone not in known:
            problems.append(Problem(path, line_of(table), f"{key}: {name!r} -> {zone!r} is not an IANA time zone"))
        if keys_are_aliases and (not isinstance(name, str) or name != " ".join(name.replace("_", " ").split()).lower()):
            problems.append(Problem(path, line_of(table), f"{key}: {name!r} must be lower case, single spaces, no _"))
        if not keys_are_aliases:
            problems += _label_problems(name, f"{key}: label", path, line_of(table))
    return problems


def _text_problems(
    text: object,
    where: str,
    path: str,
    line: int,
    allowed: set[str] = frozenset(),
    required: set[str] = frozenset(),
    limit: int = MAX_MESSAGE,
) -> list[Problem]:
    """One Telegram HTML template: present, not too long, valid tags, known placeholders only."""
    if not isinstance(text, str) or not text.strip():
        return [Problem(path, line, f"{where}: needs some text")]
    messages = _html_faults(text) + _placeholder_faults(text, allowed, required)
    if len(text) > limit:
        messages.append(f"longer than {limit} characters")
    return [Problem(path, line, f"{where}: {message}") for message in messages]


def _label_problems(label: object, where: str, path: str, line: int) -> list[Problem]:
    """A button label: present, short, no HTML."""
    if not isinstance(label, str) or not label.strip():
        return [Problem(path, line, f"{where}: needs a label")]
    if len(label) > MAX_LABEL or "<" in label or "{" in label:
        return [Problem(path, line, f"{where}: labels are short plain text (no tags or placeholders)")]
    return []


def _html_faults(text: str) -> list[str]:
    """Telegram rejects a whole message over one bad tag, so check tags, nesting and bare & < >."""
    faults, open_tags, rest = [], [], _ENTITY.sub("", text)
    for match in _TAG.finditer(text):
        closing, name = match.group(1), match.group(2)
        if not closing:
            open_tags.append(name)
        elif not open_tags or open_tags.pop() != name:
            faults.append(f"</{name}> closes a tag that is not open")
    faults += [f"<{name}> is never closed" for name in open_tags]
    bare = _TAG.sub("", rest)
    if "<" in bare or ">" in bare:
        faults.append("only <b>, <i> and <a href=\"...\"> are allowed; write < as &lt; and > as &gt;")
    if "&" in bare:
        faults.append("write & as &amp;")
    return faults


def _placeholder_faults(text: str, allowed: set[str], required: set[str]) -> list[str]:
    """Unknown, malformed or missing {placeholders}: a typo must not crash a send at 9 p.m."""
    broken = ["has a broken {placeholder}; write a literal brace as {{ or }}"]
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return broken
    faults = [f"unknown placeholder {{{name}}}" for name in sorted(fields - allowed)]
    faults += [f"must contain {{{name}}}" for name in sorted(required - fields)]
    if faults:
        return faults
    try:
        text.format(**_SAMPLE_VALUES)
    except (ValueError, KeyError, IndexError, AttributeError):
        return broken
    return []
