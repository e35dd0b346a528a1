"""Logging set-up: one line per event, and never a token or a person's message in any line."""
from __future__ import annotations

import logging
import re
import sys

# Bot API tokens look like 123456789:AA...; request URLs carry them as /bot<token>/method.
TOKEN_PATTERN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")


class RedactSecrets(logging.Filter):
    """Replaces the configured secrets (and anything shaped like a bot token) in every record."""

    def __init__(self, secrets: list[str]):
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[redacted]")
        return TOKEN_PATTERN.sub("[redacted]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = self.redact(message)
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


def setup_logging(level: str, secrets: list[str]) -> None:
    """Root logging to stderr, one line per event, with secrets redacted from every record."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    numeric = logging.getLevelName(level)
    # httpx logs request URLs (with the token); python-telegram-bot's DEBUG lines carry whole updates (with
    # message texts). Neither goes below these levels, whatever LOG_LEVEL says.
    for noisy in ("httpx", "httpcore", "apscheduler", "telegram.ext.Updater", "aiohttp.access", "tornado.access"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, numeric))
    logging.getLogger("telegram").setLevel(max(logging.INFO, numeric))
