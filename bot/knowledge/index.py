"""Finding the guidance topic that answers a question, or honestly finding none.

How a text is read (topics at start-up and questions alike):

1. words: lowercased, accents and apostrophes dropped ("What's" -> "whats"); "OD", "ODd" in capitals -> overdose;
2. typos: a word the guidance never uses is replaced by a title, keyword or synonyms-file word with the same first
   letter that is one edit away (two for long words): "nalaxone" -> naloxone, "withdrawl" -> withdrawal. Ordinary
   words are left alone ("battle" is not "rattle");
3. slang and phrases, from content/synonyms.yaml: what people say becomes the word the guidance uses ("subs" ->
   buprenorphine, "clucking" -> withdrawal, "cold turkey" and other keyword phrases -> one term), and phrases
   listed under `elsewhere` ("rehab exercises", "change gear") become words from outside the guidance;
4. stems: other words are reduced to their stem ("meetings" -> "meet").

How sure it is. Every term of a question adds evidence for a topic, in natural-log odds:

- a domain word ("heroin", "naloxone", "relapse") adds the most, and also shows the question is about drug use
  whichever topic answers it;
- a phrase, keyword or title word adds more than a word of the topic's questions, which adds more than a word
  only in its body; and more the fewer topics share it;
- an everyday word ("gear", "detox", "tolerance", "gym") is capped low, unless a domain word in the same message
  shows it is meant in its drug sense;
- a generic word ("help", "how long", "what") only ranks topics: it never answers by itself;
- a question that reads like one of the topic's own questions (weighted Jaccard) adds up to SIM_W.

Against it: a fixed doubt (BIAS), and each word the guidance never uses (weather, lasagne, knee, inbox): the
question is probably about something else; in a long message such words weigh proportionally less (chatter).

The best topic's total goes through the logistic function, so `score` is between 0 and 1 and 0.5 means as much
evidence for as against. `Index.answer` answers at THRESHOLD (0.5) and above and abstains below. Measured on the
eval and held-out sets: answers scored 0.5-0.9 were right about 90% of the time, 0.9 and above about 97%, and no
question scoring below 0.5 would have been answered right.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import snowballstemmer
import yaml
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.contentfile import ContentError, Problem, line_of, load_yaml_text
from bot.knowledge.topics import Topic

SECTIONS = ("synonyms", "domain", "everyday", "elsewhere")

THRESHOLD = 0.5  # answer when the evidence for the best topic outweighs the evidence against

# Evidence per term class (natural-log odds); see the module docstring. A term's weight is scaled down the more
# topics share it (0.25 when all do), then multiplied by how central it is to a topic.
DOMAIN_W = 4.0
PHRASE_W = 3.0
KEYWORD_W = 2.5  # title or keywords
QUESTION_W = 1.5
BODY_W = 1.0
EVERYDAY_CAP = 1.2
CORRECTED = 0.8  # a typo-corrected word counts a little less
GENERIC_KEYWORD_W = 0.6  # a generic word that is a topic's keyword ("help"): ranks, never answers alone
GENERIC_W = 0.25  # a generic word in a topic's questions

TITLE_KEYWORD = 1.0  # how central a term is to a topic: in its title or keywords,
IN_QUESTION = 0.8  # in its questions,
IN_BODY = 0.4  # only in its body

DOMAIN_D = 1.5  # each domain word: the question is about drug use, whichever topic answers it
DOMAIN_EVERYDAY_D = 0.5  # a domain word with an everyday meaning ("gear", "detox")
DOMAIN_CAP = 3.0
FOREIGN_W = (1.2, 0.8, 0.4)  # the 1st, 2nd, 3rd and each further word the guidance has never seen
CHATTER = 4  # messages with more content words than this get a proportionally smaller foreign-word penalty
BIAS = 1.0
SIM_W = 2.0  # a question that reads like one of the topic's questions...
SIM_FLOOR = 0.15  # ...counts from this similarity (weighted Jaccard) up; one shared word is not "alike"
MAX_CHARS = 2000
SHARED = 0.25  # weight left to a term that every topic has

STRONG_SIM = 0.8  # a near-exact question answers even when all its words are generic

# Words that carry no topic: grammar, question words, chatter. Matching them never answers by itself.
STOP = frozenset(
    """a an the and or but if so to of in on at for from with by as into onto than then that this these those
    is are was were be been being am do does did doing done have has had having will would shall should can
    could may might must i me my mine myself we us our ours he him his she her hers it gonna wanna gotta kinda
    its itself they them their theirs im ive id ill hes shes theyre theyve weve were its thats sorta dunno
    whats wheres whos hows theres heres lets dont doesnt didnt cant couldnt wont wouldnt shouldnt isnt arent
    wasnt werent havent hasnt hadnt mustnt mightnt aint ya u ur r yeah yes no nope ok okay oh ah um uh hmm lol
    pls please thanks thank hi hello hey there here just really very too also even still only quite pretty
    rather some any all each every both either neither one ones such own other another much many most least
    few lot lots bit""".split()
)
GENERIC = frozenset(
    """what which who whom whose why how when where whether help helps helped helping need needs needed want
    wants wanted know knows knew known think thought feel feels felt feeling get gets got getting gotten go goes
    going went gone come comes came coming make makes made making take takes took taken taking give gives gave
    given say says said ask asks asked asking mean means meant see sees saw seen look looks
    looked find finds found try tries tried trying keep keeps kept let put puts seem seems seemed start starts
    started starting begin begins began happen happens happened happening work works worked working thing
    things stuff something anything everything nothing someone anyone everyone somebody anybody nobody way ways
    good bad best better worse worst right wrong okay fine real normal sure long longer short time times day
    days week weeks month months year years today tonight tomorrow yesterday now soon later ago always never
    sometimes often usually ever again already yet last next first second new old big small little great
    actually basically honestly literally seriously probably maybe perhaps kind sort type part whole able
    possible likely true false advice tips tip info information question questions answer answers idea ideas
    guide explain explained describe list example difference different same similar compare versus vs or
    like likes liked love hate wish hope hoped hopefully sorry worry matter matters point case fact reason
    reasons number amount much many enough lots loads tons anyway though although because since until while
    during before after above below between through across around about against without within along among
    per via out up down off over under back away ago yes also instead else otherwise either you your yours
    yourself youre youve youd more less same monday tuesday wednesday thursday friday saturday sunday weekend
    weekends morning mornings afternoon afternoons evening evenings january february march april june july
    august september october november december hour hours minute minutes""".split()
)

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")
_OD = re.compile(r"\bO\.?D(?:'?d|'?ed|'?ing|'?s)?\b")  # "OD", "ODd", "OD'ed": capitals tell it from "odd"
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})


def _ascii_lower(text: str) -> str:
    text = text.translate(_APOSTROPHES).lower()
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def _raw_tokens(text: str) -> list[str]:
    """Lowercase word tokens; internal apostrophes kept (they are dropped later, after a look-up)."""
    return _TOKEN.findall(_ascii_lower(_OD.sub(" overdosed ", text)))


_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    return _STEMMER.stemWord(word)


GENERIC_STEMS = frozenset(_stem(w) for w in GENERIC)


def _inflections(word: str) -> set[str]:
    """The word and its plural, -ed and -ing forms, so the synonyms file need not list them."""
    forms = {word}
    if len(word) < 3 or not word.isalpha():
        return forms
    forms |= {word + "s", word + "es", word + "ed", word + "ing"}
    if word.endswith("e"):
        forms |= {word + "d", word[:-1] + "ing"}
    if word.endswith("y"):
        forms |= {word[:-1] + "ies", word[:-1] + "ied"}
    if re.search(r"[^aeiou][aeiou][bdgklmnprt]$", word):
        forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}
    return forms


# --------------------------------------------------------------------------------------------------- synonyms


@dataclass(frozen=True)
class Lexicon:
    """content/synonyms.yaml, ready to use: slang to guidance words, domain words, everyday words, and phrases
    that use our words for something else."""

    synonyms: dict[str, tuple[str, ...]]  # guidance word -> other ways of saying it
    domain: frozenset[str]
    everyday: frozenset[str]
    elsewhere: frozenset[str] = frozenset()

    @classmethod
    def empty(cls) -> "Lexicon":
        return cls({}, frozenset(), frozenset())


def _lexicon_lines(text: str) -> dict[tuple, int]:
    """1-based lines of the synonyms file's parts: (section,), (section, i) for list items, ("synonyms", key)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    lines: dict[tuple, int] = {}
    if not isinstance(root, yaml.MappingNode):
        return lines
    for key, value in root.value:
        section = str(key.value)
        lines[(section,)] = key.start_mark.line + 1
        if isinstance(value, yaml.SequenceNode):
            for i, item in enumerate(value.value):
                lines[(section, i)] = item.start_mark.line + 1
        elif isinstance(value, yaml.MappingNode):
            for k, _ in value.value:
                lines[(section, str(k.value))] = k.start_mark.line + 1
    return lines


