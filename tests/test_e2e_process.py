"""`python bot.py` as an operator runs it: against a fake Bot API, its log, its exit codes, `ask` and `console`."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.fakebotapi import FakeBotApi, message_update, private_chat, user

ROOT = Path(__file__).resolve().parent.parent


def clean_env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_", "DEFAULT_COUNTRY"))}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path}/bot.sqlite3", "PYTHONUNBUFFERED": "1", **extra})
    return env


def run_cli(tmp_path, *args, stdin: str | None = None, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "bot.py"), *args], cwd=tmp_path, input=stdin,
                          capture_output=True, text=True, timeout=60, env=clean_env(tmp_path, **env))


def test_without_a_token_run_exits_2_with_one_clear_line(tmp_path):
    result = run_cli(tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "TELEGRAM_BOT_TOKEN" in lines[0] and "python bot.py console" in lines[0]
    assert "Traceback" not in result.stderr


def test_a_bad_setting_is_one_line_and_exit_2(tmp_path):
    result = run_cli(tmp_path, "ask", "hi", DATABASE_URL="mysql://nope")
    assert result.returncode == 2 and "DATABASE_URL" in result.stderr and "Traceback" not in result.stderr


def test_help_lists_the_subcommands(tmp_path):
    out = run_cli(tmp_path, "--help").stdout
    for name in ("run", "console", "ask", "check-content", "backup"):
        assert name in out


def test_ask_json_reads_lines_and_prints_exactly_the_contract_keys(tmp_path):
    lines = ["what is naloxone", "i want to kill myself", "best pizza in town"]
    result = run_cli(tmp_path, "ask", "--json", "--country", "GB", "-", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["input"] for r in records] == lines
    for record in records:
        assert set(record) == {"input", "language", "crisis", "check", "answer", "reply"}  # CONTRACT.md
    assert records[0]["answer"]["id"] == "naloxone" and records[0]["crisis"] is None
    assert isinstance(records[0]["answer"]["score"], float)
    assert records[1]["crisis"]["category"] == "suicide" and "116 123" in records[1]["reply"]
    assert records[2]["answer"] is None and records[2]["crisis"] is None
    assert not (tmp_path / "bot.sqlite3").exists(), "ask stores nothing"


def test_console_chats_through_the_same_path(tmp_path):
    result = run_cli(tmp_path, "console", "--country", "US", stdin="what is narcan\n/sos\n/topics\n#1\n")
    assert result.returncode == 0, result.stderr
    assert "988" in result.stdout
    assert "Naloxone" in result.stdout or "naloxone" in result.stdout
    assert not (tmp_path / "bot.sqlite3").exists(), "the console keeps its state in memory"


async def test_the_bot_process_answers_survives_bad_input_hides_its_token_and_stops_on_sigterm(tmp_path):
    api = await FakeBotApi().start()
    env = clean_env(tmp_path, TELEGRAM_BOT_TOKEN=api.token, TELEGRAM_BASE_URL=api.base_url, LOG_LEVEL="DEBUG",
                    CHECKIN_POLL_SECONDS="1")
    proc = await asyncio.create_subprocess_exec(sys.executable, str(ROOT / "bot.py"), cwd=tmp_path, env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        await api.wait_for(lambda c: c.method == "setMyCommands", timeout=30)
        api.push_update(message_update(private_chat(1), "/start", user(1)))
        await api.wait_for_message(1, "recovery companion", timeout=10)
        api.push_update(message_update(private_chat(1), "x" * 4096, user(1)))
        api.push_update(message_update(private_chat(1), "\u200b\x00\x1b[31m", user(1)))
        api.push_update(message_update(private_chat(1), "some text", user(1), edited=True))
        api.push_update(message_update({"id": -1002, "type": "channel", "title": "C"}, "post", None))
        api.push_update({"callback_query": {"id": "9", "from": user(1), "chat_instance": "c", "data": "ci:x"}})
        before = len(api.calls)
        api.push_update(message_update(private_chat(1), "how long does detox take", user(1)))
        await api.wait_for_message(1, "detox", timeout=10, after=before)
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(proc.communicate(), 30)
        await api.stop()
    log = (out + err).decode()
    assert proc.returncode == 0, log[-2000:]
    assert api.token not in log
    assert api.token.split(":")[1] not in log
    leaked = [line for line in log.splitlines() if "xxxxxxxxxx" in line]
    assert not leaked, f"message texts are not logged: {leaked[0][:300]}"
    assert "how long does detox take" not in log
