"""Operator features end to end: /stats for operators only, backup while running, alert escalation."""
from __future__ import annotations

import sqlite3
from types import SimpleNamespace

from bot.telegram.groups import escalation_tick
from tests.fakebotapi import callback_update, group_chat, message_update, private_chat, user
from tests.test_e2e_process import run_cli

OPERATOR = 42  # in the `settings` fixture's ADMIN_USER_IDS
GROUP = -1005550001


def private(user_id, text):
    return message_update(private_chat(user_id), text, user(user_id))


async def test_stats_shows_counts_to_operators_only(running_bot):
    bot = running_bot
    await bot.say(private(9, "/checkin 20:00 UTC"), chat_id=9)
    await bot.say(private(9, "what is naloxone"), chat_id=9)
    await bot.say(private(9, "i want to die"), chat_id=9)
    refused = await bot.say(private(10, "/stats"), chat_id=10)
    assert "don't know that command" in refused.params["text"]
    call = await bot.say(private(OPERATOR, "/stats"), chat_id=OPERATOR)
    text = call.params["text"]
    assert "opted in to check-ins: 1" in text
    assert "naloxone 1" in text and "suicide/private 1" in text
    assert "9" not in text.replace("opted", ""), "no user ids"


async def test_backup_copies_the_database_while_the_bot_runs(running_bot, settings, tmp_path):
    await running_bot.say(private(9, "/country GB"), chat_id=9)
    target = tmp_path / "backups" / "copy.sqlite3"
    result = run_cli(tmp_path, "backup", str(target), DATABASE_URL=f"sqlite:///{settings.database_path}")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT country FROM people WHERE user_id = 9").fetchone() == ("GB",)


async def test_an_unacknowledged_alert_goes_to_the_groups_admins_after_ten_minutes(running_bot, fake_api):
    bot, api = running_bot, fake_api
    responder, admin = 21, 22
    api.chat_members[(GROUP, admin)] = "administrator"
    for person in (responder, admin):
        await bot.say(private(person, "/start"), chat_id=person)
    reply_to = {"message_id": 3, "date": 0, "chat": group_chat(GROUP), "text": "hi", "from": user(responder)}
    await bot.say(message_update(group_chat(GROUP), "/responders add", user(admin), reply_to=reply_to),
                  chat_id=GROUP, reply_contains="responder")
    await bot.say(message_update(group_chat(GROUP), "he's not breathing and his lips are blue", user(5)),
                  chat_id=GROUP)
    await api.wait_for_message(responder, "may need help")
    store = bot.runtime.store
    await store._write("UPDATE alerts SET created_utc = created_utc - 601")
    await escalation_tick(SimpleNamespace(application=bot.app))
    alert = await api.wait_for_message(admin, "no responder has answered")
    assert "not breathing" not in alert.params["text"]
    await escalation_tick(SimpleNamespace(application=bot.app))
    assert len([c for c in api.calls_to("sendMessage", admin) if "no responder" in c.params["text"].lower()]) == 1
    api.push_update(callback_update(user(admin), alert.params["reply_markup"]["inline_keyboard"][0][0]
                                    ["callback_data"]))
    await api.wait_for_message(responder, "is on it")