def _check_lexicon(data, path: str, text: str = "") -> tuple[Lexicon, list[Problem]]:
    problems: list[Problem] = []
    where = _lexicon_lines(text)
    if not isinstance(data, dict):
        return Lexicon.empty(), [Problem(path, 1, f"expected the sections {', '.join(SECTIONS)}")]
    for key in data:
        if key not in SECTIONS:
            problems.append(Problem(path, where.get((str(key),), 1), f"unknown section '{key}' ({', '.join(SECTIONS)})"))
    raw = data.get("synonyms") or {}
    synonyms: dict[str, tuple[str, ...]] = {}
    if not isinstance(raw, dict):
        problems.append(Problem(path, where.get(("synonyms",), 1), "'synonyms' must map a word to a list of words"))
        raw = {}
    claimed: dict[str, str] = {}  # word or phrase -> the guidance word it belongs to
    for key in raw:
        if isinstance(key, str) and key.strip():
            claimed[" ".join(_raw_tokens(key)) or key] = str(key)
    for key, variants in raw.items():
        n = where.get(("synonyms", str(key)), line_of(raw))
        if not isinstance(key, str) or not _raw_tokens(key):
            problems.append(Problem(path, n, f"'{key}' is not a word"))
            continue
        if not isinstance(variants, list) or not all(isinstance(v, str) and _raw_tokens(v) for v in variants):
            problems.append(Problem(path, n, f"'{key}' must have a list of words, like [a, b]"))
            continue
        clean = []
        for v in variants:
            v = " ".join(_raw_tokens(v))
            owner = claimed.get(v)
            if owner is not None and owner != key:
                problems.append(Problem(path, n, f"'{v}' is listed for both '{owner}' and '{key}'"))
                continue
            if owner == key and v in clean:
                problems.append(Problem(path, n, f"'{v}' is listed twice for '{key}'"))
                continue
            claimed[v] = key
            clean.append(v)
        synonyms[" ".join(_raw_tokens(key))] = tuple(clean)
    lists = {}
    for section in ("domain", "everyday", "elsewhere"):
        items = data.get(section) or []
        if not isinstance(items, list):
            problems.append(Problem(path, where.get((section,), 1), f"'{section}' must be a list of words"))
            items = []
        good = []
        for i, item in enumerate(items):
            if not isinstance(item, str) or not _raw_tokens(item):
                problems.append(Problem(path, where.get((section, i), 1), f"'{item}' in '{section}' is not a word"))
            elif section == "elsewhere" and len(_raw_tokens(item)) < 2:
                problems.append(Problem(path, where.get((section, i), 1),
                                        f"'{item}' in 'elsewhere' must be a phrase of two or more words"))
            else:
                good.append(" ".join(_raw_tokens(item)))
        lists[section] = frozenset(good)
    return Lexicon(synonyms, lists["domain"], lists["everyday"], lists["elsewhere"]), problems


