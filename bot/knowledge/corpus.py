"""The labelled question corpus the answer model learns from: content/question_corpus/*.jsonl.

One JSON object a line (UTF-8), documented for writers in content/question_corpus/README.md:

    {"text": "how long till the sweats stop", "label": "withdrawal-symptoms", "lang": "en", "voice": "day 3"}

`label` is a guidance topic id, `intent:<name>` (content/intents.yaml), `out-of-domain` or
`out-of-domain-medical`. The same format holds the development set (tests/data/question_dev/), so one loader and
one validator serve both.
"""
from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from bot.contentfile import Problem
from bot.knowledge.intents import LABELS as OTHER_LABELS

LANGUAGES = ("en", "es", "pt", "de", "fr")
_KEYS = {"text", "label", "lang", "voice"}
MAX_TEXT = 2000


@dataclass(frozen=True)
class Question:
    """One labelled message and where it was read from (`source` is `file:line`)."""

    text: str
    label: str
    lang: str = "en"
    voice: str = ""
    source: str = ""


def read_questions(path: Path, topic_ids: Collection[str] | None = None) -> tuple[list[Question], list[Problem]]:
    """Every valid line of one .jsonl file, and a Problem (file:line) for each that is not. With `topic_ids`, a
    label must be one of them, an intent or out-of-domain."""
    questions: list[Question] = []
    problems: list[Problem] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        question, problem = _parse_or_problem(line, f"{path.name}:{number}", topic_ids)
        if problem:
            problems.append(Problem(str(path), number, problem))
        else:
            questions.append(question)
    return questions, problems


def read_folder(folder: Path, topic_ids: Collection[str] | None = None) -> tuple[list[Question], list[Problem]]:
    """All questions of the .jsonl files in `folder`, in file-name order."""
    questions: list[Question] = []
    problems: list[Problem] = []
    for path in sorted(Path(folder).glob("*.jsonl")):
        found, faults = read_questions(path, topic_ids)
        questions.extend(found)
        problems.extend(faults)
    return questions, problems


def _parse_or_problem(line: str, source: str,
                      topic_ids: Collection[str] | None) -> tuple[Question | None, str | None]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, f"not JSON ({exc.msg})"
    if not isinstance(item, dict) or not {"text", "label"} <= item.keys():
        return None, "needs text and label"
    extra = set(item) - _KEYS
    if extra:
        return None, f"unknown keys: {', '.join(sorted(extra))}"
    text, label = item["text"], item["label"]
    lang, voice = item.get("lang", "en"), item.get("voice", "")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
        return None, f"text must be a non-empty string of at most {MAX_TEXT} characters"
    if not isinstance(label, str):
        return None, "label must be a string"
    if topic_ids is not None and label not in topic_ids and label not in OTHER_LABELS:
        return None, f"unknown label {label!r}: a topic id in content/guidance/, intent:<name> or out-of-domain"
    if lang not in LANGUAGES:
        return None, f"lang must be one of {', '.join(LANGUAGES)}"
    if not isinstance(voice, str):
        return None, "voice must be a string"
    return Question(text.strip(), label, lang, voice, source), None
