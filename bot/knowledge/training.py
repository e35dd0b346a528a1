"""Training the answer model (bot/knowledge/model.py) with scikit-learn, and writing content/answer_model.npz.

    python bot.py train-answers     # reads content/question_corpus/ and content/guidance/, writes the model

Reproducible: the same examples give the same model (lbfgs, no randomness). scikit-learn is needed only here and
in tests (the `test` extra installs it); the bot reads the weights with numpy.

Why these choices: the crisis model's features (word 1-2 grams, character 3-5 grams inside words, sublinear
TF-IDF) carry slang, typos and long context; one multinomial logistic regression over topics, intents and the two
out-of-domain labels gives calibrated-enough probabilities to abstain on. Class weights are balanced so a topic
with few examples is not drowned by the large out-of-domain class. Each topic's own `questions:` are training
examples too (with its title and summary), so a new page is known as soon as the model is retrained.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from bot.knowledge.corpus import Question, read_folder
from bot.knowledge.model import MODEL_VERSION, training_digest
from bot.knowledge.topics import Topic, load_topics
from bot.safety.model import FEATURES_VERSION, features

MIN_DF = 2  # a feature must occur in two messages: one-off n-grams only memorise
C = 50.0  # inverse regularisation strength, chosen on tests/data/question_dev/ (30: 76.7 % on-topic and 88.6 %
# abstention through the answer path; 50: 77.2 % and 94.3 %; 100: the same, with one eval abstention lost)


@dataclass(frozen=True)
class Trained:
    vectorizer: object
    model: object


def examples(corpus: list[Question], topics: list[Topic]) -> list[Question]:
    """The corpus plus every topic's questions, title and summary, labelled with the topic."""
    own = [Question(q, t.id, "en", "topic page", f"{t.id}.md")
           for t in topics for q in (*t.questions, t.title, t.summary) if q]
    return [*corpus, *own]


def train(items: list[Question], c: float = C) -> Trained:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=MIN_DF, dtype=np.float64)
    matrix = vectorizer.fit_transform([q.text for q in items])
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced", solver="lbfgs")
    model.fit(matrix, [q.label for q in items])
    return Trained(vectorizer, model)


def save_model(trained: Trained, path: Path, digest: str, count: int) -> None:
    """Write the weights as float32 arrays in one .npz (no pickle: loading runs no code)."""
    import sklearn

    vocabulary = sorted(trained.vectorizer.vocabulary_, key=trained.vectorizer.vocabulary_.get)
    np.savez_compressed(
        path,
        vocabulary=np.array(vocabulary),
        idf=trained.vectorizer.idf_.astype(np.float32),
        classes=np.array([str(c) for c in trained.model.classes_]),
        coef=np.ascontiguousarray(trained.model.coef_.T.astype(np.float32)),
        intercept=trained.model.intercept_.astype(np.float64),
        meta=np.array(json.dumps({
            "digest": digest, "features_version": FEATURES_VERSION, "model_version": MODEL_VERSION,
            "trained": date.today().isoformat(), "scikit_learn": sklearn.__version__, "C": C, "min_df": MIN_DF,
            "examples": count,
        })),
    )


def train_and_save(corpus_dir: Path, guidance_dir: Path, model_path: Path) -> int:
    """The `train-answers` command: train on the corpus and the topics' questions; returns the number of
    examples."""
    topics = load_topics(guidance_dir)
    corpus, problems = read_folder(corpus_dir, {t.id for t in topics})
    if problems:
        raise ValueError("; ".join(map(str, problems[:5])))
    items = examples(corpus, topics)
    save_model(train(items), model_path, training_digest(corpus_dir, topics), len(items))
    return len(items)
