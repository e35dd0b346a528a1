"""Groups and channels, end to end: quiet unless addressed, crisis replies, admin rights, responders, migration."""
from __future__ import annotations

from tests.fakebotapi import BOT_ID, BOT_USERNAME, callback_update, group_chat, message_update, private_chat, user

GROUP = -1001234567890
ADMIN, MEMBER, RESPONDER_A, RESPONDER_B = 11, 12, 13, 14


def in_group(text, sender_id=MEMBER, **kw):
    return message_update(group_chat(GROUP), text, user(sender_id, f"User{sender_id}"), **kw)


def added_to_group(status="member", chat_id=GROUP):
    me = {"id": BOT_ID, "is_bot": True, "first_name": "Recovery Companion", "username": BOT_USERNAME}
    old = {"status": "left", "user": me}
    new = {"status": status, "user": me}
    if status == "administrator":
        new.update(can_be_edited=False, is_anonymous=False, can_manage_chat=True, can_delete_messages=True,
                   can_manage_video_chats=True, can_restrict_members=True, can_promote_members=False,
                   can_change_info=True, can_invite_users=True, can_post_stories=False, can_edit_stories=False,
                   can_delete_stories=False)
    return {"my_chat_member": {"chat": group_chat(chat_id), "from": user(ADMIN), "date": 0,
                               "old_chat_member": old, "new_chat_member": new}}


async def start_privately(bot, user_id):
    await bot.say(message_update(private_chat(user_id), "/start", user(user_id)), chat_id=user_id)


async def add_two_responders(bot):
    bot.api.chat_members[(GROUP, ADMIN)] = "administrator"
    for responder in (RESPONDER_A, RESPONDER_B):
        await start_privately(bot, responder)
        reply_to = {"message_id": 500 + responder, "date": 0, "chat": group_chat(GROUP), "text": "hi",
                    "from": user(responder, f"User{responder}")}
        await bot.say(in_group("/responders add", ADMIN, reply_to=reply_to), chat_id=GROUP,
                      reply_contains="now a peer responder")


async def test_added_to_a_group_it_introduces_itself_and_says_what_it_can_see(running_bot):
    call = await running_bot.say(added_to_group("member"), chat_id=GROUP)
    text = call.params["text"]
    assert "/groupsettings" in text and "privacy mode" in text.lower()
    call = await running_bot.say(added_to_group("administrator", chat_id=GROUP - 1), chat_id=GROUP - 1)
    assert "an admin" in call.params["text"]


async def test_ordinary_chatter_gets_silence(running_bot):
    api = running_bot.api
    for text in ("morning all", "day 40 today, killing it", "anyone going to the meeting tonight?"):
        api.push_update(in_group(text))
    await running_bot.say(in_group(f"@{BOT_USERNAME} what is naloxone"), chat_id=GROUP)
    assert len(api.calls_to("sendMessage", GROUP)) == 1


async def test_a_mention_with_a_question_gets_an_answer_as_a_reply(running_bot, brain):
    update = in_group(f"@{BOT_USERNAME} how long does withdrawal last", message_id=77)
    call = await running_bot.say(update, chat_id=GROUP)
    assert call.params["text"] == brain.answer("how long does withdrawal last").texts[0]
    assert call.params["reply_parameters"]["message_id"] == 77


async def test_groupsettings_is_refused_to_a_member_and_answered_for_an_admin(running_bot):
    api = running_bot.api
    api.chat_members[(GROUP, ADMIN)] = "administrator"
    call = await running_bot.say(in_group("/groupsettings", MEMBER), chat_id=GROUP)
    assert "only this group's admins" in call.params["text"].lower()
    assert any(int(c.params["user_id"]) == MEMBER for c in api.calls_to("getChatMember"))
    call = await running_bot.say(in_group("/groupsettings country GB", ADMIN), chat_id=GROUP)
    assert "GB" in call.params["text"]
    assert any(int(c.params["user_id"]) == ADMIN for c in api.calls_to("getChatMember"))


