"""The one decision path for every incoming text: crisis first, then a guidance answer, then an honest fallback.

Plain Python: no Telegram objects in, no network out. Telegram, `console` and `ask` all call `Brain.respond`, so
what `ask` prints is exactly what a person gets.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from bot.checkins.texts import CheckinTexts, load_checkin_texts
from bot.contentfile import ContentError, Problem
from bot.knowledge.answers import answer_reply, no_answer_reply, parse_topic_callback, topic_reply, topics_menu
from bot.knowledge.index import Answer, Index
from bot.knowledge.intents import IntentReplies
from bot.knowledge.model import AnswerModel
from bot.knowledge.topics import Topic, load_topics
from bot.knowledge.understand import INTENT, OUT, TOPIC, Decision, Understanding
from bot.reply import SILENCE, Effects, Reply
from bot.safety.assess import Assessment, Assessor
from bot.safety.crisis import Crisis
from bot.safety.helplines import Directory, load_directory
from bot.safety.replies import (Replies, check_reply, country_reply, crisis_reply, load_reply_languages,
                                sos_reply)
from bot.texts import Texts

PRIVATE = "private"
GROUP = "group"
SUPERGROUP = "supergroup"
CHANNEL = "channel"


@dataclass(frozen=True)
class Author:
    """Who wrote a message in a group or channel, resolved once by the adapter (bot/telegram/source.py).

    `kind` is "person" (a member, `id` their user id), "group" (an anonymous admin writing as the group, `id` the
    group's chat id) or "channel" (a channel's post, or a linked channel's automatic forward; `id` the channel's
    chat id). Telegram's service account is never a person.
    """

    kind: str
    id: int
    name: str

    @property
    def is_person(self) -> bool:
        return self.kind == "person"


@dataclass(frozen=True)
class Source:
    """Where a text comes from, as far as the decision needs to know. Plain data: no Telegram types.

    `country` is the person's (or group's) own choice, None until they choose. `recent_crisis` is the crisis
    handed off to them in the last few minutes, so a repeat gets a short reminder rather than the whole block.
    `addressed` is False for group chatter not meant for the bot (and for command arguments): only a crisis is
    answered then. `language_hint` is Telegram's language_code for the person, when known. `previous_topic` is the id
    of the guidance topic discussed in the last minutes (private chats), for follow-ups that name no topic.
    """

    chat_type: str = PRIVATE
    chat_id: int | None = None
    message_id: int | None = None
    edited: bool = False
    addressed: bool = True
    author: Author | None = None
    country: str | None = None
    recent_crisis: Crisis | None = None
    bot_username: str | None = None
    language_hint: str | None = None
    previous_topic: str | None = None  # the guidance topic discussed in this private chat in the last minutes
    chat_title: str | None = None
    chat_username: str | None = None
    thread_id: int | None = None  # the forum topic the message is in, if any (answers and links go there)

    @classmethod
    def private(cls, user_id: int | None = None, **fields) -> "Source":
        """A private chat with `user_id` (whose chat id is their user id)."""
        return cls(chat_type=PRIVATE, chat_id=user_id, **fields)

    @property
    def in_group(self) -> bool:
        return self.chat_type != PRIVATE

    @property
    def pages_responders(self) -> bool:
        """A crisis in a group pages its responders, unless the words are a channel's own (post or forward)."""
        if self.chat_type not in (GROUP, SUPERGROUP):
            return False
        return self.author is None or self.author.kind in ("person", "group")

    @property
    def count_kind(self) -> str:
        """The chat kind crisis counters are kept under: private, group or channel."""
        return CHANNEL if self.chat_type == CHANNEL else (GROUP if self.in_group else PRIVATE)


def without_mention(text: str, bot_username: str | None) -> str:
    """The question in "@bot what is naloxone": the first mention of the bot taken out."""
    if not bot_username:
        return text
    lowered, mention = text.lower(), f"@{bot_username.lower()}"
    at = lowered.find(mention)
    return (text[:at] + text[at + len(mention):]).strip() if at >= 0 else text


