"""Recall, false alarms and the ask-directly rate of the crisis detector on labelled message sets.

    python bench/crisis_sets.py                      # the development set (tests/data/crisis_dev + crisis_cases)
    python bench/crisis_sets.py --frozen             # the frozen evaluation set (bench/frozen/crisis): report only
    python bench/crisis_sets.py --set PATH [--misses]

The development set is what thresholds and model settings are tuned on. The frozen set was written by helpers who
saw neither the rules, the corpus nor the code (bench/frozen/crisis/README.md says how); it is read only to report.

A crisis-tier or emergency-tier example counts as found when the message gets the handoff; a check-tier example
(an indirect sign) counts as found when it gets the ask-directly question or the handoff; a none example is a false
alarm when it gets the handoff (and, reported apart, when it gets the question).
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import CONTENT_DIR  # noqa: E402
from bot.safety.assess import Assessor  # noqa: E402
from bot.safety.corpus import Example, read_examples, read_folder  # noqa: E402

DEV_DIR = ROOT / "tests" / "data" / "crisis_dev"
FROZEN_DIR = ROOT / "bench" / "frozen" / "crisis"
LEGACY_CASES = ROOT / "tests" / "data" / "crisis_cases.yaml"


def legacy_examples(path: Path = LEGACY_CASES) -> list[Example]:
    """The development half of tests/data/crisis_cases.yaml (expect/kind, English) in the corpus format: a category
    means the handoff. The other half (an even SHA-256 of the text) is in the training corpus, earlier_set_en.jsonl."""
    import hashlib

    import yaml

    out = []
    for case in yaml.safe_load(path.read_text(encoding="utf-8")):
        if int(hashlib.sha256(case["text"].encode()).hexdigest(), 16) % 2 == 0:
            continue
        category = case["expect"] or "none"
        tier = "none" if category == "none" else "crisis"
        out.append(Example(case["text"], category, tier, "en", case["kind"], f"{path.name}"))
    return out


def measure(assessor: Assessor, examples: list[Example]) -> dict:
    """Counts per language and kind: found/total for handoff and check examples, alarms for none examples."""
    stats: dict = defaultdict(lambda: [0, 0])
    misses, alarms, questions = [], [], []
    for example in examples:
        result = assessor.assess(example.text)
        handoff = result.crisis is not None
        lang = example.lang
        if example.category == "none":
            stats[(lang, "alarm")][1] += 1
            stats[("all", "alarm")][1] += 1
            stats[(lang, "question on none")][1] += 1
            stats[("all", "question on none")][1] += 1
            if handoff:
                stats[(lang, "alarm")][0] += 1
                stats[("all", "alarm")][0] += 1
                alarms.append((example, result))
            elif result.check:
                stats[(lang, "question on none")][0] += 1
                stats[("all", "question on none")][0] += 1
                questions.append((example, result))
            continue
        if example.tier == "check":
            found = handoff or result.check
            key = "indirect (check or handoff)"
        else:
            found = handoff
            key = f"{example.category} handoff"
            stats[(lang, "recall")][1] += 1
            stats[("all", "recall")][1] += 1
            stats[(lang, "recall")][0] += found
            stats[("all", "recall")][0] += found
        for where in (lang, "all"):
            stats[(where, key)][1] += 1
            stats[(where, key)][0] += found
        if not found:
            misses.append((example, result))
    return {"stats": stats, "misses": misses, "alarms": alarms, "questions": questions}


def print_report(title: str, outcome: dict, show: bool) -> None:
    print(f"== {title}")
    for (lang, key), (hit, total) in sorted(outcome["stats"].items()):
        print(f"  {lang:4} {key:32} {hit:4}/{total:<4} {100 * hit / total:5.1f} %")
    if show:
        for label, rows in (("MISSED", outcome["misses"]), ("FALSE ALARM", outcome["alarms"]),
                            ("QUESTION ON NONE", outcome["questions"])):
            for example, result in rows:
                print(f"  {label}: [{example.category}/{example.tier}] {example.text[:150]!r} -> {result.describe()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frozen", action="store_true", help="report on the frozen evaluation set")
    parser.add_argument("--set", type=Path, help="a .jsonl file or a folder of them")
    parser.add_argument("--misses", action="store_true", help="list every miss, false alarm and question")
    args = parser.parse_args(argv)
    assessor = Assessor.load(CONTENT_DIR)
    if args.set:
        examples = read_folder(args.set)[0] if args.set.is_dir() else read_examples(args.set)[0]
        sets = {str(args.set): examples}
    elif args.frozen:
        sets = {path.name: read_examples(path)[0] for path in sorted(FROZEN_DIR.glob("*.jsonl"))}
        sets["all frozen"] = [e for examples in sets.values() for e in examples]
    else:
        sets = {"development (held-out corpus lines and issue examples)": read_folder(DEV_DIR)[0],
                "development (held-out half of crisis_cases.yaml)": legacy_examples()}
    for title, examples in sets.items():
        print_report(title, measure(assessor, examples), args.misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
