"""Groups and channels: quiet unless addressed, a crisis reply to the person's own message, admin-only settings
checked with Telegram at the time of the command, and private alerts to the group's peer responders."""
from __future__ import annotations

import asyncio
import html
import logging
from datetime import datetime, timezone

from telegram import Chat, ChatMember, ChatMemberUpdated, Message, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.reply import Button, Reply
from bot.respond import Person
from bot.telegram.handlers import message_text, send_reply, split_command
from bot.telegram.runtime import Runtime, runtime
from bot.telegram.sender import Priority, Undeliverable

log = logging.getLogger(__name__)
UTC = timezone.utc
ADMIN_STATUSES = (ChatMember.ADMINISTRATOR, ChatMember.OWNER)
PRESENT_STATUSES = (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.RESTRICTED)
ESCALATE_AFTER_MINUTES = 10
ALERT_KEEP_HOURS = 24
ADMIN_COMMANDS = ("groupsettings", "groupcheckin", "responders")
PUBLIC_COMMANDS = ("sos", "crisis", "help", "topics", "start")


def is_addressed(message: Message, bot_username: str | None, bot_id: int | None) -> bool:
    """A mention of the bot, or a reply to one of its messages (commands are handled before this)."""
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return True
    text = message_text(message) or ""
    return bool(bot_username) and f"@{bot_username.lower()}" in text.lower()


def without_mention(text: str, bot_username: str | None) -> str:
    if not bot_username:
        return text
    lowered, mention = text.lower(), f"@{bot_username.lower()}"
    at = lowered.find(mention)
    return (text[:at] + text[at + len(mention):]).strip() if at >= 0 else text


async def group_person(rt: Runtime, chat: Chat, memory_key: object = None) -> Person:
    """The group as the brain sees it: its country, and the crisis handed to `memory_key` in the last minutes."""
    group = await rt.store.get_group(chat.id)
    recent = rt.conversations.crisis_memory.recent(memory_key) if memory_key is not None else None
    return Person(user_id=None, country=group.country if group else None, chat_type=chat.type,
                  recent_crisis=recent, bot_username=rt.bot_username)


# --- messages in groups ---------------------------------------------------------------------------------------


async def group_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every message in a group the bot can see. Crisis first; then commands; then answers only if addressed."""
    rt = runtime(context)
    message = update.effective_message
    if message.migrate_to_chat_id:
        await chat_migrated(rt, message.chat_id, message.migrate_to_chat_id)
        return
    text = message_text(message)
    if text is not None and await group_crisis(rt, message, text):
        return
    if update.edited_message is not None:
        return  # edits are checked for crisis only
    if message.new_chat_members:
        await welcome(rt, message)
        return
    if text is None:
        return
    if text.startswith("/"):
        await group_command(rt, message, text)
    elif is_addressed(message, rt.bot_username, rt.bot_id):
        question = without_mention(text, rt.bot_username)
        reply = rt.brain.answer(question)
        await send_reply(rt, message.chat_id, reply, reply_to=message.message_id)


async def channel_post(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Channel posts come from the channel's admins: the same admin commands work; a crisis gets its reply."""
    rt = runtime(context)
    message = update.effective_message
    text = message_text(message)
    if text is None:
        return
    if await group_crisis(rt, message, text):
        return
    if update.channel_post is not None and text.startswith("/"):
        await group_command(rt, message, text)


async def group_crisis(rt: Runtime, message: Message, text: str) -> bool:
    """If the text is a crisis: reply to it with the group's lines at once, then alert the responders."""
    crisis = rt.brain.detect(text)
    if crisis is None:
        return False
    author = message.from_user
    memory_key = (message.chat_id, author.id if author else message.sender_chat and message.sender_chat.id)
    reply = rt.brain.crisis(crisis, await group_person(rt, message.chat, memory_key))
    alerts = asyncio.create_task(alert_responders(rt, message, crisis.category))
    await send_reply(rt, message.chat_id, reply, reply_to=message.message_id)
    await rt.conversations.record_crisis(memory_key, crisis, "channel" if message.chat.type == Chat.CHANNEL
                                         else "group")
    await alerts
    return True


async def welcome(rt: Runtime, message: Message) -> None:
    group = await rt.store.get_group(message.chat_id)
    if group is None or not group.welcome:
        return
    if all(member.is_bot for member in message.new_chat_members):
        return
    await send_reply(rt, message.chat_id, Reply(texts=(
        "Welcome. This is a peer-support space. I'm the group's bot: mention me with a question, or send /sos for "
        "helplines at any time. Talk to me privately for your own check-ins.",)))


# --- commands and admin rights --------------------------------------------------------------------------------


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


