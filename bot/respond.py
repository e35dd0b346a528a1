"""The one decision path for every incoming text: crisis first, then a guidance answer, then an honest fallback.

Plain Python: no Telegram objects in, no network out. Telegram, `console` and `ask` all call `Brain.respond`, so
what `ask` prints is exactly what a person gets.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.checkins.texts import CheckinTexts, load_checkin_texts
from bot.contentfile import load_yaml_file
from bot.knowledge.answers import answer_reply, no_answer_reply, parse_topic_callback, topic_reply, topics_menu
from bot.knowledge.index import Index
from bot.knowledge.topics import Topic, load_topics
from bot.reply import Reply
from bot.safety.crisis import Crisis
from bot.safety.detector import Rules, detect, load_rules
from bot.safety.helplines import Directory, load_directory
from bot.safety.replies import Replies, country_reply, crisis_reply, load_replies, sos_reply

PRIVATE = "private"


@dataclass(frozen=True)
class Person:
    """Who a text comes from, as far as the brain needs to know.

    `country` is the person's (or group's) own choice, None until they choose. `recent_crisis` is the crisis
    handed off to them in the last few minutes, so a repeat gets a short reminder rather than the whole block.
    """

    user_id: int | None = None
    country: str | None = None
    chat_type: str = PRIVATE
    recent_crisis: Crisis | None = None
    bot_username: str | None = None

    @property
    def in_group(self) -> bool:
        return self.chat_type != PRIVATE


class Brain:
    """The loaded content and the decisions made with it. Built once at start-up; never changes afterwards."""

    def __init__(self, *, rules: Rules, directory: Directory, replies: Replies, index: Index,
                 topics: list[Topic], messages: dict, checkin_texts: CheckinTexts,
                 default_country: str | None = None):
        self.rules = rules
        self.directory = directory
        self.replies = replies
        self.index = index
        self.topics = {topic.id: topic for topic in topics}
        self.messages = messages
        self.checkin_texts = checkin_texts
        self.default_country = default_country

    @classmethod
    def load(cls, content_dir: Path, default_country: str | None = None) -> "Brain":
        """Read every content file and build the answer index (raises ContentError on a broken file)."""
        topics = load_topics(content_dir / "guidance")
        return cls(
            rules=load_rules(content_dir / "crisis.yaml"),
            directory=load_directory(content_dir / "helplines.yaml"),
            replies=load_replies(content_dir / "crisis_replies.yaml"),
            index=Index.build(topics, synonyms_path=content_dir / "synonyms.yaml"),
            topics=topics,
            messages=dict(load_yaml_file(content_dir / "messages.yaml")),
            checkin_texts=load_checkin_texts(content_dir / "checkins.yaml"),
            default_country=default_country,
        )

    # --- the decision path ------------------------------------------------------------------------------------

    def detect(self, text: str) -> Crisis | None:
        """The crisis check alone, for callers that must act on it before anything else (alerts, counters)."""
        return detect(text, self.rules)

    def respond(self, text: str, person: Person, *, addressed: bool = True) -> Reply:
        """Crisis handoff first, whatever else the text says; then guidance; then an honest "I don't know".

        In a group, only a crisis is answered unless the bot was addressed; an empty Reply means stay silent.
        """
        crisis = self.detect(text)
        if crisis is not None:
            return self.crisis(crisis, person)
        if not addressed:
            return Reply(texts=())
        return self.answer(text)

    def answer(self, text: str) -> Reply:
        """The guidance part of the path, for callers that already ran the crisis check on this text."""
        if not any(ch.isalnum() for ch in text):
            return Reply(texts=(self.messages["fallback_empty"],))
        answer = self.index.answer(text)
        if answer is None:
            return no_answer_reply()
        return answer_reply(answer)

    def crisis(self, crisis: Crisis, person: Person) -> Reply:
        """The handoff for a detected crisis: the person's (or group's) country lines, short if a repeat."""
        repeat = person.recent_crisis is not None and crisis.urgency <= person.recent_crisis.urgency
        return crisis_reply(
            crisis,
            self.country_of(person),
            repeat=repeat,
            in_group=person.in_group,
            bot_username=person.bot_username,
            country_known=self.country_known(person),
            replies=self.replies,
        )

    # --- helplines ----------------------------------------------------------------------------------------------

    def country_code(self, person: Person) -> str | None:
        return person.country or self.default_country

    def country_known(self, person: Person) -> bool:
        return self.country_code(person) is not None

    def country_of(self, person: Person):
        return self.directory.for_country(self.country_code(person))

    def sos(self, person: Person) -> Reply:
        return sos_reply(self.country_of(person), self.country_known(person), replies=self.replies)

    def choose_country(self, code: str) -> Reply | None:
        """The confirmation for `/country CC`, or None when the directory has no such country."""
        code = code.strip().upper()
        if not self.directory.has(code):
            return None
        return country_reply(self.directory.for_country(code), replies=self.replies)

    # --- fixed texts and browsing -----------------------------------------------------------------------------

    def message(self, key: str) -> Reply:
        """A fixed text from content/messages.yaml (used as written: braces in it are just braces)."""
        return Reply(texts=(self.messages[key].strip(),))

    def topics_menu(self) -> Reply:
        return topics_menu(list(self.topics.values()))

    def topic(self, callback_data: str) -> Reply | None:
        """The topic a `topic:<id>` button names, or None for forged or stale data."""
        topic_id = parse_topic_callback(callback_data, self.topics.keys())
        return topic_reply(self.topics[topic_id], list(self.topics.values())) if topic_id else None
