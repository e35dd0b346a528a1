"""The sender's retry rules, against a scripted bot: what each Telegram error means for a message and a chat."""
import asyncio

import pytest
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.reply import Button, Reply
from bot.telegram.sender import (BroadcastLane, Fault, Priority, Sender, Undeliverable, classify, optional,
                                 split_long)


class ScriptedBot:
    """send_message raises the scripted errors in order, then succeeds."""

    def __init__(self, *errors):
        self.errors = list(errors)
        self.sent = []

    async def send_message(self, chat_id, text, **kw):
        if self.errors:
            raise self.errors.pop(0)
        self.sent.append((chat_id, text, kw))

        class Sent:
            message_id = len(self.sent)

        Sent.chat_id = chat_id
        return Sent()


def sender_for(bot, **kw):
    sleeps = []

    async def fake_sleep(seconds):
        sleeps.append(seconds)

    sender = Sender(bot, sleep=fake_sleep, **kw)
    return sender, sleeps


REPLY = Reply(texts=("hello",), buttons=((Button("More", callback="topic:naloxone"),),))


async def test_a_crisis_reply_is_retried_through_timeouts_5xx_and_429():
    bot = ScriptedBot(TimedOut(), NetworkError("Bad Gateway (502)"), NetworkError("Bad Gateway"), RetryAfter(3))
    sender, sleeps = sender_for(bot)
    await sender.send(1, REPLY, Priority.CRISIS)
    assert len(bot.sent) == 1
    assert sleeps[-1] == 3, "429 waits retry_after"


async def test_a_reply_gives_up_after_a_few_attempts():
    bot = ScriptedBot(*[NetworkError("down")] * 10)
    sender, _ = sender_for(bot)
    with pytest.raises(NetworkError):
        await sender.send(1, REPLY, Priority.REPLY)
    assert len(bot.errors) == 10 - 4


async def test_403_marks_the_chat_gone_without_retrying():
    gone = []

    async def on_gone(chat_id, reason):
        gone.append((chat_id, reason))

    bot = ScriptedBot(Forbidden("Forbidden: bot was blocked by the user"))
    sender, sleeps = sender_for(bot, on_gone=on_gone)
    with pytest.raises(Undeliverable):
        await sender.send(7, REPLY, Priority.CRISIS)
    assert gone == [(7, "blocked")] and sleeps == []


async def test_chat_not_found_ends_that_chat():
    gone = []

    async def on_gone(chat_id, reason):
        gone.append(reason)

    sender, _ = sender_for(ScriptedBot(BadRequest("Chat not found")), on_gone=on_gone)
    with pytest.raises(Undeliverable):
        await sender.send(7, REPLY)
    assert gone == ["chat not found"]


async def test_a_migrated_group_gets_the_message_at_its_new_id():
    moved = []

    async def on_migrate(old, new):
        moved.append((old, new))

    bot = ScriptedBot(ChatMigrated(-100999))
    sender, _ = sender_for(bot, on_migrate=on_migrate)
    await sender.send(-5, REPLY)
    assert moved == [(-5, -100999)] and bot.sent[0][0] == -100999


async def test_html_telegram_cannot_parse_is_sent_as_plain_text():
    bot = ScriptedBot(BadRequest("Can't parse entities: unsupported start tag"))
    sender, _ = sender_for(bot)
    await sender.send(1, Reply(texts=("<b>bold</b> &amp; more",)), Priority.CRISIS)
    assert bot.sent[0][1] == "bold & more" and bot.sent[0][2]["parse_mode"] is None


def test_long_texts_are_cut_under_telegrams_limit():
    parts = split_long(("paragraph " * 50 + "\n\n") * 20)
    assert len(parts) > 1 and all(len(p) <= 4096 for p in parts)


async def test_the_broadcast_lane_waits_for_urgent_messages():
    order = []

    class SlowBot(ScriptedBot):
        async def send_message(self, chat_id, text, **kw):
            order.append(text)
            await asyncio.sleep(0.05)
            return await super().send_message(chat_id, text, **kw)

    sender = Sender(SlowBot())
    lane = BroadcastLane(sender, rate=1000)
    done = asyncio.Event()

    async def on_done(sent):
        done.set()

    urgent = asyncio.create_task(sender.send(1, Reply(texts=("crisis",)), Priority.CRISIS))
    await asyncio.sleep(0)
    lane.submit(2, Reply(texts=("check-in",)), on_done)
    lane.start()
    await urgent
    await asyncio.wait_for(done.wait(), 5)
    await lane.stop()
    assert order == ["crisis", "check-in"]


async def test_the_lane_queues_a_chat_only_once():
    lane = BroadcastLane(Sender(ScriptedBot()))

    async def on_done(sent):
        return None

    assert lane.submit(5, REPLY, on_done) is True
    assert lane.submit(5, REPLY, on_done) is False


async def through_the_lane(sender: Sender, chat_id: int) -> tuple[BroadcastLane, list[bool]]:
    """One check-in through a fast lane; returns the lane and what on_done was told."""
    lane = BroadcastLane(sender, rate=1000)
    results: list[bool] = []
    done = asyncio.Event()

    async def on_done(sent):
        results.append(sent)
        done.set()

    lane.submit(chat_id, Reply(texts=("check-in",)), on_done)
    lane.start()
    await asyncio.wait_for(done.wait(), 5)
    await lane.stop()
    return lane, results


