"""The application factory: python-telegram-bot wired to the brain, the store and the sender."""
from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats, Update
from telegram.request import BaseRequest
from telegram.ext import (Application, ApplicationBuilder, CallbackQueryHandler, ChatMemberHandler, MessageHandler,
                          filters)

from bot.config import Settings
from bot.flows import Flows
from bot.flows.commands import ADMIN, GROUP, PRIVATE, menu
from bot.respond import Brain
from bot.store import Store
from bot.telegram import groups, handlers, jobs
from bot.telegram.runtime import Runtime
from bot.telegram.sender import BroadcastLane, RecentlySent, Sender

log = logging.getLogger(__name__)

PRIVATE_CHATS = filters.ChatType.PRIVATE
GROUP_CHATS = filters.ChatType.GROUPS


def build_application(settings: Settings, brain: Brain, request: BaseRequest | None = None) -> Application:
    """An Application that talks to `settings.base_url`, answers updates concurrently, and sets itself up in
    post_init (store, sender, commands, the check-in job) so that start-up happens inside the running loop.

    `request` replaces the HTTP backend (the fuzz test answers in-process); production leaves it None.
    """
    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.base_url)
        .concurrent_updates(64)
        .post_init(lambda application: _post_init(application, settings, brain))
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    app = builder.build()
    add_handlers(app)
    return app


def add_handlers(app: Application) -> None:
    """Crisis-capable handlers for every kind of text; commands split by chat type."""
    app.add_handler(MessageHandler(PRIVATE_CHATS & filters.UpdateType.MESSAGE & filters.COMMAND,
                                   handlers.private_command))
    app.add_handler(MessageHandler(PRIVATE_CHATS & filters.UpdateType.MESSAGE & (filters.TEXT | filters.CAPTION),
                                   handlers.private_text))
    app.add_handler(MessageHandler(PRIVATE_CHATS & filters.UpdateType.EDITED_MESSAGE, handlers.private_text))
    app.add_handler(MessageHandler(PRIVATE_CHATS & filters.UpdateType.MESSAGE, handlers.private_other))
    app.add_handler(MessageHandler(GROUP_CHATS & filters.UpdateType.MESSAGES, groups.group_message))
    app.add_handler(MessageHandler(filters.UpdateType.CHANNEL_POSTS, groups.group_message))
    app.add_handler(CallbackQueryHandler(groups.alert_button, pattern=r"^ack:"))
    app.add_handler(CallbackQueryHandler(handlers.callback_query))
    app.add_handler(ChatMemberHandler(groups.my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_error_handler(handlers.on_error)


async def _post_init(app: Application, settings: Settings, brain: Brain) -> None:
    store = await Store.open(settings.database_path)
    bot_user = await app.bot.get_me()
    sender = Sender(app.bot)
    flows = Flows.build(brain, store, bot_username=bot_user.username, admin_user_ids=settings.admin_user_ids)
    lane = BroadcastLane(sender)
    rt = Runtime(settings=settings, brain=brain, store=store, sender=sender, lane=lane, flows=flows,
                 recently_sent=RecentlySent(lane.queued_chats), bot_username=bot_user.username, bot_id=bot_user.id)
    sender.on_gone = flows.membership.gone
    sender.on_no_rights = flows.membership.no_rights
    sender.on_migrate = lambda old, new: groups.chat_migrated(rt, old, new)
    app.bot_data["runtime"] = rt
    await _set_commands(app, brain)
    rt.lane.start()
    jobs.schedule(app, rt)
    log.info("bot started as @%s", bot_user.username)


async def _set_commands(app: Application, brain: Brain) -> None:
    """The command menus people see, from the command table; a failure is logged, not fatal (menus are a help)."""
    def commands(*scopes: str) -> list[BotCommand]:
        return [BotCommand(name, brain.texts(key)) for name, key in menu(*scopes)]

    try:
        await app.bot.set_my_commands(commands(PRIVATE), scope=BotCommandScopeAllPrivateChats())
        await app.bot.set_my_commands(commands(GROUP, ADMIN), scope=BotCommandScopeAllGroupChats())
    except Exception as exc:  # noqa: BLE001 - menus are a convenience
        log.warning("could not set the command menus: %s", type(exc).__name__)


async def _post_stop(app: Application) -> None:
    """Before the HTTP client closes: let check-ins already on the wire finish and be recorded."""
    rt: Runtime | None = app.bot_data.get("runtime")
    if rt is not None:
        await rt.lane.stop()


async def _post_shutdown(app: Application) -> None:
    rt: Runtime | None = app.bot_data.get("runtime")
    if rt is None:
        return
    await rt.lane.stop()
    await rt.store.close()
    log.info("bot stopped")


ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CHANNEL_POST, Update.EDITED_CHANNEL_POST,
                   Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]
