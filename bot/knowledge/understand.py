"""Reading a message before answering it: an intent (small talk, a milestone, an urge, a relapse, a low day),
a guidance topic, something outside what the bot knows, or nothing it can answer honestly.

Two opinions are combined:

- the answer model (bot/knowledge/model.py), learned from questions written by many people: P(label | text) over
  topics, intents and the two out-of-domain labels;
- the scored index (bot/knowledge/index.py), built from our own pages and synonyms: evidence (log-odds) per topic.

An intent or out-of-domain label answers when the model gives it at least INTENT_MIN or OUTSIDE_MIN (out of domain
only while the index finds no strong evidence for a topic, INDEX_SURE). Otherwise each topic the index considers,
with evidence at least INDEX_MIN, scores log P_model(topic) + INDEX_WEIGHT * min(index evidence, INDEX_CAP), and the
best answers at ANSWER_MIN or above: the model alone cannot answer "what is the tolerance on an m8 bolt", nor the
index alone "legs won't stop kicking, sweating then freezing".
The thresholds were chosen on tests/data/question_dev/ and tests/data/guidance_eval.yaml (bench/answer_eval.py).

A short follow-up that names no topic ("how do I talk to him about it") is read again together with the topic just
discussed, when the caller passes it (see TopicMemory).
"""
from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.knowledge.index import GENERIC_STEMS, MAX_CHARS, Index
from bot.knowledge.intents import CAPABILITIES, GREETING, INTENT_PREFIX, OUT_OF_DOMAIN_MEDICAL, OUTSIDE, THANKS, WHO
from bot.knowledge.model import AnswerModel
from bot.knowledge.topics import Topic

INTENT_MIN = 0.3
INTENT_OVER_INDEX = 0.6
INTENT_SURE = 0.5  # below this, two or more words from outside our guidance make it no intent
INDEX_SURE_INTENT = 5.0  # ...when the index's evidence for a topic is at least this
OUTSIDE_MIN = 0.3
INDEX_WEIGHT = 1.0
INDEX_CAP = 4.0
ANSWER_MIN = -1.0
INDEX_MIN = -0.9  # and the index must not be against the topic: "the tolerance on an m8 bolt" is about bolts
MEDICAL_MIN = 0.2  # the mixing page still answers "benzos and alcohol together" unless the model leans medical
INDEX_ABSENT: float | None = None  # evidence for a topic the index does not consider (None: never answered)
INDEX_SURE = 6.0  # index evidence this strong (several domain words) overrules the model's "out of domain"

# A page that describes a drug's effects is only ever given to a message that names the drug: "best exercise for
# lower back pain" must never get the description of the heroin high (issue 11).
NAMED_ONLY: dict[str, frozenset[str]] = {
    "what-is-heroin": frozenset({"heroin", "opioid", "diamorphin", "opium", "poppi", "fentanyl"}),
}
# Pages on a part of everyday life seen through drug use answer only a message that says something about drugs
# (a domain word of content/synonyms.yaml, or "use"): "is it safe to fly during pregnancy" is not about opioids.
DRUG_SENSE_ONLY = frozenset({"pregnancy"})
USE_TERMS = frozenset({"use", "user"})

# Withdrawal from alcohol or benzodiazepines can be dangerous and our withdrawal pages are about opioids: a message
# naming only those substances gets the pointer to medical help instead (issue 11: "how long does alcohol
# withdrawal last" got the opioid withdrawal page).
WITHDRAWAL_TOPICS = frozenset({"withdrawal-symptoms", "detox", "cold-turkey-at-home", "paws", "mixing-benzos-alcohol"})
OTHER_DEPRESSANTS = frozenset({"benzos", "alcohol"})
OPIOID_TERMS = frozenset({"heroin", "opioid", "fentanyl", "methadone", "buprenorphine", "naloxone", "nitazenes",
                          "naltrexone", "overdose"})

SMALL_TALK = frozenset({GREETING, THANKS, WHO, CAPABILITIES})

TOPIC, INTENT, OUT, NONE = "topic", "intent", "outside", "none"


@dataclass(frozen=True)
class Decision:
    """What a message is: `kind` TOPIC (with `topic`), INTENT (`label` the intent's name), OUT (`label`
    out-of-domain or out-of-domain-medical) or NONE; `score` is the confidence (0..1); `follow_up` is True when it
    was understood against the previous topic."""

    kind: str
    label: str | None = None
    score: float = 0.0
    topic: Topic | None = field(default=None, repr=False)
    follow_up: bool = False


_FOLLOW_UP = re.compile(
    r"^(?:and|but|so|ok(?:ay)?|then|also|what about|how about|what if|and what|same)\b"
    r"|\b(?:it|that|this|those|these|him|her|them|they|he|she|his|their|then|there)\b",
    re.IGNORECASE,
)
FOLLOW_UP_WORDS = 16  # a longer message carries its own context


def looks_like_follow_up(text: str) -> bool:
    """A short message leaning on what was said before: a pronoun or "what about ...", and few words."""
    return len(text.split()) <= FOLLOW_UP_WORDS and bool(_FOLLOW_UP.search(text))


