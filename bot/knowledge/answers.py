"""What the knowledge room says: a topic as a reply, the honest "no answer", the /topics menu, button data.

Replies are Telegram HTML (<b>, <i>, <a href>); everything from content is escaped or rendered by
`render_body`, so a topic file can never inject markup.
"""
from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterable, Sequence

from bot.knowledge.index import Answer
from bot.knowledge.topics import ID_RE, MAX_ID, Topic, render_body
from bot.reply import AnswerRef, Button, Reply
from bot.texts import Texts

CALLBACK_PREFIX = "topic:"
MORE_PREFIX = "more:"  # the "Tell me more" button under a summary: opens the full page
# Below this confidence an answer is offered as "the closest guidance I have" (the `hedge` text), not as the
# answer: a guess that sounds sure is one of the two ways chatbots fail people here.
SURE = 0.8


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


def answer_reply(answer: Answer, texts: Texts, *, lead: str = "") -> Reply:
    """A guidance answer, phone-sized: the title in bold and the topic's summary, with a "Tell me more" button
    for the full page (body and sources) and buttons for related topics. A topic without a summary is shown whole.

    A less certain match says so first (see SURE), so a near miss is never presented as the answer. `lead` is
    an optional first line (already HTML), e.g. to say the answer follows on from the topic just discussed.
    """
    topic = answer.topic
    if topic.summary:
        text = summary_text(topic)
        buttons = ((Button(text=texts("more_button"), callback=more_callback_data(topic.id)),),
                   *_related_buttons(answer.related))
    else:
        text = _topic_text(topic)
        buttons = _related_buttons(answer.related)
    if answer.score < SURE:
        text = f"{texts('hedge')}\n\n{text}"
    if lead:
        text = f"{lead}\n\n{text}"
    return Reply(
        texts=(text,),
        buttons=tuple(buttons),
        answer=AnswerRef(topic.id, topic.title, answer.score),
    )


def no_answer_reply(texts: Texts) -> Reply:
    """The honest reply when no topic answers the question: say so, offer /topics, and a person to talk to."""
    return texts.reply("no_answer")


def topics_menu(topics: Iterable[Topic], texts: Texts) -> Reply:
    """The /topics menu: one button per topic ("topic:<id>"), two per row."""
    buttons = [Button(text=t.title, callback=callback_data(t.id)) for t in topics]
    rows = tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
    return Reply(texts=(texts("topics_intro"),), buttons=rows)


def topic_reply(topic: Topic | str, topics: Iterable[Topic]) -> Reply | None:
    """A topic opened from /topics or a button (by Topic or by id), or None for an unknown id.

    Related topics are looked up in `topics`; unknown ones are left out.
    """
    catalogue = {t.id: t for t in topics}
    if isinstance(topic, str):
        topic = catalogue.get(topic)
        if topic is None:
            return None
    related = [catalogue[r] for r in topic.related if r in catalogue]
    return Reply(texts=(_topic_text(topic),), buttons=_related_buttons(related),
                 answer=AnswerRef(topic.id, topic.title, 1.0))
