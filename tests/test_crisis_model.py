"""The learned layer of the crisis check: numpy inference equals scikit-learn's, the shipped model matches its
corpus, and the corpus format is enforced."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from bot.config import CONTENT_DIR
from bot.safety.corpus import Example, read_examples
from bot.safety.model import CrisisModel, corpus_digest, features, validate_model
from bot.safety.training import save_model, train

TINY = [
    Example("i want to die tonight", "suicide", "crisis", "en"),
    Example("no quiero vivir mas", "suicide", "crisis", "es"),
    Example("he is blue and not breathing", "overdose", "emergency", "en"),
    Example("ele nao acorda e esta roxo", "overdose", "emergency", "pt"),
    Example("ich will nicht mehr leben", "suicide", "crisis", "de"),
    Example("je veux mourir ce soir", "suicide", "crisis", "fr"),
    Example("everyone would be better off without me", "suicide", "check", "en"),
    Example("what a lovely day at the meeting", "none", "none", "en"),
    Example("que bonito dia hoy", "none", "none", "es"),
    Example("hoje foi um bom dia", "none", "none", "pt"),
    Example("heute war ein guter tag", "none", "none", "de"),
    Example("quelle belle journee", "none", "none", "fr"),
    Example("he is hitting me right now", "abuse", "emergency", "en"),
    Example("i'm going to stab him", "violence", "emergency", "en"),
    Example("i cut myself again", "self_harm", "crisis", "en"),
    Example("seizure after stopping benzos", "medical", "emergency", "en"),
] * 2  # every feature seen twice, so min_df keeps it


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = tmp_path_factory.mktemp("model")
    trained = train(TINY)
    save_model(trained, folder / "model.npz", "digest")
    return trained, CrisisModel.load(folder / "model.npz")


@pytest.mark.parametrize("text", ["i want to die", "no quiero vivir", "lovely day", "", "🙂🙂", "HE IS BLUE!!!",
                                  "words the model never saw at all", "je veux mourir " * 200])
def test_numpy_inference_equals_scikit_learn(tiny, text):
    trained, model = tiny
    matrix = trained.vectorizer.transform([text])
    for head in ("category", "tier", "language"):
        expected = trained.heads[head].predict_proba(matrix)[0]
        got = model.predict(text).__getattribute__(head)
        classes = [str(c) for c in trained.heads[head].classes_]
        assert np.allclose([got[c] for c in classes], expected, atol=1e-5), head


def test_features_are_the_same_for_case_accents_and_stretched_letters():
    assert features("Quiero MORIRME") == features("quiero morirme")
    assert features("está") == features("esta")
    assert "w die" in features("i want to dieeee")


def test_the_shipped_model_was_trained_on_the_shipped_corpus():
    model = CrisisModel.load(CONTENT_DIR / "crisis_model.npz")
    assert model.meta["corpus_sha256"] == corpus_digest(CONTENT_DIR / "crisis_corpus")
    assert set(model.heads["language"].classes) == {"en", "es", "pt", "de", "fr"}
    assert validate_model(CONTENT_DIR / "crisis_model.npz", CONTENT_DIR / "crisis_corpus") == []


def test_check_content_notices_a_corpus_changed_after_training(tmp_path):
    corpus = tmp_path / "crisis_corpus"
    shutil.copytree(CONTENT_DIR / "crisis_corpus", corpus)
    with (corpus / "extra.jsonl").open("w") as out:
        out.write(json.dumps({"text": "a new line", "category": "none", "tier": "none", "lang": "en"}) + "\n")
    problems = validate_model(CONTENT_DIR / "crisis_model.npz", corpus)
    assert any("train-model" in p.message for p in problems)


def test_a_missing_model_is_a_clear_problem(tmp_path):
    problems = validate_model(tmp_path / "absent.npz", CONTENT_DIR / "crisis_corpus")
    assert problems and "train-model" in problems[-1].message


@pytest.mark.parametrize("line, problem", [
    ('{"text": "x", "category": "sad", "tier": "crisis", "lang": "en"}', "category 'sad'"),
    ('{"text": "x", "category": "none", "tier": "crisis", "lang": "en"}', "tier none goes with category none"),
    ('{"text": "x", "category": "suicide", "tier": "crisis", "lang": "it"}', "lang 'it'"),
    ('{"text": "", "category": "none", "tier": "none", "lang": "en"}', "non-empty"),
    ('{"text": "x", "category": "none"}', "needs text, category, tier and lang"),
    ('not json', "not JSON"),
])
def test_corpus_lines_are_checked_with_their_line_number(tmp_path, line, problem):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "fine", "category": "none", "tier": "none", "lang": "en"}\n' + line + "\n")
    examples, problems = read_examples(path)
    assert len(examples) == 1 and len(problems) == 1
    assert problems[0].line == 2 and problem in problems[0].message
