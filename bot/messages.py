"""The everyday texts in content/messages.yaml: every key the code uses must be there and be valid HTML."""
from __future__ import annotations

import re
from pathlib import Path

from bot.contentfile import ContentError, Problem, line_of, load_yaml_file

REQUIRED = ("start", "help", "privacy", "group_help", "fallback_empty", "non_text", "unknown_command",
            "stale_button", "private_only")
_TAG = re.compile(r"</?([a-zA-Z]+)[^>]*>")
ALLOWED_TAGS = {"b", "i", "a", "code"}


def validate_messages(path: Path) -> list[Problem]:
    try:
        data = load_yaml_file(path)
    except ContentError as exc:
        return [exc.problem]
    if not isinstance(data, dict):
        return [Problem(str(path), 1, "must be a mapping of message names to texts")]
    problems = [Problem(str(path), line_of(data), f"missing message {key!r}") for key in REQUIRED if key not in data]
    lines = key_lines(path)
    for key, text in data.items():
        if not isinstance(text, str) or not text.strip():
            problems.append(Problem(str(path), lines.get(key, 1), f"{key}: must be a non-empty text"))
            continue
        for tag in _TAG.findall(text):
            if tag.lower() not in ALLOWED_TAGS:
                problems.append(Problem(str(path), lines.get(key, 1), f"{key}: tag <{tag}> is not allowed in Telegram HTML"))
        if text.count("<b>") != text.count("</b>") or text.count("<i>") != text.count("</i>"):
            problems.append(Problem(str(path), lines.get(key, 1), f"{key}: unbalanced <b> or <i>"))
    return problems


def key_lines(path: Path) -> dict[str, int]:
    """The line each top-level key starts on, so a fault points at its message."""
    found = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = re.match(r"([A-Za-z_][\w-]*):", line)
        if match:
            found.setdefault(match.group(1), number)
    return found
