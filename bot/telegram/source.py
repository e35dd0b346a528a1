"""Translating a Telegram message into the brain's Source: where it comes from and who wrote it, in one place."""
from __future__ import annotations

from telegram import Chat, MaybeInaccessibleMessage, Message, Update

from bot.respond import Author, Source

SERVICE_ACCOUNT_ID = 777000  # "Telegram": posts a linked channel's automatic forwards; never a person


def author_of(message: Message) -> Author:
    """Who wrote a group or channel message.

    `sender_chat` wins when present: the group itself for an anonymous admin, otherwise a channel (a post, a
    linked channel's automatic forward, or a member writing as their channel). Telegram's service account is
    never a person, even without a sender_chat.
    """
    chat = message.chat
    sender_chat = message.sender_chat
    if chat.type == Chat.CHANNEL:
        return Author("channel", chat.id, chat.title or "")
    if sender_chat is not None:
        kind = "group" if sender_chat.id == chat.id else "channel"
        return Author(kind, sender_chat.id, sender_chat.title or "")
    user = message.from_user
    if user is None or user.id == SERVICE_ACCOUNT_ID or message.is_automatic_forward:
        return Author("channel", user.id if user else chat.id, "")
    return Author("person", user.id, user.full_name)


def message_text(message: Message) -> str | None:
    """The words of a message: its text, or the caption of a photo, video or document."""
    return message.text if message.text is not None else message.caption


def thread_of(message: MaybeInaccessibleMessage | None) -> int | None:
    """The forum topic a message is in, so an answer goes to the same topic; None outside topics (and in a
    forum's General topic, where messages carry no thread)."""
    if message is None or not getattr(message, "is_topic_message", False):
        return None
    return message.message_thread_id


def replied_to(message: Message) -> Message | None:
    """The message this one really replies to, or None.

    In a forum topic every message carries the topic's root (the service message that created the topic) as
    `reply_to_message`; that is where the message was written, not a reply to anyone.
    """
    replied = message.reply_to_message
    if replied is None or replied.forum_topic_created is not None:
        return None
    if message.is_topic_message and replied.message_id == message.message_thread_id:
        return None
    return replied


def is_addressed(message: Message, bot_username: str | None, bot_id: int | None) -> bool:
    """A mention of the bot, or a real reply to one of its messages (commands are handled apart)."""
    replied = replied_to(message)
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return True
    text = message_text(message) or ""
    return bool(bot_username) and f"@{bot_username.lower()}" in text.lower()


def is_edit(update: Update) -> bool:
    return update.edited_message is not None or update.edited_channel_post is not None


def language_of(update: Update) -> str | None:
    user = update.effective_user
    return user.language_code if user is not None else None


def private_fields(update: Update) -> dict:
    """What a private message adds to the person's Source: which message, whether an edit, their language."""
    return {"message_id": update.effective_message.message_id, "edited": is_edit(update),
            "language_hint": language_of(update)}


def group_source(update: Update, bot_username: str | None, bot_id: int | None) -> Source:
    """A group or channel message as a Source (country and recent crisis are added by the flows)."""
    message = update.effective_message
    text = message_text(message) or ""
    chat = message.chat
    return Source(
        chat_type=chat.type,
        chat_id=chat.id,
        message_id=message.message_id,
        thread_id=thread_of(message),
        edited=is_edit(update),
        addressed=not text.startswith("/") and is_addressed(message, bot_username, bot_id),
        author=author_of(message),
        bot_username=bot_username,
        language_hint=language_of(update),
        chat_title=chat.title,
        chat_username=chat.username,
    )
