"""What the knowledge room says: a topic as a reply, the honest "no answer", the /topics menu, button data.

Replies are Telegram HTML (<b>, <i>, <a href>); everything from content is escaped or rendered by
`render_body`, so a topic file can never inject markup.
"""
from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path

from bot.knowledge.index import Answer
from bot.knowledge.topics import ID_RE, MAX_ID, Topic, load_topics, render_body
from bot.reply import AnswerRef, Button, Reply

CALLBACK_PREFIX = "topic:"
MORE_PREFIX = "more:"  # the "Tell me more" button under a summary: opens the full page
MORE_LABEL = "Tell me more"
GUIDANCE_DIR = Path(__file__).resolve().parents[2] / "content" / "guidance"

NO_ANSWER = (
    "I don't have guidance on that.",
    "You can browse everything I do cover with /topics, or ask again in other words.\n\n"
    "If you'd like to talk it through with a person, a local drug service or your GP can help, "
    "and /sos shows helplines for your country.",
)
# Below this confidence an answer is offered as "the closest guidance I have", not as the answer: a guess that
# sounds sure is one of the two ways chatbots fail people here.
SURE = 0.8
HEDGE = ("<i>I'm not sure this is what you asked. This is the closest guidance I have; if it doesn't fit, "
         "try /topics or ask in other words.</i>")
MENU_INTRO = "<b>Guidance topics</b>\nChoose one to read it. You can also just ask me a question."

_catalogue: dict[str, Topic] | None = None


def _default_topics() -> dict[str, Topic]:
    """The real content's topics, loaded once, for callers that pass none."""
    global _catalogue
    if _catalogue is None:
        _catalogue = {t.id: t for t in load_topics(GUIDANCE_DIR)}
    return _catalogue


def _as_dict(topics: Iterable[Topic] | None) -> dict[str, Topic]:
    return _default_topics() if topics is None else {t.id: t for t in topics}


def callback_data(topic_id: str) -> str:
    """The button data that opens a topic."""
    return CALLBACK_PREFIX + topic_id


def more_callback_data(topic_id: str) -> str:
    """The button data of "Tell me more" under a topic's summary."""
    return MORE_PREFIX + topic_id


def parse_topic_callback(data: object, known_ids: Collection[str]) -> str | None:
    """The topic id in button data "topic:<id>" or "more:<id>", or None when it is forged, malformed or stale.
    Never raises."""
    try:
        if not isinstance(data, str) or len(data.encode("utf-8")) > 64:
            return None
        prefix = next((p for p in (CALLBACK_PREFIX, MORE_PREFIX) if data.startswith(p)), None)
        if prefix is None:
            return None
        topic_id = data[len(prefix) :]
        if len(topic_id) > MAX_ID or not ID_RE.fullmatch(topic_id):
            return None
        return topic_id if topic_id in known_ids else None
    except Exception:  # noqa: BLE001 - a strange `known_ids` must not take the bot down either
        return None


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _sources_line(topic: Topic) -> str:
    links = []
    for source in topic.sources:
        if re.match(r"^https://\S+$", source.page):
            links.append(f'<a href="{html.escape(source.page, quote=True)}">{_esc(source.org)}</a>')
        else:
            links.append(_esc(source.org))
    return f"<i>Sources: {', '.join(links)}</i>" if links else ""


def _topic_text(topic: Topic) -> str:
    parts = [f"<b>{_esc(topic.title)}</b>", render_body(topic.body_markdown), _sources_line(topic)]
    return "\n\n".join(p for p in parts if p)


def _related_buttons(related: Sequence[Topic]) -> tuple[tuple[Button, ...], ...]:
    return tuple((Button(text=t.title, callback=callback_data(t.id)),) for t in related)


def summary_text(topic: Topic) -> str:
    """The phone-sized first answer: the title in bold and the topic's summary (no sources: they are on the page)."""
    return f"<b>{_esc(topic.title)}</b>\n\n{render_body(topic.summary)}"


def answer_reply(answer: Answer, *, lead: str = "") -> Reply:
    """A guidance answer, phone-sized: the title in bold and the topic's summary, with a "Tell me more" button
    for the full page (body and sources) and buttons for related topics. A topic without a summary is shown whole.

    A less certain match says so first (see SURE), so a near miss is never presented as the answer. `lead` is
    an optional first line (already HTML), e.g. to say the answer follows on from the topic just discussed.
    """
    topic = answer.topic
    if topic.summary:
        text = summary_text(topic)
        buttons = ((Button(text=MORE_LABEL, callback=more_callback_data(topic.id)),), *_related_buttons(answer.related))
    else:
        text = _topic_text(topic)
        buttons = _related_buttons(answer.related)
    if answer.score < SURE:
        text = f"{HEDGE}\n\n{text}"
    if lead:
        text = f"{lead}\n\n{text}"
    return Reply(
        texts=(text,),
        buttons=tuple(buttons),
        answer=AnswerRef(topic.id, topic.title, answer.score),
    )


def no_answer_reply() -> Reply:
    """The honest reply when no topic answers the question: say so, offer /topics, and a person to talk to."""
    return Reply(texts=("\n\n".join(NO_ANSWER),))


def topics_menu(topics: Iterable[Topic] | None = None) -> Reply:
    """The /topics menu: one button per topic ("topic:<id>"), two per row. Default: the real content's topics."""
    items = list(_as_dict(topics).values())
    buttons = [Button(text=t.title, callback=callback_data(t.id)) for t in items]
    rows = tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
    return Reply(texts=(MENU_INTRO,), buttons=rows)


def topic_reply(topic: Topic | str, topics: Iterable[Topic] | None = None) -> Reply | None:
    """A topic opened from /topics or a button (by Topic or by id), or None for an unknown id.

    Related topics are looked up in `topics` (default: the real content's topics); unknown ones are left out.
    """
    catalogue = _as_dict(topics) if topics is not None or isinstance(topic, str) else None
    if isinstance(topic, str):
        found = catalogue.get(topic) if catalogue is not None else None
        if found is None:
            return None
        topic = found
    if catalogue is None:
        try:
            catalogue = _default_topics()
        except Exception:  # noqa: BLE001 - a topic from elsewhere still shows, only without related buttons
            catalogue = {}
    related = [catalogue[r] for r in topic.related if r in catalogue]
    return Reply(texts=(_topic_text(topic),), buttons=_related_buttons(related),
                 answer=AnswerRef(topic.id, topic.title, 1.0))
