"""A small fake Telegram Bot API server on 127.0.0.1, so the real Application runs exactly as in production.

python-telegram-bot POSTs form-encoded parameters (JSON-encoded for objects such as reply_markup) to
`{base_url}{token}/{method}`. This server answers the methods the bot uses, records every call, holds getUpdates
open like Telegram's long poll, and can be told to fail the next calls with real HTTP statuses.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field

from aiohttp import web
from telegram.request import BaseRequest

BOT_ID = 700000001
BOT_USERNAME = "RecoveryTestBot"


@dataclass
class Call:
    method: str
    params: dict
    at: float
    ok: bool = True  # False when the server answered it with a scripted failure


@dataclass
class Failure:
    status: int
    description: str
    parameters: dict | None = None


@dataclass
class FakeBotApi:
    token: str = "123456:TEST-token-never-logged"
    calls: list[Call] = field(default_factory=list)
    chat_members: dict = field(default_factory=dict)  # (chat_id, user_id) -> status
    chats: dict = field(default_factory=dict)  # chat_id -> chat dict (type, title)
    can_read_all_group_messages: bool = False
    send_delay: float = 0.0  # seconds each sendMessage takes, like a slow network

    def __post_init__(self):
        self._updates: list[dict] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._failures: dict[str, list[Failure]] = {}
        self._refusals: dict[int, Failure] = {}
        self._new_update = asyncio.Event()
        self._new_call = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- life cycle ---------------------------------------------------------------------------------------------

    async def start(self) -> "FakeBotApi":
        app = web.Application(client_max_size=10 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        self._new_update.set()
        if self._runner:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    # --- scripting ----------------------------------------------------------------------------------------------

    def fail_next(self, method: str, status: int, description: str = "", parameters: dict | None = None,
                  times: int = 1) -> None:
        """The next `times` calls of `method` answer with this HTTP status (after the ones already queued)."""
        self._failures.setdefault(method, []).extend([Failure(status, description or f"error {status}",
                                                              parameters)] * times)

    def refuse_chat(self, chat_id: int, status: int, description: str) -> None:
        """Every send to this chat fails with this status from now on, as Telegram does for a lasting refusal."""
        self._refusals[int(chat_id)] = Failure(status, description)

    def push_update(self, update: dict) -> int:
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, **update})
        self._new_update.set()
        return update_id

    def calls_to(self, method: str, chat_id: int | None = None) -> list[Call]:
        return [c for c in self.calls if c.method == method
                and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))]

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        return [c.params.get("text", "") for c in self.calls_to("sendMessage", chat_id)]

    async def wait_for(self, predicate, timeout: float = 10.0) -> Call:
        """The first recorded call (past or future) for which predicate(call) is true; fails after timeout."""
        deadline = time.monotonic() + timeout
        while True:
            for call in self.calls:
                if predicate(call):
                    return call
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no matching call within {timeout}s; calls: "
                                     f"{[(c.method, c.params.get('chat_id')) for c in self.calls][-20:]}")
            self._new_call.clear()
            try:
                await asyncio.wait_for(self._new_call.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    async def wait_for_message(self, chat_id: int, contains: str = "", timeout: float = 10.0,
                               after: int = 0) -> Call:
        """The first delivered sendMessage to chat_id (from call number `after` on) containing `contains`."""
        return await self.wait_for(
            lambda c: c.method == "sendMessage" and c.ok and str(c.params.get("chat_id")) == str(chat_id)
            and contains.lower() in c.params.get("text", "").lower() and self.calls.index(c) >= after,
            timeout,
        )

    # --- HTTP ---------------------------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        status, body = await self.answer(request.match_info["method"], await self._params(request))
        return web.json_response(body, status=status)

    async def answer(self, method: str, params: dict) -> tuple[int, dict]:
        """Record the call and answer it (a scripted failure first, if one is queued): (HTTP status, body)."""
        failures = self._failures.get(method)
        failure = failures.pop(0) if failures else None
        if failure is None and method.startswith("send") and str(params.get("chat_id", "")).lstrip("-").isdigit():
            failure = self._refusals.get(int(params["chat_id"]))
        if method != "getUpdates":
            self.calls.append(Call(method, params, time.monotonic(), ok=failure is None))
            self._new_call.set()
        if failure is not None:
            body = {"ok": False, "error_code": failure.status, "description": failure.description}
            if failure.parameters:
                body["parameters"] = failure.parameters
            return failure.status, body
        handler = getattr(self, f"_m_{method}", None)
        result = await handler(params) if handler else True
        return 200, {"ok": True, "result": result}

    @staticmethod
    async def _params(request: web.Request) -> dict:
        if request.content_type == "application/json":
            return await request.json()
        return decode_form(dict(await request.post()))

    # --- methods ------------------------------------------------------------------------------------------------

    def bot_user(self) -> dict:
        return {"id": BOT_ID, "is_bot": True, "first_name": "Recovery Companion", "username": BOT_USERNAME,
                "can_join_groups": True, "can_read_all_group_messages": self.can_read_all_group_messages,
                "supports_inline_queries": False}

    async def _m_getMe(self, params):
        return self.bot_user()

    async def _m_getUpdates(self, params):
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        while True:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if self._updates or time.monotonic() >= deadline:
                return self._updates[:100]
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), max(0.0, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                pass

    def chat(self, chat_id) -> dict:
        chat_id = int(chat_id)
        if chat_id in self.chats:
            return {"id": chat_id, **self.chats[chat_id]}
        return {"id": chat_id, "type": "private", "first_name": "Person"} if chat_id > 0 else \
            {"id": chat_id, "type": "supergroup", "title": "Group"}

    def _message(self, params, **extra) -> dict:
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": self.chat(params["chat_id"]), "from": self.bot_user(), **extra}
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message

    async def _m_sendMessage(self, params):
        if self.send_delay:
            await asyncio.sleep(self.send_delay)
        return self._message(params, text=params.get("text", ""))

    async def _m_sendPoll(self, params):
        return self._message(params, poll={"id": "1", "question": params.get("question", ""), "options": [],
                                           "total_voter_count": 0, "is_closed": False, "is_anonymous": True,
                                           "type": "regular", "allows_multiple_answers": False})

    async def _m_editMessageText(self, params):
        return self._message(params, text=params.get("text", "")) if params.get("chat_id") else True

    async def _m_getChatMember(self, params):
        key = (int(params["chat_id"]), int(params["user_id"]))
        status = self.chat_members.get(key, "member")
        user = {"id": int(params["user_id"]), "is_bot": False, "first_name": "Member"}
        member = {"status": status, "user": user}
        if status == "administrator":
            member.update(can_be_edited=False, is_anonymous=False, can_manage_chat=True, can_delete_messages=True,
                          can_manage_video_chats=True, can_restrict_members=True, can_promote_members=False,
                          can_change_info=True, can_invite_users=True, can_post_stories=False,
                          can_edit_stories=False, can_delete_stories=False)
        if status == "creator":
            member.update(is_anonymous=False)
        return member

    async def _m_getChatAdministrators(self, params):
        chat_id = int(params["chat_id"])
        admins = []
        for (cid, uid), status in self.chat_members.items():
            if cid == chat_id and status in ("administrator", "creator"):
                admins.append(await self._m_getChatMember({"chat_id": cid, "user_id": uid}))
        return admins

    async def _m_getChat(self, params):
        chat = self.chat(params["chat_id"])
        chat.setdefault("accent_color_id", 0)
        chat.setdefault("max_reaction_count", 11)
        return chat


def decode_form(form: dict) -> dict:
    """Form values as python-telegram-bot sends them: objects (reply_markup, scope...) are JSON-encoded."""
    params = {}
    for key, value in form.items():
        if isinstance(value, str) and value[:1] in "{[":
            try:
                value = json.loads(value)
            except ValueError:
                pass
        params[key] = value
    return params


class InProcessRequest(BaseRequest):
    """A python-telegram-bot request backend that answers from a FakeBotApi without any socket: for the fuzz
    test, which pushes thousands of updates through the real Application."""

    def __init__(self, api: FakeBotApi):
        self.api = api

    @property
    def read_timeout(self):
        return 5.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(self, url, method, request_data=None, read_timeout=None, write_timeout=None,
                         connect_timeout=None, pool_timeout=None):
        params = decode_form(request_data.json_parameters) if request_data else {}
        status, body = await self.api.answer(url.rsplit("/", 1)[1], params)
        return status, json.dumps(body).encode()


_update_ids = itertools.count(1)


def user(user_id: int, first_name: str = "Sam") -> dict:
    return {"id": user_id, "is_bot": False, "first_name": first_name}


def message_update(chat: dict, text: str | None, sender: dict | None, *, message_id: int | None = None,
                   entities: list | None = None, reply_to: dict | None = None, edited: bool = False,
                   extra: dict | None = None) -> dict:
    """An update carrying a message; a text starting with '/' gets its bot_command entity, as Telegram adds."""
    message = {"message_id": message_id or next(_update_ids), "date": int(time.time()), "chat": chat}
    if sender is not None:
        message["from"] = sender
    if text is not None:
        message["text"] = text
        if entities is None and text.startswith("/"):
            entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if entities:
            message["entities"] = entities
    if reply_to is not None:
        message["reply_to_message"] = reply_to
    if extra:
        message.update(extra)
    kind = "edited_message" if edited else ("channel_post" if chat.get("type") == "channel" else "message")
    return {kind: message}


def private_chat(user_id: int) -> dict:
    return {"id": user_id, "type": "private", "first_name": "Sam"}


def group_chat(chat_id: int, title: str = "Recovery Circle", kind: str = "supergroup") -> dict:
    return {"id": chat_id, "type": kind, "title": title}


def callback_update(sender: dict, data: str, message: dict | None = None, chat: dict | None = None) -> dict:
    chat = chat or private_chat(sender["id"])
    message = message or {"message_id": 1, "date": int(time.time()), "chat": chat, "text": "earlier"}
    return {"callback_query": {"id": str(next(_update_ids)), "from": sender, "chat_instance": "ci",
                               "data": data, "message": message}}
