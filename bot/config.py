"""Settings, read once from the environment (or a `.env` file) and validated with one clear error each."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_DATABASE_URL = "sqlite:///data/bot.sqlite3"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "db" / "migrations"


class ConfigError(Exception):
    """A setting is missing or wrong; the message is one line a person can act on."""


@dataclass(frozen=True)
class Settings:
    """Everything the bot is configured with. Built once at start-up by `load_settings`."""

    token: str | None = None
    base_url: str = DEFAULT_BASE_URL
    database_path: Path = Path("data/bot.sqlite3")
    default_country: str | None = None
    default_language: str = "en"
    checkin_poll_seconds: float = 30.0
    webhook_url: str | None = None
    webhook_secret: str | None = None
    port: int = 8443
    log_level: str = "INFO"
    admin_user_ids: frozenset[int] = frozenset()
    content_dir: Path = CONTENT_DIR

    def __repr__(self) -> str:  # the token must never reach a log line or a traceback
        return f"Settings(database_path={self.database_path!s}, webhook={'on' if self.webhook_url else 'off'})"


def database_path_from_url(url: str) -> Path:
    """`sqlite:///relative/path` or `sqlite:////absolute/path` to a Path; anything else is a ConfigError."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or len(url) == len(prefix):
        raise ConfigError(
            f"DATABASE_URL must look like sqlite:///data/bot.sqlite3 (relative) or sqlite:////var/lib/bot.sqlite3 "
            f"(absolute), not {url!r}"
        )
    return Path(url[len(prefix):])


def _number(env: dict, name: str, default: float, *, minimum: float, maximum: float, integer: bool = False):
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        kind = "a whole number" if integer else "a number"
        raise ConfigError(f"{name} must be {kind} between {minimum:g} and {maximum:g}, not {raw!r}") from None
    if not minimum <= value <= maximum:
        raise ConfigError(f"{name} must be between {minimum:g} and {maximum:g}, not {raw!r}")
    return value


def _country(env: dict, known_countries: frozenset[str] | None) -> str | None:
    raw = (env.get("DEFAULT_COUNTRY") or "").strip()
    if not raw:
        return None
    code = raw.upper()
    if not re.fullmatch(r"[A-Z]{2}", code) or (known_countries is not None and code not in known_countries):
        known = ", ".join(sorted(known_countries)) if known_countries else "a two-letter ISO code"
        raise ConfigError(f"DEFAULT_COUNTRY {raw!r} is not a country the helpline directory knows ({known})")
    return code


LANGUAGES = ("en", "es", "pt", "de", "fr")


def _language(env: dict) -> str:
    """DEFAULT_LANGUAGE: the language for people whose Telegram language is not one the bot speaks."""
    raw = (env.get("DEFAULT_LANGUAGE") or "en").strip().lower()
    if raw not in LANGUAGES:
        raise ConfigError(f"DEFAULT_LANGUAGE must be one of {', '.join(LANGUAGES)}, not {raw!r}")
    return raw


def _webhook(env: dict) -> tuple[str | None, str | None]:
    url = (env.get("WEBHOOK_URL") or "").strip() or None
    secret = (env.get("WEBHOOK_SECRET") or "").strip() or None
    if url is None:
        return None, secret
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc:
        raise ConfigError(f"WEBHOOK_URL must be an https:// URL Telegram can reach, not {url!r}")
    if not secret or not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
        raise ConfigError("WEBHOOK_SECRET is required with WEBHOOK_URL: 1-256 characters of A-Z, a-z, 0-9, _ and -")
    return url, secret


def _admin_ids(env: dict) -> frozenset[int]:
    raw = (env.get("ADMIN_USER_IDS") or "").replace(" ", "")
    if not raw:
        return frozenset()
    try:
        return frozenset(int(part) for part in raw.split(",") if part)
    except ValueError:
        raise ConfigError(f"ADMIN_USER_IDS must be Telegram user ids separated by commas, not {raw!r}") from None


def _log_level(env: dict) -> str:
    level = (env.get("LOG_LEVEL") or "INFO").strip().upper()
    if level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {level!r}")
    return level


def load_settings(env: dict | None = None, *, known_countries: frozenset[str] | None = None,
                  read_dotenv: bool = True) -> Settings:
    """Read and validate every setting. `.env` in the working directory fills in what the environment lacks."""
    if env is None:
        if read_dotenv:
            from dotenv import load_dotenv

            load_dotenv(Path.cwd() / ".env", override=False)
        env = dict(os.environ)
    webhook_url, webhook_secret = _webhook(env)
    base_url = (env.get("TELEGRAM_BASE_URL") or "").strip() or DEFAULT_BASE_URL
    if not base_url.startswith(("http://", "https://")):
        raise ConfigError(f"TELEGRAM_BASE_URL must start with http:// or https://, not {base_url!r}")
    return Settings(
        token=(env.get("TELEGRAM_BOT_TOKEN") or "").strip() or None,
        base_url=base_url,
        database_path=database_path_from_url((env.get("DATABASE_URL") or "").strip() or DEFAULT_DATABASE_URL),
        default_country=_country(env, known_countries),
        default_language=_language(env),
        checkin_poll_seconds=_number(env, "CHECKIN_POLL_SECONDS", 30.0, minimum=0.2, maximum=3600),
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        port=_number(env, "PORT", 8443, minimum=1, maximum=65535, integer=True),
        log_level=_log_level(env),
        admin_user_ids=_admin_ids(env),
    )
