"""Scheduler claim-query time and process memory with 100,000 and 1,000,000 opted-in people in SQLite.

    python bench/bench_claim.py [--sizes 100000 1000000]

Fills a fresh database (in a temporary folder) with people whose check-ins are spread over a day, then times the
tick's query (`Store.due_people`, LIMIT 2000) at several moments, and reports peak RSS of this process.
Targets: < 50 ms per tick, < 200 MB.
"""
from __future__ import annotations

import argparse
import asyncio
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.store import Store  # noqa: E402

DAY = 86_400
START = 1_800_000_000


def fill(path: Path, count: int) -> None:
    """Bulk insert with plain sqlite3 (set-up only; the bot's own SQL lives in the store)."""
    conn = sqlite3.connect(path)
    rows = ((i + 1, "09:00", "UTC", START + (i * 7919) % DAY, "2026-01-01T00:00:00") for i in range(count))
    conn.executemany("INSERT INTO people (user_id, checkin_time, timezone, checkin_next_utc, created_at) "
                     "VALUES (?, ?, ?, ?, ?)", rows)
    conn.commit()
    conn.close()


async def measure(count: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        store = await Store.open(path)
        await store.close()
        fill(path, count)
        store = await Store.open(path)
        timings = []
        for step in range(40):
            now = START + step * (DAY // 40)
            began = time.perf_counter()
            due = await store.due_people(now, 2000)
            timings.append((time.perf_counter() - began) * 1000)
            assert len(due) <= 2000
        await store.close()
    timings.sort()
    return {"people": count, "p50_ms": statistics.median(timings), "p99_ms": timings[int(len(timings) * 0.99) - 1],
            "max_ms": timings[-1], "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    args = parser.parse_args()
    for size in args.sizes:
        r = asyncio.run(measure(size))
        print(f"{r['people']:>9,} people: claim query p50 {r['p50_ms']:.2f} ms, p99 {r['p99_ms']:.2f} ms, "
              f"max {r['max_ms']:.2f} ms; peak RSS {r['peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
