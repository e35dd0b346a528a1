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
from bot.safety.helplines import normalize_code

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
    sub.add_parser("check-content", help="validate everything under content/ (file:line: problem; exit 1 if any)")
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
        return check_content(CONTENT_DIR)
    try:
        settings = load_settings(known_countries=known_countries())
        if command == "run":
            return run(settings)
        if command == "backup":
            return asyncio.run(backup(settings, Path(args.path)))
        brain = Brain.load(settings.content_dir, settings.default_country)
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
    from bot.knowledge.topics import validate_topics
    from bot.texts import validate_messages
    from bot.safety.detector import validate_rules
    from bot.safety.helplines import validate_directory
    from bot.safety.replies import validate_replies

    return [
        *validate_rules(content_dir / "crisis.yaml"),
        *validate_directory(content_dir / "helplines.yaml"),
        *validate_replies(content_dir / "crisis_replies.yaml"),
        *validate_topics(content_dir / "guidance"),
        *validate_synonyms(content_dir / "synonyms.yaml"),
        *validate_checkin_texts(content_dir / "checkins.yaml"),
        *validate_messages(content_dir / "messages.yaml"),
    ]


def check_content(content_dir: Path) -> int:
    problems = content_problems(content_dir)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    print(f"content OK ({content_dir})")
    return 0


# --- ask --------------------------------------------------------------------------------------------------------


def ask_record(text: str, reply: Reply) -> dict:
    """The `ask --json` object, exactly the keys CONTRACT.md names."""
    return {
        "input": text,
        "crisis": {"category": reply.crisis.category} if reply.crisis else None,
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
    from bot.logs import setup_logging

    if not settings.token:
        return fail(NO_TOKEN)
    setup_logging(settings.log_level, [settings.token, settings.webhook_secret or ""])
    brain = Brain.load(settings.content_dir, settings.default_country)
    from bot.telegram.app import ALLOWED_UPDATES, build_application
    from bot.telegram.webhook import run_webhook

    app = build_application(settings, brain)
    if settings.webhook_url:
        run_webhook(app, settings)
    else:
        app.run_polling(allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False)
    return 0


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