async def test_an_anonymous_admin_counts_as_an_admin(running_bot):
    update = message_update(group_chat(GROUP), "/groupsettings", {"id": 1087968824, "is_bot": True,
                                                                   "first_name": "Group", "username": "GroupAnonymousBot"},
                            extra={"sender_chat": group_chat(GROUP)})
    call = await running_bot.say(update, chat_id=GROUP)
    assert "Group settings" in call.params["text"]


async def test_crisis_in_a_group_replies_to_the_message_and_alerts_responders(running_bot):
    bot, api = running_bot, running_bot.api
    await add_two_responders(bot)
    secret_words = "everyone would be better off if I was dead, I'm going to kill myself tonight"
    call = await bot.say(in_group(secret_words, MEMBER, message_id=9001), chat_id=GROUP)
    assert call.params["reply_parameters"]["message_id"] == 9001
    assert "kill myself" not in call.params["text"]
    buttons = [b for row in call.params["reply_markup"]["inline_keyboard"] for b in row]
    assert any(b.get("url", "").endswith("?start=sos") for b in buttons)
    alerts = []
    for responder in (RESPONDER_A, RESPONDER_B):
        alert = await api.wait_for_message(responder, "may need help")
        assert "kill myself" not in alert.params["text"] and "better off" not in alert.params["text"]
        assert "t.me/c/1234567890/9001" in alert.params["text"]
        alerts.append(alert)
    ack = alerts[0].params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert ack.startswith("ack:")
    api.push_update(callback_update(user(RESPONDER_A, "User13"), ack))
    note = await api.wait_for_message(RESPONDER_B, "is on it")
    assert "User13" in note.params["text"]


async def test_a_stranger_cannot_acknowledge_an_alert(running_bot):
    api = running_bot.api
    api.push_update(callback_update(user(999), "ack:1"))
    call = await api.wait_for(lambda c: c.method == "answerCallbackQuery")
    assert "expired" in call.params.get("text", "")


async def test_removed_from_a_group_it_stops_posting(running_bot):
    bot = running_bot
    await bot.say(added_to_group("member"), chat_id=GROUP)
    removed = added_to_group("member")
    removed["my_chat_member"]["old_chat_member"]["status"] = "member"
    removed["my_chat_member"]["new_chat_member"] = {"status": "kicked", "user": removed["my_chat_member"]
                                                    ["new_chat_member"]["user"], "until_date": 0}
    bot.api.push_update(removed)
    await bot.say(message_update(private_chat(ADMIN), "/help", user(ADMIN)), chat_id=ADMIN)
    group = await bot.runtime.store.get_group(GROUP)
    assert group.active == 0


async def test_nothing_private_is_posted_in_the_group(running_bot):
    bot = running_bot
    await start_privately(bot, MEMBER)
    await bot.say(message_update(private_chat(MEMBER), "/sober 2024-02-02", user(MEMBER)), chat_id=MEMBER)
    await bot.say(message_update(private_chat(MEMBER), "/country IE", user(MEMBER)), chat_id=MEMBER)
    await bot.say(in_group("/mydata", MEMBER), chat_id=GROUP)
    await bot.say(in_group(f"@{BOT_USERNAME} what day am I on", MEMBER), chat_id=GROUP)
    for text in bot.api.sent_texts(GROUP):
        assert "2024-02-02" not in text and "IE" not in text


async def test_welcome_is_off_until_an_admin_turns_it_on(running_bot):
    bot, api = running_bot, running_bot.api
    api.chat_members[(GROUP, ADMIN)] = "administrator"
    joined = in_group(None, extra={"new_chat_members": [user(55, "New")]})
    api.push_update(joined)
    await bot.say(in_group("/groupsettings welcome on", ADMIN), chat_id=GROUP, reply_contains="saved")
    seen = len(api.calls)
    call = await bot.say(in_group(None, extra={"new_chat_members": [user(56, "Newer")]}), chat_id=GROUP)
    assert "welcome" in call.params["text"].lower()
    assert len([c for c in api.calls_to("sendMessage", GROUP) if "welcome." in c.params["text"].lower()]) == 1
    assert api.calls.index(call) >= seen