def _read_lexicon(path: Path) -> tuple[Lexicon, list[Problem]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return Lexicon.empty(), [Problem(str(path), 1, f"cannot read: {exc}")]
    try:
        data = load_yaml_text(text, str(path))
    except ContentError as exc:
        return Lexicon.empty(), [exc.problem]
    return _check_lexicon(data, str(path), text)


def validate_synonyms(path: str | Path) -> list[Problem]:
    """Faults in the synonyms file, as Problem(path, line, message); empty when all is well."""
    return _read_lexicon(Path(path))[1]


def load_lexicon(path: str | Path) -> Lexicon:
    """Read the synonyms file; raises ContentError on the first fault."""
    lexicon, problems = _read_lexicon(Path(path))
    if problems:
        raise ContentError(problems[0])
    return lexicon


# --------------------------------------------------------------------------------------------------- reading text


@dataclass(frozen=True)
class Term:
    """One unit of meaning found in a text: a stem, a guidance word or a phrase."""

    key: str
    everyday: bool = False
    corrected: bool = False


class _Reader:
    """Turns text into terms the same way for topics and for questions."""

    def __init__(self, lexicon: Lexicon, phrases: Iterable[str]):
        self.lexicon = lexicon
        self.single: dict[str, str] = {}  # surface word -> guidance term
        self.listed: set[str] = set()  # single words written in the synonyms file (not generated forms)
        self.phrase: dict[tuple[str, ...], str] = {}  # stems of a phrase -> guidance term
        self.everyday_words: set[str] = set()
        self.everyday_phrases: set[tuple[str, ...]] = set()
        self.domain: set[str] = set()
        self.canonical: dict[str, str] = {}  # guidance word as written in the file -> its term key
        self.max_phrase = 1

        def term_key(words: str) -> str:
            toks = words.split()
            return words if len(toks) == 1 else " ".join(_stem(t.replace("'", "")) for t in toks)

        for key, variants in lexicon.synonyms.items():
            self.canonical[key] = term_key(key)
        for key, variants in lexicon.synonyms.items():
            target = self.canonical[key]
            for v in (key, *variants):
                toks = v.split()
                if len(toks) == 1:
                    self.single.setdefault(toks[0], target)
                    self.listed.add(toks[0])
                else:
                    self._add_phrase(toks, target)
        for key, variants in lexicon.synonyms.items():  # generated forms never displace a listed one
            for v in (key, *variants):
                if " " not in v:
                    for form in _inflections(v):
                        self.single.setdefault(form, self.canonical[key])
        for p in lexicon.elsewhere:  # before keyword phrases: "rehab exercises" is about knees, not rehab
            self._add_phrase(p.split(), "?" + p)
        for p in phrases:
            toks = _raw_tokens(p)
            if len(toks) > 1:
                self._add_phrase(toks, term_key(" ".join(toks)), keep=True)
        for w in lexicon.everyday:
            toks = w.split()
            if len(toks) == 1:
                self.everyday_words |= _inflections(toks[0])
                self.everyday_words.add(_stem(toks[0]))
            else:
                self.everyday_phrases.add(tuple(_stem(t.replace("'", "")) for t in toks))
        for w in lexicon.domain:
            toks = w.split()
            if w in self.canonical:
                self.domain.add(self.canonical[w])
            elif len(toks) == 1:
                self.domain.add(self.single.get(w, _stem(w)))
            else:
                stems = tuple(_stem(t.replace("'", "")) for t in toks)
                self.domain.add(self.phrase.get(stems, " ".join(stems)))
        self.vocabulary: set[str] = set(STOP) | set(GENERIC) | set(self.single)
        for stems, target in self.phrase.items():
            if not target.startswith("?"):  # words of "elsewhere" phrases stay unknown: "knee" is not ours
                self.vocabulary |= set(stems)
        self.candidates: dict[str, list[str]] = {}
        self.known_stems: set[str] = set()
        self._fixes: dict[str, str | None] = {}

    def _add_phrase(self, toks: list[str], target: str, keep: bool = False) -> None:
        stems = tuple(_stem(t.replace("'", "")) for t in toks)
        if keep:
            self.phrase.setdefault(stems, target)
        else:
            self.phrase[stems] = target
        self.max_phrase = max(self.max_phrase, len(stems))

    def learn(self, words: Iterable[str], special: Iterable[str]) -> None:
        """Words seen in the topics become known; `special` ones (titles, keywords) are also typo targets.

        Only specialised words are typo targets, and only with the same first letter: "nalaxone" becomes
        naloxone, but "battle" does not become "rattle" and "present" does not become "prevent".
        """
        counts: dict[str, int] = defaultdict(int)
        for w in words:
            counts[w.replace("'", "")] += 1
        self.vocabulary |= set(counts)
        # other forms of a word the topics use are known too ("recommendations" if they say "recommend"),
        # but not forms of a synonym: "suboxon" is a typo of suboxone, not a word of its own
        self.known_stems = {_stem(w) for w in self.vocabulary if w not in self.single}
        targets = {w.replace("'", "") for w in special}
        targets |= {w for w in self.listed}
        targets |= {t for w in self.lexicon.domain for t in w.split()}
        by_letter: dict[str, list[str]] = defaultdict(list)
        for w in sorted((w for w in targets if len(w) >= 4 and w.isalpha()), key=lambda w: (-counts.get(w, 0), w)):
            by_letter[w[0]].append(w)
        self.candidates = dict(by_letter)

    def known(self, word: str) -> bool:
        return word in self.vocabulary or _stem(word) in self.known_stems

    def correct(self, word: str) -> str | None:
        """The specialised word this unknown word is most likely a typo of, or None.

        Words of 6 to 8 letters may be one edit away (a swap of two letters counts as one), longer ones two.
        """
        if word in self._fixes:
            return self._fixes[word]
        fix = None
        choices = self.candidates.get(word[:1])
        if len(word) >= 6 and word.isalpha() and choices:
            limit = 1 if len(word) < 9 else 2
            found = process.extractOne(word, choices, scorer=OSA.distance, score_cutoff=limit)
            fix = found[0] if found else None
        if len(self._fixes) > 20_000:
            self._fixes.clear()
        self._fixes[word] = fix
        return fix

    def terms(self, text: str, correct: bool = True) -> list[Term]:
        """The terms of a text; with `correct`, unknown words are typo-corrected or marked "?word"."""
        raw = _raw_tokens(text)
        words: list[str] = []
        corrected: list[bool] = []
        for tok in raw:
            if tok in self.single:
                words.append(tok)
                corrected.append(False)
                continue
            tok = tok.replace("'", "")
            if correct and not self.known(tok):
                fix = self.correct(tok)
                if fix is not None:
                    words.append(fix)
                    corrected.append(True)
                    continue
            words.append(tok)
            corrected.append(False)
        stems = [_stem(w.replace("'", "")) for w in words]
        out: list[Term] = []
        i = 0
        n = len(words)
        while i < n:
            for size in range(min(self.max_phrase, n - i), 1, -1):
                key = tuple(stems[i : i + size])
                target = self.phrase.get(key)
                if target is not None:
                    out.append(Term(target, key in self.everyday_phrases, any(corrected[i : i + size])))
                    i += size
                    break
            else:
                w = words[i]
                if w in self.single:
                    out.append(Term(self.single[w], w in self.everyday_words, corrected[i]))
                elif w in STOP or len(w) < 2 or not w.isalpha():
                    pass
                else:
                    if correct and not corrected[i] and not self.known(w):
                        out.append(Term("?" + w))
                    else:
                        out.append(Term(stems[i], w in self.everyday_words or stems[i] in self.everyday_words,
                                        corrected[i]))
                i += 1
        return out


# --------------------------------------------------------------------------------------------------- the index


@dataclass(frozen=True)
class Answer:
    """The topic chosen for a question, its score (0..1) and the related topics to offer next."""

    topic: Topic
    score: float
    related: tuple[Topic, ...] = ()


@dataclass
class Explanation:
    """Why a question scored as it did (for `search` debugging and the bench)."""

    terms: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)


