"""Settings are read once and a bad value gives one clear line naming the setting."""
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

KNOWN = frozenset({"GB", "US", "IN"})


def settings(**env):
    return load_settings(env, known_countries=KNOWN)


def test_defaults_match_the_contract():
    s = settings()
    assert s.token is None
    assert s.base_url == "https://api.telegram.org/bot"
    assert s.database_path == Path("data/bot.sqlite3")
    assert s.checkin_poll_seconds == 30
    assert s.default_country is None and s.webhook_url is None and s.log_level == "INFO"


def test_relative_and_absolute_database_urls():
    assert settings(DATABASE_URL="sqlite:///x/y.sqlite3").database_path == Path("x/y.sqlite3")
    assert settings(DATABASE_URL="sqlite:////var/lib/bot.sqlite3").database_path == Path("/var/lib/bot.sqlite3")


@pytest.mark.parametrize("env, named", [
    ({"DATABASE_URL": "postgres://db"}, "DATABASE_URL"),
    ({"DATABASE_URL": "sqlite:///"}, "DATABASE_URL"),
    ({"DEFAULT_COUNTRY": "XX"}, "DEFAULT_COUNTRY"),
    ({"DEFAULT_COUNTRY": "Britain"}, "DEFAULT_COUNTRY"),
    ({"CHECKIN_POLL_SECONDS": "soon"}, "CHECKIN_POLL_SECONDS"),
    ({"CHECKIN_POLL_SECONDS": "-1"}, "CHECKIN_POLL_SECONDS"),
    ({"PORT": "99999"}, "PORT"),
    ({"PORT": "80.5"}, "PORT"),
    ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
    ({"WEBHOOK_URL": "http://example.org/hook", "WEBHOOK_SECRET": "s"}, "WEBHOOK_URL"),
    ({"WEBHOOK_URL": "https://example.org/hook"}, "WEBHOOK_SECRET"),
    ({"ADMIN_USER_IDS": "12,abc"}, "ADMIN_USER_IDS"),
    ({"TELEGRAM_BASE_URL": "api.telegram.org"}, "TELEGRAM_BASE_URL"),
])
def test_a_bad_value_is_one_clear_error_naming_the_setting(env, named):
    with pytest.raises(ConfigError) as err:
        settings(**env)
    assert named in str(err.value)
    assert "\n" not in str(err.value)


def test_country_is_upper_cased_and_must_be_known():
    assert settings(DEFAULT_COUNTRY="gb").default_country == "GB"


def test_the_token_never_shows_in_the_settings_repr():
    s = settings(TELEGRAM_BOT_TOKEN="123456:SECRET-token-value-abcdefghij")
    assert "SECRET" not in repr(s) and "SECRET" not in str(s)
