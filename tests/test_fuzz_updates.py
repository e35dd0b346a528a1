"""Hostile input: thousands of generated updates through the real Application. No handler may raise.

The normal suite throws FUZZ_UPDATES updates (default 10,000, ten per example). The longer run:

    FUZZ_UPDATES=100000 python -m pytest tests/test_fuzz_updates.py
"""
from __future__ import annotations

import asyncio
import os

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st
from telegram import Update

from bot.config import CONTENT_DIR, Settings
from tests.fakebotapi import BOT_ID, BOT_USERNAME, FakeBotApi, InProcessRequest

UPDATES_PER_EXAMPLE = 10
EXAMPLES = max(1, int(os.environ.get("FUZZ_UPDATES", "10000")) // UPDATES_PER_EXAMPLE)
COMMANDS = ["start", "help", "topics", "sos", "crisis", "country", "checkin", "timezone", "sober", "mydata",
            "deletemydata", "privacy", "stats", "groupsettings", "groupcheckin", "responders", "nosuch"]
CALLBACK_PREFIXES = ["topic:", "ci:", "ci:good:", "cit:", "ciz:", "sober:", "del:yes:", "del:no:", "ack:", ""]
STATUSES = ["member", "administrator", "left", "kicked", "restricted", "creator"]

texts = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zs", "Mn", "So"]), max_size=100),
    st.builds(lambda c, n: c * n, st.characters(), st.integers(3000, 4200)),
    st.builds(lambda cmd, at, rest: f"/{cmd}{at} {rest}", st.sampled_from(COMMANDS),
              st.sampled_from(["", f"@{BOT_USERNAME}", "@otherbot"]), st.text(max_size=60)),
    st.builds(lambda rest: f"@{BOT_USERNAME} {rest}", st.text(max_size=80)),
    st.sampled_from(["", " ", "\u200b", "\x00", "i want to die", "my friend isn't breathing", "kms", "naloxone"]),
)
user_ids = st.integers(1, 2**40)
people = st.builds(lambda uid, name, bot: {"id": uid, "is_bot": bot, "first_name": name or "x"},
                   user_ids, st.text(max_size=30), st.booleans())
chats = st.one_of(
    st.builds(lambda uid: {"id": uid, "type": "private", "first_name": "P"}, user_ids),
    st.builds(lambda cid, t: {"id": -cid, "type": t, "title": "G"}, st.integers(1, 2**40),
              st.sampled_from(["group", "supergroup", "channel"])),
)
entities = st.lists(st.builds(lambda t, o, n: {"type": t, "offset": o, "length": n},
                              st.sampled_from(["bot_command", "mention", "hashtag", "bold", "url", "code"]),
                              st.integers(0, 5000), st.integers(1, 5000)), max_size=4)


@st.composite
def messages(draw):
    chat = draw(chats)
    message = {"message_id": draw(st.integers(1, 2**31)), "date": 0, "chat": chat}
    if chat["type"] != "channel" and draw(st.booleans()) or chat["type"] == "private":
        message["from"] = draw(people)
    kind = draw(st.sampled_from(["text", "text", "caption", "sticker", "none", "new_members", "migrate"]))
    if kind == "text":
        message["text"] = draw(texts)
        message["entities"] = draw(entities)
    elif kind == "caption":
        message["photo"] = [{"file_id": "p", "file_unique_id": "q", "width": 1, "height": 1}]
        message["caption"] = draw(texts)
    elif kind == "sticker":
        message["sticker"] = {"file_id": "s", "file_unique_id": "t", "type": "regular", "width": 1, "height": 1,
                              "is_animated": False, "is_video": False}
    elif kind == "new_members":
        message["new_chat_members"] = draw(st.lists(people, min_size=1, max_size=3))
    elif kind == "migrate" and chat["type"] == "group":
        message["migrate_to_chat_id"] = -draw(st.integers(10**12, 2 * 10**12))
    if draw(st.booleans()):
        message["reply_to_message"] = {"message_id": 1, "date": 0, "chat": chat,
                                       "from": draw(st.one_of(people, st.just({"id": BOT_ID, "is_bot": True,
                                                                               "first_name": "B"})))}
    if draw(st.integers(0, 9)) == 0:
        message["sender_chat"] = chat
    return message


@st.composite
def updates(draw):
    kind = draw(st.sampled_from(["message", "message", "message", "edited_message", "channel_post",
                                 "callback_query", "my_chat_member"]))
    if kind == "callback_query":
        query = {"id": "1", "from": draw(people), "chat_instance": "c",
                 "data": draw(st.sampled_from(CALLBACK_PREFIXES)) + draw(st.text(max_size=60))}
        if draw(st.booleans()):
            query["message"] = {"message_id": 1, "date": 0, "chat": draw(chats), "text": "t"}
        return {"update_id": 1, "callback_query": query}
    if kind == "my_chat_member":
        me = {"id": BOT_ID, "is_bot": True, "first_name": "B", "username": BOT_USERNAME}
        return {"update_id": 1, "my_chat_member": {
            "chat": draw(chats), "from": draw(people), "date": 0,
            "old_chat_member": {"status": draw(st.sampled_from(["left", "member"])), "user": me},
            "new_chat_member": {"status": draw(st.sampled_from(["left", "member", "kicked"])), "user": me,
                                "until_date": 0}}}
    return {"update_id": 1, kind: draw(messages())}


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    from bot.respond import Brain
    from bot.telegram.app import build_application

    loop = asyncio.new_event_loop()
    api = FakeBotApi()
    settings = Settings(token=api.token, base_url="http://127.0.0.1:9/bot",
                        database_path=tmp_path_factory.mktemp("fuzz") / "bot.sqlite3")
    app = build_application(settings, Brain.load(CONTENT_DIR), request=InProcessRequest(api))
    errors: list[BaseException] = []

    async def record(update, context):
        errors.append(context.error)

    app.add_error_handler(record)
    loop.run_until_complete(app.initialize())
    loop.run_until_complete(app.post_init(app))
    yield loop, app, api, errors
    loop.run_until_complete(app.post_stop(app))
    loop.run_until_complete(app.shutdown())
    loop.run_until_complete(app.post_shutdown(app))
    loop.close()


@hsettings(max_examples=EXAMPLES, deadline=None, derandomize=True,
           suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                  HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(batch=st.lists(updates(), min_size=UPDATES_PER_EXAMPLE, max_size=UPDATES_PER_EXAMPLE))
def test_generated_updates_never_raise(fuzz_app, batch):
    loop, app, api, errors = fuzz_app
    for data in batch:
        update = Update.de_json(data, app.bot)
        loop.run_until_complete(app.process_update(update))
    assert errors == [], f"{type(errors[0]).__name__}: {errors[0]}"


def test_the_fuzzed_bot_still_answers(fuzz_app):
    loop, app, api, errors = fuzz_app
    update = Update.de_json({"update_id": 2, "message": {
        "message_id": 5, "date": 0, "chat": {"id": 77, "type": "private", "first_name": "P"},
        "from": {"id": 77, "is_bot": False, "first_name": "P"}, "text": "/help",
        "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}}, app.bot)
    loop.run_until_complete(app.process_update(update))
    assert api.sent_texts(77) and "/sos" in api.sent_texts(77)[-1]
