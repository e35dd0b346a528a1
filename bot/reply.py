"""What the brain answers: plain data, no Telegram types, so console, ask and tests see exactly what a chat gets."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from bot.safety.crisis import Crisis


@dataclass(frozen=True)
class Button:
    """An inline button: either opens a URL or sends `callback` data back to the bot (never both)."""

    text: str
    url: str | None = None
    callback: str | None = None


@dataclass(frozen=True)
class CrisisRef:
    """Which crisis category a reply hands off for, and its tier ("emergency" or "crisis")."""

    category: str
    tier: str = "crisis"


@dataclass(frozen=True)
class AnswerRef:
    """Which guidance topic a reply used, with the confidence it was chosen with."""

    id: str
    title: str
    score: float


@dataclass(frozen=True)
class Effects:
    """What must happen besides sending, carried out once per message by `bot.flows.effects`.

    `crisis` is remembered (in memory only) and counted under `crisis_count` ("category/chat kind", no text, no
    id); `page_responders` sends the group's peer responders a private alert; `answer_count` counts the guidance
    topic used (private chats only).
    """

    crisis: Crisis | None = None
    crisis_count: str | None = None
    page_responders: bool = False
    answer_count: str | None = None


NO_EFFECTS = Effects()


@dataclass(frozen=True)
class Reply:
    """One or more messages in Telegram HTML (<b>, <i>, <a href>), buttons under the last one.

    `crisis` is set when the texts start with the crisis handoff; `answer` when a guidance topic was used; `check`
    when the reply asks directly whether the person is safe (the gentler tier); `language` is the ISO 639-1 code of
    the language the reply is written in.
    """

    texts: tuple[str, ...]
    buttons: tuple[tuple[Button, ...], ...] = ()
    crisis: CrisisRef | None = None
    answer: AnswerRef | None = None
    poll: tuple[str, tuple[str, ...]] | None = None  # an anonymous poll (question, options) after the texts
    check: bool = False
    language: str = "en"
    effects: Effects = NO_EFFECTS


SILENCE = Reply(texts=())


_TAG = re.compile(r"<[^>]+>")


def to_plain(text: str) -> str:
    """Telegram HTML to terminal text: tags dropped, entities unescaped."""
    return html.unescape(_TAG.sub("", text))


def plain_reply(reply: Reply) -> str:
    """The whole reply as one plain string, as `ask` and `console` print it (buttons shown in brackets)."""
    parts = [to_plain(t) for t in reply.texts]
    for row in reply.buttons:
        parts.append("  ".join(f"[{b.text}{' ' + b.url if b.url else ''}]" for b in row))
    return "\n\n".join(parts)
