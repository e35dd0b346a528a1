"""The house rules of the layout: the brain and the flows never load Telegram; one command table."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.flows import Flows
from bot.flows.commands import ADMIN, GROUP, PRIVATE, menu
from bot.store import Store

ROOT = Path(__file__).resolve().parent.parent


def test_the_brain_and_the_flows_load_no_telegram_module():
    code = ("import bot.respond, bot.flows, sys; "
            "assert not any(m == 'telegram' or m.startswith('telegram.') for m in sys.modules)")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


@pytest.fixture
async def flows(brain):
    store = await Store.open(Path(":memory:"))
    yield Flows.build(brain, store)
    await store.close()


async def test_help_lists_exactly_the_commands_of_the_private_menu(flows):
    text = (await flows.private.on_command(1, "help", "")).texts[0]
    listed = re.findall(r"^/(\w+) – ", text, flags=re.MULTILINE)
    assert listed == [name for name, _ in menu(PRIVATE)]


async def test_every_menu_command_is_answered_where_its_menu_is_shown(flows, brain):
    for name, _ in menu(PRIVATE):
        reply = await flows.private.on_command(1, name, "")
        assert reply.texts and reply.texts[0] != brain.texts("unknown_command"), name
    for name, key in menu(GROUP, ADMIN):
        assert brain.texts(key)
