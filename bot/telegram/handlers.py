"""Private-chat handlers: translate an Update into a PrivateChats call and the Reply into messages. Nothing else."""
from __future__ import annotations

import logging
import traceback

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.reply import Reply
from bot.telegram.runtime import Runtime, runtime
from bot.telegram.sender import Priority, Undeliverable, optional
from bot.telegram.source import is_edit, message_text, private_fields, thread_of

log = logging.getLogger(__name__)


def split_command(text: str, bot_username: str | None) -> tuple[str | None, str]:
    """'/Start@MyBot payload' -> ('start', 'payload'); a command addressed to another bot -> (None, '')."""
    head, _, args = text.strip().partition(" ")
    name, _, target = head[1:].partition("@")
    if target and bot_username and target.lower() != bot_username.lower():
        return None, ""
    return name.lower(), args.strip()


def priority_of(reply: Reply) -> Priority:
    return Priority.CRISIS if reply.crisis is not None else Priority.REPLY


async def send_reply(rt: Runtime, chat_id: int, reply: Reply | None, *, reply_to: int | None = None,
                     thread_id: int | None = None) -> list[Message]:
    """Send a Reply with the priority it deserves (None or no texts: silence), in forum topic `thread_id` if
    given; an unreachable chat is logged by the sender, not raised."""
    if reply is None or not reply.texts:
        return []
    try:
        return await rt.sender.send(chat_id, reply, priority_of(reply), reply_to=reply_to, thread_id=thread_id)
    except Undeliverable:
        return []


async def answer_where(rt: Runtime, message: Message, reply: Reply | None, *,
                       reply_to: int | None = None) -> list[Message]:
    """Send a Reply to where `message` is: its chat and, in a forum, its topic (for a button press, the topic of
    the message the button is under)."""
    return await send_reply(rt, message.chat_id, reply, reply_to=reply_to, thread_id=thread_of(message))


async def private_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    message = update.effective_message
    name, args = split_command(message.text, rt.bot_username)
    if name is None:
        return
    reply = await rt.flows.private.on_command(update.effective_user.id, name, args, **private_fields(update))
    await answer_where(rt, message, reply)


async def private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Free text or a caption in a private chat, and edits of them: the whole decision path.

    An edit is answered only for a crisis, and only if this message was not already handled at that urgency.
    """
    rt = runtime(context)
    message = update.effective_message
    text = message_text(message)
    if text is None:
        if not is_edit(update):
            await answer_where(rt, message, rt.brain.texts.reply("non_text"))
        return
    reply = await rt.flows.private.on_text(update.effective_user.id, text, **private_fields(update))
    await answer_where(rt, message, reply)


async def callback_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button press: validated by the flows; forged or stale data gets a polite line, never an exception.

    Answering the press is optional (Telegram refuses it once the query is too old, e.g. after a restart): the
    work is already done by then, and the reply still goes out, to the topic the button is in.
    """
    rt = runtime(context)
    query = update.callback_query
    data = query.data or ""
    chat = query.message.chat if query.message else None
    private = chat is not None and chat.type == "private" and chat.id == query.from_user.id
    reply = await rt.flows.private.on_callback(query.from_user.id, data[:64], private=private)
    if reply is None:
        await optional(query.answer(rt.brain.texts("stale_button"), show_alert=False), "button answer")
        return
    await optional(query.answer(), "button answer")
    if chat is not None:
        await send_reply(rt, chat.id, reply, thread_id=thread_of(query.message))


async def private_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, voice notes, locations...: a short hint."""
    rt = runtime(context)
    await answer_where(rt, update.effective_message, rt.brain.texts.reply("non_text"))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The one error handler: the error's type and the update's kind, never its text; the bot carries on."""
    kind = "none"
    if isinstance(update, Update):
        kind = next((name for name in ("message", "edited_message", "channel_post", "edited_channel_post",
                                       "callback_query", "my_chat_member", "chat_member")
                     if getattr(update, name, None) is not None), "other")
    error = context.error
    frames = traceback.extract_tb(error.__traceback__) if error is not None else []
    where = f"{frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else "?"
    log.error("handler error %s at %s on a %s update", type(error).__name__, where, kind)
