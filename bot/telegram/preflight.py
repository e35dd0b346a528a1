"""Before the bot starts: does Telegram answer, and does it accept the token? Asked once, with a bounded retry.

python-telegram-bot's own InvalidToken message contains the token, so its errors never leave this module:
`TokenRejected` and `TelegramUnreachable` carry no text, and cli.py says what to fix.
"""
from __future__ import annotations

import asyncio
import time

from telegram import Bot
from telegram.error import InvalidToken, TelegramError
from telegram.request import HTTPXRequest

from bot.config import Settings

DEADLINE = 8.0  # seconds for every attempt together: a start-up failure is reported well within 15 s
ATTEMPTS = 3
ATTEMPT_TIMEOUT = 3.0  # the longest one getMe may take (connect, or wait for the answer)


class TokenRejected(Exception):
    """Telegram answered 401 or 404 to getMe: the token is wrong or revoked."""


class TelegramUnreachable(Exception):
    """No answer from the Bot API after a few attempts (network down, wrong TELEGRAM_BASE_URL, proxy)."""


async def check_telegram(settings: Settings, *, attempts: int = ATTEMPTS, deadline: float = DEADLINE) -> None:
    """getMe, retried on network errors until `attempts` or `deadline`; raises one of the two errors above."""
    started = time.monotonic()
    wait = 1.0
    for attempt in range(1, attempts + 1):
        bot = Bot(settings.token, base_url=settings.base_url,
                  request=HTTPXRequest(connect_timeout=ATTEMPT_TIMEOUT, read_timeout=ATTEMPT_TIMEOUT,
                                       write_timeout=ATTEMPT_TIMEOUT, pool_timeout=ATTEMPT_TIMEOUT))
        try:
            await bot.initialize()  # getMe
            return
        except InvalidToken:
            raise TokenRejected() from None  # never chained: the original names the token
        except TelegramError:  # timeouts, refused connections, 5xx, a proxy's odd answer
            if attempt == attempts or time.monotonic() - started + wait + ATTEMPT_TIMEOUT > deadline:
                break
        finally:
            await bot.shutdown()
        await asyncio.sleep(wait)
        wait *= 2
    raise TelegramUnreachable() from None
