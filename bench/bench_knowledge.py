"""Knowledge index speed: start-up (load + build) and time per question, on the real topics and on them x20.

    .venv/bin/python bench/bench_knowledge.py [--copies 20] [--rounds 5]

The x20 content duplicates every topic with new ids ("naloxone-c7"), related ids remapped within each copy, so
the index holds 20 times the topics, questions and postings. Questions are the evaluation set
(tests/data/guidance_eval.yaml). "cold" times each question the first time a freshly built index sees it (typo
and stem caches empty); "warm" repeats them. Targets: start-up < 1 s, p99 < 5 ms per question at x20.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.guidance_eval import EVAL_PATH, GUIDANCE, load_cases  # noqa: E402
from bot.knowledge import index as index_module  # noqa: E402
from bot.knowledge.index import Index, load_lexicon  # noqa: E402
from bot.knowledge.topics import Topic, load_topics  # noqa: E402


def multiply(topics: list[Topic], copies: int) -> list[Topic]:
    """`copies` copies of every topic (the first keeps its ids); questions are the same text on purpose."""
    out = list(topics)
    for k in range(1, copies):
        suffix = f"-c{k}"
        out += [replace(t, id=t.id + suffix, related=tuple(r + suffix for r in t.related)) for t in topics]
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def bench(label: str, copies: int, questions: list[str], rounds: int) -> dict:
    builds, startups, cold, warm = [], [], [], []
    for _ in range(rounds):
        index_module._stem.cache_clear()
        t0 = time.perf_counter()
        topics = multiply(load_topics(GUIDANCE), copies)
        lexicon = load_lexicon(ROOT / "content" / "synonyms.yaml")
        t1 = time.perf_counter()
        index = Index.build(topics, lexicon)
        t2 = time.perf_counter()
        builds.append(t2 - t1)
        startups.append(t2 - t0)
        for q in questions:
            s = time.perf_counter()
            index.answer(q)
            cold.append(time.perf_counter() - s)
        for q in questions:
            s = time.perf_counter()
            index.answer(q)
            warm.append(time.perf_counter() - s)
    row = {
        "label": label,
        "topics": len(topics),
        "questions": sum(len(t.questions) for t in topics),
        "build_ms": statistics.median(builds) * 1000,
        "startup_ms": statistics.median(startups) * 1000,
        "cold_p50_ms": percentile(cold, 50) * 1000,
        "cold_p99_ms": percentile(cold, 99) * 1000,
        "warm_p50_ms": percentile(warm, 50) * 1000,
        "warm_p99_ms": percentile(warm, 99) * 1000,
        "max_ms": max(cold + warm) * 1000,
    }
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    questions = [c.q for c in load_cases(EVAL_PATH)]
    print(f"{len(questions)} questions x {args.rounds} rounds; times are medians (start-up) and percentiles")
    print(f"{'content':10} {'topics':>6} {'qs':>6} {'build':>8} {'startup':>8} {'cold p50':>9} {'cold p99':>9} "
          f"{'warm p50':>9} {'warm p99':>9} {'max':>7}")
    ok = True
    for label, copies in (("real", 1), (f"x{args.copies}", args.copies)):
        r = bench(label, copies, questions, args.rounds)
        print(f"{r['label']:10} {r['topics']:6} {r['questions']:6} {r['build_ms']:6.0f}ms {r['startup_ms']:6.0f}ms "
              f"{r['cold_p50_ms']:7.3f}ms {r['cold_p99_ms']:7.3f}ms {r['warm_p50_ms']:7.3f}ms "
              f"{r['warm_p99_ms']:7.3f}ms {r['max_ms']:5.1f}ms")
        if copies > 1:
            ok = r["startup_ms"] < 1000 and r["cold_p99_ms"] < 5 and r["warm_p99_ms"] < 5
    print("targets (start-up < 1 s, p99 < 5 ms at x20):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
