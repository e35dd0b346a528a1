"""The knowledge index on the independent evaluation set (tests/data/guidance_eval.yaml): at least 95% of on-topic
questions answered with the expected topic, and at least 95% of off-topic ones honestly left unanswered.

The metric is bench/guidance_eval.py's `evaluate`, the same function `python -m bench.guidance_eval` prints.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from bench.guidance_eval import EVAL_PATH, evaluate, load_cases
from bot.knowledge.index import Index
from bot.knowledge.topics import load_topics

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def result():
    index = Index.build(load_topics(ROOT / "content" / "guidance"), synonyms_path=ROOT / "content" / "synonyms.yaml")
    return evaluate(index, load_cases(EVAL_PATH))


def describe_misses(result) -> str:
    return "\n".join(f"{m.q!r}: expected {m.expected}, got {m.got} ({m.score:.2f})" for m in result.misses)


def test_the_eval_set_is_big_enough_to_mean_something(result):
    assert result.on_topic >= 150 and result.off_topic >= 40


def test_at_least_95_percent_of_on_topic_questions_get_the_expected_topic(result):
    assert result.accuracy >= 0.95, describe_misses(result)


def test_at_least_95_percent_of_off_topic_questions_get_no_answer(result):
    assert result.abstain_rate >= 0.95, describe_misses(result)


def test_every_expected_topic_exists():
    ids = {t.id for t in load_topics(ROOT / "content" / "guidance")}
    assert {c.topic for c in load_cases(EVAL_PATH) if c.topic} <= ids
