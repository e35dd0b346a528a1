"""Webhook mode: Telegram posts updates to WEBHOOK_URL; a health endpoint answers the operator's load balancer.

python-telegram-bot's own `run_webhook` has no room for a health route, so this is the custom-server pattern from
its docs: a small tornado app (tornado comes with the `webhooks` extra) that checks the secret token header and
puts each update on the application's queue.
"""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
from urllib.parse import urlsplit

import tornado.web
from telegram import Update
from telegram.ext import Application

from bot.config import Settings
from bot.telegram.app import ALLOWED_UPDATES

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"


class UpdateHandler(tornado.web.RequestHandler):
    def initialize(self, app: Application, secret: str) -> None:
        self.app = app
        self.secret = secret

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            self.set_status(403)
            return
        try:
            update = Update.de_json(json.loads(self.request.body), self.app.bot)
        except (ValueError, TypeError, KeyError):
            self.set_status(400)
            return
        await self.app.update_queue.put(update)
        self.set_status(200)

    def log_exception(self, typ, value, tb) -> None:  # no request bodies in logs
        log.error("webhook request failed: %s", typ.__name__ if typ else "?")


class HealthHandler(tornado.web.RequestHandler):
    def initialize(self, app: Application) -> None:
        self.app = app

    def get(self) -> None:
        ok = self.app.running
        self.set_status(200 if ok else 503)
        self.write({"ok": ok})


def webhook_app(app: Application, settings: Settings) -> tornado.web.Application:
    path = urlsplit(settings.webhook_url).path or "/"
    return tornado.web.Application(
        [(path, UpdateHandler, {"app": app, "secret": settings.webhook_secret}),
         (HEALTH_PATH, HealthHandler, {"app": app})],
        log_function=lambda handler: None,  # tornado's access log would print paths; keep it quiet
    )


async def serve_webhook(app: Application, settings: Settings, stop: asyncio.Event) -> None:
    """The same life cycle as run_polling (including post_init, post_stop, post_shutdown), fed by tornado."""
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        await app.bot.set_webhook(settings.webhook_url, secret_token=settings.webhook_secret,
                                  allowed_updates=ALLOWED_UPDATES)
        server = webhook_app(app, settings).listen(settings.port, address="0.0.0.0")
        await app.start()
        log.info("webhook server listening on port %d", settings.port)
        try:
            await stop.wait()
        finally:
            server.stop()
            await app.stop()
            if app.post_stop:
                await app.post_stop(app)
    finally:
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)


def run_webhook(app: Application, settings: Settings) -> None:
    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve_webhook(app, settings, stop)

    asyncio.run(main())
