"""The learned layer of the crisis detector: a linear model over word and character n-grams, in five languages.

The rules in content/crisis.yaml are precise but only know the phrasings their authors wrote. This model is trained
(with scikit-learn, see `bot/safety/training.py`) on the labelled corpus in content/crisis_corpus/, written in many
voices and five languages, and generalises to phrasings nobody listed. It has three heads over the same features:

- category: none, suicide, self_harm, overdose, medical, violence, abuse
- tier: none, check (an indirect sign: ask directly), crisis, emergency
- language: en, es, pt, de, fr (the language the message is written in)

The trained weights ship as one small file, content/crisis_model.npz, with the hash of the corpus it was trained
on (check-content fails when the corpus changed and the model was not rebuilt). Using it needs numpy only: loading
scikit-learn would cost more than a second at start-up, and the arithmetic of a TF-IDF linear model is a few lines,
checked against scikit-learn's own output in tests/test_crisis_model.py.
"""
from __future__ import annotations

import functools
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.safety.normalize import normalize

FEATURES_VERSION = 1  # bump when `features` changes: the shipped model must then be retrained
CHAR_NGRAMS = (3, 5)
HEADS = ("category", "tier", "language")

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?|[\U0001F300-\U0001FAFF\u2600-\u27BF]", re.UNICODE)


def tokens(text: str) -> list[str]:
    """The words (and emoji) of `text` after normalisation: case, accents, leetspeak, repeated letters and invisible
    characters are folded, so "Quiero MORIRME", "quiero morirme" and "quiero morirmeee" look alike."""
    return _WORD.findall(normalize(text))


@functools.lru_cache(maxsize=65536)
def word_features(word: str) -> tuple[str, ...]:
    """The features one word brings by itself: the word ("w " prefix) and its character 3-5 grams, the word padded
    with a space either side ("c " prefix)."""
    padded = f" {word} "
    size = len(padded)
    low, high = CHAR_NGRAMS
    grams = [f"w {word}"]
    for n in range(low, min(high, size) + 1):
        grams.extend("c " + padded[i:i + n] for i in range(size - n + 1))
    return tuple(grams)


def bigrams(words: list[str]) -> list[str]:
    """Pairs of neighbouring words ("w " prefix)."""
    return [f"w {a} {b}" for a, b in zip(words, words[1:])]


def features(text: str) -> list[str]:
    """The model's features of `text`: each word's own features (`word_features`) and the word pairs (`bigrams`).

    Shared by training and inference, so the two can never disagree. Returns a list (repeats count).
    """
    words = tokens(text)
    out = bigrams(words)
    for word in words:
        out.extend(word_features(word))
    return out


@dataclass(frozen=True)
class Head:
    """One softmax head: its `classes` and the rows `start:stop` of the model's stacked weights."""

    classes: tuple[str, ...]
    start: int
    stop: int

    def probabilities(self, scores: np.ndarray) -> dict[str, float]:
        """Softmax over this head's classes, from the scores of all heads stacked together."""
        mine = scores[self.start:self.stop]
        exp = np.exp(mine - mine.max())
        return dict(zip(self.classes, (exp / exp.sum()).tolist()))


@dataclass(frozen=True)
class Prediction:
    """What the model reads in one text: probabilities per category, tier and language (each sums to 1)."""

    category: dict[str, float]
    tier: dict[str, float]
    language: dict[str, float]

    @property
    def crisis_probability(self) -> float:
        """How likely the text shows any crisis at all (1 - P(category none))."""
        return 1.0 - self.category.get("none", 0.0)

    def top(self, head: str, exclude: tuple[str, ...] = ()) -> str:
        """The most likely class of `head` ("category", "tier" or "language"), leaving out `exclude`."""
        probs = getattr(self, head)
        return max((c for c in probs if c not in exclude), key=probs.__getitem__)


