"""The crisis check as the bot uses it: the precise rules and the learned model together, and the message's language.

    Assessor.load(content_dir).assess(text) -> Assessment(crisis, check, language)

- `crisis` (a Crisis or None): hand the person to human help now. Either layer can raise it: a rule match, or the
  model finding a crisis with confidence. Context can lower it: when the model is sure the message is not a crisis
  (a past overdose told as recovery history, grief, a general question, a joke), a rule's match is set aside.
- `check`: no handoff, but an indirect or uncertain sign ("everyone would be better off without me"): the bot asks
  directly and kindly whether the person is thinking about ending their life or is in danger.
- `language`: the language the message is written in (en, es, pt, de, fr), or None when the text is too short or
  mixed to tell; the caller then uses what it knows of the person.

The model reads the whole message at once. Reading long messages also in two-sentence pieces was tried and gave no
more recall on the development set, only more false alarms from recovery stories, so it was left out.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.safety.crisis import CRISIS, EMERGENCY, Crisis
from bot.safety.detector import Rules
from bot.safety.rules_cache import load_rules_cached
from bot.safety.model import CrisisModel, Prediction

MODEL_FILE = "crisis_model.npz"


@dataclass(frozen=True)
class Thresholds:
    """Probabilities at which the model acts, tuned on the development set (bench/crisis_sets.py), never on the
    frozen set."""

    handoff: float = 0.8  # P(any crisis category) the model alone needs to hand off...
    handoff_tier: float = 0.3  # ...together with P(tier crisis or emergency)
    check: float = 0.6  # P(tier check, crisis or emergency) at or above which the bot asks directly
    veto: float = 0.6  # P(no crisis) at or above which a rule's crisis-tier match is set aside
    language: float = 0.6  # P(language) needed to call the message's language
    handoff_words: int = 2  # the model alone hands off only on messages of at least this many words
    check_words: int = 3  # and asks directly only on messages of at least this many (one word is too little)


@dataclass(frozen=True)
class Assessment:
    """What the crisis check found in one message (see the module docstring)."""

    crisis: Crisis | None
    check: bool = False
    language: str | None = None
    probability: float = 0.0  # the model's P(any crisis) for the message

    def describe(self) -> str:
        """A short account for reports: 'suicide/emergency', 'check' or 'none', with the probability."""
        what = f"{self.crisis.category}/{self.crisis.tier}" if self.crisis else ("check" if self.check else "none")
        return f"{what} p={self.probability:.2f} lang={self.language}"


class Assessor:
    """The rules (content/crisis.yaml) and the model (content/crisis_model.npz), applied together."""

    def __init__(self, rules: Rules, model: CrisisModel, thresholds: Thresholds = Thresholds()):
        self.rules = rules
        self.model = model
        self.thresholds = thresholds

    @classmethod
    def load(cls, content_dir: Path) -> "Assessor":
        """Load the rules and the model from `content_dir` (raises ContentError or OSError when broken)."""
        return cls(load_rules_cached(content_dir / "crisis.yaml"), CrisisModel.load(content_dir / MODEL_FILE))

    def assess(self, text: str) -> Assessment:
        """The crisis check of one message (see the module docstring)."""
        whole = self.model.predict(text)
        language = self._language(whole)
        rule = self.rules.detect(text)
        words = len(text.split())
        t = self.thresholds
        model_crisis = self._model_crisis(whole) if words >= t.handoff_words else None
        probability = whole.crisis_probability
        if rule is not None and not self._vetoed(whole):
            return Assessment(_more_urgent(rule, model_crisis), language=language, probability=probability)
        if model_crisis is not None:
            return Assessment(model_crisis, language=language, probability=probability)
        check = words >= t.check_words and 1.0 - whole.tier.get("none", 0.0) >= t.check
        return Assessment(None, check=check, language=language, probability=probability)

    def _model_crisis(self, prediction: Prediction) -> Crisis | None:
        """A handoff from the model alone: a crisis category likely, and the crisis or emergency tier likely."""
        tiers = prediction.tier
        urgent = tiers.get(CRISIS, 0.0) + tiers.get(EMERGENCY, 0.0)
        if prediction.crisis_probability < self.thresholds.handoff or urgent < self.thresholds.handoff_tier:
            return None
        tier = EMERGENCY if tiers.get(EMERGENCY, 0.0) >= tiers.get(CRISIS, 0.0) else CRISIS
        return Crisis(prediction.top("category", exclude=("none",)), tier)

    def _vetoed(self, whole: Prediction) -> bool:
        """A rule's match set aside because the model is sure the whole message is no crisis."""
        return whole.category.get("none", 0.0) >= self.thresholds.veto

    def _language(self, prediction: Prediction) -> str | None:
        language = prediction.top("language")
        return language if prediction.language[language] >= self.thresholds.language else None


def _more_urgent(a: Crisis, b: Crisis | None) -> Crisis:
    return a if b is None or a.urgency >= b.urgency else b
