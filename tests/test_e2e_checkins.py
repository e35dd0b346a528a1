"""Daily check-ins end to end: opt in for the next minute in three time zones, receive, restart, press a button."""
from __future__ import annotations

import asyncio
import time as clock
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from tests.conftest import stop_bot
from tests.fakebotapi import callback_update, group_chat, message_update, private_chat, user

PEOPLE = {7001: "UTC", 7002: "Asia/Kolkata", 7003: "America/St_Johns"}
GROUP = -1009988776655


def next_whole_minute(now: datetime) -> datetime:
    target = (now + timedelta(minutes=1)).replace(second=0, microsecond=0)
    return target if (target - now).total_seconds() > 8 else target + timedelta(minutes=1)


def is_checkin(call, chat_id) -> bool:
    markup = call.params.get("reply_markup") or {}
    return (call.method == "sendMessage" and str(call.params.get("chat_id")) == str(chat_id)
            and any(b.get("callback_data", "").startswith("ci:") for row in markup.get("inline_keyboard", [])
                    for b in row))


async def test_three_zones_same_moment_then_restart_sends_nothing_twice(restartable, fake_api):
    bot = await restartable()
    api = fake_api
    target = next_whole_minute(datetime.now(timezone.utc))
    for person, zone in PEOPLE.items():
        local = target.astimezone(ZoneInfo(zone)).strftime("%H:%M")
        await bot.say(message_update(private_chat(person), "/start", user(person)), chat_id=person)
        await bot.say(message_update(private_chat(person), "/sober 2026-01-01", user(person)), chat_id=person)
        call = await bot.say(message_update(private_chat(person), f"/checkin {local} {zone}", user(person)),
                             chat_id=person, reply_contains=local)
        assert zone in call.params["text"]
    wait = (target - datetime.now(timezone.utc)).total_seconds() + 30
    checkins = {}
    for person in PEOPLE:
        checkins[person] = await api.wait_for(lambda c, p=person: is_checkin(c, p), timeout=wait)
    sent_wall = {p: clock.time() - (clock.monotonic() - c.at) for p, c in checkins.items()}
    for person, at in sent_wall.items():
        assert at >= target.timestamp() - 0.5, "never early"
        assert "Day " in checkins[person].params["text"]

    await stop_bot(bot)
    bot = await restartable()
    await asyncio.sleep(3)  # three check-in ticks at CHECKIN_POLL_SECONDS=1
    for person in PEOPLE:
        assert len([c for c in api.calls if is_checkin(c, person)]) == 1, "a restart sends nothing twice"

    button = checkins[7002].params["reply_markup"]["inline_keyboard"][1][0]["callback_data"]
    assert button.startswith("ci:struggling:")
    call = await bot.say(callback_update(user(7002), button), chat_id=7002)
    assert "/sos" in call.params["text"]
    answers = await bot.runtime.store.answers_for(7002)
    assert [a for _, a in answers] == ["struggling"]


async def test_a_group_checkin_post_arrives_and_follows_a_migration(running_bot, fake_api):
    bot, api = running_bot, fake_api
    admin = 31
    api.chat_members[(GROUP, admin)] = "administrator"
    await bot.runtime.store.upsert_group(GROUP, "supergroup")
    target = next_whole_minute(datetime.now(timezone.utc))
    await bot.say(message_update(group_chat(GROUP), f"/groupcheckin {target:%H:%M} UTC", user(admin)),
                  chat_id=GROUP, reply_contains="daily check-in")
    post = await api.wait_for(lambda c: c.method == "sendMessage" and str(c.params["chat_id"]) == str(GROUP)
                              and "daily check-in" not in c.params["text"],
                              timeout=(target - datetime.now(timezone.utc)).total_seconds() + 30)
    assert "reply_markup" not in post.params or "ci:" not in str(post.params.get("reply_markup"))
    new_id = GROUP - 5
    api.fail_next("sendMessage", 400, "Bad Request: group chat was upgraded to a supergroup chat",
                  parameters={"migrate_to_chat_id": new_id})
    await bot.say(message_update(group_chat(GROUP), "/sos", user(admin)), chat_id=new_id)
    moved = await bot.runtime.store.get_group(new_id)
    assert moved is not None and moved.checkin_time == f"{target:%H:%M}"
    assert await bot.runtime.store.get_group(GROUP) is None
    now = int(datetime.now(timezone.utc).timestamp())
    seen = len(api.calls)
    # As if the next day's post were due now (today's already went, and a day never gets two):
    await bot.runtime.store.advance_group_checkin(new_id, moved.checkin_next_utc, now - 1, "2000-01-01", None)
    next_post = await api.wait_for_message(new_id, "", after=seen, timeout=10)
    assert str(next_post.params["chat_id"]) == str(new_id), "the next post goes to the new id"