def _sim_weight(key: str) -> float:
    """Weight of a term when comparing wordings: generic words count half."""
    return 0.5 if key in GENERIC_STEMS else 1.0


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _body_text(markdown: str) -> str:
    """The body without its closing "Next: see ..." pointer, whose titles belong to other topics."""
    paragraphs = re.split(r"\n\s*\n", markdown)
    return "\n\n".join(p for p in paragraphs if not p.lstrip().startswith("Next:"))


class Index:
    """All topics, read once at start-up; answers a question in a fraction of a millisecond."""

    def __init__(self) -> None:  # use Index.build
        self.topics: list[Topic] = []
        self.by_id: dict[str, Topic] = {}
        self.reader: _Reader | None = None
        self.weight: dict[str, float] = {}  # term -> evidence by its class (domain, keyword, question, body)
        self.spread: dict[str, float] = {}  # term -> SHARED (in every topic) .. 1 (in one topic only)
        self.domain_terms: frozenset[str] = frozenset()
        self.postings: dict[str, dict[int, float]] = {}  # term -> {topic: how central (TITLE_KEYWORD, ...)}
        self.q_terms: list[dict[str, float]] = []  # per question: term -> weight (for similarity)
        self.q_topic: list[int] = []
        self.q_norm: list[float] = []
        self.q_postings: dict[str, list[int]] = {}

    # ----------------------------------------------------------------------------------------- building

    @classmethod
    def build(cls, topics: Sequence[Topic], lexicon: Lexicon | None = None, *,
              synonyms_path: str | Path | None = None) -> "Index":
        """Index `topics` (titles, questions, keywords, bodies) with `lexicon`, or the one read from
        `synonyms_path` (content/synonyms.yaml). Raises ContentError on a broken file."""
        self = cls()
        if lexicon is None:
            if synonyms_path is None:
                raise TypeError("Index.build needs a lexicon or the synonyms_path to read one from")
            lexicon = load_lexicon(synonyms_path)
        self.topics = list(topics)
        self.by_id = {t.id: t for t in self.topics}
        phrases = [k for t in self.topics for k in t.keywords if len(k.split()) > 1]
        reader = _Reader(lexicon, phrases)
        self.reader = reader
        texts, special = [], []
        for t in self.topics:
            texts.extend([t.title, *t.questions, *t.keywords, _body_text(t.body_markdown)])
            special.extend([t.title, *t.keywords])
        reader.learn((w for x in texts for w in _raw_tokens(x)), (w for x in special for w in _raw_tokens(x)))

        base: dict[str, float] = {}
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        question_sets: list[tuple[int, list[Term]]] = []
        for i, t in enumerate(self.topics):
            fields = [(t.title, QUESTION_W, TITLE_KEYWORD), *((k, KEYWORD_W, TITLE_KEYWORD) for k in t.keywords)]
            fields += [(q, QUESTION_W, IN_QUESTION) for q in t.questions]
            fields += [(_body_text(t.body_markdown), BODY_W, IN_BODY)]
            for text, weight, where in fields:
                terms = reader.terms(text, correct=False)
                if where == IN_QUESTION or text is t.title:
                    question_sets.append((i, terms))
                for term in terms:
                    if term.key.startswith("?"):
                        continue
                    base[term.key] = max(base.get(term.key, 0.0), weight)
                    postings[term.key][i] = max(postings[term.key].get(i, 0.0), where)
        self.postings = dict(postings)

        n = max(len(self.topics), 1)
        self.domain_terms = frozenset(reader.domain)
        for key, b in base.items():
            if key in GENERIC_STEMS:
                continue
            # how many topics have the term in their title, keywords or questions; bodies mention everything
            df = sum(1 for where in postings[key].values() if where >= IN_QUESTION) or len(postings[key])
            spread = math.log(n / df) / math.log(n) if n > 1 else 1.0  # 1: one topic, 0: all
            if key in self.domain_terms:
                b = DOMAIN_W
            elif " " in key:
                b = max(b, PHRASE_W)
            self.weight[key] = b
            self.spread[key] = SHARED + (1 - SHARED) * spread

        q_postings: dict[str, list[int]] = defaultdict(list)
        for i, terms in question_sets:
            weights = {term.key: _sim_weight(term.key) for term in terms if not term.key.startswith("?")}
            if not weights:
                continue
            qi = len(self.q_terms)
            self.q_terms.append(weights)
            self.q_topic.append(i)
            self.q_norm.append(sum(weights.values()))
            for key in weights:
                q_postings[key].append(qi)
        self.q_postings = dict(q_postings)
        return self

    # ----------------------------------------------------------------------------------------- querying

    def _scores(self, text: str) -> tuple[list[tuple[int, float]], Explanation]:
        """Topics with their evidence (log-odds), best first, and what was read."""
        assert self.reader is not None
        expl = Explanation()
        evidence: dict[int, float] = defaultdict(float)
        eligible: set[int] = set()  # topics with a non-generic term in their title, keywords or questions
        domain = 0.0
        seen: set[str] = set()
        q_weights: dict[str, float] = {}
        terms = self.reader.terms(text)
        # an everyday word ("problem", "tolerance", "clean") keeps its full weight when a domain word in the same
        # message shows it is meant in its drug-use sense; on its own it counts only weakly
        corroborated = any(t.key in self.domain_terms and not t.everyday for t in terms)
        for term in terms:
            key = term.key
            if key.startswith("?"):
                expl.foreign.append(key[1:])
                continue
            if key in seen:
                continue
            seen.add(key)
            postings = self.postings.get(key)
            if not postings:
                continue
            q_weights[key] = _sim_weight(key)
            if key in GENERIC_STEMS:
                expl.terms.append(f"{key}=g")
                for i, where in postings.items():
                    if where >= IN_QUESTION:
                        evidence[i] += GENERIC_KEYWORD_W if where == TITLE_KEYWORD else GENERIC_W
                continue
            w = self.weight[key]
            if term.everyday and not corroborated:
                w = min(w, EVERYDAY_CAP)
            w *= self.spread[key]
            if term.corrected:
                w *= CORRECTED
            if key in self.domain_terms:
                domain += DOMAIN_EVERYDAY_D if term.everyday else DOMAIN_D
            expl.terms.append(f"{key}={w:.2f}{'~' if term.everyday else ''}{'*' if term.corrected else ''}")
            for i, where in postings.items():
                evidence[i] += w * where
                if where >= IN_QUESTION:
                    eligible.add(i)
        domain = min(domain, DOMAIN_CAP)
        n_foreign = len(expl.foreign)
        penalty = sum(FOREIGN_W[min(k, len(FOREIGN_W) - 1)] for k in range(n_foreign))
        content = n_foreign + sum(1 for key in q_weights if key not in GENERIC_STEMS)
        if content > CHATTER:  # in a long message, words from outside the guidance are more likely chatter
            penalty *= CHATTER / content

        # how closely the question reads like one of a topic's questions (weighted Jaccard)
        overlap: dict[int, float] = defaultdict(float)
        for key, w in q_weights.items():
            for qi in self.q_postings.get(key, ()):
                overlap[qi] += min(w, self.q_terms[qi][key])
        q_total = sum(q_weights.values()) + n_foreign
        best_sim: dict[int, float] = {}
        for qi, ov in overlap.items():
            sim = ov / (q_total + self.q_norm[qi] - ov)
            i = self.q_topic[qi]
            if sim > best_sim.get(i, 0.0):
                best_sim[i] = sim

        scored = []
        for i in set(evidence) | set(best_sim):
            sim = best_sim.get(i, 0.0)
            if i in eligible or sim >= STRONG_SIM:
                likeness = SIM_W * max(0.0, sim - SIM_FLOOR) / (1.0 - SIM_FLOOR)
                scored.append((i, domain + evidence.get(i, 0.0) + likeness - penalty - BIAS))
        scored.sort(key=lambda x: (-x[1], self.topics[x[0]].id))
        return scored, expl

    def search(self, text: str, k: int = 5) -> list[tuple[Topic, float]]:
        """The `k` best topics for `text` with their scores (0..1), best first, whether or not they pass."""
        scored, _ = self._scores(text[:MAX_CHARS])
        return [(self.topics[i], _sigmoid(e)) for i, e in scored[:k]]

    def explain(self, text: str) -> Explanation:
        """The terms (with their weights) and the unknown words the index read in `text`."""
        return self._scores(text[:MAX_CHARS])[1]

    def answer(self, text: str, threshold: float = THRESHOLD) -> Answer | None:
        """The topic that answers `text`, or None when no topic does well enough (the bot then says so)."""
        if not isinstance(text, str) or not text.strip():
            return None
        scored, _ = self._scores(text[:MAX_CHARS])
        if not scored:
            return None
        i, e = scored[0]
        score = _sigmoid(e)
        if score < threshold:
            return None
        topic = self.topics[i]
        related = tuple(self.by_id[r] for r in topic.related if r in self.by_id)
        return Answer(topic, round(score, 4), related)
