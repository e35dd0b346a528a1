"""Faults people who run bots like this reported (issue 14), end to end through the real Application:
forum topics, refused optional calls, lasting refusals."""
from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone

from tests.fakebotapi import BOT_ID, BOT_USERNAME, callback_update, group_chat, message_update, private_chat, user
from tests.test_e2e_groups import ADMIN, GROUP, MEMBER, RESPONDER_A, RESPONDER_B, add_two_responders, settle

FORUM = -1005550001111
TOPIC = 77
CREATOR = 21
TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


def forum_chat() -> dict:
    return {"id": FORUM, "type": "supergroup", "title": "Recovery Forum", "is_forum": True}


def topic_root(created_by: dict) -> dict:
    """The service message that created topic 77: in a topic, every message carries it as reply_to_message."""
    return {"message_id": TOPIC, "date": 0, "chat": forum_chat(), "from": created_by,
            "message_thread_id": TOPIC, "forum_topic_created": {"name": "Evenings", "icon_color": 7322096}}


def in_topic(text, sender_id=MEMBER, *, reply_to: dict | None = None, root_by: dict | None = None, **kw):
    return message_update(forum_chat(), text, user(sender_id, f"User{sender_id}"),
                          reply_to=reply_to or topic_root(root_by or user(CREATOR, "Creator")),
                          extra={"message_thread_id": TOPIC, "is_topic_message": True}, **kw)


def thread(call) -> int | None:
    value = call.params.get("message_thread_id")
    return int(value) if value is not None else None


# --- forum topics -----------------------------------------------------------------------------------------------


async def test_a_mention_in_a_topic_is_answered_in_that_topic(running_bot):
    call = await running_bot.say(in_topic(f"@{BOT_USERNAME} what is naloxone", message_id=501), chat_id=FORUM)
    assert thread(call) == TOPIC
    assert call.params["reply_parameters"]["message_id"] == 501


async def test_the_guidance_after_a_button_press_in_a_topic_goes_to_that_topic(running_bot):
    bot, api = running_bot, running_bot.api
    menu = await bot.say(in_topic("/topics", message_id=502), chat_id=FORUM)
    assert thread(menu) == TOPIC
    data = menu.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    under = {"message_id": menu.params.get("message_id", 9999), "date": 0, "chat": forum_chat(),
             "from": {"id": BOT_ID, "is_bot": True, "first_name": "Bot"}, "text": "menu",
             "message_thread_id": TOPIC, "is_topic_message": True}
    before = len(api.calls)
    api.push_update(callback_update(user(MEMBER), data, message=under))
    follow_up = await api.wait_for_message(FORUM, after=before)
    assert thread(follow_up) == TOPIC


async def test_a_crisis_in_a_topic_is_answered_there_and_the_alert_links_into_the_topic(running_bot):
    bot, api = running_bot, running_bot.api
    api.chat_members[(FORUM, ADMIN)] = "administrator"
    for responder in (RESPONDER_A,):
        await bot.say(message_update(private_chat(responder), "/start", user(responder)), chat_id=responder)
        their = {"message_id": 600, "date": 0, "chat": forum_chat(), "text": "hi", "from": user(responder, "Robin"),
                 "message_thread_id": TOPIC, "is_topic_message": True}
        await bot.say(in_topic("/responders add", ADMIN, reply_to=their), chat_id=FORUM,
                      reply_contains="now a peer responder")
    call = await bot.say(in_topic("I'm going to kill myself tonight", message_id=503), chat_id=FORUM)
    assert thread(call) == TOPIC and call.params["reply_parameters"]["message_id"] == 503
    alert = await api.wait_for_message(RESPONDER_A, "may need help")
    assert f"t.me/c/5550001111/{TOPIC}/503" in alert.params["text"]


async def test_the_topic_root_is_not_a_reply(running_bot):
    """/responders add in a topic without replying to anyone must not make the topic's creator a responder, and
    a topic the bot created does not make every message in it a reply to the bot."""
    bot, api = running_bot, running_bot.api
    api.chat_members[(FORUM, ADMIN)] = "administrator"
    await bot.say(message_update(private_chat(CREATOR), "/start", user(CREATOR)), chat_id=CREATOR)
    call = await bot.say(in_topic("/responders add", ADMIN), chat_id=FORUM)
    assert "now a peer responder" not in call.params["text"]
    assert await bot.runtime.store.responders(FORUM) == []

    bots_topic = {"id": BOT_ID, "is_bot": True, "first_name": "Recovery Companion", "username": BOT_USERNAME}
    api.push_update(in_topic("see you all at the meeting", root_by=bots_topic))
    await settle(bot)
    assert not [c for c in api.calls_to("sendMessage", FORUM) if "meeting" in c.params.get("text", "")]
    assert len(api.calls_to("sendMessage", FORUM)) == 1, "chatter in a topic the bot created gets silence"


