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


def imports_of(path: Path) -> set[str]:
    """The bot.* modules a file imports, wherever the import statement is (function-level ones too)."""
    import ast

    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bot"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("bot"))
    return found


def test_no_module_of_the_bot_imports_itself_back():
    modules = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
               for p in (ROOT / "bot").rglob("*.py")}
    graph = {name: {m for m in imports_of(path) if m in modules and m != name} for name, path in modules.items()}
    for name in graph:  # a package's __init__ importing its own submodules is not a cycle
        graph[name] -= {m for m in graph[name] if name.startswith(m + ".")}

    def cycle_from(start):
        stack, seen = [(start, [start])], set()
        while stack:
            node, path = stack.pop()
            for nxt in graph[node]:
                if nxt == start:
                    return path
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, path + [nxt]))
        return None

    cycles = [cycle_from(name) for name in sorted(graph)]
    assert [c for c in cycles if c] == []