async def test_a_429_pauses_the_lane_and_the_message_still_goes_once():
    bot = ScriptedBot(RetryAfter(1))
    lane, results = await through_the_lane(Sender(bot), 3)
    assert results == [True] and [chat for chat, _, _ in bot.sent] == [3]
    assert lane._paused_until > 0, "the whole lane paused for retry_after"


async def test_a_blocked_person_in_the_lane_is_reported_not_retried():
    gone = []

    async def on_gone(chat_id, reason):
        gone.append(chat_id)

    bot = ScriptedBot(Forbidden("Forbidden: bot was blocked by the user"))
    _, results = await through_the_lane(Sender(bot, on_gone=on_gone), 4)
    assert results == [False] and gone == [4] and bot.sent == []


# --- one table for Telegram's errors (issue 14) --------------------------------------------------------------

@pytest.mark.parametrize("error, fault", [
    (TimedOut(), Fault.RETRY_LATER),
    (NetworkError("Bad Gateway (502)"), Fault.RETRY_LATER),
    (RetryAfter(5), Fault.RETRY_AFTER),
    (ChatMigrated(-100999), Fault.MIGRATE),
    (Forbidden("Forbidden: bot was blocked by the user"), Fault.CHAT_GONE),
    (Forbidden("Forbidden: bot was kicked from the supergroup chat"), Fault.CHAT_GONE),
    (BadRequest("Chat not found"), Fault.CHAT_GONE),
    (BadRequest("Bad Request: not enough rights to send text messages to the chat"), Fault.NO_RIGHTS),
    (BadRequest("Bad Request: have no rights to send a message"), Fault.NO_RIGHTS),
    (Forbidden("Forbidden: CHAT_WRITE_FORBIDDEN"), Fault.NO_RIGHTS),
    (BadRequest("Bad Request: CHAT_WRITE_FORBIDDEN"), Fault.NO_RIGHTS),
    (BadRequest("Bad Request: message thread not found"), Fault.TOPIC_GONE),
    (BadRequest("Can't parse entities: unsupported start tag"), Fault.BAD_REQUEST),
    (BadRequest("Bad Request: message text is empty"), Fault.BAD_REQUEST),
])
def test_each_telegram_error_is_one_fault_of_the_table(error, fault):
    assert classify(error) == fault


async def test_no_rights_in_a_group_is_reported_once_and_never_retried():
    refused, gone = [], []

    async def on_no_rights(chat_id, reason):
        refused.append((chat_id, reason))

    async def on_gone(chat_id, reason):
        gone.append(chat_id)

    bot = ScriptedBot(BadRequest("Bad Request: not enough rights to send text messages to the chat"))
    sender, sleeps = sender_for(bot, on_no_rights=on_no_rights, on_gone=on_gone)
    with pytest.raises(Undeliverable) as caught:
        await sender.send(-5, REPLY, Priority.CRISIS)
    assert caught.value.fault == Fault.NO_RIGHTS
    assert refused == [(-5, "no rights")] and gone == [] and sleeps == [] and bot.sent == []


# --- forum topics: every part of a reply goes to the topic --------------------------------------------------

class PollingBot(ScriptedBot):
    async def send_poll(self, chat_id, question, options, **kw):
        self.sent.append((chat_id, question, kw))
        return await super().send_message(chat_id, question, **kw)


async def test_every_split_part_and_the_poll_go_to_the_topic():
    bot = PollingBot()
    sender, _ = sender_for(bot)
    long_text = ("paragraph " * 50 + "\n\n") * 20
    await sender.send(-100, Reply(texts=(long_text,), poll=("How are you?", ("Good", "Okay"))), reply_to=5,
                      thread_id=77)
    assert len(bot.sent) > 3
    assert all(kw.get("message_thread_id") == 77 for _, _, kw in bot.sent)
    assert bot.sent[0][2]["reply_parameters"] is not None


async def test_a_deleted_topic_gets_the_message_in_the_chat_itself():
    bot = ScriptedBot(BadRequest("Bad Request: message thread not found"))
    sender, _ = sender_for(bot)
    await sender.send(-100, REPLY, Priority.BROADCAST, thread_id=77)
    assert len(bot.sent) == 1 and "message_thread_id" not in bot.sent[0][2]


async def test_outside_topics_no_thread_is_sent():
    bot = ScriptedBot()
    sender, _ = sender_for(bot)
    await sender.send(-100, REPLY)
    assert "message_thread_id" not in bot.sent[0][2]


async def test_an_optional_call_that_fails_is_logged_by_type_and_not_raised(caplog):
    caplog.set_level("INFO", logger="bot.telegram.sender")

    async def refused():
        raise BadRequest("Bad Request: query is too old and response timeout expired or query ID is invalid")

    assert await optional(refused(), "button answer") is False
    assert "BadRequest" in caplog.text and "too old" not in caplog.text
