"""Every word a person reads lives in content/: no user-facing string literal remains under bot/.

An AST scan: any string literal given to Reply(texts=...) or Button(...), and any literal that reads like a
sentence (longer than 25 characters, with a space), is a fault unless it is a docstring, a log line, an operator's
message (CLI output, settings and content errors, validation problems) or SQL. bot/safety/ is left out: crisis
replies live in content/crisis_replies.yaml and are checked by their own loader.
"""
from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"
SKIPPED_DIRS = ("safety",)
# Operator-facing modules: CLI output, settings errors and SQL are read by whoever runs the bot, not by people
# in chats.
OPERATOR_FILES = ("cli.py", "config.py", "store.py", "logs.py")
# Calls whose string arguments are for operators or machines.
OPERATOR_CALLS = {"debug", "info", "warning", "error", "exception", "critical", "Problem", "add", "ContentError",
                  "ConfigError", "print", "fail", "add_argument", "add_parser", "ArgumentParser", "problem",
                  "ValueError", "TypeError", "RuntimeError", "compile", "execute", "executemany", "executescript",
                  "BadSoberDate"}
# Calls that look a text up by key: their string arguments are keys into content/messages.yaml.
LOOKUP_CALLS = {"t", "texts", "words", "reply", "button"}
# Functions that report content faults to whoever edits content (check-content output).
VALIDATOR_MARKS = ("fault", "problem", "validate")
# Module-level data tables made of words that are never shown: stop-word lists, placeholder names.
DATA_TABLES = {"STOP", "GENERIC", "PLACEHOLDERS"}
SENTENCE_LENGTH = 25


def python_files():
    for path in sorted(BOT.rglob("*.py")):
        relative = path.relative_to(BOT)
        if relative.parts[0] in SKIPPED_DIRS or (len(relative.parts) == 1 and relative.name in OPERATOR_FILES):
            continue
        yield path


def docstring_nodes(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def call_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def literals_in(node: ast.AST):
    """Every string literal under `node`, including the fixed parts of f-strings."""
    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and isinstance(child.value, str):
            yield child


def faults_in(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = docstring_nodes(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and call_name(node) in OPERATOR_CALLS | LOOKUP_CALLS:
            skip.update(id(c) for c in literals_in(node))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                mark in node.name.lower() for mark in VALIDATOR_MARKS):
            skip.update(id(c) for c in literals_in(node))
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, ast.AnnAssign) else []
        if any(isinstance(t, ast.Name) and t.id in DATA_TABLES for t in targets):
            skip.update(id(c) for c in literals_in(node.value))
        if isinstance(node, ast.Raise) and node.exc is not None:
            skip.update(id(c) for c in literals_in(node.exc))
    faults = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and call_name(node) in ("Reply", "Button"):
            shown = [kw.value for kw in node.keywords if kw.arg in ("texts", "text")] + (
                node.args[:1] if call_name(node) == "Button" else [])
            for value in shown:
                faults += [f"{path.name}:{c.lineno}: {c.value[:40]!r} given to {call_name(node)}"
                           for c in literals_in(value) if c.value.strip() and id(c) not in skip]
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            text = node.value
            if len(text) > SENTENCE_LENGTH and " " in text.strip():
                faults.append(f"{path.name}:{node.lineno}: {text[:40]!r} reads like words for a person")
    return faults


def test_no_user_facing_literal_remains_in_code():
    faults = [fault for path in python_files() for fault in faults_in(path)]
    assert faults == [], "move these to content/messages.yaml:\n" + "\n".join(faults)


def test_the_scan_catches_words_in_code_and_spares_logs_and_docstrings(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        'def f(log):\n'
        '    """A docstring that is long enough to look like a sentence."""\n'
        '    log.info("a log line that is long enough to look like a sentence")\n'
        '    note = "Your check-in is saved, see you tomorrow"\n'
        '    return Reply(texts=("Saved.",), buttons=((Button("Yes"),),))\n', encoding="utf-8")
    faults = faults_in(sample)
    assert len(faults) == 3 and "Saved." in faults[0] + faults[1] + faults[2]


def text_lookups():
    """(file:line, key, names passed) for every `t("key", name=...)`-style lookup under bot/."""
    for path in sorted(BOT.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and call_name(node) in LOOKUP_CALLS and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                names = {kw.arg for kw in node.keywords if kw.arg not in ("url", "callback")}
                yield f"{path.name}:{node.lineno}", node.args[0].value, names


def test_every_text_the_code_looks_up_is_declared_with_the_placeholders_it_fills():
    from bot.texts import PLACEHOLDERS

    found = list(text_lookups())
    assert len(found) > 50
    faults = [f"{where}: {key} with {sorted(names)}" for where, key, names in found
              if key not in PLACEHOLDERS or names != set(PLACEHOLDERS[key])]
    assert faults == []


def test_check_content_refuses_a_placeholder_the_code_does_not_fill(tmp_path):
    from bot.texts import validate_messages

    source = (BOT.parent / "content" / "messages.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "messages.yaml"
    broken.write_text(source.replace('delete_kept: "Nothing was deleted."',
                                     'delete_kept: "Nothing was deleted, {name}. <b>Really"'), encoding="utf-8")
    problems = [p.message for p in validate_messages(broken)]
    assert any("unknown placeholder {name}" in p for p in problems)
    assert any("<b> is never closed" in p for p in problems)
