"""The adapter resolves who wrote a group or channel message in one place (bot/telegram/source.py)."""
from telegram import Message

from bot.telegram.source import SERVICE_ACCOUNT_ID, author_of

GROUP = {"id": -100123, "type": "supergroup", "title": "Circle"}
CHANNEL = {"id": -100555, "type": "channel", "title": "News"}


def message(chat, **fields):
    return Message.de_json({"message_id": 1, "date": 0, "chat": chat, "text": "hi", **fields}, None)


def test_a_member_is_a_person():
    author = author_of(message(GROUP, **{"from": {"id": 12, "is_bot": False, "first_name": "Sam"}}))
    assert (author.kind, author.id, author.name) == ("person", 12, "Sam")


def test_an_anonymous_admin_is_the_group():
    anonymous = {"id": 1087968824, "is_bot": True, "first_name": "Group", "username": "GroupAnonymousBot"}
    author = author_of(message(GROUP, sender_chat=GROUP, **{"from": anonymous}))
    assert (author.kind, author.id) == ("group", GROUP["id"])


def test_a_linked_channels_automatic_forward_is_the_channel_never_the_service_account():
    service = {"id": SERVICE_ACCOUNT_ID, "is_bot": False, "first_name": "Telegram"}
    author = author_of(message(GROUP, sender_chat=CHANNEL, is_automatic_forward=True, **{"from": service}))
    assert (author.kind, author.id, author.name) == ("channel", CHANNEL["id"], "News")
    assert not author_of(message(GROUP, **{"from": service})).is_person


def test_a_channel_post_is_the_channel():
    assert author_of(message(CHANNEL, sender_chat=CHANNEL)).kind == "channel"
