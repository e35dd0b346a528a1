"""No log line ever carries the token, even inside a request URL or an exception."""
import logging

from bot.logs import RedactSecrets

TOKEN = "123456789:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQ"


def test_tokens_are_redacted_from_messages_arguments_and_tracebacks():
    handler_filter = RedactSecrets([TOKEN])
    record = logging.LogRecord("httpx", logging.INFO, __file__, 1, "HTTP Request: POST %s", (
        f"https://api.telegram.org/bot{TOKEN}/getUpdates",), None)
    assert handler_filter.filter(record)
    assert TOKEN not in record.getMessage() and "[redacted]" in record.getMessage()
    try:
        raise RuntimeError(f"failed on /bot{TOKEN}/sendMessage")
    except RuntimeError as exc:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom", (), (type(exc), exc, exc.__traceback__))
    handler_filter.filter(record)
    assert TOKEN not in record.exc_text


def test_anything_shaped_like_a_token_is_redacted_even_if_not_configured():
    other = "987654321:ZZyyXXwwVVuuTTssRRqqPPooNNmm"
    record = logging.LogRecord("x", logging.INFO, __file__, 1, other, (), None)
    RedactSecrets([]).filter(record)
    assert other not in record.getMessage()