async def group_command(rt: Runtime, message: Message, text: str) -> None:
    name, args = split_command(text, rt.bot_username)
    if name is None:
        return
    chat = message.chat
    if name in ADMIN_COMMANDS:
        if not await is_admin(rt, message):
            await send_reply(rt, chat.id, Reply(texts=("Only this group's admins can change my settings.",)),
                             reply_to=message.message_id)
            return
        reply = await admin_command(rt, message, name, args)
    elif name in PUBLIC_COMMANDS:
        reply = await public_command(rt, message, name)
    elif name in ("checkin", "sober", "mydata", "deletemydata", "country", "timezone", "privacy", "stats"):
        reply = Reply(texts=(rt.brain.messages["private_only"],),
                      buttons=((Button("Open a private chat", url=f"https://t.me/{rt.bot_username}"),),)
                      if rt.bot_username else ())
    else:
        return  # other bots' commands are not ours to answer
    await send_reply(rt, chat.id, reply, reply_to=message.message_id)


async def public_command(rt: Runtime, message: Message, name: str) -> Reply:
    if name in ("sos", "crisis"):
        return rt.brain.sos(await group_person(rt, message.chat))
    if name == "topics":
        return rt.brain.topics_menu()
    return rt.brain.message("group_help")


async def admin_command(rt: Runtime, message: Message, name: str, args: str) -> Reply:
    settings = rt.group_settings
    chat = message.chat
    if name == "groupsettings":
        return await settings.settings(chat.id, chat.type, args)
    if name == "groupcheckin":
        return await settings.checkin(chat.id, chat.type, args, datetime.now(UTC))
    target, started = None, False
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and not replied.from_user.is_bot:
        target = (replied.from_user.id, replied.from_user.full_name)
        started = await rt.store.person_exists(replied.from_user.id)
    return await settings.responders(chat.id, chat.type, args, target, started)


# --- joining, leaving, migrating ------------------------------------------------------------------------------


