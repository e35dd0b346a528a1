"""A private chat, end to end: the real Application polling a fake Bot API server on 127.0.0.1."""
from __future__ import annotations

import sqlite3

from bot.respond import Source
from tests.fakebotapi import callback_update, group_chat, message_update, private_chat, user

PERSON = 5001


def private(text, user_id=PERSON, **kw):
    return message_update(private_chat(user_id), text, user(user_id), **kw)


async def test_start_gets_the_welcome(running_bot, brain):
    call = await running_bot.say(private("/start"), chat_id=PERSON)
    assert "recovery companion" in call.params["text"].lower()
    assert "/sos" in call.params["text"]
    assert call.params["parse_mode"] == "HTML"


async def test_commands_menus_are_set_for_private_chats_and_groups(running_bot):
    await running_bot.say(private("/help"), chat_id=PERSON)
    scopes = [c.params["scope"]["type"] for c in running_bot.api.calls_to("setMyCommands")]
    assert scopes == ["all_private_chats", "all_group_chats"]


async def test_a_question_gets_the_decision_paths_answer(running_bot, brain):
    question = "how long does withdrawal last"
    expected = brain.answer(question)
    assert expected.answer is not None
    call = await running_bot.say(private(question), chat_id=PERSON)
    assert call.params["text"] == expected.texts[0]


async def test_a_crisis_message_gets_the_helplines_first(running_bot, brain):
    call = await running_bot.say(private("i just wanna die rn"), chat_id=PERSON)
    expected = brain.respond("i just wanna die rn", Source.private())
    assert expected.crisis is not None
    assert call.params["text"] == expected.texts[0]
    sends = running_bot.api.calls_to("sendMessage", PERSON)
    assert sends[0] is call


async def test_off_topic_gets_an_honest_no_answer(running_bot, brain):
    call = await running_bot.say(private("who won the football last night"), chat_id=PERSON)
    assert call.params["text"] == brain.answer("who won the football last night").texts[0]
    assert "/topics" in call.params["text"]


async def test_bad_input_never_stops_the_bot(running_bot):
    api = running_bot.api
    bad = [
        private(None, extra={"sticker": {"file_id": "x", "file_unique_id": "y", "type": "regular", "width": 1,
                                         "height": 1, "is_animated": False, "is_video": False}}),
        private("x" * 4096),
        private("\u200bhel\u200dlo\x00\x07 \u202e wor\ufeffld"),
        private("an edit", edited=True),
        message_update({"id": -1001, "type": "channel", "title": "News"}, "a channel post", None),
        callback_update(user(PERSON), "ci:forged:zzz"),
        callback_update(user(PERSON), "del:yes:999"),
        callback_update(user(PERSON), "topic:../../etc/passwd"),
        callback_update(user(PERSON), "x" * 64),
        private("/nosuchcommand"),
        private("/checkin 25:99 Mars/Base"),
        private("/timezone Not/AZone"),
        private("/sober 2999-01-01"),
        private("/country ZZ"),
        private("😀" * 100),
        private(""),
    ]
    for update in bad:
        api.push_update(update)
    call = await running_bot.say(private("/help"), chat_id=PERSON, reply_contains="/sos", timeout=10)
    assert call is not None
    texts = api.sent_texts(PERSON)
    assert not any("Traceback" in t or "Error" in t for t in texts)
    await api.wait_for(lambda c: len(api.calls_to("answerCallbackQuery")) >= 4)
    answered = api.calls_to("answerCallbackQuery")
    assert len(answered) == 4, "every forged button press is answered politely"
    assert all("expired" in c.params.get("text", "") for c in answered)


async def test_a_sticker_gets_a_short_hint(running_bot):
    sticker = private(None, extra={"sticker": {"file_id": "x", "file_unique_id": "y", "type": "regular",
                                               "width": 1, "height": 1, "is_animated": False, "is_video": False}})
    call = await running_bot.say(sticker, chat_id=PERSON)
    assert "text" in call.params["text"].lower()


async def test_a_crisis_caption_on_a_photo_is_noticed(running_bot):
    photo = private(None, extra={"photo": [{"file_id": "p", "file_unique_id": "q", "width": 1, "height": 1}],
                                 "caption": "my mate's gone blue and won't wake up"})
    call = await running_bot.say(photo, chat_id=PERSON)
    assert "112" in call.params["text"] or "emergency" in call.params["text"].lower()


