"""The labelled crisis corpus: JSON Lines files of messages with what a crisis worker would say each one needs.

Format (one object per line, UTF-8), documented for writers in content/crisis_corpus/README.md:

    {"text": "...", "category": "suicide", "tier": "crisis", "lang": "en", "voice": "withdrawal night"}

- category: none, suicide, self_harm, overdose, medical, violence, abuse
- tier: none (only with category none), check (an indirect sign: ask directly), crisis, emergency
- lang: en, es, pt, de, fr; voice: a few words on who writes (free text, for reports only)

The same format holds the training corpus (content/crisis_corpus/), the development set (tests/data/crisis_dev/)
and the frozen evaluation set (bench/frozen/crisis/), so one loader and one validator serve all three.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bot.contentfile import Problem
from bot.safety.crisis import CATEGORIES

NONE = "none"
CHECK = "check"
LABELS: tuple[str, ...] = (NONE, *CATEGORIES)
TIER_LABELS: tuple[str, ...] = (NONE, CHECK, "crisis", "emergency")
LANGUAGES: tuple[str, ...] = ("en", "es", "pt", "de", "fr")
_KEYS = {"text", "category", "tier", "lang", "voice"}


@dataclass(frozen=True)
class Example:
    """One labelled message and where it was read from (`source` is `file:line`)."""

    text: str
    category: str
    tier: str
    lang: str
    voice: str = ""
    source: str = ""

    @property
    def is_crisis(self) -> bool:
        """A handoff is wanted (crisis or emergency tier)."""
        return self.tier in ("crisis", "emergency")


def read_examples(path: Path) -> tuple[list[Example], list[Problem]]:
    """Every valid example of one .jsonl file, and a Problem (file:line) for each line that is not."""
    examples: list[Example] = []
    problems: list[Problem] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        example, problem = _parse(line, f"{path.name}:{number}")
        if problem:
            problems.append(Problem(str(path), number, problem))
        else:
            examples.append(example)
    return examples, problems


def read_folder(folder: Path) -> tuple[list[Example], list[Problem]]:
    """All examples of the .jsonl files in `folder`, in file-name order."""
    examples: list[Example] = []
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.jsonl")):
        found, faults = read_examples(path)
        examples.extend(found)
        problems.extend(faults)
    return examples, problems


def _parse(line: str, source: str) -> tuple[Example | None, str | None]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, f"not JSON ({exc.msg})"
    if not isinstance(item, dict) or not {"text", "category", "tier", "lang"} <= item.keys():
        return None, "needs text, category, tier and lang"
    if set(item) - _KEYS:
        return None, f"unknown keys: {', '.join(sorted(set(item) - _KEYS))}"
    text, category, tier, lang = item["text"], item["category"], item["tier"], item["lang"]
    if not isinstance(text, str) or not text.strip():
        return None, "text must be a non-empty string"
    if category not in LABELS:
        return None, f"category {category!r} is not one of {', '.join(LABELS)}"
    if tier not in TIER_LABELS:
        return None, f"tier {tier!r} is not one of {', '.join(TIER_LABELS)}"
    if (category == NONE) != (tier == NONE):
        return None, "tier none goes with category none, and only with it"
    if lang not in LANGUAGES:
        return None, f"lang {lang!r} is not one of {', '.join(LANGUAGES)}"
    return Example(text, category, tier, lang, str(item.get("voice", "")), source), None
