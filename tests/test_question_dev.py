"""The answer path on the development set held out from the labelled questions other writers wrote
(tests/data/question_dev/, never trained on). Floors just under the figures measured when they were last set, so a
change that makes answers worse fails here; bench/answer_eval.py prints the figures and every miss."""
from __future__ import annotations

import pytest

from bench.answer_eval import DEV, evaluate, load
from bench.import_questions import eval_questions, held_out
from bot.knowledge.corpus import read_folder
from bot.config import CONTENT_DIR


@pytest.fixture(scope="module")
def figures(brain):
    return evaluate(brain.understanding, load([DEV]))


def test_the_development_set_is_big_enough_and_covers_every_kind(figures):
    assert figures.topics >= 150 and figures.intents >= 25 and figures.outside >= 25 and figures.medical >= 5


def test_on_topic_questions_get_their_topic(figures):
    assert figures.topic_accuracy >= 0.75


def test_intents_are_recognised(figures):
    assert figures.intent_accuracy >= 0.95


def test_off_topic_questions_are_abstained_and_never_get_the_heroin_page(figures):
    assert figures.abstain_rate >= 0.9
    assert figures.heroin_page_off_topic == 0


def test_no_development_question_is_in_the_training_corpus():
    train = {q.text.strip().lower() for q in read_folder(CONTENT_DIR / "question_corpus")[0]}
    dev = read_folder(DEV)[0]
    assert dev and not [q.text for q in dev if q.text.strip().lower() in train]
    assert not train & eval_questions(), "guidance_eval.yaml is a development set too"
    assert all(held_out(q.text, eval_questions()) for q in dev)
