"""Webhook mode: updates posted with the secret are answered, others are refused; /healthz answers."""
from __future__ import annotations

import asyncio
import json
import socket
from dataclasses import replace

import aiohttp

from bot.telegram.app import build_application
from bot.telegram.webhook import serve_webhook
from tests.fakebotapi import message_update, private_chat, user


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_webhook_checks_the_secret_and_serves_health(settings, brain, fake_api):
    port = free_port()
    settings = replace(settings, webhook_url="https://bot.example.org/tg/hook", webhook_secret="s3cret-Value_1",
                       port=port)
    app = build_application(settings, brain)
    stop = asyncio.Event()
    server = asyncio.create_task(serve_webhook(app, settings, stop))
    try:
        registered = await fake_api.wait_for(lambda c: c.method == "setWebhook", timeout=10)
        assert registered.params["url"] == "https://bot.example.org/tg/hook"
        assert registered.params["secret_token"] == "s3cret-Value_1"
        base = f"http://127.0.0.1:{port}"
        update = {"update_id": 1, **message_update(private_chat(61), "/start", user(61))}
        async with aiohttp.ClientSession() as http:
            for _ in range(50):
                try:
                    async with http.get(f"{base}/healthz") as health:
                        if health.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    pass
                await asyncio.sleep(0.1)
            assert health.status == 200
            async with http.post(f"{base}/tg/hook", data=json.dumps(update)) as refused:
                assert refused.status == 403
            async with http.post(f"{base}/tg/hook", data=json.dumps(update),
                                 headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}) as refused:
                assert refused.status == 403
            assert not fake_api.sent_texts(61), "a refused update is never processed"
            async with http.post(f"{base}/tg/hook", data=json.dumps(update),
                                 headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-Value_1"}) as accepted:
                assert accepted.status == 200
        call = await fake_api.wait_for_message(61, "recovery companion")
        assert call is not None
    finally:
        stop.set()
        await asyncio.wait_for(server, 20)
