"""Groups and channels, translated: Updates into GroupChats calls, Replies and alerts into sends. Admin rights are
checked with Telegram at the time of the command; everything else is decided in bot/flows."""
from __future__ import annotations

import asyncio
import logging

from telegram import Chat, ChatMember, ChatMemberUpdated, Message, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.flows.alerts import AlertMessage
from bot.respond import Source
from bot.telegram.handlers import answer_where, send_reply, split_command
from bot.telegram.runtime import Runtime, runtime
from bot.telegram.sender import Priority, Undeliverable, optional
from bot.telegram.source import group_source, message_text, replied_to

log = logging.getLogger(__name__)
ADMIN_STATUSES = (ChatMember.ADMINISTRATOR, ChatMember.OWNER)
PRESENT_STATUSES = (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.RESTRICTED)


# --- messages in groups and channels --------------------------------------------------------------------------


async def group_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every message, edit or channel post the bot can see: crisis first; then commands; answers only if addressed."""
    rt = runtime(context)
    message = update.effective_message
    if message.migrate_to_chat_id:
        await chat_migrated(rt, message.chat_id, message.migrate_to_chat_id)
        return
    text = message_text(message)
    if text is None:
        if message.new_chat_members and update.message is not None:
            only_bots = all(member.is_bot for member in message.new_chat_members)
            await answer_where(rt, message, await rt.flows.groups.welcome(message.chat_id, only_bots))
        return
    source = group_source(update, rt.bot_username, rt.bot_id)
    outcome = await rt.flows.groups.on_text(source, text)
    if outcome.reply.crisis is not None or source.edited or not text.startswith("/"):
        await deliver(rt, source, outcome.reply, outcome.page)
        return
    name, args = split_command(text, rt.bot_username)
    if name is None:
        return
    reply = await rt.flows.groups.on_command(source, name, args, is_admin=lambda: is_admin(rt, message),
                                             target=reply_target(message))
    await answer_where(rt, message, reply, reply_to=message.message_id)


async def deliver(rt: Runtime, source: Source, reply, page) -> None:
    """The reply to the message at once; responders are paged alongside, never ahead of it."""
    alerts = asyncio.create_task(page_responders(rt, source, page.category)) if page is not None else None
    await send_reply(rt, source.chat_id, reply, reply_to=source.message_id, thread_id=source.thread_id)
    if alerts is not None:
        await alerts


def reply_target(message: Message) -> tuple[int, str] | None:
    """The member an admin's command really replies to (for /responders add|remove), never a bot, and never the
    creator of the forum topic the command was written in."""
    replied = replied_to(message)
    if replied is None or replied.from_user is None or replied.from_user.is_bot:
        return None
    return replied.from_user.id, replied.from_user.full_name


async def is_admin(rt: Runtime, message: Message) -> bool:
    """Checked with Telegram now, not from a cache: admin rights change, and a stale 'yes' is a hole."""
    if message.chat.type == Chat.CHANNEL:
        return True  # only a channel's admins can post in it
    if message.sender_chat is not None and message.sender_chat.id == message.chat_id:
        return True  # an anonymous admin, writing as the group
    if message.from_user is None:
        return False
    try:
        member = await rt.sender.bot.get_chat_member(message.chat_id, message.from_user.id)
    except TelegramError as exc:
        log.warning("admin check failed (%s); refusing", type(exc).__name__)
        return False
    return member.status in ADMIN_STATUSES


# --- joining, leaving, migrating ------------------------------------------------------------------------------


async def my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Added: introduce the bot and say whether it can see crisis messages. Removed: stop posting there."""
    rt = runtime(context)
    change: ChatMemberUpdated = update.my_chat_member
    chat = change.chat
    membership = rt.flows.membership
    if chat.type == Chat.PRIVATE:
        if change.new_chat_member.status in (ChatMember.BANNED, ChatMember.MEMBER):
            await membership.person_reachable(chat.id, change.new_chat_member.status == ChatMember.MEMBER)
        return
    was_in = change.old_chat_member.status in PRESENT_STATUSES
    is_in = change.new_chat_member.status in PRESENT_STATUSES
    if is_in:
        await membership.joined(chat.id, chat.type)
    if is_in and not was_in and chat.type != Chat.CHANNEL:
        reply = rt.flows.groups.introduction(
            is_admin=change.new_chat_member.status == ChatMember.ADMINISTRATOR,
            reads_all=bool(getattr(rt.sender.bot, "can_read_all_group_messages", False)))
        await send_reply(rt, chat.id, reply)
    elif was_in and not is_in:
        await membership.left(chat.id)
        log.info("removed from a %s; its posts are stopped", chat.type)


async def chat_migrated(rt: Runtime, old_id: int, new_id: int) -> None:
    """A group became a supergroup: everything it set moves to the new id."""
    await rt.flows.membership.migrated(old_id, new_id)
    log.info("group settings moved to its new supergroup id")


# --- peer responders: the flows decide, this only sends ---------------------------------------------------------


async def page_responders(rt: Runtime, source: Source, category: str) -> None:
    """Private alerts with an "I'm on it" button to the group's responders (never the author)."""
    try:
        messages = await rt.flows.alerts.create(source, category)
        await asyncio.gather(*(send_alert(rt, item) for item in messages))
    except Exception:  # alerts must never break the crisis reply path
        log.exception("responder alerts failed")


async def send_alert(rt: Runtime, item: AlertMessage) -> None:
    try:
        sent = await rt.sender.send(item.user_id, item.reply, Priority.CRISIS)
    except (Undeliverable, TelegramError):
        return
    if sent:
        await rt.flows.alerts.delivered(item.alert_id, item.user_id, sent[-1].message_id)


async def alert_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "I'm on it": answered for the presser, and the other responders told who took it (even when Telegram no
    longer takes the answer to the press: the acknowledgement is stored by then)."""
    rt = runtime(context)
    query = update.callback_query
    ack = await rt.flows.alerts.acknowledge(query.data, query.from_user.id, query.from_user.full_name)
    await optional(query.answer(ack.answer), "button answer")
    for user_id, note in ack.notes:
        try:
            await rt.sender.send(user_id, note, Priority.REPLY)
        except (Undeliverable, TelegramError):
            continue


async def escalation_tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Alerts nobody acknowledged in 10 minutes go to the group's admins who have started the bot."""
    rt: Runtime = context.application.bot_data["runtime"]
    for alert in await rt.flows.alerts.overdue():
        await escalate(rt, alert)


async def escalate(rt: Runtime, alert) -> None:
    bot = rt.sender.bot
    try:
        chat = await bot.get_chat(alert.chat_id)
        admins = await bot.get_chat_administrators(alert.chat_id)
    except TelegramError as exc:
        log.warning("could not escalate an alert: %s", type(exc).__name__)
        return
    messages = await rt.flows.alerts.escalation(alert, chat.title, chat.username,
                                                [(admin.user.id, admin.user.is_bot) for admin in admins])
    for item in messages:
        await send_alert(rt, item)
