"""The command line: run, console, ask, check-content, backup. Errors are one clear line, never a traceback."""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path

from bot.config import CONTENT_DIR, ConfigError, Settings, load_settings
from bot.contentfile import ContentError, Problem
from bot.reply import Reply, plain_reply
from bot.respond import Brain, Source
from bot.safety.helplines import STALE_DAYS, normalize_code

log = logging.getLogger("bot")

NO_TOKEN = ("TELEGRAM_BOT_TOKEN is not set: put the token from @BotFather in the environment or in a .env file "
            "(see .env.example). To try the bot without Telegram, run: python bot.py console")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bot.py",
        description="Recovery companion Telegram bot: crisis handoff, guidance answers and daily check-ins.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help="run the bot on Telegram (the default): long polling, or a webhook with WEBHOOK_URL")
    console = sub.add_parser("console", help="chat with the bot in this terminal, no Telegram needed")
    console.add_argument("--country", help="two-letter country code for helplines, e.g. GB")
    ask = sub.add_parser("ask", help="print the reply a private message would get ('-' reads one per line)")
    ask.add_argument("--json", action="store_true", help="one JSON object per message")
    ask.add_argument("--country", help="two-letter country code for helplines, e.g. GB")
    ask.add_argument("text", nargs="+", help="the message, or - to read messages from standard input")
    check = sub.add_parser("check-content", help="validate everything under content/ (file:line: problem; exit 1 if any)")
    check.add_argument("--stale", type=int, default=STALE_DAYS, metavar="DAYS",
                       help=f"warn about helplines not checked for DAYS days (default {STALE_DAYS})")
    lines = sub.add_parser("helplines", help="review the helpline directory: each line's status, source and age")
    lines.add_argument("country", nargs="?", help="only this country, e.g. GB (INTL for the international entry)")
    lines.add_argument("--stale", type=int, metavar="DAYS",
                       help="list only lines not checked for DAYS days (unverified lines always count)")
    sub.add_parser("train-model", help="retrain the crisis model on content/crisis_corpus/ (needs scikit-learn)")
    sub.add_parser("train-answers", help="retrain the answer model on content/question_corpus/ and the topics' "
                                         "questions (needs scikit-learn)")
    backup = sub.add_parser("backup", help="copy the database consistently while the bot runs")
    backup.add_argument("path", help="where to write the copy")
    return parser


def fail(message: str, code: int = 2) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def known_countries() -> frozenset[str]:
    from bot.safety.helplines import load_directory

    return frozenset(load_directory(CONTENT_DIR / "helplines.yaml").codes())


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "run"
    if command == "check-content":
        return check_content(CONTENT_DIR, stale_days=args.stale)
    if command == "helplines":
        return helplines(CONTENT_DIR / "helplines.yaml", args.country, args.stale)
    if command == "train-model":
        return train_model(CONTENT_DIR)
    if command == "train-answers":
        return train_answers(CONTENT_DIR)
    try:
        settings = load_settings(known_countries=known_countries())
        if command == "run":
            return run(settings)
        if command == "backup":
            return asyncio.run(backup(settings, Path(args.path)))
        brain = Brain.load(settings.content_dir, settings.default_country, settings.default_language)
        country = country_option(brain, getattr(args, "country", None))
    except ConfigError as exc:
        return fail(str(exc))
    except ContentError as exc:
        return fail(f"{exc.problem} (run: python bot.py check-content)", 1)
    if command == "ask":
        return ask(brain, args.text, country, as_json=args.json)
    return asyncio.run(console(brain, country))


def country_option(brain: Brain, code: str | None) -> str | None:
    if code is None:
        return None
    if not brain.directory.has(code):
        raise ConfigError(f"--country {code!r} is not in the helpline directory ({', '.join(brain.directory.codes())})")
    return normalize_code(code)


# --- check-content --------------------------------------------------------------------------------------------


