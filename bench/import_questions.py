"""Bring labelled questions written by other writers into the repo, holding out a development set.

    python bench/import_questions.py [SOURCE_DIR]      # default /work/staging/questions/train

Each SOURCE_DIR/<name>.jsonl is split line by line by a stable hash of its text: about 15 % go to
tests/data/question_dev/<name>.jsonl (measured on, never trained on), the rest to content/question_corpus/<name>.jsonl.
Re-running it rewrites both halves from the source, so a writer's later additions land on the same side as before.
A line identical to a question of tests/data/guidance_eval.yaml (another development set) is never trained on
either: it goes to the development side.
Only the folder given is read: the frozen evaluation set is never read or copied by this script.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "content" / "question_corpus"
DEV = ROOT / "tests" / "data" / "question_dev"
DEV_PERCENT = 15
EVAL = ROOT / "tests" / "data" / "guidance_eval.yaml"


def is_dev(text: str) -> bool:
    """True for the ~15 % of texts held out for development (stable: depends on the text only)."""
    return int(hashlib.sha256(text.strip().lower().encode("utf-8")).hexdigest(), 16) % 100 < DEV_PERCENT


def eval_questions() -> frozenset[str]:
    """The questions of tests/data/guidance_eval.yaml, lower-cased."""
    import yaml

    return frozenset(str(item["q"]).strip().lower() for item in yaml.safe_load(EVAL.read_text(encoding="utf-8")))


def held_out(text: str, evaluated: frozenset[str]) -> bool:
    return is_dev(text) or text.strip().lower() in evaluated


def split_file(source: Path) -> tuple[int, int]:
    train, dev = [], []
    evaluated = eval_questions()
    for line in source.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        (dev if held_out(item["text"], evaluated) else train).append(json.dumps(item, ensure_ascii=False))
    (CORPUS / source.name).write_text("".join(x + "\n" for x in train), encoding="utf-8")
    (DEV / source.name).write_text("".join(x + "\n" for x in dev), encoding="utf-8")
    return len(train), len(dev)


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else Path("/work/staging/questions/train")
    if "frozen" in source.parts:
        print("refusing to read a frozen set", file=sys.stderr)
        return 2
    CORPUS.mkdir(parents=True, exist_ok=True)
    DEV.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.jsonl")):
        train, dev = split_file(path)
        print(f"{path.name}: {train} to train, {dev} held out")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
