"""How well the knowledge index answers the evaluation questions: top-1 accuracy and correct abstention.

    .venv/bin/python -m bench.guidance_eval [path/to/eval.yaml] [--threshold 0.5] [--all]

Each eval entry is {q: question, topic: expected topic id, or null when the bot should abstain}. The metric
function `evaluate` is what tests/test_guidance_eval.py asserts on.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.contentfile import load_yaml_file  # noqa: E402
from bot.knowledge.index import THRESHOLD, Index  # noqa: E402
from bot.knowledge.topics import load_topics  # noqa: E402

EVAL_PATH = ROOT / "tests" / "data" / "guidance_eval.yaml"
GUIDANCE = ROOT / "content" / "guidance"


@dataclass(frozen=True)
class Case:
    q: str
    topic: str | None


@dataclass(frozen=True)
class Miss:
    q: str
    expected: str | None
    got: str | None
    score: float  # score of what was returned (or of the best topic when it abstained)


@dataclass
class EvalResult:
    on_topic: int = 0
    correct: int = 0
    off_topic: int = 0
    abstained: int = 0
    misses: list[Miss] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        """Share of on-topic questions answered with the expected topic (abstaining counts as wrong)."""
        return self.correct / self.on_topic if self.on_topic else 1.0

    @property
    def abstain_rate(self) -> float:
        """Share of off-topic questions on which the index abstained."""
        return self.abstained / self.off_topic if self.off_topic else 1.0


def load_cases(path: str | Path = EVAL_PATH) -> list[Case]:
    data = load_yaml_file(Path(path))
    return [Case(str(item["q"]), item.get("topic")) for item in data]


def evaluate(index: Index, cases: list[Case], threshold: float = THRESHOLD) -> EvalResult:
    """Top-1 accuracy on cases with a topic and correct-abstain rate on cases without, with every miss."""
    result = EvalResult()
    for case in cases:
        answer = index.answer(case.q, threshold=threshold)
        got = answer.topic.id if answer else None
        if case.topic is None:
            result.off_topic += 1
            if got is None:
                result.abstained += 1
                continue
        else:
            result.on_topic += 1
            if got == case.topic:
                result.correct += 1
                continue
        if answer is not None:
            score = answer.score
        else:
            best = index.search(case.q, 1)
            score = best[0][1] if best else 0.0
        result.misses.append(Miss(case.q, case.topic, got, score))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(EVAL_PATH))
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    parser.add_argument("--all", action="store_true", help="also print every question's top 3")
    args = parser.parse_args(argv)
    index = Index.build(load_topics(GUIDANCE), synonyms_path=ROOT / "content" / "synonyms.yaml")
    cases = load_cases(args.path)
    result = evaluate(index, cases, args.threshold)
    print(f"on-topic top-1 accuracy: {result.correct}/{result.on_topic} = {result.accuracy:.1%}")
    print(f"off-topic correct abstain: {result.abstained}/{result.off_topic} = {result.abstain_rate:.1%}")
    if result.misses:
        print("\nmisses (expected -> got, score):")
        for m in result.misses:
            top = ", ".join(f"{t.id} {s:.2f}" for t, s in index.search(m.q, 3))
            print(f"  {m.q!r}\n      {m.expected} -> {m.got} ({m.score:.2f})   top: {top}")
            print(f"      terms: {' '.join(index.explain(m.q).terms)}  unknown: {index.explain(m.q).foreign}")
    if args.all:
        for case in cases:
            top = ", ".join(f"{t.id} {s:.2f}" for t, s in index.search(case.q, 3))
            print(f"{case.topic}\t{case.q}\t{top}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