class NgramVectors:
    """TF-IDF vectors of texts over a trained vocabulary of `features` (word -> column, and each column's idf):
    what both learned models (this one and bot/knowledge/model.py) read a message with."""

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray):
        self.vocabulary = vocabulary
        self.idf = idf.astype(np.float64)
        self._columns_cache: dict[str, np.ndarray] = {}

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The TF-IDF vector of `text` as (column indices, values): sublinear tf, idf, then L2 norm.

        Equal to scikit-learn's TfidfVectorizer(analyzer=features, sublinear_tf=True) transform (a test checks
        it). Each distinct word's columns are looked up once and cached, and counted with its number of
        occurrences, so a long message costs about one lookup per distinct word.
        """
        words = tokens(text)
        pairs = [i for i in map(self.vocabulary.get, bigrams(words)) if i is not None]
        per_word = Counter(words)
        word_parts = [self._word_columns(word) for word in per_word]
        columns = np.concatenate([np.array(pairs, dtype=np.int64), *word_parts])
        lengths = np.fromiter(map(len, word_parts), dtype=np.int64, count=len(word_parts))
        occurrences = np.fromiter(per_word.values(), dtype=np.float64, count=len(per_word))
        weights = np.concatenate([np.ones(len(pairs)), np.repeat(occurrences, lengths)])
        if not len(columns):
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        counts = np.bincount(columns, weights=weights, minlength=len(self.idf))
        unique = np.flatnonzero(counts)
        values = (1.0 + np.log(counts[unique])) * self.idf[unique]
        return unique, values / np.linalg.norm(values)

    def _word_columns(self, word: str) -> np.ndarray:
        cached = self._columns_cache.get(word)
        if cached is None:
            cached = np.array([i for i in map(self.vocabulary.get, word_features(word)) if i is not None],
                              dtype=np.int64)
            if len(self._columns_cache) < 100_000:
                self._columns_cache[word] = cached
        return cached


class CrisisModel:
    """The trained model, loaded from content/crisis_model.npz. Use `predict(text)`."""

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray, heads: dict[str, Head], coef: np.ndarray,
                 intercept: np.ndarray, meta: dict):
        self.vectors = NgramVectors(vocabulary, idf)
        self.heads = heads
        self.coef_by_feature = np.ascontiguousarray(coef.T)  # (n_features, n_scores): one row gathered per feature
        self.intercept = intercept
        self.meta = meta

    @classmethod
    def load(cls, path: Path) -> "CrisisModel":
        """Read the artefact written by `bot.safety.training.save_model` (raises OSError, KeyError, ValueError)."""
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            vocabulary = {term: i for i, term in enumerate(data["vocabulary"].tolist())}
            heads, coefs, intercepts, start = {}, [], [], 0
            for name in HEADS:
                classes = tuple(data[f"{name}_classes"].tolist())
                heads[name] = Head(classes, start, start + len(classes))
                coefs.append(data[f"{name}_coef"])
                intercepts.append(data[f"{name}_intercept"])
                start += len(classes)
            return cls(vocabulary, data["idf"], heads, np.vstack(coefs), np.concatenate(intercepts), meta)

    def predict(self, text: str) -> Prediction:
        """Probabilities for `text` from each head."""
        columns, values = self.vectors.vector(text)
        scores = values @ self.coef_by_feature[columns] + self.intercept
        return Prediction(*(self.heads[name].probabilities(scores) for name in HEADS))


def corpus_digest(corpus_dir: Path) -> str:
    """SHA-256 over the corpus files (names and bytes, in name order) and the features version: what a model was
    trained on. check-content compares it with the digest stored in the model."""
    digest = hashlib.sha256(f"features-v{FEATURES_VERSION}".encode())
    for path in sorted(corpus_dir.glob("*.jsonl")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def validate_model(model_path: Path, corpus_dir: Path) -> list:
    """check-content's view of the learned layer: every corpus line valid, and the model trained on exactly this
    corpus (else: `python bot.py train-model`). Returns Problems (file:line: message)."""
    from bot.contentfile import Problem
    from bot.safety.corpus import read_folder

    problems = list(read_folder(corpus_dir)[1])
    try:
        model = CrisisModel.load(model_path)
    except (OSError, KeyError, ValueError) as exc:
        return [*problems, Problem(str(model_path), 1, f"cannot read the crisis model ({type(exc).__name__}); "
                                                        "run `python bot.py train-model`")]
    if model.meta.get("corpus_sha256") != corpus_digest(corpus_dir):
        problems.append(Problem(str(model_path), 1, f"trained on another version of {corpus_dir.name}/: run "
                                                    "`python bot.py train-model` and commit the new model"))
    return problems