class Understanding:
    """The model and the index together; built once at start-up."""

    def __init__(self, model: AnswerModel, index: Index, topics: dict[str, Topic]):
        self.model = model
        self.index = index
        self.topics = topics
        self._topic_columns = [(i, label) for i, label in enumerate(model.classes) if label in topics]

    def read(self, text: str, previous_topic: str | None = None) -> Decision:
        """The decision for `text`; with `previous_topic` (an id), a short follow-up is read against it."""
        text = text[:MAX_CHARS]
        decision = self._read(text)
        if (previous_topic in self.topics and decision.kind in (NONE, OUT) and decision.score < 0.9
                and looks_like_follow_up(text) and self._within(text, previous_topic)):
            topic = self.topics[previous_topic]
            context = f"{topic.title}. {topic.questions[0]}. {text}" if topic.questions else f"{topic.title}. {text}"
            again = self._read(context, allow_small_talk=False)
            if again.kind == TOPIC:
                return Decision(TOPIC, again.label, again.score, again.topic, follow_up=True)
        return decision

    def _names_drugs(self, text: str) -> bool:
        """Whether `text` has a domain word of content/synonyms.yaml (heroin, methadone, relapse, ...)."""
        return any(term.key in self.index.domain_terms for term in self.index.reader.terms(text))

    def _within(self, text: str, topic_id: str) -> bool:
        """Every word of `text` that means something (not grammar, not generic) is a word of the topic's page or
        common to many of our pages: a follow-up leans on the topic and brings nothing from elsewhere ("what's the
        weather like then" does)."""
        number = next(i for i, t in enumerate(self.index.topics) if t.id == topic_id)
        for term in self.index.reader.terms(text):
            if term.key in GENERIC_STEMS:
                continue
            postings = self.index.postings.get(term.key, {})
            if number not in postings and len(postings) < len(self.index.topics) / 4:  # a common word of ours
                return False
        return True

    def _read(self, text: str, allow_small_talk: bool = True) -> Decision:
        probs = self.model.probabilities(text)
        best = int(probs.argmax())
        label, p = self.model.classes[best], float(probs[best])
        scored, _ = self.index._scores(text)
        evidence = {self.index.topics[i].id: e for i, e in scored}
        strongest = max(evidence.values(), default=0.0)
        if allow_small_talk and label.startswith(INTENT_PREFIX) and p >= INTENT_MIN:
            intent = label[len(INTENT_PREFIX):]
            # a question the index is sure about needs a surer model to be an intent, and a message naming drugs
            # is never mere small talk ("what does H do to you" is not "what can you do")
            # and an unsure one is not read into a message mostly about other things ("man utd score")
            if ((strongest < INDEX_SURE_INTENT or p >= INTENT_OVER_INDEX)
                    and not (intent in SMALL_TALK and self._names_drugs(text))
                    and not (p < INTENT_SURE and len(self.index.explain(text).foreign) >= 2)):
                return Decision(INTENT, intent, p)
        if label in OUTSIDE and p >= OUTSIDE_MIN and strongest < INDEX_SURE:
            return Decision(OUT, label, p)
        terms = None
        chosen, chosen_score = None, -math.inf
        for column, topic_id in self._topic_columns:
            e = evidence.get(topic_id, INDEX_ABSENT)
            if e is None or e < INDEX_MIN:  # a topic none of whose words the index found, or one it argues against
                continue
            score = math.log(max(float(probs[column]), 1e-9)) + INDEX_WEIGHT * min(e, INDEX_CAP)
            if score <= chosen_score:
                continue
            if topic_id in NAMED_ONLY or topic_id in DRUG_SENSE_ONLY:
                if terms is None:
                    terms = {t.key for t in self.index.reader.terms(text)}
                if topic_id in NAMED_ONLY and not terms & NAMED_ONLY[topic_id]:
                    continue
                if topic_id in DRUG_SENSE_ONLY and not terms & (self.index.domain_terms | USE_TERMS):
                    continue
            chosen, chosen_score = topic_id, score
        if chosen is not None and chosen_score >= ANSWER_MIN:
            if chosen in WITHDRAWAL_TOPICS and OUT_OF_DOMAIN_MEDICAL in self.model.classes:
                terms = terms if terms is not None else {t.key for t in self.index.reader.terms(text)}
                if terms & OTHER_DEPRESSANTS and not terms & OPIOID_TERMS:
                    p_medical = float(probs[self.model.classes.index(OUT_OF_DOMAIN_MEDICAL)])
                    if chosen != "mixing-benzos-alcohol" or p_medical >= MEDICAL_MIN:
                        return Decision(OUT, OUT_OF_DOMAIN_MEDICAL, p_medical)
            return Decision(TOPIC, chosen, _sigmoid(chosen_score), self.topics[chosen])
        if label in OUTSIDE:
            return Decision(OUT, label, p)
        return Decision(NONE, None, p)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


class TopicMemory:
    """The topic each person discussed last, for a few minutes, in memory only: a topic id, never their words.

    Keyed by whatever the caller uses (a Telegram user id); `clock` returns seconds (injectable for tests)."""

    def __init__(self, ttl_seconds: float = 600.0, clock: Callable[[], float] = time.monotonic,
                 max_entries: int = 100_000):
        self.ttl = ttl_seconds
        self.clock = clock
        self.max_entries = max_entries
        self._last: dict[object, tuple[str, float]] = {}

    def remember(self, key: object, topic_id: str) -> None:
        if len(self._last) >= self.max_entries:
            self._forget_expired()
            if len(self._last) >= self.max_entries:
                self._last.pop(next(iter(self._last)))
        self._last.pop(key, None)
        self._last[key] = (topic_id, self.clock())

    def recent(self, key: object) -> str | None:
        """The topic id discussed with `key` within the last `ttl` seconds, or None."""
        found = self._last.get(key)
        if found is None:
            return None
        if self.clock() - found[1] > self.ttl:
            del self._last[key]
            return None
        return found[0]

    def forget(self, key: object) -> None:
        self._last.pop(key, None)

    def _forget_expired(self) -> None:
        now = self.clock()
        for key in [k for k, (_, at) in self._last.items() if now - at > self.ttl]:
            del self._last[key]