async def test_responders_can_be_listed_and_removed_by_admins_only(running_bot):
    bot, api = running_bot, running_bot.api
    api.chat_members[(GROUP, ADMIN)] = "administrator"
    await start_privately(bot, RESPONDER_A)
    their_message = {"message_id": 71, "date": 0, "chat": group_chat(GROUP), "text": "hi",
                     "from": user(RESPONDER_A, "Robin")}
    stranger_message = {"message_id": 72, "date": 0, "chat": group_chat(GROUP), "text": "hi",
                        "from": user(99, "Stranger")}
    call = await bot.say(in_group("/responders add", ADMIN, reply_to=stranger_message), chat_id=GROUP)
    assert "start a private chat" in call.params["text"]
    await bot.say(in_group("/responders add", ADMIN, reply_to=their_message), chat_id=GROUP,
                  reply_contains="now a peer responder")
    listed = await bot.say(in_group("/responders list", ADMIN), chat_id=GROUP, reply_contains="Robin")
    assert "Robin" in listed.params["text"]
    refused = await bot.say(in_group("/responders remove", MEMBER, reply_to=their_message), chat_id=GROUP)
    assert "only this group's admins" in refused.params["text"].lower()
    await bot.say(in_group("/responders remove", ADMIN, reply_to=their_message), chat_id=GROUP,
                  reply_contains="no longer")
    assert await bot.runtime.store.responders(GROUP) == []


async def settle(bot, user_id=ADMIN + 100):
    """Let every update pushed so far be handled: a private round trip, then a moment for background sends."""
    import asyncio

    await bot.say(message_update(private_chat(user_id), "/help", user(user_id)), chat_id=user_id)
    await asyncio.sleep(0.5)


async def test_an_edited_crisis_message_gets_one_reply_and_one_alert_per_responder(running_bot):
    bot, api = running_bot, running_bot.api
    await add_two_responders(bot)
    first = "I'm going to kill myself tonight"
    await bot.say(in_group(first, MEMBER, message_id=9100), chat_id=GROUP)
    for responder in (RESPONDER_A, RESPONDER_B):
        await api.wait_for_message(responder, "may need help")
    for typo_fixed in ("I'm going to kill myself tonight.", "I am going to kill myself tonight"):
        api.push_update(in_group(typo_fixed, MEMBER, message_id=9100, edited=True))
    await settle(bot)
    replies = [c for c in api.calls_to("sendMessage", GROUP)
               if c.params.get("reply_parameters", {}).get("message_id") == 9100]
    assert len(replies) == 1
    for responder in (RESPONDER_A, RESPONDER_B):
        assert len([t for t in api.sent_texts(responder) if "may need help" in t]) == 1


async def test_a_linked_channels_automatic_forward_pages_no_one(running_bot):
    bot, api = running_bot, running_bot.api
    await add_two_responders(bot)
    channel = {"id": -100999, "type": "channel", "title": "Recovery News"}
    forward = message_update(group_chat(GROUP), "How to spot an overdose: if someone has gone blue and won't wake up, "
                             "call an ambulance", {"id": 777000, "is_bot": False, "first_name": "Telegram"},
                             message_id=9200, extra={"sender_chat": channel, "is_automatic_forward": True})
    api.push_update(forward)
    edited = dict(forward["message"], text=forward["message"]["text"] + "!")
    api.push_update({"edited_message": edited})
    await settle(bot)
    for responder in (RESPONDER_A, RESPONDER_B):
        assert not [t for t in api.sent_texts(responder) if "may need help" in t]
        assert not any("777000" in t or "Telegram" in t for t in api.sent_texts(responder))