async def test_a_daily_post_set_in_a_topic_goes_to_that_topic_with_its_poll(restartable):
    bot = await restartable(checkin_poll_seconds=0.3)
    api, store = bot.api, bot.runtime.store
    api.chat_members[(FORUM, ADMIN)] = "administrator"
    await store.upsert_group(FORUM, "supergroup")
    await store.set_group_setting(FORUM, "poll", 1)
    await bot.say(in_topic("/groupcheckin 21:30 UTC", ADMIN), chat_id=FORUM, reply_contains="daily check-in")
    group = await store.get_group(FORUM)
    assert group.checkin_thread == TOPIC
    await store.set_group_checkin(FORUM, group.checkin_time, "UTC", int(time.time()) - 1, group.checkin_thread)
    poll = await api.wait_for(lambda c: c.method == "sendPoll", timeout=10)
    post = api.calls_to("sendMessage", FORUM)[-1]
    assert thread(poll) == TOPIC and thread(post) == TOPIC


# --- optional calls never cancel the message that matters ---------------------------------------------------


async def test_with_the_button_answer_refused_the_checkin_answer_and_deletion_still_go_out(running_bot):
    bot, api = running_bot, running_bot.api
    person = 8101
    await bot.say(message_update(private_chat(person), "/checkin 21:30 UTC", user(person)), chat_id=person)
    api.fail_next("answerCallbackQuery", 400, TOO_OLD, times=3)
    today = f"{datetime.now(timezone.utc):%Y%m%d}"
    reply = await bot.say(callback_update(user(person), f"ci:struggling:{today}"), chat_id=person)
    assert "/sos" in reply.params["text"]
    await bot.say(message_update(private_chat(person), "/deletemydata", user(person)), chat_id=person)
    await bot.say(callback_update(user(person), f"del:yes:{person}"), chat_id=person, reply_contains="deleted")
    assert await bot.runtime.store.get_person(person) is None


async def test_with_the_button_answer_refused_the_other_responder_is_still_told(running_bot):
    bot, api = running_bot, running_bot.api
    await add_two_responders(bot)
    await bot.say(message_update(group_chat(GROUP), "I'm going to kill myself tonight", user(MEMBER),
                                 message_id=9300), chat_id=GROUP)
    alert = await api.wait_for_message(RESPONDER_A, "may need help")
    await api.wait_for_message(RESPONDER_B, "may need help")
    ack = alert.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    api.fail_next("answerCallbackQuery", 400, TOO_OLD)
    api.push_update(callback_update(user(RESPONDER_A, "User13"), ack))
    note = await api.wait_for_message(RESPONDER_B, "is on it")
    assert "User13" in note.params["text"]


# --- lasting refusals back off ------------------------------------------------------------------------------------


async def test_a_group_without_rights_stops_being_tried_while_private_chats_are_answered(restartable):
    bot = await restartable(checkin_poll_seconds=0.3)
    api, store = bot.api, bot.runtime.store
    await store.upsert_group(GROUP, "supergroup")
    now = datetime.now(timezone.utc)
    await store.set_group_checkin(GROUP, f"{now:%H:%M}", "UTC", int(now.timestamp()) - 1)
    api.refuse_chat(GROUP, 400, "Bad Request: not enough rights to send text messages to the chat")

    await api.wait_for(lambda c: c.method == "sendMessage" and str(c.params["chat_id"]) == str(GROUP), timeout=10)
    deadline = time.monotonic() + 10
    while (group := await store.get_group(GROUP)).refused is None and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert group.refused == "no rights"
    assert group.active == 1, "no rights is not gone: the admins may grant them"
    assert group.checkin_next_utc > time.time() + 3600, "the post waits for the next day"

    await bot.say(message_update(private_chat(8201), "what is naloxone", user(8201)), chat_id=8201)
    await asyncio.sleep(4)  # more than ten check-in ticks
    assert len(api.calls_to("sendMessage", GROUP)) <= 2
    answered = await bot.say(message_update(private_chat(8201), "/help", user(8201)), chat_id=8201)
    assert answered.ok
