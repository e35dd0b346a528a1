"""The answer model: numpy inference equals scikit-learn's, the shipped model matches its corpus, check-content
notices a corpus changed without retraining, and the bot starts without importing scikit-learn."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.knowledge.corpus import Question, read_folder, read_questions
from bot.knowledge.model import AnswerModel, training_digest, validate_answer_model
from bot.knowledge.topics import load_topics

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
CORPUS = CONTENT / "question_corpus"


@pytest.fixture(scope="module")
def small_model(tmp_path_factory):
    """A model trained here on a slice of the corpus, with the scikit-learn objects kept for comparison."""
    pytest.importorskip("sklearn")
    from bot.knowledge.training import save_model, train

    corpus, problems = read_folder(CORPUS)
    assert not problems
    items = corpus[::4]
    trained = train(items)
    path = tmp_path_factory.mktemp("model") / "answer_model.npz"
    save_model(trained, path, "digest", len(items))
    return trained, AnswerModel.load(path)


def test_numpy_inference_gives_scikit_learns_probabilities(small_model):
    trained, model = small_model
    texts = ["how long does the rattle last", "hi", "is adderall addictive", "my son uses gear what do i do",
             "", "🙂🙂", "x" * 500, "NALOXONE?!", "can i just use once to sleep"]
    expected = trained.model.predict_proba(trained.vectorizer.transform(texts))
    for text, want in zip(texts, expected):
        got = model.probabilities(text)
        assert list(model.classes) == [str(c) for c in trained.model.classes_]
        np.testing.assert_allclose(got, want, atol=1e-5)
        assert model.predict(text, 1)[0][0] == str(trained.model.classes_[int(np.argmax(want))])


def test_the_shipped_model_was_trained_on_this_corpus_and_these_topics():
    model = AnswerModel.load(CONTENT / "answer_model.npz")
    topics = load_topics(CONTENT / "guidance")
    assert model.meta["digest"] == training_digest(CORPUS, topics)
    assert validate_answer_model(CONTENT / "answer_model.npz", CORPUS, CONTENT / "guidance") == []
    assert {t.id for t in topics} <= set(model.classes)
    assert {"intent:urge-to-use", "out-of-domain", "out-of-domain-medical"} <= set(model.classes)


def test_check_content_fails_when_the_corpus_changed_but_the_model_was_not_retrained(tmp_path):
    corpus = tmp_path / "question_corpus"
    shutil.copytree(CORPUS, corpus)
    assert validate_answer_model(CONTENT / "answer_model.npz", corpus, CONTENT / "guidance") == []
    with (corpus / "intents_en.jsonl").open("a", encoding="utf-8") as f:
        f.write(json.dumps({"text": "hiya pal", "label": "intent:greeting", "lang": "en", "voice": "t"}) + "\n")
    [problem] = validate_answer_model(CONTENT / "answer_model.npz", corpus, CONTENT / "guidance")
    assert "train-answers" in problem.message and problem.path.endswith("answer_model.npz")


def test_corpus_lines_with_faults_are_reported_with_their_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join([
        json.dumps({"text": "what is gear", "label": "what-is-heroin", "lang": "en", "voice": "v"}),
        "{not json",
        json.dumps({"text": "hello", "label": "intent:wave", "lang": "en"}),
        json.dumps({"text": "", "label": "out-of-domain"}),
        json.dumps({"text": "hola", "label": "out-of-domain", "lang": "xx"}),
    ]) + "\n", encoding="utf-8")
    questions, problems = read_questions(path, {"what-is-heroin"})
    assert questions == [Question("what is gear", "what-is-heroin", "en", "v", "bad.jsonl:1")]
    assert [p.line for p in problems] == [2, 3, 4, 5]
    assert "unknown label 'intent:wave'" in problems[1].message


def test_the_bot_starts_without_importing_scikit_learn(tmp_path):
    code = ("import sys; from bot.respond import Brain; from bot.config import CONTENT_DIR; "
            "b = Brain.load(CONTENT_DIR); b.answer('how long does withdrawal last'); "
            "print('sklearn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
