"""The crisis check as the bot uses it: rules and model together, context lowering a rule, the ask-directly tier,
and the message's language."""
from __future__ import annotations

import pytest

from bot.config import CONTENT_DIR
from bot.safety.assess import Assessor, Thresholds
from bot.safety.crisis import CRISIS, EMERGENCY
from bot.safety.model import Prediction
from bot.safety.rules_cache import load_rules_cached

NONE_TIERS = {"none": 1.0, "check": 0.0, "crisis": 0.0, "emergency": 0.0}


def prediction(crisis: float = 0.0, *, category: str = "suicide", tiers: dict | None = None,
               language: str = "en") -> Prediction:
    """A model reading with P(any crisis) = crisis, all of it on `category`."""
    categories = {"none": 1.0 - crisis, category: crisis}
    languages = {code: (0.9 if code == language else 0.025) for code in ("en", "es", "pt", "de", "fr")}
    return Prediction(categories, tiers or NONE_TIERS, languages)


class FakeModel:
    """Answers with the reading given for a text (or `default`); records what it was asked."""

    def __init__(self, readings: dict[str, Prediction], default: Prediction | None = None):
        self.readings = readings
        self.default = default or prediction(0.0)
        self.asked: list[str] = []

    def predict(self, text: str) -> Prediction:
        self.asked.append(text)
        return self.readings.get(text, self.default)


@pytest.fixture(scope="module")
def rules():
    return load_rules_cached(CONTENT_DIR / "crisis.yaml")


def assessor(rules, readings: dict[str, Prediction], default: Prediction | None = None) -> Assessor:
    return Assessor(rules, FakeModel(readings, default), Thresholds())


def test_a_rule_match_hands_off_even_when_the_model_sees_nothing_special(rules):
    found = assessor(rules, {}, prediction(0.5)).assess("i want to kill myself")
    assert found.crisis is not None and found.crisis.category == "suicide"


def test_the_model_alone_hands_off_what_no_rule_knows(rules):
    text = "sorted the dog's new home and the letters are on the table"
    found = assessor(rules, {text: prediction(0.95, tiers={"none": 0.0, "check": 0.1, "crisis": 0.2,
                                                          "emergency": 0.7})}).assess(text)
    assert found.crisis is not None and (found.crisis.category, found.crisis.tier) == ("suicide", EMERGENCY)


def test_a_model_confident_of_no_crisis_sets_a_rules_match_aside(rules):
    text = "I overdosed two years ago, naloxone saved me, 700 days clean today"
    assert rules.detect(text) is not None  # the rule alone would raise a public alarm
    found = assessor(rules, {text: prediction(0.02)}).assess(text)
    assert found.crisis is None and not found.check


def test_an_uncertain_reading_asks_directly_instead_of_handing_off(rules):
    text = "what's even the point anymore"
    found = assessor(rules, {text: prediction(0.7, tiers={"none": 0.3, "check": 0.6, "crisis": 0.1,
                                                         "emergency": 0.0})}).assess(text)
    assert found.crisis is None and found.check


def test_a_sign_the_model_marks_as_check_tier_is_not_handed_off(rules):
    text = "i won't be a problem for anyone much longer"
    found = assessor(rules, {text: prediction(0.9, tiers={"none": 0.0, "check": 0.8, "crisis": 0.2,
                                                         "emergency": 0.0})}).assess(text)
    assert found.crisis is None and found.check


def test_everyday_text_gets_neither(rules):
    found = assessor(rules, {}, prediction(0.05)).assess("cooked a roast for my sponsor today")
    assert found.crisis is None and not found.check


def test_the_language_is_named_only_when_the_model_is_sure(rules):
    sure = assessor(rules, {}, prediction(0.0, language="pt")).assess("hoje foi um bom dia")
    assert sure.language == "pt"
    unsure = Prediction({"none": 1.0}, NONE_TIERS, {code: 0.2 for code in ("en", "es", "pt", "de", "fr")})
    assert assessor(rules, {}, unsure).assess("ok").language is None


# --- the shipped model, on messages from the issue (part of the development set) ------------------------------

@pytest.mark.parametrize("text, language", [
    ("no quiero vivir más", "es"),
    ("mi hermano está morado y no despierta", "es"),
    ("quero me matar", "pt"),
    ("ich will nicht mehr leben", "de"),
    ("je veux mourir, tout est prêt pour ce soir", "fr"),
])
def test_the_shipped_check_hands_off_in_every_language(brain, text, language):
    found = brain.assess(text)
    assert found.crisis is not None and found.crisis.tier in (CRISIS, EMERGENCY)
    assert found.language == language


@pytest.mark.parametrize("text", [
    "I overdosed two years ago and naloxone saved me, 700 days today",
    "laughing so hard I can't breathe 😂",
    "this traffic is killing me",
])
def test_the_shipped_check_leaves_recovery_stories_and_idioms_alone(brain, text):
    assert brain.assess(text).crisis is None
