"""Training the crisis model (bot/safety/model.py) with scikit-learn, and writing it as content/crisis_model.npz.

    python bot.py train-model          # reads content/crisis_corpus/, writes content/crisis_model.npz

Reproducible: the same corpus gives the same model (fixed solver, no randomness). scikit-learn is needed only here
and in tests (the `test` extra installs it); the bot itself reads the weights with numpy.

Why these choices: TF-IDF over word 1-2 grams and character 3-5 grams (inside words) with sublinear tf is the
standard strong baseline for short, noisy, multilingual text; character grams carry typos, slang and languages
the corpus only partly covers. Each head is a multinomial logistic regression (L2, C below), with balanced class
weights so the rarer categories (violence, abuse) are not drowned by the many everyday messages.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from bot.safety.corpus import Example, read_folder
from bot.safety.model import FEATURES_VERSION, corpus_digest, features

MIN_DF = 2  # a feature must occur in two messages: one-off n-grams only memorise
REGULARISATION = {"category": 10.0, "tier": 10.0, "language": 2.0}  # C of each head, tuned on the development set


@dataclass(frozen=True)
class Trained:
    """A fitted vectorizer and the three heads, ready to save."""

    vectorizer: object
    heads: dict[str, object]


def labels(examples: list[Example], head: str) -> list[str]:
    """What head `head` learns for each example."""
    return [getattr(e, {"category": "category", "tier": "tier", "language": "lang"}[head]) for e in examples]


def train(examples: list[Example], regularisation: dict[str, float] | None = None) -> Trained:
    """Fit the TF-IDF features and the category, tier and language heads on `examples`."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    strengths = {**REGULARISATION, **(regularisation or {})}
    vectorizer = TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=MIN_DF, dtype=np.float64)
    matrix = vectorizer.fit_transform([e.text for e in examples])
    heads = {}
    for head, c in strengths.items():
        model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced", solver="lbfgs")
        heads[head] = model.fit(matrix, labels(examples, head))
    return Trained(vectorizer, heads)


def save_model(trained: Trained, path: Path, digest: str) -> None:
    """Write the weights as float32 arrays in one .npz (no pickle: loading runs no code)."""
    import sklearn

    vocabulary = sorted(trained.vectorizer.vocabulary_, key=trained.vectorizer.vocabulary_.get)
    arrays = {
        "vocabulary": np.array(vocabulary),
        "idf": trained.vectorizer.idf_.astype(np.float32),
        "meta": np.array(json.dumps({
            "corpus_sha256": digest, "features_version": FEATURES_VERSION, "trained": date.today().isoformat(),
            "scikit_learn": sklearn.__version__, "regularisation": REGULARISATION, "min_df": MIN_DF,
        })),
    }
    for head, model in trained.heads.items():
        coef, intercept = model.coef_, model.intercept_
        if len(model.classes_) == 2:  # scikit-learn keeps one row for two classes; store both for the softmax
            coef, intercept = np.vstack([-coef[0] / 2, coef[0] / 2]), np.array([-intercept[0] / 2, intercept[0] / 2])
        arrays[f"{head}_classes"] = np.array([str(c) for c in model.classes_])
        arrays[f"{head}_coef"] = coef.astype(np.float32)
        arrays[f"{head}_intercept"] = intercept.astype(np.float64)
    np.savez_compressed(path, **arrays)


def train_and_save(corpus_dir: Path, model_path: Path) -> int:
    """The `train-model` command: train on the corpus and write the model; returns the number of examples."""
    examples, problems = read_folder(corpus_dir)
    if problems:
        raise ValueError("; ".join(map(str, problems[:5])))
    save_model(train(examples), model_path, corpus_digest(corpus_dir))
    return len(examples)
