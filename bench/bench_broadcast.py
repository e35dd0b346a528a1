"""Check-in broadcast against the fake Bot API server: rate, completeness, and reply latency during it.

    python bench/bench_broadcast.py [--people 5000]

Fills a fresh database with N people whose check-in is due now, starts the real Application against the fake
server on 127.0.0.1, and measures: the broadcast rate (target 80-100% of 30 messages/s), that every person got
exactly one check-in, and how long a private question and a crisis message sent during the broadcast wait for
their replies (target < 1 s).
"""
from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import CONTENT_DIR, Settings  # noqa: E402
from bot.respond import Brain  # noqa: E402
from bot.store import Store  # noqa: E402
from bench.bench_replies import latency  # noqa: E402
from tests.conftest import start_bot, stop_bot  # noqa: E402
from tests.fakebotapi import FakeBotApi, message_update, private_chat, user  # noqa: E402


def is_checkin(call) -> bool:
    markup = call.params.get("reply_markup") or {}
    return call.method == "sendMessage" and "ci:" in str(markup)


async def fill(path: Path, people: int) -> None:
    store = await Store.open(path)
    await store.close()
    now = datetime.now(timezone.utc)
    conn = sqlite3.connect(path)
    conn.executemany(
        "INSERT INTO people (user_id, checkin_time, timezone, checkin_next_utc, created_at) VALUES (?, ?, 'UTC', ?, ?)",
        ((10_000 + i, now.strftime("%H:%M"), int(now.timestamp()) - 1, now.isoformat()) for i in range(people)))
    conn.commit()
    conn.close()


async def run(people: int) -> None:
    api = await FakeBotApi().start()
    brain = Brain.load(CONTENT_DIR)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        await fill(path, people)
        settings = Settings(token=api.token, base_url=api.base_url, database_path=path, checkin_poll_seconds=1.0)
        bot = await start_bot(settings, brain, api)
        await api.wait_for(is_checkin, timeout=30)
        await asyncio.sleep(3)
        question = await latency(api, 1, message_update(private_chat(1), "how long does withdrawal last", user(1)))
        await asyncio.sleep(2)
        crisis = await latency(api, 2, message_update(private_chat(2), "my friend isn't breathing", user(2)))
        deadline = time.monotonic() + people / 20 + 60
        while sum(1 for c in api.calls if is_checkin(c)) < people and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
        await asyncio.sleep(2)
        await stop_bot(bot)
    await api.stop()
    checkins = [c for c in api.calls if is_checkin(c)]
    per_person = Counter(int(c.params["chat_id"]) for c in checkins)
    duration = checkins[-1].at - checkins[0].at
    rate = (len(checkins) - 1) / duration if duration else float("inf")
    print(f"people due: {people}; check-ins sent: {len(checkins)}; missed: {people - len(per_person)}; "
          f"sent twice: {sum(1 for n in per_person.values() if n > 1)}")
    print(f"broadcast rate: {rate:.1f} messages/s ({rate / 30:.0%} of 30/s) over {duration:.1f} s")
    print(f"reply to a private question during the broadcast: {question * 1000:.0f} ms")
    print(f"crisis reply during the broadcast: {crisis * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    asyncio.run(run(parser.parse_args().people))


if __name__ == "__main__":
    main()
