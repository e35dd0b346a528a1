"""A SIGKILL in the middle of a check-in broadcast, then a restart: nobody missed, nobody sent more than twice."""
from __future__ import annotations

import asyncio
import signal
import sys
from collections import Counter
from datetime import datetime, timezone

from bot.store import Store
from tests.fakebotapi import FakeBotApi
from tests.test_e2e_process import ROOT, clean_env

PEOPLE = 300


def checkins(api: FakeBotApi) -> Counter:
    return Counter(int(c.params["chat_id"]) for c in api.calls
                   if c.method == "sendMessage" and c.ok and "ci:" in str(c.params.get("reply_markup")))


async def start_process(api: FakeBotApi, tmp_path):
    env = clean_env(tmp_path, TELEGRAM_BOT_TOKEN=api.token, TELEGRAM_BASE_URL=api.base_url, CHECKIN_POLL_SECONDS="1")
    return await asyncio.create_subprocess_exec(sys.executable, str(ROOT / "bot.py"), cwd=tmp_path, env=env,
                                                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)


async def wait_until(condition, timeout: float) -> None:
    for _ in range(int(timeout * 10)):
        if condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("condition not reached")


async def test_sigkill_mid_broadcast_then_restart_misses_nobody(tmp_path):
    now = datetime.now(timezone.utc)
    store = await Store.open(tmp_path / "bot.sqlite3")
    for person in range(1, PEOPLE + 1):
        await store.set_checkin(person, now.strftime("%H:%M"), "UTC", int(now.timestamp()) - 5)
    await store.close()
    api = await FakeBotApi().start()
    first = await start_process(api, tmp_path)
    try:
        await wait_until(lambda: len(checkins(api)) >= PEOPLE // 3, timeout=60)
        first.send_signal(signal.SIGKILL)
        await first.wait()
        at_kill = len(checkins(api))
        assert at_kill < PEOPLE, "the kill came mid-broadcast"
        second = await start_process(api, tmp_path)
        try:
            await wait_until(lambda: len(checkins(api)) == PEOPLE, timeout=90)
            await asyncio.sleep(3)  # more ticks: nothing else may go out
        finally:
            second.send_signal(signal.SIGTERM)
            await asyncio.wait_for(second.communicate(), 30)
    finally:
        if first.returncode is None:
            first.kill()
        await api.stop()
    counts = checkins(api)
    assert set(counts) == set(range(1, PEOPLE + 1)), "nobody missed"
    assert max(counts.values()) <= 2, "at most one duplicate per person"
    assert second.returncode == 0
