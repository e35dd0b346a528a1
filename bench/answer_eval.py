"""The answer path on labelled question sets (JSON Lines, the corpus format): topics, intents and out-of-domain.

    .venv/bin/python bench/answer_eval.py [FOLDER_OR_FILE ...] [--misses]     # default tests/data/question_dev/

Figures, per set and overall:
- on-topic top-1: questions labelled with a topic that got that topic (abstaining counts as wrong);
- intents: questions labelled intent:<name> that got that intent's reply;
- out-of-domain abstention: questions labelled out-of-domain(-medical) that got no topic and no small-talk reply;
  and, of those labelled out-of-domain-medical, how many got the pointer to medical help;
- how many off-topic questions got the what-is-heroin page (must be 0).
With --respond, each message goes through the whole private-chat decision (Brain.respond: the crisis check first),
as `python bot.py ask` answers it: a crisis handoff or the ask-directly question then counts as no answer, and how
many messages got one is printed.
The development set is held out from training by bench/import_questions.py; the frozen set is never read here
unless someone passes it explicitly.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.knowledge.corpus import Question, read_folder, read_questions  # noqa: E402

DEV = ROOT / "tests" / "data" / "question_dev"


@dataclass
class Figures:
    topics: int = 0
    topics_right: int = 0
    intents: int = 0
    intents_right: int = 0
    outside: int = 0
    outside_right: int = 0
    medical: int = 0
    medical_right: int = 0
    heroin_page_off_topic: int = 0
    crisis_first: int = 0  # --respond: messages that got the crisis handoff or the ask-directly question instead
    misses: list[tuple[str, str, str]] = field(default_factory=list)
    confusions: Counter = field(default_factory=Counter)

    @staticmethod
    def rate(right: int, total: int) -> float:
        return right / total if total else 1.0

    @property
    def topic_accuracy(self) -> float:
        return self.rate(self.topics_right, self.topics)

    @property
    def intent_accuracy(self) -> float:
        return self.rate(self.intents_right, self.intents)

    @property
    def abstain_rate(self) -> float:
        return self.rate(self.outside_right, self.outside)

    @property
    def medical_rate(self) -> float:
        return self.rate(self.medical_right, self.medical)

    def lines(self) -> list[str]:
        return [
            f"on-topic top-1:           {self.topics_right}/{self.topics} = {self.topic_accuracy:.1%}",
            f"intents:                  {self.intents_right}/{self.intents} = {self.intent_accuracy:.1%}",
            f"out-of-domain abstention: {self.outside_right}/{self.outside} = {self.abstain_rate:.1%}"
            f"  (medical pointer {self.medical_right}/{self.medical})",
            f"off-topic given the what-is-heroin page: {self.heroin_page_off_topic}",
        ] + ([f"crisis handoff or ask-directly question instead of an answer: {self.crisis_first}"]
             if self.crisis_first else [])


def got_label(decision) -> str:
    """The decision as a corpus label ("none" when the bot said it has no answer)."""
    if decision.kind == "topic":
        return decision.label
    if decision.kind == "intent":
        return f"intent:{decision.label}"
    if decision.kind == "outside":
        return decision.label
    return "none"


def respond_reader(brain):
    """Brain.respond as a private chat gets it; a crisis handoff or the safety question reads as "crisis"."""
    from bot.respond import Source

    class Reader:
        def read(self, text: str):
            reply = brain.respond(text, Source.private())
            if reply.crisis is not None or reply.check:
                return None
            return brain.understanding.read(text)
    return Reader()


def evaluate(understanding, questions: list[Question]) -> Figures:
    figures = Figures()
    for q in questions:
        decision = understanding.read(q.text)
        if decision is None:
            figures.crisis_first += 1
            got = "crisis"
        else:
            got = got_label(decision)
        if q.label.startswith("intent:"):
            figures.intents += 1
            right = got == q.label
            figures.intents_right += right
        elif q.label.startswith("out-of-domain"):
            figures.outside += 1
            right = got in ("none", "out-of-domain", "out-of-domain-medical")
            figures.outside_right += right
            figures.heroin_page_off_topic += got == "what-is-heroin"
            if q.label == "out-of-domain-medical":
                figures.medical += 1
                figures.medical_right += got == "out-of-domain-medical"
        else:
            figures.topics += 1
            right = got == q.label
            figures.topics_right += right
        if not right:
            figures.misses.append((q.label, got, q.text))
            figures.confusions[(q.label, got)] += 1
    return figures


def load(paths: list[Path]) -> list[Question]:
    questions: list[Question] = []
    for path in paths:
        found, problems = read_folder(path) if path.is_dir() else read_questions(path)
        if problems:
            raise SystemExit("\n".join(map(str, problems)))
        questions.extend(found)
    return questions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[DEV])
    parser.add_argument("--misses", action="store_true", help="print every miss")
    parser.add_argument("--respond", action="store_true", help="through Brain.respond: the crisis check first")
    args = parser.parse_args(argv)
    from bot.config import CONTENT_DIR
    from bot.respond import Brain

    brain = Brain.load(CONTENT_DIR)
    understanding = respond_reader(brain) if args.respond else brain.understanding
    questions = load(args.paths)
    figures = evaluate(understanding, questions)
    print(f"{len(questions)} questions from {', '.join(str(p) for p in args.paths)}")
    print("\n".join(figures.lines()))
    if args.misses:
        for label, got, text in figures.misses:
            print(f"  {label:26} -> {got:26} {text[:100]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
