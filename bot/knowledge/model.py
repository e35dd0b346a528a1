"""The answer model: which guidance topic, intent or "outside what I know" a message is, learned from examples.

Hand-written weights (bot/knowledge/index.py) know the words of our own pages; people write with slang, long
context and other topics' words. This model is a multinomial logistic regression over the same word and
character n-grams as the crisis model (bot/safety/model.py `features`), trained with scikit-learn
(bot/knowledge/training.py) on content/question_corpus/ plus every topic's `questions:`. Its labels are topic ids,
`intent:<name>`, `out-of-domain` and `out-of-domain-medical`.

The weights ship as content/answer_model.npz with the digest of what they were trained on (check-content fails
when the corpus or the topics' questions changed and the model was not retrained). Using it needs numpy only:
importing scikit-learn would cost more than a second at start-up. tests/test_answer_model.py checks that this
arithmetic gives scikit-learn's own probabilities.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from bot.safety.model import FEATURES_VERSION, NgramVectors

MODEL_VERSION = 2  # bump when training changes in a way the shipped model must follow


class AnswerModel:
    """The trained model, loaded from content/answer_model.npz. Use `predict(text)`."""

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray, classes: tuple[str, ...], coef: np.ndarray,
                 intercept: np.ndarray, meta: dict):
        self.vectors = NgramVectors(vocabulary, idf)
        self.classes = classes
        self.coef = coef  # (n_features, n_classes): one row per feature, so a message reads few rows
        self.intercept = intercept
        self.meta = meta

    @classmethod
    def load(cls, path: Path) -> "AnswerModel":
        """Read the artefact written by `bot.knowledge.training.save_model` (raises OSError, KeyError,
        ValueError)."""
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            vocabulary = {term: i for i, term in enumerate(data["vocabulary"].tolist())}
            return cls(vocabulary, data["idf"].astype(np.float64), tuple(data["classes"].tolist()),
                       data["coef"], data["intercept"].astype(np.float64), meta)

    def probabilities(self, text: str) -> np.ndarray:
        """P(label | text) for each of `classes`, summing to 1."""
        columns, values = self.vectors.vector(text)
        scores = values @ self.coef[columns].astype(np.float64) + self.intercept
        scores -= scores.max()
        exp = np.exp(scores)
        return exp / exp.sum()

    def predict(self, text: str, k: int = 3) -> list[tuple[str, float]]:
        """The `k` most likely labels with their probabilities, best first."""
        probs = self.probabilities(text)
        order = np.argsort(-probs, kind="stable")[:k]
        return [(self.classes[i], float(probs[i])) for i in order]


def training_digest(corpus_dir: Path, topics: Iterable) -> str:
    """SHA-256 over what a model is trained on: the corpus files (names and bytes, in name order), each topic's
    id, questions, title and summary, and the feature and model versions. check-content compares it with the model's own."""
    digest = hashlib.sha256(f"features-v{FEATURES_VERSION}/answers-v{MODEL_VERSION}".encode())
    for path in sorted(Path(corpus_dir).glob("*.jsonl")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    for topic in sorted(topics, key=lambda t: t.id):
        digest.update(json.dumps([topic.id, list(topic.questions), topic.title, topic.summary]).encode())
    return digest.hexdigest()


def validate_answer_model(model_path: Path, corpus_dir: Path, guidance_dir: Path) -> list:
    """check-content's view of the answer model: every corpus line valid with a known label, and the model trained
    on exactly this corpus and these topics' questions, titles and summaries (else: `python bot.py
    train-answers`)."""
    from bot.contentfile import Problem
    from bot.knowledge.corpus import read_folder
    from bot.knowledge.topics import _check_all

    topics, topic_problems = _check_all(Path(guidance_dir))
    if topic_problems:
        return []  # the topics' own problems are reported by validate_topics; the digest needs sound topics
    problems = list(read_folder(corpus_dir, {t.id for t in topics})[1])
    try:
        model = AnswerModel.load(model_path)
    except (OSError, KeyError, ValueError) as exc:
        return [*problems, Problem(str(model_path), 1, f"cannot read the answer model ({type(exc).__name__}); "
                                                        "run `python bot.py train-answers`")]
    if model.meta.get("digest") != training_digest(corpus_dir, topics):
        problems.append(Problem(str(model_path), 1, f"trained on another version of {Path(corpus_dir).name}/ or of "
                                                    "the topics' questions, titles or summaries: run `python bot.py train-answers` and "
                                                    "commit the new model"))
    missing = {t.id for t in topics} - set(model.classes)
    if missing:
        problems.append(Problem(str(model_path), 1, f"no training examples for topic(s) {', '.join(sorted(missing))}"))
    return problems
