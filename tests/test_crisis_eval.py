"""The crisis detector on the labelled set (tests/data/crisis_cases.yaml): every real crisis is caught, and few
everyday messages are taken for one. Run `python bench/crisis_eval.py` for the figures and the list of misses."""
from __future__ import annotations

import pytest

from bot.safety.evaluation import CASES_PATH, NEGATIVE_KINDS, POSITIVE_KINDS, evaluate, format_report, load_cases

MAX_FALSE_ALARM_RATE = 0.03

pytestmark = pytest.mark.skipif(not CASES_PATH.exists(), reason=f"{CASES_PATH} not there yet")


@pytest.fixture(scope="module")
def report():
    return evaluate(load_cases())


@pytest.mark.parametrize("kind", POSITIVE_KINDS)
def test_every_crisis_of_this_kind_is_detected(report, kind):
    missed = report.misses([kind])
    assert not missed, "missed:\n" + "\n".join(f"  line {o.case.line}: {o.case.text!r}" for o in missed)


def test_few_everyday_messages_are_taken_for_a_crisis(report):
    rate = report.false_alarm_rate(NEGATIVE_KINDS)
    assert rate is not None and rate <= MAX_FALSE_ALARM_RATE, format_report(report)


def test_the_labelled_set_has_both_sides(report):
    assert report.recall() is not None and report.false_alarm_rate() is not None
