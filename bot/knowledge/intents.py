"""The short replies of content/intents.yaml: small talk, a milestone, an urge to use, a relapse just now, a low
day, and the honest "that's outside what I know".

Which one a message gets is decided by the answer model (bot/knowledge/model.py); this module only holds the
words, checks them, and fills in the never-use-alone line for the person's country.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from bot.contentfile import ContentError, Problem, load_yaml_file
from bot.texts import ALLOWED_TAGS, key_lines

INTENT_PREFIX = "intent:"
GREETING, THANKS, WHO, CAPABILITIES = "greeting", "thanks", "who-are-you", "capabilities"
MILESTONE, URGE, RELAPSED, LOW = "milestone", "urge-to-use", "just-relapsed", "feeling-low"
INTENTS: tuple[str, ...] = (GREETING, THANKS, WHO, CAPABILITIES, MILESTONE, URGE, RELAPSED, LOW)
OUT_OF_DOMAIN = "out-of-domain"
OUT_OF_DOMAIN_MEDICAL = "out-of-domain-medical"  # alcohol or benzodiazepine withdrawal: dangerous, see a doctor
OUTSIDE: tuple[str, ...] = (OUT_OF_DOMAIN, OUT_OF_DOMAIN_MEDICAL)
NEVER_USE_ALONE_LINE = "never-use-alone-line"
PLACEHOLDERS: dict[str, frozenset[str]] = {URGE: frozenset({"never_use_alone"}),
                                           NEVER_USE_ALONE_LINE: frozenset({"name", "number"})}
KEYS: tuple[str, ...] = (*INTENTS, *OUTSIDE, NEVER_USE_ALONE_LINE)

_TAG = re.compile(r"</?([a-zA-Z]+)[^>]*>")
_BRACES = re.compile(r"\{([^{}]*)\}")


def intent_label(name: str) -> str:
    """The corpus label of an intent ("intent:greeting")."""
    return INTENT_PREFIX + name


LABELS: tuple[str, ...] = (*(intent_label(i) for i in INTENTS), *OUTSIDE)  # every non-topic label of the corpus


def validate_intents(path: Path) -> list[Problem]:
    """Every fault of content/intents.yaml: a missing reply, an unknown key, a tag Telegram refuses, a placeholder
    the bot does not fill."""
    try:
        data = load_yaml_file(path)
    except ContentError as exc:
        return [exc.problem]
    if not isinstance(data, dict):
        return [Problem(str(path), 1, f"must map reply names ({', '.join(KEYS)}) to texts")]
    lines = key_lines(path)
    problems = [Problem(str(path), 1, f"missing reply {key!r}") for key in KEYS if key not in data]
    for key, text in data.items():
        n = lines.get(str(key), 1)
        if key not in KEYS:
            problems.append(Problem(str(path), n, f"unknown reply {key!r} (replies: {', '.join(KEYS)})"))
            continue
        if not isinstance(text, str) or not text.strip():
            problems.append(Problem(str(path), n, f"{key}: must be a non-empty text"))
            continue
        for tag in _TAG.findall(text):
            if tag.lower() not in ALLOWED_TAGS:
                problems.append(Problem(str(path), n, f"{key}: tag <{tag}> is not allowed in Telegram HTML"))
        if text.count("<b>") != text.count("</b>") or text.count("<i>") != text.count("</i>"):
            problems.append(Problem(str(path), n, f"{key}: unbalanced <b> or <i>"))
        found = set(_BRACES.findall(text))
        allowed = PLACEHOLDERS.get(key, frozenset())
        for name in sorted(found - allowed):
            problems.append(Problem(str(path), n, f"{key}: unknown placeholder {{{name}}}"
                                                  + (f" (this reply has {', '.join(sorted(allowed))})" if allowed else "")))
        for name in sorted(allowed - found):
            problems.append(Problem(str(path), n, f"{key}: placeholder {{{name}}} is missing"))
        if text.count("{") != text.count("}") or text.count("{") != len(_BRACES.findall(text)):
            problems.append(Problem(str(path), n, f"{key}: stray brace"))
    return problems


@dataclass(frozen=True)
class IntentReplies:
    """The replies, checked and ready."""

    texts: dict[str, str]

    @classmethod
    def load(cls, path: Path) -> "IntentReplies":
        """Read content/intents.yaml; raises ContentError on the first fault."""
        problems = validate_intents(path)
        if problems:
            raise ContentError(problems[0])
        return cls({str(k): str(v).strip() for k, v in load_yaml_file(path).items()})

    def text(self, name: str, country=None) -> str:
        """The reply `name` (an intent or OUT_OF_DOMAIN...), with the country's never-use-alone line filled in
        where the directory has one (`country` is a bot.safety.helplines.Country, or None)."""
        text = self.texts[name]
        if name == URGE:
            text = text.replace("{never_use_alone}", self.never_use_alone(country))
        return text

    def never_use_alone(self, country) -> str:
        """The sentence naming the country's never-use-alone line, or "" when it has none with a number."""
        if country is None:
            return ""
        from bot.safety.helplines import ranked_lines

        for line in ranked_lines(country, "overdose"):
            if "never_use_alone" in line.categories and line.number:
                return (self.texts[NEVER_USE_ALONE_LINE]
                        .replace("{name}", html.escape(line.name, quote=False))
                        .replace("{number}", html.escape(line.number, quote=False)))
        return ""
