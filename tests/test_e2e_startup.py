"""Start-up failures as an operator meets them (issue 14): `python bot.py` checks the database before contacting
Telegram, and every failure exits non-zero within 15 s with at most 3 lines that name what to fix and never the
token."""
from __future__ import annotations

import asyncio
import shutil
import socket
import sqlite3
import sys
import time

from tests.fakebotapi import FakeBotApi
from tests.test_e2e_process import ROOT, clean_env

WRONG_TOKEN = "123456:WRONG-token-that-must-never-be-printed"


async def start_up(tmp_path, **env) -> tuple[int, str, float]:
    """Run `python bot.py` until it exits: (exit code, everything it printed, seconds it took)."""
    started = time.monotonic()
    proc = await asyncio.create_subprocess_exec(sys.executable, str(ROOT / "bot.py"), cwd=tmp_path,
                                                env=clean_env(tmp_path, **env), stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(proc.communicate(), 60)
    except asyncio.TimeoutError:
        proc.kill()
        await proc.communicate()
        raise AssertionError("bot.py did not exit within 60 s") from None
    return proc.returncode, (out + err).decode(), time.monotonic() - started


def assert_fails_clearly(result, token: str, *names: str) -> str:
    code, output, seconds = result
    assert code != 0, output
    assert seconds < 15, f"took {seconds:.1f}s"
    lines = output.strip().splitlines()
    assert 1 <= len(lines) <= 3, output
    assert "Traceback" not in output
    assert token not in output and token.split(":")[1] not in output
    for name in names:
        assert name in output, output
    return output


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_a_file_that_is_not_a_database_is_named_before_telegram_is_contacted(tmp_path):
    api = await FakeBotApi().start()
    try:
        shutil.copy(ROOT / "README.md", tmp_path / "README.md")
        result = await start_up(tmp_path, DATABASE_URL="sqlite:///README.md", TELEGRAM_BOT_TOKEN=api.token,
                                TELEGRAM_BASE_URL=api.base_url)
    finally:
        await api.stop()
    output = assert_fails_clearly(result, api.token, "DATABASE_URL", "README.md", "not a SQLite database")
    assert api.calls == [], "the database is checked before Telegram"
    assert (tmp_path / "README.md").read_bytes() == (ROOT / "README.md").read_bytes(), output


async def test_a_locked_database_is_named(tmp_path):
    path = tmp_path / "bot.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("CREATE TABLE other (x)")
        holder.execute("BEGIN EXCLUSIVE")
        result = await start_up(tmp_path, TELEGRAM_BOT_TOKEN=WRONG_TOKEN,
                                TELEGRAM_BASE_URL=f"http://127.0.0.1:{closed_port()}/bot")
    finally:
        holder.close()
    assert_fails_clearly(result, WRONG_TOKEN, "locked", str(path))


async def test_an_unwritable_database_path_is_named(tmp_path):
    result = await start_up(tmp_path, DATABASE_URL="sqlite:////proc/no-such-folder/bot.sqlite3",
                            TELEGRAM_BOT_TOKEN=WRONG_TOKEN,
                            TELEGRAM_BASE_URL=f"http://127.0.0.1:{closed_port()}/bot")
    assert_fails_clearly(result, WRONG_TOKEN, "/proc/no-such-folder/bot.sqlite3", "DATABASE_URL")


async def test_a_wrong_token_is_named_and_never_printed(tmp_path):
    api = await FakeBotApi().start()
    try:
        result = await start_up(tmp_path, TELEGRAM_BOT_TOKEN=WRONG_TOKEN, TELEGRAM_BASE_URL=api.base_url,
                                LOG_LEVEL="DEBUG")
    finally:
        await api.stop()
    assert_fails_clearly(result, WRONG_TOKEN, "TELEGRAM_BOT_TOKEN", "@BotFather")


async def test_no_network_is_named_after_a_bounded_retry(tmp_path):
    result = await start_up(tmp_path, TELEGRAM_BOT_TOKEN=WRONG_TOKEN,
                            TELEGRAM_BASE_URL=f"http://127.0.0.1:{closed_port()}/bot")
    assert_fails_clearly(result, WRONG_TOKEN, "cannot reach", "TELEGRAM_BASE_URL")
    assert (tmp_path / "bot.sqlite3").exists(), "the database was checked (and created) first"