async def my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Added: introduce the bot and say whether it can see crisis messages. Removed: stop posting there."""
    rt = runtime(context)
    change: ChatMemberUpdated = update.my_chat_member
    chat = change.chat
    if chat.type == Chat.PRIVATE:
        if change.new_chat_member.status == ChatMember.BANNED:
            await rt.store.mark_person_inactive(chat.id, "blocked")
        elif change.new_chat_member.status == ChatMember.MEMBER:
            await rt.store.reactivate_person(chat.id)
        return
    was_in = change.old_chat_member.status in PRESENT_STATUSES
    is_in = change.new_chat_member.status in PRESENT_STATUSES
    if is_in:
        await rt.store.upsert_group(chat.id, chat.type)
    if is_in and not was_in and chat.type != Chat.CHANNEL:
        await send_reply(rt, chat.id, Reply(texts=(introduction(rt, change),)))
    elif was_in and not is_in:
        await rt.store.deactivate_group(chat.id)
        log.info("removed from a %s; its posts are stopped", chat.type)


def introduction(rt: Runtime, change: ChatMemberUpdated) -> str:
    """What the bot is, privacy in one line, who sets it up, and whether it can notice crisis messages now."""
    can_read_all = bool(getattr(rt.sender.bot, "can_read_all_group_messages", False))
    is_admin_now = change.new_chat_member.status == ChatMember.ADMINISTRATOR
    if is_admin_now or can_read_all:
        sight = ("I can see messages here (I'm " + ("an admin" if is_admin_now else "set to read all messages")
                 + "), so I'll answer anyone who writes that they're in danger with helplines, quietly.")
    else:
        sight = ("Right now I only see commands and messages that mention me or reply to me. To notice crisis "
                 "messages that don't mention me, an admin should make me an admin here, or turn privacy mode off "
                 "for me in @BotFather (Bot Settings > Group Privacy) and add me again.")
    return ("Hello, I'm a recovery companion bot. I stay quiet unless you mention me, reply to me or use a command. "
            "/sos shows helplines; /topics has guidance on recovery.\n\n"
            "Privacy: I never store what anyone writes here, and I never post anything personal in the group.\n\n"
            f"{sight}\n\nAdmins: set me up with /groupsettings (country, daily check-in post, peer responders).")


async def chat_migrated(rt: Runtime, old_id: int, new_id: int) -> None:
    """A group became a supergroup: everything it set moves to the new id."""
    await rt.store.migrate_group(old_id, new_id)
    log.info("group settings moved to its new supergroup id")


# --- peer responders --------------------------------------------------------------------------------------------


def message_link(chat: Chat, message_id: int) -> str | None:
    """A t.me link to a message: public groups by username, private supergroups by their internal id."""
    if chat.username:
        return f"https://t.me/{chat.username}/{message_id}"
    text_id = str(chat.id)
    if text_id.startswith("-100"):
        return f"https://t.me/c/{text_id[4:]}/{message_id}"
    return None  # basic groups have no message links


def alert_text(chat: Chat, category: str, author_name: str, author_id: int | None, link: str | None,
               escalated: bool = False) -> str:
    """A responder alert: where, what kind, who; a link to the message, never its text."""
    who = (f'<a href="tg://user?id={author_id}">{html.escape(author_name)}</a>' if author_id
           else html.escape(author_name))
    where = f'<a href="{link}">their message</a>' if link else "the group"
    lead = ("No responder has answered this alert in 10 minutes, so I'm telling the group's admins."
            if escalated else "Someone may need help now.")
    return (f"<b>{lead}</b>\nGroup: {html.escape(chat.title or 'a group')}\nWhat: {category.replace('_', ' ')}\n"
            f"Who: {who}\nSee {where}. I have already replied there with helplines.\n\n"
            "If you can, reach out to them. If life is at risk, call the emergency number.")


async def alert_responders(rt: Runtime, message: Message, category: str) -> None:
    """Private alerts with an "I'm on it" button to every responder of the group (never the author)."""
    try:
        responders = await rt.store.responders(message.chat_id)
        author = message.from_user
        targets = [r for r in responders if not author or r.user_id != author.id]
        if not targets:
            return
        alert_id = await rt.store.create_alert(message.chat_id, message.message_id, author.id if author else None,
                                               category, int(datetime.now(UTC).timestamp()))
        name = author.full_name if author else (message.sender_chat.title if message.sender_chat else "someone")
        text = alert_text(message.chat, category, name, author.id if author else None,
                          message_link(message.chat, message.message_id))
        await asyncio.gather(*(send_alert(rt, alert_id, r.user_id, text) for r in targets))
    except Exception:  # alerts must never break the crisis reply path
        log.exception("responder alerts failed")


async def send_alert(rt: Runtime, alert_id: int, user_id: int, text: str) -> None:
    reply = Reply(texts=(text,), buttons=((Button("I'm on it", callback=f"ack:{alert_id}"),),))
    try:
        sent = await rt.sender.send(user_id, reply, Priority.CRISIS)
    except (Undeliverable, TelegramError):
        return
    if sent:
        await rt.store.record_alert_message(alert_id, user_id, sent[-1].message_id)


async def alert_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The first responder to press "I'm on it" is shown to the others; only people the alert went to may press."""
    rt = runtime(context)
    query = update.callback_query
    value = query.data.removeprefix("ack:")
    alert = await rt.store.get_alert(int(value)) if value.isdigit() and len(value) < 12 else None
    recipients = dict(await rt.store.alert_messages(alert.alert_id)) if alert else {}
    presser = query.from_user
    if alert is None or presser.id not in recipients:
        await query.answer(rt.brain.messages["stale_button"])
        return
    if not await rt.store.acknowledge_alert(alert.alert_id, presser.id):
        await query.answer("Someone is already on it. Thank you.")
        return
    await query.answer("Thank you. The others will know you're on it.")
    note = Reply(texts=(f"{html.escape(presser.full_name)} is on it (the alert from a few minutes ago).",))
    for user_id in recipients:
        if user_id != presser.id:
            try:
                await rt.sender.send(user_id, note, Priority.REPLY)
            except (Undeliverable, TelegramError):
                continue


async def escalation_tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Alerts nobody acknowledged in 10 minutes go to the group's admins who have started the bot."""
    rt: Runtime = context.application.bot_data["runtime"]
    now = datetime.now(UTC)
    for alert in await rt.store.unacknowledged_alerts(int(now.timestamp()) - ESCALATE_AFTER_MINUTES * 60):
        if not await rt.store.mark_alert_escalated(alert.alert_id):
            continue
        await escalate(rt, alert)
    await rt.store.prune_alerts(int(now.timestamp()) - ALERT_KEEP_HOURS * 3600)


async def escalate(rt: Runtime, alert) -> None:
    bot = rt.sender.bot
    try:
        chat = await bot.get_chat(alert.chat_id)
        admins = await bot.get_chat_administrators(alert.chat_id)
    except TelegramError as exc:
        log.warning("could not escalate an alert: %s", type(exc).__name__)
        return
    already = dict(await rt.store.alert_messages(alert.alert_id))
    text = alert_text(chat, alert.category, "the person who wrote", None,
                      message_link(chat, alert.message_id), escalated=True)
    for admin in admins:
        user = admin.user
        if user.is_bot or user.id in already or user.id == alert.author_id:
            continue
        if await rt.store.person_exists(user.id):
            await send_alert(rt, alert.alert_id, user.id, text)
