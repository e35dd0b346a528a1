"""Recall and false alarms of the crisis detector on the labelled set.

    python bench/crisis_eval.py [--cases tests/data/crisis_cases.yaml] [--quiet]

Prints recall per kind and per category (a case counts as found when any crisis is detected), category accuracy,
and the false-alarm rate over everyday, idiom, question and negation_everyday messages; then every miss, false
alarm and wrong category with its line in the cases file. The same computation backs tests/test_crisis_eval.py
(bot/safety/evaluation.py).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.contentfile import ContentError  # noqa: E402
from bot.safety.evaluation import CASES_PATH, evaluate, format_report, load_cases  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=Path, default=CASES_PATH, help="labelled set (YAML)")
    parser.add_argument("--quiet", action="store_true", help="figures only, no list of misses")
    args = parser.parse_args(argv)
    try:
        cases = load_cases(args.cases)
    except ContentError as exc:
        print(exc.problem, file=sys.stderr)
        return 2
    print(format_report(evaluate(cases), details=not args.quiet))
    return 0


if __name__ == "__main__":
    sys.exit(main())
