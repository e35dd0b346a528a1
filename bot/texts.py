"""Every fixed word a person reads, from content/messages.yaml, by key.

Each text is a template: `{name}` is filled in by the code (values that came from people are HTML-escaped by
the caller), `{{` and `}}` are literal braces. PLACEHOLDERS says which names each key's code passes, so
`check-content` can refuse a text that uses a name the code never fills (or drops one it does).
"""
from __future__ import annotations

import re
import string
from collections.abc import Mapping
from pathlib import Path

from bot.contentfile import ContentError, Problem, load_yaml_file
from bot.reply import Button, Reply

# key -> the placeholders the code fills in. A key missing here is not used by the code.
PLACEHOLDERS: dict[str, frozenset[str]] = {key: frozenset(names.split()) for key, names in {
    # private chats
    "start": "", "privacy": "", "help_head": "", "help_line": "command description", "help_foot": "",
    "fallback_empty": "", "non_text": "", "unknown_command": "", "stale_button": "", "private_only": "",
    "open_private_chat": "", "no_such_button": "",
    "country_ask": "codes",
    "mydata_nothing": "", "mydata_head": "user_id", "mydata_line": "label value",
    "mydata_answers": "answers", "mydata_responder": "count", "mydata_responder_groups": "count ids",
    "mydata_alerts": "count", "mydata_foot": "", "mydata_none": "", "mydata_yes": "", "mydata_inactive": "",
    "label_country": "", "label_timezone": "", "label_checkin_time": "", "label_checkin_next_utc": "",
    "label_checkin_last_day": "", "label_prompt_index": "", "label_sober_since": "", "label_active": "",
    "label_inactive_reason": "", "label_created_at": "",
    "delete_confirm": "", "delete_yes": "", "delete_no": "", "delete_kept": "", "delete_done": "",
    "stats": "opted sent answers crises", "counts_none": "",
    # commands in the menus
    "menu_sos": "", "menu_topics": "", "menu_checkin": "", "menu_sober": "", "menu_country": "",
    "menu_timezone": "", "menu_mydata": "", "menu_deletemydata": "", "menu_privacy": "", "menu_help": "",
    "menu_groupsettings": "", "menu_groupcheckin": "", "menu_responders": "", "menu_group_help": "",
    # check-ins
    "checkin_off": "", "checkin_bad_time": "time example", "checkin_ask_time": "example",
    "checkin_ask_zone": "time", "unknown_zone": "zone example", "checkin_set": "time zone",
    "timezone_current": "zone", "timezone_ask": "current", "timezone_set": "zone",
    "sober_current": "date days", "sober_ask": "", "sober_cleared": "", "sober_set": "date days",
    "sober_kept": "date", "sober_reset": "date", "checkin_streak": "days", "checkin_example": "",
    "group_poll_question": "", "group_poll_options": "",
    # knowledge
    "no_answer": "", "hedge": "", "more_button": "", "topics_intro": "",
    # groups
    "group_help": "", "group_welcome": "", "group_admins_only": "", "group_intro": "sight",
    "group_sight_admin": "", "group_sight_all": "", "group_sight_none": "",
    "group_settings": "country checkin poll welcome help", "group_settings_help": "",
    "group_country_unset": "", "group_checkin_off_value": "", "group_on": "", "group_off": "",
    "group_unknown_country": "value codes", "group_unknown_setting": "help", "group_saved": "settings",
    "group_checkin_off": "", "group_checkin_usage": "", "group_checkin_unknown_zone": "zone",
    "group_checkin_set": "time zone",
    "responders_none": "", "responders_list": "names", "responders_usage": "", "responder_removed": "name",
    "responder_not_one": "name", "responder_must_start": "name", "responder_added": "name",
    # responder alerts
    "alert": "lead group category who where", "alert_lead": "", "alert_lead_escalated": "",
    "alert_where_link": "link", "alert_where_group": "", "alert_unnamed_group": "",
    "alert_unnamed_author": "", "alert_ack_button": "", "alert_ack_taken": "", "alert_ack_thanks": "",
    "alert_on_it": "name",
}.items()}

_FIELD = string.Formatter()
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)([^>]*)>")
ALLOWED_TAGS = frozenset({"b", "i", "u", "s", "a", "code", "pre", "tg-spoiler", "blockquote"})


class Texts:
    """The loaded messages; `texts("key", name=value)` fills one in."""

    def __init__(self, data: Mapping[str, str]):
        self._data = {key: str(value).rstrip("\n") for key, value in data.items()}

    @classmethod
    def load(cls, path: Path) -> "Texts":
        """Read and check the file; a broken file stops start-up rather than failing in a chat."""
        problems = validate_messages(path)
        if problems:
            raise ContentError(problems[0])
        return cls(load_yaml_file(path))

    def __call__(self, key: str, **values: object) -> str:
        return self._data[key].format_map(values)

    def reply(self, key: str, **values: object) -> Reply:
        return Reply(texts=(self(key, **values),))

    def button(self, key: str, *, url: str | None = None, callback: str | None = None) -> Button:
        return Button(self(key), url=url, callback=callback)


def placeholders(template: str) -> set[str]:
    """The {names} a template uses (raises ValueError on a malformed brace)."""
    return {name for _, name, _, _ in _FIELD.parse(template) if name is not None}


def html_problems(text: str) -> list[str]:
    """Telegram refuses a whole message over one bad tag: only its tags, each closed in order."""
    found, stack = [], []
    for closing, tag, _ in _TAG.findall(text):
        tag = tag.lower()
        if tag not in ALLOWED_TAGS:
            found.append(f"tag <{tag}> is not allowed in Telegram HTML")
        elif not closing:
            stack.append(tag)
        elif not stack or stack.pop() != tag:
            found.append(f"</{tag}> closes nothing open")
    found.extend(f"<{tag}> is never closed" for tag in stack)
    return found


def validate_messages(path: Path) -> list[Problem]:
    try:
        data = load_yaml_file(path)
    except ContentError as exc:
        return [exc.problem]
    if not isinstance(data, dict):
        return [Problem(str(path), 1, "must be a mapping of message names to texts")]
    lines = key_lines(path)
    problems = [Problem(str(path), 1, f"missing message {key!r}") for key in PLACEHOLDERS if key not in data]
    for key, text in data.items():
        where = lines.get(key, 1)
        if key not in PLACEHOLDERS:
            problems.append(Problem(str(path), where, f"{key}: not used by the code (a typo?)"))
            continue
        if not isinstance(text, str) or not text.strip():
            problems.append(Problem(str(path), where, f"{key}: must be a non-empty text"))
            continue
        try:
            used = placeholders(text)
        except ValueError as exc:
            problems.append(Problem(str(path), where, f"{key}: broken braces ({exc}); write {{{{ for a brace"))
            continue
        for name in sorted(used - PLACEHOLDERS[key]):
            problems.append(Problem(str(path), where, f"{key}: unknown placeholder {{{name}}}"))
        for name in sorted(PLACEHOLDERS[key] - used):
            problems.append(Problem(str(path), where, f"{key}: placeholder {{{name}}} is missing"))
        problems.extend(Problem(str(path), where, f"{key}: {problem}") for problem in html_problems(text))
    return problems


def key_lines(path: Path) -> dict[str, int]:
    """The line each top-level key starts on, so a fault points at its message."""
    found = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = re.match(r"([A-Za-z_][\w-]*):", line)
        if match:
            found.setdefault(match.group(1), number)
    return found