def content_problems(content_dir: Path) -> list[Problem]:
    """Every fault in every content file, each validator reading its own file."""
    from bot.checkins.texts import validate_checkin_texts
    from bot.knowledge.index import validate_synonyms
    from bot.knowledge.intents import validate_intents
    from bot.knowledge.model import validate_answer_model
    from bot.knowledge.topics import validate_topics
    from bot.texts import validate_messages
    from bot.safety.detector import validate_rules
    from bot.safety.helplines import validate_directory
    from bot.safety.model import validate_model
    from bot.safety.replies import validate_reply_languages

    return [
        *validate_rules(content_dir / "crisis.yaml"),
        *validate_directory(content_dir / "helplines.yaml"),
        *validate_reply_languages(content_dir),
        *validate_model(content_dir / "crisis_model.npz", content_dir / "crisis_corpus"),
        *validate_topics(content_dir / "guidance", require_summary=True),
        *validate_synonyms(content_dir / "synonyms.yaml"),
        *validate_checkin_texts(content_dir / "checkins.yaml"),
        *validate_messages(content_dir / "messages.yaml"),
        *validate_intents(content_dir / "intents.yaml"),
        *validate_answer_model(content_dir / "answer_model.npz", content_dir / "question_corpus",
                               content_dir / "guidance"),
    ]


def train_model(content_dir: Path) -> int:
    """Retrain content/crisis_model.npz on content/crisis_corpus/ (reproducible: same corpus, same model)."""
    try:
        from bot.safety.training import train_and_save
    except ImportError:
        return fail("train-model needs scikit-learn: pip install -e \".[test]\"")
    try:
        count = train_and_save(content_dir / "crisis_corpus", content_dir / "crisis_model.npz")
    except ValueError as exc:
        return fail(str(exc), 1)
    print(f"trained on {count} messages: {content_dir / 'crisis_model.npz'}")
    return 0


def train_answers(content_dir: Path) -> int:
    """Retrain content/answer_model.npz on content/question_corpus/ and the topics' questions (reproducible)."""
    try:
        from bot.knowledge.training import train_and_save
    except ImportError:
        return fail("train-answers needs scikit-learn: pip install -e \".[test]\"")
    try:
        count = train_and_save(content_dir / "question_corpus", content_dir / "guidance",
                               content_dir / "answer_model.npz")
    except (ValueError, ContentError) as exc:
        return fail(str(exc), 1)
    print(f"trained on {count} questions: {content_dir / 'answer_model.npz'}")
    return 0


def check_content(content_dir: Path, *, stale_days: int = STALE_DAYS) -> int:
    """Faults fail (exit 1); warnings (unverified or stale helplines) are printed and don't."""
    from bot.safety.helplines import directory_warnings

    problems = content_problems(content_dir)
    for problem in problems:
        print(problem)
    warnings = directory_warnings(content_dir / "helplines.yaml", stale_days=stale_days)
    for warning in warnings:
        print(warning)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    suffix = f", {len(warnings)} helpline warning(s): see `python bot.py helplines --stale {stale_days}`" if warnings else ""
    print(f"content OK ({content_dir}){suffix}")
    return 0


# --- helplines ----------------------------------------------------------------------------------------------------


def helplines(path: Path, code: str | None, stale: int | None, *, today=None) -> int:
    """The directory for an operator's review: every line with its status, source and the age of its check.
    With `stale`, only the lines to re-check: not checked for that many days, or never (unverified)."""
    from bot.safety.helplines import INTL, line_age, load_directory, stale_lines

    try:
        directory = load_directory(path)
    except ContentError as exc:
        return fail(f"{exc.problem} (run: python bot.py check-content)", 1)
    codes = (*directory.codes(), INTL)
    if code is not None:
        key = normalize_code(code)
        if key not in directory.countries:
            return fail(f"{code!r} is not in the helpline directory ({', '.join(codes)})")
        codes = (key,)
    if stale is not None:
        found = [(c, line, age) for c, line, age in stale_lines(directory, stale, today=today) if c.code in codes]
        print(f"{len(found)} line(s) not checked in the last {stale} days (unverified lines always count):")
        for country, line, age in found:
            when = f"checked {line.checked.isoformat()} ({age} days ago)" if line.checked else "never checked"
            print(f"  {country.code}  {line.name}: {line.status}, {when}, source {line.source or '(none)'}")
        return 0
    for key in codes:
        country = directory.countries[key]
        note = f" ({country.emergency_note})" if country.emergency_note else ""
        print(f"{country.code}  {country.name}: emergency {country.emergency}{note}")
        if country.emergency_source:
            print(f"    emergency number source: {country.emergency_source}")
        if country.note:
            print(f"    note: {country.note}")
        for line in country.lines:
            contact = ", ".join(part for part in (
                line.number, f"text {line.text}" if line.text else None, line.chat_url) if part)
            age = line_age(line, today)
            when = f"checked {line.checked.isoformat()} ({age} days ago)" if line.checked else "never checked"
            print(f"  - {line.name}: {contact}; {line.hours}")
            print(f"      {line.status}, {when}; source {line.source or '(none)'}")
            print(f"      categories {', '.join(line.categories)}; languages {', '.join(line.languages)}")
            if line.note:
                print(f"      note: {line.note}")
        print()
    return 0


