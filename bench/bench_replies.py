"""Reply latency of the running bot against the fake Bot API server (not a test: figures for the notes).

    python bench/bench_replies.py [--rounds 20]

For /start, a free-text question and a crisis message in a private chat, a crisis message in a group, and a crisis
reply whose first sends fail with 502, 502 and 429 (retry_after 1): time from the update being offered to the
bot's delivered sendMessage. Targets: < 1 s private; < 5 s group; < 20 s through the failures.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import CONTENT_DIR, Settings  # noqa: E402
from bot.respond import Brain  # noqa: E402
from tests.conftest import start_bot, stop_bot  # noqa: E402
from tests.fakebotapi import FakeBotApi, group_chat, message_update, private_chat, user  # noqa: E402


async def latency(api: FakeBotApi, chat_id: int, update: dict) -> float:
    before = len(api.calls)
    offered = time.monotonic()
    api.push_update(update)
    call = await api.wait_for_message(chat_id, "", timeout=60, after=before)
    return call.at - offered


async def run(rounds: int) -> None:
    api = await FakeBotApi().start()
    brain = Brain.load(CONTENT_DIR)
    results: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(token=api.token, base_url=api.base_url, database_path=Path(folder) / "b.sqlite3")
        bot = await start_bot(settings, brain, api)
        cases = {
            "private /start": lambda i: (i, message_update(private_chat(i), "/start", user(i))),
            "private question": lambda i: (i, message_update(private_chat(i), "how long does detox take", user(i))),
            "private crisis": lambda i: (i, message_update(private_chat(i), "i want to kill myself", user(i))),
            "group crisis": lambda i: (-100 - i, message_update(group_chat(-100 - i), "my mate's gone blue",
                                                               user(i))),
        }
        for name, make in cases.items():
            for i in range(rounds):
                chat_id, update = make(1000 + i)
                results.setdefault(name, []).append(await latency(api, chat_id, update))
        for i in range(3):
            api.fail_next("sendMessage", 502, "Bad Gateway", times=2)
            api.fail_next("sendMessage", 429, "Too Many Requests", parameters={"retry_after": 1})
            results.setdefault("crisis through 502, 502, 429", []).append(
                await latency(api, 5000 + i, message_update(private_chat(5000 + i), "I took the whole bottle",
                                                            user(5000 + i))))
        await stop_bot(bot)
    await api.stop()
    for name, values in results.items():
        values.sort()
        print(f"{name:32s} median {statistics.median(values) * 1000:7.1f} ms   max {values[-1] * 1000:7.1f} ms"
              f"   (n={len(values)})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    asyncio.run(run(parser.parse_args().rounds))


if __name__ == "__main__":
    main()
