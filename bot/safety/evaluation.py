"""Measuring the crisis detector on a labelled set of messages (tests/data/crisis_cases.yaml).

Used by bench/crisis_eval.py (prints the figures) and tests/test_crisis_eval.py (asserts them), so both count the
same way. A case is a mapping {text, expect, kind}: `expect` is a crisis category or null, `kind` says what sort of
message it is:

- must be detected (expect is a category): clear, softened (negated or past: still a crisis), emergency_past
  ("he overdosed", "she stopped breathing");
- must not be detected (expect is null): everyday, idiom, question (informational), negation_everyday.

Recall counts a case as found when the detector returns any crisis (the person gets the helplines either way);
category accuracy is reported beside it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.contentfile import ContentError, Problem, load_yaml_file
from bot.safety.crisis import CATEGORIES, Crisis

CASES_PATH = Path(__file__).resolve().parents[2] / "tests" / "data" / "crisis_cases.yaml"
POSITIVE_KINDS = ("clear", "softened", "emergency_past")
NEGATIVE_KINDS = ("everyday", "idiom", "question", "negation_everyday")


@dataclass(frozen=True)
class Case:
    """One labelled message."""

    text: str
    expect: str | None
    kind: str
    line: int = 1


@dataclass(frozen=True)
class Outcome:
    """A case and what the detector said."""

    case: Case
    got: Crisis | None

    @property
    def detected(self) -> bool:
        return self.got is not None

    @property
    def category_right(self) -> bool:
        return self.got is not None and self.got.category == self.case.expect


@dataclass
class Report:
    """The figures for one run over the labelled set."""

    outcomes: list[Outcome] = field(default_factory=list)

    def _positives(self, kinds: Iterable[str] | None = None) -> list[Outcome]:
        wanted = set(kinds) if kinds is not None else None
        return [o for o in self.outcomes
                if o.case.expect is not None and (wanted is None or o.case.kind in wanted)]

    def _negatives(self, kinds: Iterable[str] | None = None) -> list[Outcome]:
        wanted = set(kinds) if kinds is not None else None
        return [o for o in self.outcomes
                if o.case.expect is None and (wanted is None or o.case.kind in wanted)]

    @staticmethod
    def _share(outcomes: list[Outcome], test: Callable[[Outcome], bool]) -> float | None:
        return sum(map(test, outcomes)) / len(outcomes) if outcomes else None

    def recall(self, kinds: Iterable[str] = POSITIVE_KINDS) -> float | None:
        """Share of must-detect cases (of these kinds) where the detector found any crisis."""
        return self._share(self._positives(kinds), lambda o: o.detected)

    def recall_by_kind(self) -> dict[str, tuple[float, int]]:
        kinds = sorted({o.case.kind for o in self._positives()}, key=_kind_order)
        return {k: (self.recall([k]) or 0.0, len(self._positives([k]))) for k in kinds}

    def recall_by_category(self) -> dict[str, tuple[float, int]]:
        out = {}
        for category in CATEGORIES:
            cases = [o for o in self._positives() if o.case.expect == category]
            if cases:
                out[category] = (self._share(cases, lambda o: o.detected) or 0.0, len(cases))
        return out

    def category_accuracy(self) -> float | None:
        """Share of must-detect cases given the right category."""
        return self._share(self._positives(), lambda o: o.category_right)

    def false_alarm_rate(self, kinds: Iterable[str] = NEGATIVE_KINDS) -> float | None:
        """Share of must-not-detect cases (of these kinds) where the detector raised a crisis."""
        return self._share(self._negatives(kinds), lambda o: o.detected)

    def false_alarms_by_kind(self) -> dict[str, tuple[float, int]]:
        kinds = sorted({o.case.kind for o in self._negatives()}, key=_kind_order)
        return {k: (self.false_alarm_rate([k]) or 0.0, len(self._negatives([k]))) for k in kinds}

    def misses(self, kinds: Iterable[str] = POSITIVE_KINDS) -> list[Outcome]:
        return [o for o in self._positives(kinds) if not o.detected]

    def false_alarms(self, kinds: Iterable[str] = NEGATIVE_KINDS) -> list[Outcome]:
        return [o for o in self._negatives(kinds) if o.detected]

    def wrong_categories(self) -> list[Outcome]:
        return [o for o in self._positives() if o.detected and not o.category_right]


def _kind_order(kind: str) -> tuple[int, str]:
    order = POSITIVE_KINDS + NEGATIVE_KINDS
    return (order.index(kind) if kind in order else len(order), kind)


def load_cases(path: Path = CASES_PATH) -> list[Case]:
    """Read the labelled set. Raises ContentError (file:line: problem) if it is malformed."""
    data = load_yaml_file(path)
    if not isinstance(data, list):
        raise ContentError(Problem(str(path), 1, "the labelled set must be a list of {text, expect, kind}"))
    cases = []
    for item in data:
        line = getattr(item, "line", 1)
        if not isinstance(item, dict) or not isinstance(item.get("text"), str) or "kind" not in item:
            raise ContentError(Problem(str(path), line, "each case needs text, expect and kind"))
        expect = item.get("expect")
        if expect is not None and expect not in CATEGORIES:
            raise ContentError(Problem(str(path), line, f"unknown category '{expect}'"))
        cases.append(Case(item["text"], expect, str(item["kind"]), line))
    return cases


def evaluate(cases: Iterable[Case], detect: Callable[[str], Crisis | None] | None = None) -> Report:
    """Run the detector (the default one unless given) over the cases."""
    if detect is None:
        from bot.safety.detector import detect as default_detect

        detect = default_detect
    return Report([Outcome(case, detect(case.text)) for case in cases])


def format_report(report: Report, details: bool = True) -> str:
    """The figures as text, as bench/crisis_eval.py prints them."""
    pct = lambda x: "n/a" if x is None else f"{x * 100:.1f}%"  # noqa: E731
    lines = [f"labelled cases: {len(report.outcomes)}", "", "recall (any crisis detected), by kind:"]
    lines += [f"  {k:20} {pct(r):>7}  of {n}" for k, (r, n) in report.recall_by_kind().items()]
    lines += ["recall by expected category:"]
    lines += [f"  {k:20} {pct(r):>7}  of {n}" for k, (r, n) in report.recall_by_category().items()]
    lines += [f"recall overall (clear+softened+emergency_past): {pct(report.recall())}",
              f"category accuracy (right category among must-detect cases): {pct(report.category_accuracy())}",
              "", "false alarms, by kind:"]
    lines += [f"  {k:20} {pct(r):>7}  of {n}" for k, (r, n) in report.false_alarms_by_kind().items()]
    lines += [f"false-alarm rate (everyday+idiom+question+negation_everyday): {pct(report.false_alarm_rate())}"]
    if details:
        for title, outcomes in (("MISSED", report.misses()), ("FALSE ALARM", report.false_alarms()),
                                ("WRONG CATEGORY", report.wrong_categories())):
            if outcomes:
                lines += ["", f"{title} ({len(outcomes)}):"]
                for o in outcomes:
                    got = "nothing" if o.got is None else f"{o.got.category}/{o.got.tier}"
                    lines.append(f"  line {o.case.line}: [{o.case.kind}] expect {o.case.expect}, got {got}: "
                                 f"{o.case.text!r}")
    return "\n".join(lines)
