"""`python bot.py ask --json -` on 100 lines: total wall time, and the time per line after start-up.

    python bench/bench_ask.py [--lines 100]
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ["what is naloxone", "withdrawl symtoms how long", "i want to die", "best pizza near me",
             "how do i help my son who uses heroin", "my mate's gone blue", "subs or methadone?",
             "can't sleep since i stopped", "what to do after a relapse", "k1ll mys3lf"]


def run(lines: int) -> tuple[float, float]:
    stdin = "\n".join(QUESTIONS[i % len(QUESTIONS)] for i in range(lines)) + "\n"
    began = time.perf_counter()
    empty = subprocess.run([sys.executable, str(ROOT / "bot.py"), "ask", "--json", "-"], input="", text=True,
                           capture_output=True, check=True)
    startup = time.perf_counter() - began
    began = time.perf_counter()
    full = subprocess.run([sys.executable, str(ROOT / "bot.py"), "ask", "--json", "-"], input=stdin, text=True,
                          capture_output=True, check=True)
    total = time.perf_counter() - began
    assert len(full.stdout.splitlines()) == lines and empty.stdout == ""
    return startup, total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=100)
    lines = parser.parse_args().lines
    startup, total = min(run(lines) for _ in range(3))
    print(f"start-up (no input): {startup * 1000:.0f} ms; {lines} lines: {total * 1000:.0f} ms in all, "
          f"{(total - startup) * 1000:.0f} ms after start-up ({(total - startup) / lines * 1000:.2f} ms a line)")


if __name__ == "__main__":
    main()
