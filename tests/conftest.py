"""Shared fixtures: the real content loaded once, and the real Application running against a fake Bot API."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import CONTENT_DIR, Settings
from tests.fakebotapi import FakeBotApi


@pytest.fixture(scope="session")
def brain():
    from bot.respond import Brain

    return Brain.load(CONTENT_DIR)


@pytest.fixture
async def fake_api():
    api = await FakeBotApi().start()
    yield api
    await api.stop()


@pytest.fixture
def settings(tmp_path: Path, fake_api: FakeBotApi) -> Settings:
    return Settings(token=fake_api.token, base_url=fake_api.base_url, database_path=tmp_path / "bot.sqlite3",
                    checkin_poll_seconds=1.0, admin_user_ids=frozenset({42}))


class RunningBot:
    """The real Application, polling the fake server, in the test's own event loop."""

    def __init__(self, app, api: FakeBotApi):
        self.app = app
        self.api = api

    @property
    def runtime(self):
        return self.app.bot_data["runtime"]

    async def say(self, update: dict, *, reply_contains: str = "", chat_id: int | None = None,
                  timeout: float = 5.0):
        """Push an update and wait for the bot's next sendMessage to that chat."""
        before = len(self.api.calls)
        self.api.push_update(update)
        if chat_id is None:
            return None
        return await self.api.wait_for_message(chat_id, reply_contains, timeout=timeout, after=before)


async def start_bot(settings: Settings, brain, api: FakeBotApi) -> RunningBot:
    from bot.telegram.app import ALLOWED_UPDATES, build_application

    app = build_application(settings, brain)
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    await app.start()
    await app.updater.start_polling(poll_interval=0.0, timeout=1, allowed_updates=ALLOWED_UPDATES)
    return RunningBot(app, api)


async def stop_bot(bot: RunningBot) -> None:
    app = bot.app
    if app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    if app.post_stop:
        await app.post_stop(app)
    await app.shutdown()
    if app.post_shutdown:
        await app.post_shutdown(app)


@pytest.fixture
async def running_bot(settings, brain, fake_api):
    bot = await start_bot(settings, brain, fake_api)
    yield bot
    await stop_bot(bot)


@pytest.fixture
async def restartable(settings, brain, fake_api):
    """Start, stop and start again the bot over the same database; whatever still runs is stopped at the end."""
    started: list[RunningBot] = []

    async def start(**changes):
        bot = await start_bot(replace(settings, **changes), brain, fake_api)
        started.append(bot)
        return bot

    yield start
    for bot in started:
        if bot.app.running:
            await stop_bot(bot)
