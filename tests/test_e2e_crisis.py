"""The crisis handoff end to end, through the real Application and the fake Bot API: the message's language, the
learned layer catching what no rule lists (in private and in groups, with responder alerts), the ask-directly
question with its buttons, and first aid and lines that fit the danger."""
from __future__ import annotations

import pytest

from bot.safety.assess import Assessment
from tests.fakebotapi import callback_update, group_chat, message_update, private_chat, user

GROUP = -1009876543210
ADMIN, MEMBER, RESPONDER = 21, 22, 23
PERSON = 31


def privately(text, user_id=PERSON, **kw):
    return message_update(private_chat(user_id), text, user(user_id), **kw)


def in_group(text, sender_id=MEMBER, **kw):
    return message_update(group_chat(GROUP), text, user(sender_id, f"User{sender_id}"), **kw)


@pytest.fixture
def indirect_sign(brain, monkeypatch):
    """Make one phrase read as an indirect sign (the ask-directly tier), whatever the shipped model says of it:
    these tests are about what the bot does with that tier, not about the model."""
    phrase = "i'm just so tired of everything lately"
    real = brain.assess

    def assess(text):
        return Assessment(None, check=True, language="en", probability=0.7) if text == phrase else real(text)

    monkeypatch.setattr(brain, "assess", assess)
    return phrase


@pytest.mark.parametrize("text, expected", [
    ("no quiero vivir más, ya no aguanto", "Gracias"),
    ("quero me matar, não aguento mais", "Obrigad"),
    ("ich will nicht mehr leben", "Danke"),
    ("je veux mourir, tout est prêt pour ce soir", "Merci"),
])
async def test_a_crisis_written_in_another_language_is_answered_in_it(running_bot, text, expected):
    call = await running_bot.say(privately("/country US"), chat_id=PERSON)
    call = await running_bot.say(privately(text), chat_id=PERSON, reply_contains="988")
    assert expected in call.params["text"]


async def test_an_overdose_described_in_spanish_in_a_group_gets_a_reply_and_pages_the_responders(running_bot):
    bot, api = running_bot, running_bot.api
    api.chat_members[(GROUP, ADMIN)] = "administrator"
    await bot.say(privately("/start", RESPONDER), chat_id=RESPONDER)
    helper_message = {"message_id": 700, "date": 0, "chat": group_chat(GROUP), "text": "hola",
                      "from": user(RESPONDER, "Robin")}
    await bot.say(in_group("/responders add", ADMIN, reply_to=helper_message), chat_id=GROUP,
                  reply_contains="responder")
    text = "mi hermano está morado y no despierta, qué hago"
    before = len(api.calls)
    call = await bot.say(in_group(text, MEMBER, message_id=4242), chat_id=GROUP)
    assert call.params["reply_parameters"]["message_id"] == 4242
    assert "morado" not in call.params["text"]
    alert = await api.wait_for_message(RESPONDER, "", after=before)
    assert "morado" not in alert.params["text"] and "4242" in alert.params["text"]


async def test_an_indirect_sign_is_asked_about_and_yes_gives_the_whole_handoff(running_bot, indirect_sign):
    bot, api = running_bot, running_bot.api
    await bot.say(privately("/country GB"), chat_id=PERSON)
    question = await bot.say(privately(indirect_sign), chat_id=PERSON)
    assert "ending your life" in question.params["text"]
    buttons = [b["callback_data"] for row in question.params["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["safe:yes", "safe:unsure", "safe:no"]
    api.push_update(callback_update(user(PERSON), "safe:yes"))
    handoff = await api.wait_for_message(PERSON, "116 123")
    assert "Samaritans" in handoff.params["text"]


async def test_no_to_the_question_is_thanked_and_nothing_more(running_bot, indirect_sign):
    bot, api = running_bot, running_bot.api
    await bot.say(privately(indirect_sign), chat_id=PERSON)
    api.push_update(callback_update(user(PERSON), "safe:no"))
    thanks = await api.wait_for_message(PERSON, "glad you're safe")
    assert "116 123" not in thanks.params["text"]


async def test_a_forged_answer_button_changes_nothing(running_bot):
    api = running_bot.api
    api.push_update(callback_update(user(PERSON), "safe:maybe-later"))
    await running_bot.say(privately("/help"), chat_id=PERSON)
    assert not any("ending your life" in c.params.get("text", "") or "116 123" in c.params.get("text", "")
                   for c in api.calls_to("sendMessage", PERSON))


async def test_an_indirect_sign_in_a_group_posts_nothing_publicly(running_bot, indirect_sign):
    api = running_bot.api
    api.push_update(in_group(indirect_sign))
    await running_bot.say(in_group("/help"), chat_id=GROUP)
    assert len(api.calls_to("sendMessage", GROUP)) == 1


async def test_not_breathing_gets_rescue_breaths_and_never_an_unconditional_recovery_position(running_bot):
    await running_bot.say(privately("/country GB"), chat_id=PERSON)
    call = await running_bot.say(privately("my friend is not breathing after using"), chat_id=PERSON,
                                 reply_contains="999")
    text = call.params["text"]
    assert "rescue breaths or CPR" in text
    assert "If they are breathing: lay them on their side in the recovery position" in text


async def test_abuse_in_the_us_gets_911_and_the_domestic_violence_hotline(running_bot):
    await running_bot.say(privately("/country US"), chat_id=PERSON)
    call = await running_bot.say(privately("he has his hands round my throat and he's still in the house"),
                                 chat_id=PERSON, reply_contains="911")
    assert "1-800-799-7233" in call.params["text"]