async def test_a_channel_takes_admin_commands_as_posts_and_gets_the_daily_post(running_bot, fake_api):
    channel = {"id": -1003300330033, "type": "channel", "title": "Daily Recovery"}
    fake_api.chats[channel["id"]] = {"type": "channel", "title": "Daily Recovery"}
    call = await running_bot.say(message_update(channel, "/groupsettings country US", None), chat_id=channel["id"])
    assert "US" in call.params["text"]
    target = datetime.now(timezone.utc) + timedelta(minutes=5)
    await running_bot.say(message_update(channel, f"/groupcheckin {target:%H:%M} UTC", None),
                          chat_id=channel["id"], reply_contains="daily check-in")
    group = await running_bot.runtime.store.get_group(channel["id"])
    assert group.chat_type == "channel" and group.checkin_time == f"{target:%H:%M}"
    await running_bot.runtime.store.set_group_checkin(channel["id"], group.checkin_time, "UTC",
                                                      int(datetime.now(timezone.utc).timestamp()) - 1)
    post = await fake_api.wait_for(lambda c: c.method == "sendMessage" and c.ok
                                   and str(c.params["chat_id"]) == str(channel["id"])
                                   and "daily check-in" not in c.params["text"]
                                   and "settings" not in c.params["text"].lower(), timeout=10)
    assert "ci:" not in str(post.params.get("reply_markup"))


async def test_many_due_at_once_each_get_exactly_one(restartable, fake_api):
    """Ticks every 0.2 s over a slow network while 150 check-ins drain: nobody is queued twice."""
    bot = await restartable(checkin_poll_seconds=0.2)
    fake_api.send_delay = 0.05
    now = datetime.now(timezone.utc)
    for person in range(1, 151):
        await bot.runtime.store.set_checkin(person, f"{now:%H:%M}", "UTC", int(now.timestamp()) - 1)
    await fake_api.wait_for(lambda c: len({c.params["chat_id"] for c in fake_api.calls if is_checkin(c, c.params.get(
        "chat_id"))}) >= 150, timeout=60)
    await asyncio.sleep(1)
    sent = [c.params["chat_id"] for c in fake_api.calls if is_checkin(c, c.params.get("chat_id"))]
    assert sorted(set(sent)) == sorted(str(p) for p in range(1, 151))
    assert len(sent) == 150, "nobody gets a second check-in"


async def test_chat_not_found_ends_that_persons_checkins(running_bot, fake_api):
    store = running_bot.runtime.store
    now = datetime.now(timezone.utc)
    fake_api.fail_next("sendMessage", 400, "Bad Request: chat not found")
    await store.set_checkin(8001, f"{now:%H:%M}", "UTC", int(now.timestamp()) - 1)
    await fake_api.wait_for(lambda c: c.method == "sendMessage" and not c.ok, timeout=10)
    for _ in range(50):
        person = await store.get_person(8001)
        if person.active == 0:
            break
        await asyncio.sleep(0.1)
    assert person.active == 0 and person.inactive_reason == "chat not found"
    assert person.checkin_next_utc is None


async def test_a_group_with_the_poll_on_gets_an_anonymous_poll_after_its_post(running_bot, fake_api):
    store = running_bot.runtime.store
    await store.upsert_group(GROUP, "supergroup")
    await store.set_group_setting(GROUP, "poll", 1)
    now = datetime.now(timezone.utc)
    await store.set_group_checkin(GROUP, f"{now:%H:%M}", "UTC", int(now.timestamp()) - 1)
    poll = await fake_api.wait_for(lambda c: c.method == "sendPoll", timeout=10)
    assert str(poll.params["chat_id"]) == str(GROUP) and poll.params["is_anonymous"] in (True, "true", "True")
