"""How well the bot answers the evaluation questions: top-1 accuracy and correct abstention.

    .venv/bin/python bench/guidance_eval.py [path/to/eval.yaml] [--index-only] [--threshold 0.5] [--all]

Each eval entry is {q: question, topic: expected topic id, or null when the bot should abstain, accept: [other
right answers]} (an accepted answer may be an intent, "intent:who-are-you"). By default the whole answer path is
measured (bot/knowledge/understand.py: the answer model and the index together, what a person gets); with
--index-only the scored index alone, as before issue 11. The metric function `evaluate` is what
tests/test_guidance_eval.py asserts on.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
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
CONTENT = ROOT / "content"

Reader = Callable[[str], tuple[str | None, float]]  # text -> (topic id or "intent:<name>", or None; confidence)


@dataclass(frozen=True)
class Case:
    q: str
    topic: str | None
    accept: tuple[str, ...] = ()

    def right(self, got: str | None) -> bool:
        if self.topic is None:
            return got is None or not _is_topic(got) and not got.startswith("intent:")
        return got == self.topic or got in self.accept


def _is_topic(label: str | None) -> bool:
    return label is not None and not label.startswith(("intent:", "out-of-domain"))


@dataclass(frozen=True)
class Miss:
    q: str
    expected: str | None
    got: str | None
    score: float


@dataclass
class EvalResult:
    on_topic: int = 0
    correct: int = 0
    off_topic: int = 0
    abstained: int = 0
    misses: list[Miss] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        """Share of on-topic questions answered with the expected topic (or an accepted one); abstaining is wrong."""
        return self.correct / self.on_topic if self.on_topic else 1.0

    @property
    def abstain_rate(self) -> float:
        """Share of off-topic questions that got no topic (nor a small-talk reply): "outside what I know"."""
        return self.abstained / self.off_topic if self.off_topic else 1.0


def load_cases(path: str | Path = EVAL_PATH) -> list[Case]:
    data = load_yaml_file(Path(path))
    return [Case(str(item["q"]), item.get("topic"), tuple(item.get("accept") or ())) for item in data]


def index_reader(index: Index, threshold: float = THRESHOLD) -> Reader:
    """The scored index alone."""
    def read(text: str) -> tuple[str | None, float]:
        answer = index.answer(text, threshold=threshold)
        if answer is not None:
            return answer.topic.id, answer.score
        best = index.search(text, 1)
        return None, best[0][1] if best else 0.0
    return read


def brain_reader(understanding) -> Reader:
    """The whole answer path (bot.knowledge.understand.Understanding): topics, intents and out-of-domain."""
    def read(text: str) -> tuple[str | None, float]:
        decision = understanding.read(text)
        if decision.kind == "topic":
            return decision.label, decision.score
        if decision.kind == "intent":
            return f"intent:{decision.label}", decision.score
        if decision.kind == "outside":
            return decision.label, decision.score
        return None, decision.score
    return read


def load_brain_reader() -> Reader:
    from bot.respond import Brain

    return brain_reader(Brain.load(CONTENT).understanding)


def evaluate(reader: Reader | Index, cases: list[Case], threshold: float = THRESHOLD) -> EvalResult:
    """Top-1 accuracy on cases with a topic and correct-abstain rate on cases without, with every miss.
    `reader` is a Reader, or an Index (read alone, as before)."""
    if isinstance(reader, Index):
        reader = index_reader(reader, threshold)
    result = EvalResult()
    for case in cases:
        got, score = reader(case.q)
        if case.topic is None:
            result.off_topic += 1
        else:
            result.on_topic += 1
        if case.right(got):
            if case.topic is None:
                result.abstained += 1
            else:
                result.correct += 1
            continue
        result.misses.append(Miss(case.q, case.topic, got, score))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(EVAL_PATH))
    parser.add_argument("--index-only", action="store_true", help="measure the scored index alone")
    parser.add_argument("--threshold", type=float, default=THRESHOLD, help="the index's threshold (--index-only)")
    parser.add_argument("--all", action="store_true", help="also print every question's answer")
    args = parser.parse_args(argv)
    index = Index.build(load_topics(GUIDANCE), synonyms_path=ROOT / "content" / "synonyms.yaml")
    reader = index_reader(index, args.threshold) if args.index_only else load_brain_reader()
    cases = load_cases(args.path)
    result = evaluate(reader, cases)
    print(f"{'index alone' if args.index_only else 'answer path (model + index)'}, {args.path}")
    print(f"on-topic top-1 accuracy: {result.correct}/{result.on_topic} = {result.accuracy:.1%}")
    print(f"off-topic correct abstain: {result.abstained}/{result.off_topic} = {result.abstain_rate:.1%}")
    if result.misses:
        print("\nmisses (expected -> got, score):")
        for m in result.misses:
            top = ", ".join(f"{t.id} {s:.2f}" for t, s in index.search(m.q, 3))
            print(f"  {m.q!r}\n      {m.expected} -> {m.got} ({m.score:.2f})   index top: {top}")
    if args.all:
        for case in cases:
            got, score = reader(case.q)
            print(f"{case.topic}\t{case.q}\t{got} {score:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
