"""The one decision path for every incoming text: crisis first, then a guidance answer, then an honest fallback.

Plain Python: no Telegram objects in, no network out. Telegram, `console` and `ask` all call `Brain.respond`, so
what `ask` prints is exactly what a person gets.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from bot.checkins.texts import CheckinTexts, load_checkin_texts
from bot.contentfile import load_yaml_file
from bot.contentfile import ContentError, Problem
from bot.knowledge.answers import answer_reply, no_answer_reply, parse_topic_callback, topic_reply, topics_menu
from bot.knowledge.index import Answer, Index
from bot.knowledge.intents import IntentReplies
from bot.knowledge.model import AnswerModel
from bot.knowledge.topics import Topic, load_topics
from bot.knowledge.understand import INTENT, OUT, TOPIC, Decision, Understanding
from bot.reply import Reply
from bot.safety.assess import Assessment, Assessor
from bot.safety.crisis import Crisis
from bot.safety.helplines import Directory, load_directory
from bot.safety.replies import (Replies, check_reply, country_reply, crisis_reply, load_reply_languages,
                                sos_reply)

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
    language: str | None = None  # the person's language (their choice, or Telegram's language_code), if known

    @property
    def in_group(self) -> bool:
        return self.chat_type != PRIVATE


class Brain:
    """The loaded content and the decisions made with it. Built once at start-up; never changes afterwards."""

    def __init__(self, *, assessor: Assessor, directory: Directory, replies: dict[str, Replies], index: Index,
                 topics: list[Topic], messages: dict, checkin_texts: CheckinTexts,
                 default_country: str | None = None, default_language: str = "en",
                 intents: IntentReplies | None = None, answer_model: AnswerModel | None = None):
        self.assessor = assessor
        self.directory = directory
        self.replies_by_language = replies
        self.replies = replies["en"]
        self.default_language = default_language
        self.index = index
        self.topics = {topic.id: topic for topic in topics}
        self.messages = messages
        self.checkin_texts = checkin_texts
        self.default_country = default_country
        self.intents = intents
        self.understanding = Understanding(answer_model, index, self.topics) if answer_model is not None else None

    @classmethod
    def load(cls, content_dir: Path, default_country: str | None = None, default_language: str = "en") -> "Brain":
        """Read every content file and build the answer index (raises ContentError on a broken file)."""
        topics = load_topics(content_dir / "guidance")
        model_path = content_dir / "answer_model.npz"
        try:
            answer_model = AnswerModel.load(model_path)
        except (OSError, KeyError, ValueError) as exc:
            raise ContentError(Problem(str(model_path), 1, f"cannot read the answer model ({type(exc).__name__}); "
                                                           "run `python bot.py train-answers`")) from exc
        return cls(
            assessor=Assessor.load(content_dir),
            directory=load_directory(content_dir / "helplines.yaml"),
            replies=load_reply_languages(content_dir),
            index=Index.build(topics, synonyms_path=content_dir / "synonyms.yaml"),
            topics=topics,
            messages=dict(load_yaml_file(content_dir / "messages.yaml")),
            checkin_texts=load_checkin_texts(content_dir / "checkins.yaml"),
            default_country=default_country,
            default_language=default_language,
            intents=IntentReplies.load(content_dir / "intents.yaml"),
            answer_model=answer_model,
        )

    # --- the decision path ------------------------------------------------------------------------------------

    def assess(self, text: str) -> Assessment:
        """The crisis check alone (rules and model), with the message's language: for callers that must act on it
        before anything else (alerts, counters)."""
        return self.assessor.assess(text)

    def detect(self, text: str) -> Crisis | None:
        """The crisis that needs a handoff in `text`, or None."""
        return self.assess(text).crisis

    def respond(self, text: str, person: Person, *, addressed: bool = True) -> Reply:
        """Crisis handoff first, whatever else the text says; then the ask-directly question for an indirect sign
        (private chats only); then guidance; then an honest "I don't know".

        In a group, only a crisis is answered unless the bot was addressed; an empty Reply means stay silent.
        """
        assessment = self.assess(text)
        if assessment.crisis is not None:
            return self.crisis(assessment.crisis, person, language=assessment.language)
        if assessment.check and not person.in_group:
            return self.ask_directly(self.reply_language(person, assessment.language))
        if not addressed:
            return Reply(texts=())
        return self.answer(text, country=self.country_code(person))

    def answer(self, text: str, *, previous_topic: str | None = None, country: str | None = None) -> Reply:
        """The guidance part of the path, for callers that already ran the crisis check on this text: an intent's
        short reply, a topic's summary, an honest "outside what I know", or an honest "I don't know".

        `previous_topic` is the id of the topic discussed with this person in the last few minutes (private chats;
        see bot.knowledge.understand.TopicMemory): a short follow-up that names no topic is read against it. The
        Reply's `answer.id` is the topic used, to remember for the next message. `country` picks the
        never-use-alone line in the reply to an urge to use (default: DEFAULT_COUNTRY).
        """
        if not any(ch.isalnum() for ch in text):
            return Reply(texts=(self.messages["fallback_empty"],))
        if self.understanding is None or self.intents is None:  # a Brain built by hand without the model
            answer = self.index.answer(text)
            return answer_reply(answer) if answer is not None else no_answer_reply()
        return self.reply_to(self.understanding.read(text, previous_topic), country or self.default_country)

    def reply_to(self, decision: Decision, country: str | None = None) -> Reply:
        """The Reply for what a message was understood to be."""
        if decision.kind == TOPIC and decision.topic is not None:
            topic = decision.topic
            related = tuple(self.topics[r] for r in topic.related if r in self.topics)
            return answer_reply(Answer(topic, round(decision.score, 4), related))
        if decision.kind in (INTENT, OUT) and self.intents is not None:
            where = self.directory.for_country(country) if country and self.directory.has(country) else None
            return Reply(texts=(self.intents.text(decision.label, where),))
        return no_answer_reply()

    def crisis(self, crisis: Crisis, person: Person, *, language: str | None = None) -> Reply:
        """The handoff for a detected crisis, in the message's language (else the person's): the person's (or
        group's) country lines; a short reminder only for a repeat of the same kind, no more urgent, within
        minutes."""
        recent = person.recent_crisis
        repeat = recent is not None and recent.category == crisis.category and crisis.urgency <= recent.urgency
        lang = self.reply_language(person, language)
        reply = crisis_reply(
            crisis,
            self.country_of(person),
            repeat=repeat,
            in_group=person.in_group,
            bot_username=person.bot_username,
            country_known=self.country_known(person),
            replies=self.replies_by_language[lang],
        )
        return replace(reply, language=lang)

    def ask_directly(self, language: str) -> Reply:
        """The gentler tier: ask kindly and directly whether the person is thinking of ending their life."""
        return replace(check_reply(replies=self.replies_by_language[language]), language=language)

    def check_declined(self, person: Person) -> Reply:
        """"No" to the ask-directly question: thanks, and the door stays open."""
        language = self.reply_language(person, None)
        return Reply(texts=(self.replies_by_language[language].check.answer_no,), language=language)

    def reply_language(self, person: Person, detected: str | None) -> str:
        """The language to answer in: the message's own, else the person's, else the default (never one we have
        no wording for)."""
        for language in (detected, person.language, self.default_language):
            if language in self.replies_by_language:
                return language
        return "en"

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
        """The full page a `topic:<id>` or `more:<id>` ("Tell me more") button names, or None for forged or stale
        data."""
        topic_id = parse_topic_callback(callback_data, self.topics.keys())
        return topic_reply(self.topics[topic_id], list(self.topics.values())) if topic_id else None