# --- ask --------------------------------------------------------------------------------------------------------


def ask_record(text: str, reply: Reply) -> dict:
    """The `ask --json` object, exactly the keys CONTRACT.md names."""
    return {
        "input": text,
        "language": reply.language,
        "crisis": {"category": reply.crisis.category, "tier": reply.crisis.tier} if reply.crisis else None,
        "check": reply.check,
        "answer": ({"id": reply.answer.id, "title": reply.answer.title, "score": round(float(reply.answer.score), 4)}
                   if reply.answer else None),
        "reply": plain_reply(reply),
    }


def ask(brain: Brain, words: list[str], country: str | None, *, as_json: bool) -> int:
    """Answer one message, or each line of standard input with '-'. Nothing is stored; Telegram is not touched."""
    source = Source.private(country=country)
    lines = (line.rstrip("\n") for line in sys.stdin) if words == ["-"] else iter([" ".join(words)])
    for text in lines:
        reply = brain.respond(text, source)
        if as_json:
            print(json.dumps(ask_record(text, reply), ensure_ascii=False), flush=True)
        else:
            print(plain_reply(reply) + "\n", flush=True)
    return 0


# --- console ----------------------------------------------------------------------------------------------------


CONSOLE_USER = 1  # the terminal user's id in the console's in-memory store


async def console(brain: Brain, country: str | None) -> int:
    """A private chat in the terminal through the same service a Telegram chat uses; state lives in memory only."""
    from bot.flows import Flows
    from bot.store import Store

    store = await Store.open(Path(":memory:"))
    chats = Flows.build(brain, store).private
    if country:
        await store.set_country(CONSOLE_USER, country)
    print(plain_reply(await chats.on_command(CONSOLE_USER, "start", "")))
    print("\n(Type a message or a /command. Press a button by typing its number, like #1. Ctrl-D to quit.)")
    buttons: list = []
    loop = asyncio.get_running_loop()
    try:
        while True:
            line = await loop.run_in_executor(None, _read_line)
            if line is None:
                break
            reply = await console_turn(chats, line.strip(), buttons)
            if reply is None:
                continue
            buttons = [b for row in reply.buttons for b in row]
            print("\n" + console_text(reply) + "\n")
    finally:
        await store.close()
    return 0


def _read_line() -> str | None:
    try:
        return input("you> ")
    except EOFError:
        return None


async def console_turn(chats, line: str, buttons: list) -> Reply | None:
    if not line:
        return None
    if line.startswith("#") and line[1:].isdigit():
        index = int(line[1:]) - 1
        if not 0 <= index < len(buttons) or buttons[index].callback is None:
            return chats.texts.reply("no_such_button")
        reply = await chats.on_callback(CONSOLE_USER, buttons[index].callback, private=True)
        return reply or chats.texts.reply("stale_button")
    if line.startswith("/"):
        name, _, args = line[1:].partition(" ")
        return await chats.on_command(CONSOLE_USER, name.split("@")[0].lower(), args)
    return await chats.on_text(CONSOLE_USER, line)


def console_text(reply: Reply) -> str:
    """Like plain_reply, but callback buttons are numbered so they can be pressed with #N."""
    from bot.reply import to_plain

    parts = [to_plain(t) for t in reply.texts]
    number = 0
    for row in reply.buttons:
        labels = []
        for button in row:
            number += 1
            labels.append(f"[{button.text}: {button.url}]" if button.url else f"[#{number} {button.text}]")
        parts.append("  ".join(labels))
    return "\n\n".join(parts)