async def test_an_edited_message_with_crisis_words_is_answered(running_bot):
    call = await running_bot.say(private("I want to kill myself", edited=True), chat_id=PERSON)
    assert call.params["text"]


async def test_forged_delete_confirmation_for_someone_else_deletes_nothing(running_bot):
    bot = running_bot
    await bot.say(private("/start"), chat_id=PERSON)
    await bot.say(private("/sober today"), chat_id=PERSON, reply_contains="sober since")
    bot.api.push_update(callback_update(user(PERSON + 1), f"del:yes:{PERSON}", chat=private_chat(PERSON + 1)))
    await bot.api.wait_for(lambda c: c.method == "answerCallbackQuery")
    assert await bot.runtime.store.get_person(PERSON) is not None


async def test_message_texts_are_never_stored(running_bot, settings):
    unique = "zebraquokka7731"
    bot = running_bot
    await bot.say(private("/start"), chat_id=PERSON)
    for text in (f"what is {unique}", f"withdrawal {unique} help", f"I want to die {unique}"):
        await bot.say(private(text), chat_id=PERSON)
    await bot.say(private(f"/checkin 21:00 {unique}"), chat_id=PERSON)
    await bot.say(private(f"/sober {unique}"), chat_id=PERSON)
    db = settings.database_path
    raw = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    assert unique.encode() not in raw
    assert unique.encode("utf-16-le") not in raw


async def test_deletemydata_removes_every_row_about_the_person(running_bot, settings):
    bot = running_bot
    await bot.say(private("/start"), chat_id=PERSON)
    await bot.say(private("/country GB"), chat_id=PERSON)
    await bot.say(private("/checkin 21:30 Europe/London"), chat_id=PERSON)
    await bot.say(private("/sober 2024-01-01"), chat_id=PERSON)
    await bot.runtime.store.record_answer(PERSON, "2026-01-01", "good")
    call = await bot.say(private("/deletemydata"), chat_id=PERSON)
    assert call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == f"del:yes:{PERSON}"
    await bot.say(callback_update(user(PERSON), f"del:yes:{PERSON}"), chat_id=PERSON, reply_contains="deleted")
    with sqlite3.connect(settings.database_path) as conn:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
            for column in ("user_id", "author_id", "acknowledged_by"):
                if column in columns:
                    count = conn.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", (PERSON,)).fetchone()[0]
                    assert count == 0, f"{table}.{column} still holds the person"


async def test_crisis_reply_survives_502_502_then_429(running_bot):
    api = running_bot.api
    api.fail_next("sendMessage", 502, "Bad Gateway", times=2)
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", parameters={"retry_after": 1})
    call = await running_bot.say(private("I took the whole bottle"), chat_id=PERSON, timeout=20)
    assert call.params["text"]
    assert len(api.calls_to("sendMessage", PERSON)) == 4


async def test_a_403_does_not_stop_the_bot(running_bot):
    api = running_bot.api
    await running_bot.say(private("/start"), chat_id=PERSON)
    await running_bot.say(private("/checkin 21:00 UTC"), chat_id=PERSON)
    api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    before = len(api.calls_to("sendMessage", PERSON))
    api.push_update(private("what is naloxone"))
    await api.wait_for(lambda c: len(api.calls_to("sendMessage", PERSON)) > before)
    other = PERSON + 7
    call = await running_bot.say(private("/help", user_id=other), chat_id=other)
    assert call is not None
    person = await running_bot.runtime.store.get_person(PERSON)
    assert person.active == 0 and person.inactive_reason == "blocked"


async def test_group_commands_for_private_things_point_to_a_private_chat(running_bot):
    chat = group_chat(-100777)
    call = await running_bot.say(message_update(chat, "/sober 2024-01-01", user(PERSON)), chat_id=-100777)
    assert "private" in call.params["text"].lower()
    assert "2024" not in call.params["text"]


async def test_help_lists_exactly_the_commands_of_the_private_menu(running_bot):
    import re

    call = await running_bot.say(private("/help"), chat_id=PERSON)
    menus = {c.params["scope"]["type"]: c.params["commands"] for c in running_bot.api.calls_to("setMyCommands")}
    menu = [command["command"] for command in menus["all_private_chats"]]
    assert re.findall(r"^/(\w+) – ", call.params["text"], flags=re.MULTILINE) == menu