class Brain:
    """The loaded content and the decisions made with it. Built once at start-up; never changes afterwards."""

    def __init__(self, *, assessor: Assessor, directory: Directory, replies: dict[str, Replies], index: Index,
                 topics: list[Topic], texts: Texts, checkin_texts: CheckinTexts,
                 default_country: str | None = None, default_language: str = "en",
                 intents: IntentReplies | None = None, answer_model: AnswerModel | None = None):
        self.assessor = assessor
        self.directory = directory
        self.replies_by_language = replies
        self.replies = replies["en"]
        self.default_language = default_language
        self.index = index
        self.topics = {topic.id: topic for topic in topics}
        self.texts = texts
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
            texts=Texts.load(content_dir / "messages.yaml"),
            checkin_texts=load_checkin_texts(content_dir / "checkins.yaml"),
            default_country=default_country,
            default_language=default_language,
            intents=IntentReplies.load(content_dir / "intents.yaml"),
            answer_model=answer_model,
        )

    # --- the decision path ------------------------------------------------------------------------------------

    def assess(self, text: str) -> Assessment:
        """The crisis check alone (rules and learned model), with the message's language."""
        return self.assessor.assess(text)

    def detect(self, text: str) -> Crisis | None:
        """The crisis that needs a handoff in `text`, or None."""
        return self.assess(text).crisis

    def respond(self, text: str, source: Source) -> Reply:
        """Crisis handoff first, whatever else the text says; then, for an indirect sign in a private chat, the
        question whether the person is safe; then guidance; then an honest "I don't know".

        Only a crisis is answered in an edit, or when the bot was not addressed (group chatter, command
        arguments): an empty Reply means stay silent. The Reply's effects say what follows besides sending.
        """
        assessment = self.assess(text)
        if assessment.crisis is not None:
            return self.crisis(assessment.crisis, source, language=assessment.language)
        if source.edited or not source.addressed:
            return SILENCE
        if assessment.check and not source.in_group:
            return self.ask_directly(self.reply_language(source, assessment.language))
        question = without_mention(text, source.bot_username) if source.in_group else text
        reply = self.answer(question, previous_topic=source.previous_topic, country=self.country_code(source))
        if reply.answer is not None and not source.in_group:
            return replace(reply, effects=Effects(answer_count=reply.answer.id))
        return reply

    def answer(self, text: str, *, previous_topic: str | None = None, country: str | None = None) -> Reply:
        """The guidance part of the path, for callers that already ran the crisis check on this text: an intent's
        short reply, a topic's summary, an honest "outside what I know", or an honest "I don't know".

        `previous_topic` is the id of the topic discussed with this person in the last few minutes (private chats;
        see bot.knowledge.understand.TopicMemory): a short follow-up that names no topic is read against it. The
        Reply's `answer.id` is the topic used, to remember for the next message. `country` picks the
        never-use-alone line in the reply to an urge to use (default: DEFAULT_COUNTRY).
        """
        if not any(ch.isalnum() for ch in text):
            return self.texts.reply("fallback_empty")
        if self.understanding is None or self.intents is None:  # a Brain built by hand without the model
            answer = self.index.answer(text)
            return answer_reply(answer, self.texts) if answer is not None else no_answer_reply(self.texts)
        return self.reply_to(self.understanding.read(text, previous_topic), country or self.default_country)

    def reply_to(self, decision: Decision, country: str | None = None) -> Reply:
        """The Reply for what a message was understood to be."""
        if decision.kind == TOPIC and decision.topic is not None:
            topic = decision.topic
            related = tuple(self.topics[r] for r in topic.related if r in self.topics)
            return answer_reply(Answer(topic, round(decision.score, 4), related), self.texts)
        if decision.kind in (INTENT, OUT) and self.intents is not None:
            where = self.directory.for_country(country) if country and self.directory.has(country) else None
            return Reply(texts=(self.intents.text(decision.label, where),))
        return no_answer_reply(self.texts)

    def crisis(self, crisis: Crisis, source: Source, *, language: str | None = None) -> Reply:
        """The handoff for a detected crisis, in the message's language (else the person's): the person's (or
        group's) country lines; a short reminder only for a repeat of the same kind, no more urgent, within minutes.

        Its effects: remember and count the crisis, and page the group's responders where that applies.
        """
        recent = source.recent_crisis
        repeat = recent is not None and recent.category == crisis.category and crisis.urgency <= recent.urgency
        lang = self.reply_language(source, language)
        reply = crisis_reply(
            crisis,
            self.country_of(source),
            repeat=repeat,
            in_group=source.in_group,
            bot_username=source.bot_username,
            country_known=self.country_known(source),
            replies=self.replies_by_language[lang],
        )
        effects = Effects(crisis=crisis, crisis_count=f"{crisis.category}/{source.count_kind}",
                          page_responders=source.pages_responders)
        return replace(reply, effects=effects, language=lang)

    def ask_directly(self, language: str) -> Reply:
        """The gentler tier: ask kindly and directly whether the person is thinking of ending their life."""
        return replace(check_reply(replies=self.replies_by_language[language]), language=language)

    def check_declined(self, source: Source) -> Reply:
        """"No" to the ask-directly question: thanks, and the door stays open."""
        language = self.reply_language(source, None)
        return Reply(texts=(self.replies_by_language[language].check.answer_no,), language=language)

    def reply_language(self, source: Source, detected: str | None) -> str:
        """The language to answer in: the message's own, else the person's (Telegram's language_code, "es-MX" ->
        "es"), else the default; never one there is no wording for."""
        hint = (source.language_hint or "").split("-")[0].lower() or None
        for language in (detected, hint, self.default_language):
            if language in self.replies_by_language:
                return language
        return "en"

    # --- helplines ----------------------------------------------------------------------------------------------

    def country_code(self, source: Source) -> str | None:
        return source.country or self.default_country

    def country_known(self, source: Source) -> bool:
        return self.country_code(source) is not None

    def country_of(self, source: Source):
        return self.directory.for_country(self.country_code(source))

    def sos(self, source: Source) -> Reply:
        return sos_reply(self.country_of(source), self.country_known(source), replies=self.replies)

    def choose_country(self, code: str) -> Reply | None:
        """The confirmation for `/country CC`, or None when the directory has no such country."""
        code = code.strip().upper()
        if not self.directory.has(code):
            return None
        return country_reply(self.directory.for_country(code), replies=self.replies)

    # --- fixed texts and browsing -----------------------------------------------------------------------------

    def topics_menu(self) -> Reply:
        return topics_menu(list(self.topics.values()), self.texts)

    def topic(self, callback_data: str) -> Reply | None:
        """The full page a `topic:<id>` or `more:<id>` ("Tell me more") button names, or None for forged or stale
        data."""
        topic_id = parse_topic_callback(callback_data, self.topics.keys())
        return topic_reply(self.topics[topic_id], list(self.topics.values())) if topic_id else None