# --- run and backup ---------------------------------------------------------------------------------------------


def run(settings: Settings) -> int:
    """Start the bot; every start-up failure is one line naming what to fix (exit 1), the token never in it."""
    from bot.logs import setup_logging

    if not settings.token:
        return fail(NO_TOKEN)
    problem = asyncio.run(startup_problem(settings))
    if problem is not None:
        return fail(problem, 1)
    setup_logging(settings.log_level, [settings.token, settings.webhook_secret or ""])
    brain = Brain.load(settings.content_dir, settings.default_country, settings.default_language)
    from telegram.error import InvalidToken, NetworkError

    from bot.telegram.app import ALLOWED_UPDATES, build_application
    from bot.telegram.webhook import run_webhook

    app = build_application(settings, brain)
    try:
        if settings.webhook_url:
            run_webhook(app, settings)
        else:
            app.run_polling(allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False)
    except InvalidToken:
        return fail(TOKEN_REJECTED, 1)
    except NetworkError:
        return fail(UNREACHABLE.format(base_url=public_base_url(settings)), 1)
    return 0


TOKEN_REJECTED = ("Telegram rejected TELEGRAM_BOT_TOKEN: copy the token again from @BotFather (/mybots, API Token) "
                  "into the environment or .env")
UNREACHABLE = ("cannot reach the Telegram Bot API at {base_url} after a few tries: check this machine's network "
               "(or proxy), or TELEGRAM_BASE_URL if you run your own Bot API server")


def public_base_url(settings: Settings) -> str:
    """TELEGRAM_BASE_URL as an operator may see it: scheme and host only."""
    from urllib.parse import urlsplit

    parts = urlsplit(settings.base_url)
    return f"{parts.scheme}://{parts.netloc}"


async def startup_problem(settings: Settings) -> str | None:
    """The database first (open, migrate, write), then Telegram (getMe, a bounded retry): the first thing that
    stops the bot from starting, as one line, or None."""
    from bot.telegram.preflight import TelegramUnreachable, TokenRejected, check_telegram

    problem = await database_problem(settings.database_path)
    if problem is not None:
        return problem
    try:
        await check_telegram(settings)
    except TokenRejected:
        return TOKEN_REJECTED
    except TelegramUnreachable:
        return UNREACHABLE.format(base_url=public_base_url(settings))
    return None


async def database_problem(path: Path) -> str | None:
    """Why the database at `path` cannot be used, as one line naming what to fix, or None."""
    import sqlite3

    from bot.store import Store

    try:
        await asyncio.wait_for(Store.check(path), timeout=10)
    except asyncio.TimeoutError:
        return f"the database {path} did not answer within 10 s (DATABASE_URL): is its disk or network share stuck?"
    except sqlite3.DatabaseError as exc:
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            return (f"the database {path} is locked by another process (is the bot already running?): stop it, "
                    f"or point DATABASE_URL at another file")
        if "readonly" in text or "unable to open" in text or "disk i/o" in text:
            return f"cannot write the database {path}: make it and its folder writable, or change DATABASE_URL"
        if "not a database" in text or "malformed" in text or "encrypted" in text:
            return (f"DATABASE_URL points at {path}, which is not a SQLite database of this bot: point it at a new "
                    f"file (e.g. sqlite:///data/bot.sqlite3) or at the bot's own database")
        return f"the database {path} cannot be used ({type(exc).__name__}): check it with sqlite3, or change DATABASE_URL"
    except OSError as exc:
        return (f"cannot create or write the database {path} ({exc.strerror or type(exc).__name__}): make the "
                f"folder writable, or change DATABASE_URL")
    return None


async def backup(settings: Settings, target: Path) -> int:
    from bot.store import Store

    if not settings.database_path.exists():
        return fail(f"no database at {settings.database_path} (DATABASE_URL)")
    store = await Store.open(settings.database_path)
    try:
        await store.backup(target)
    finally:
        await store.close()
    print(f"backed up {settings.database_path} to {target}")
    return 0
