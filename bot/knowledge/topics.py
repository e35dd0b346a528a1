"""Guidance topics: one Markdown file per topic with YAML front matter, read, checked and rendered for Telegram.

A topic file looks like::

    ---
    id: naloxone                      # equal to the file name (naloxone.md)
    title: Naloxone and how to get it
    questions: [what is naloxone, ...]   # ways people ask it; the index leans on these
    keywords: [naloxone, narcan, ...]
    related: [overdose-signs]         # ids of other topics, shown as buttons
    summary: "Naloxone reverses ..."  # the phone-sized first answer (at most 80 words); the page is behind a button
    sources:
      - org: NHS
        page: https://www.nhs.uk/...
    ---
    Body in a small Markdown subset: **bold**, *italic* or _italic_, paragraphs, "- " bullets.

`validate_topics` reports every fault as `file:line: message`; `load_topics` refuses content with faults.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.contentfile import ContentError, Problem, load_yaml_text

MIN_WORDS = 80
MAX_WORDS = 250
MAX_TITLE = 60  # titles are button labels too
MAX_ID = 50  # "topic:<id>" must stay well inside Telegram's 64-byte callback data

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MIN_SUMMARY_WORDS = 15
MAX_SUMMARY_WORDS = 80  # the first message must fit a phone screen at 3 a.m.
REQUIRED = ("id", "title", "questions", "keywords", "related", "sources")
OPTIONAL = ("summary",)  # optional to parse; check-content requires it (validate_topics(require_summary=True))


@dataclass(frozen=True)
class Source:
    """Where a topic's guidance comes from: an organisation and an https page."""

    org: str
    page: str


@dataclass(frozen=True)
class Topic:
    """One guidance topic as loaded from content/guidance/<id>.md."""

    id: str
    title: str
    questions: tuple[str, ...]
    keywords: tuple[str, ...]
    related: tuple[str, ...]
    sources: tuple[Source, ...]
    body_markdown: str
    path: str = ""
    summary: str = ""  # Markdown subset, one paragraph; "" when the file has none (the full page is shown)


# --------------------------------------------------------------------------------------------------- parsing


@dataclass
class _Parsed:
    """A file split up, with the line of everything a problem may need to point at."""

    topic: Topic | None
    problems: list[Problem]
    question_lines: list[tuple[str, int]]
    related_lines: list[tuple[str, int]]
    id_line: int


def _split_front_matter(text: str, path: str) -> tuple[str, str, int]:
    """(front matter YAML, body, 1-based line where the body starts). Raises ContentError."""
    lines = text.lstrip("\ufeff").split("\n")
    if not lines or lines[0].strip() != "---":
        raise ContentError(Problem(path, 1, "no front matter: the file must start with a line '---'"))
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2
    raise ContentError(Problem(path, 1, "front matter is not closed: add a line '---' after it"))


def _key_lines(front: str) -> dict[str, tuple[int, yaml.Node]]:
    """Top-level key -> (line of the key, value node), lines counted in the file (front matter starts on line 2)."""
    try:
        root = yaml.compose(front, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    out: dict[str, tuple[int, yaml.Node]] = {}
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if isinstance(key, yaml.ScalarNode):
                out[str(key.value)] = (key.start_mark.line + 2, value)
    return out


def _item_lines(node: yaml.Node | None, count: int, default: int) -> list[int]:
    """File line of each item of a sequence node (default where unknown)."""
    if isinstance(node, yaml.SequenceNode) and len(node.value) == count:
        return [item.start_mark.line + 2 for item in node.value]
    return [default] * count


def _words(markdown: str) -> list[str]:
    """The words a reader sees: markup and bullet dashes dropped."""
    text = re.sub(r"[*_]+", " ", markdown)
    return [w for w in text.split() if re.search(r"[A-Za-z0-9]", w)]


def _check_markdown(body: str, path: str, first_line: int) -> list[Problem]:
    """Markup the renderer does not support would reach the reader as stray symbols."""
    problems = []
    for offset, line in enumerate(body.split("\n")):
        n = first_line + offset
        stripped = line.strip()
        if stripped.startswith("#"):
            problems.append(Problem(path, n, "headings ('#') are not supported: use a **bold** line"))
        if re.search(r"\[[^\]]+\]\([^)]*\)", line):
            problems.append(Problem(path, n, "Markdown links are not supported: name the page in words"))
        if "`" in line:
            problems.append(Problem(path, n, "code marks (`) are not supported"))
        if line.count("**") % 2:
            problems.append(Problem(path, n, "unbalanced '**': bold must open and close on the same line"))
    return problems


def _parse(path: Path, require_summary: bool = False) -> _Parsed:
    spath = str(path)
    problems: list[Problem] = []
    empty = _Parsed(None, problems, [], [], 1)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(spath, 1, f"cannot read: {exc}"))
        return empty
    try:
        front, body, body_line = _split_front_matter(text, spath)
        data = load_yaml_text(front, spath, line_offset=1)
    except ContentError as exc:
        problems.append(exc.problem)
        return empty
    if not isinstance(data, dict):
        problems.append(Problem(spath, 2, "front matter must be fields like 'id: ...', 'title: ...'"))
        return empty
    keys = _key_lines(front)
    fm_line = getattr(data, "line", 2)

    def line(key: str) -> int:
        return keys[key][0] if key in keys else fm_line

    for key in data:
        if key not in REQUIRED and key not in OPTIONAL:
            problems.append(Problem(spath, line(str(key)),
                                    f"unknown field '{key}' (fields: {', '.join(REQUIRED + OPTIONAL)})"))
    for key in REQUIRED:
        if key not in data or data[key] in (None, ""):
            problems.append(Problem(spath, line(key), f"missing field '{key}'"))

    def str_list(key: str, allow_empty: bool = False) -> tuple[list[str], list[int]]:
        value = data.get(key)
        if value is None:
            return [], []
        node = keys.get(key, (0, None))[1]
        if not isinstance(value, list):
            problems.append(Problem(spath, line(key), f"'{key}' must be a list"))
            return [], []
        if not value and not allow_empty:
            problems.append(Problem(spath, line(key), f"'{key}' is empty"))
        lines = _item_lines(node, len(value), line(key))
        good, good_lines = [], []
        for item, n in zip(value, lines):
            if isinstance(item, (str, int, float)) and not isinstance(item, bool) and str(item).strip():
                good.append(str(item).strip())
                good_lines.append(n)
            else:
                problems.append(Problem(spath, n, f"each entry of '{key}' must be a short text"))
        return good, good_lines

    topic_id = data.get("id")
    id_line = line("id")
    if topic_id is not None:
        if not isinstance(topic_id, str) or not ID_RE.match(topic_id):
            problems.append(Problem(spath, id_line, "id must be lowercase letters, digits and single hyphens"))
        elif len(topic_id) > MAX_ID:
            problems.append(Problem(spath, id_line, f"id is longer than {MAX_ID} characters"))
        if str(topic_id) != path.stem:
            problems.append(Problem(spath, id_line, f"id '{topic_id}' must equal the file name '{path.stem}'"))

    title = data.get("title")
    if title is not None and title != "":
        if not isinstance(title, str) or "\n" in title.strip():
            problems.append(Problem(spath, line("title"), "title must be one line of text"))
        elif len(title.strip()) > MAX_TITLE:
            problems.append(Problem(spath, line("title"), f"title is longer than {MAX_TITLE} characters"))

    questions, question_lines = str_list("questions")
    keywords, _ = str_list("keywords")
    related, related_lines = str_list("related", allow_empty=True)
    seen_related: set[str] = set()
    for rid, n in zip(related, related_lines):
        if rid == topic_id:
            problems.append(Problem(spath, n, "a topic cannot be related to itself"))
        if rid in seen_related:
            problems.append(Problem(spath, n, f"related topic '{rid}' listed twice"))
        seen_related.add(rid)

    sources: list[Source] = []
    raw_sources = data.get("sources")
    if raw_sources is not None:
        if not isinstance(raw_sources, list):
            problems.append(Problem(spath, line("sources"), "'sources' must be a list of {org, page}"))
        else:
            if not raw_sources:
                problems.append(Problem(spath, line("sources"), "'sources' is empty: every topic needs a source"))
            for item in raw_sources:
                n = getattr(item, "line", line("sources"))
                if not isinstance(item, dict):
                    problems.append(Problem(spath, n, "each source needs 'org' and 'page'"))
                    continue
                org, page = item.get("org"), item.get("page")
                if not isinstance(org, str) or not org.strip():
                    problems.append(Problem(spath, n, "source without 'org'"))
                if not isinstance(page, str) or not re.match(r"^https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?:[/?#]\S*)?$", page):
                    problems.append(Problem(spath, n, "source 'page' must be an https:// address"))
                for extra in item:
                    if extra not in ("org", "page"):
                        problems.append(Problem(spath, n, f"unknown source field '{extra}'"))
                if isinstance(org, str) and isinstance(page, str):
                    sources.append(Source(org.strip(), page.strip()))

    summary = _check_summary(data.get("summary"), spath, line("summary"), require_summary, problems)

    body_md = body.strip("\n")
    leading = len(body) - len(body.lstrip("\n"))
    first_body_line = body_line + leading
    n_words = len(_words(body_md))
    if n_words < MIN_WORDS or n_words > MAX_WORDS:
        problems.append(
            Problem(spath, first_body_line, f"body has {n_words} words; it must have {MIN_WORDS} to {MAX_WORDS}")
        )
    problems.extend(_check_markdown(body_md, spath, first_body_line))

    topic = None
    if not problems:
        topic = Topic(
            id=str(topic_id),
            title=str(title).strip(),
            questions=tuple(questions),
            keywords=tuple(keywords),
            related=tuple(related),
            sources=tuple(sources),
            body_markdown=body_md.strip(),
            path=spath,
            summary=summary,
        )
    return _Parsed(topic, problems, list(zip(questions, question_lines)), list(zip(related, related_lines)), id_line)


def _check_summary(value: object, path: str, n: int, required: bool, problems: list[Problem]) -> str:
    """The topic's summary (stripped), or "" with a Problem added when it is missing (if required) or unfit."""
    if value is None or value == "":
        if required:
            problems.append(Problem(path, n, f"missing field 'summary' (the first answer, {MAX_SUMMARY_WORDS} words "
                                             "at most)"))
        return ""
    if not isinstance(value, str):
        problems.append(Problem(path, n, "'summary' must be text"))
        return ""
    summary = " ".join(value.split())
    count = len(_words(summary))
    if count < MIN_SUMMARY_WORDS or count > MAX_SUMMARY_WORDS:
        problems.append(Problem(path, n, f"summary has {count} words; it must have {MIN_SUMMARY_WORDS} to "
                                         f"{MAX_SUMMARY_WORDS}"))
    for problem in _check_markdown(summary, path, n):
        if "heading" not in problem.message:
            problems.append(problem)
    return summary


def normalise_question(text: str) -> str:
    """Lowercase words only, for comparing questions ("What's X?" == "whats x")."""
    text = text.lower().replace("'", "").replace("\u2019", "")
    return " ".join(re.findall(r"[a-z0-9]+", text))


def _check_all(folder: Path, require_summary: bool = False) -> tuple[list[Topic], list[Problem]]:
    folder = Path(folder)
    files = sorted(folder.glob("*.md"))
    if not files:
        return [], [Problem(str(folder), 1, "no topic files (*.md) found")]
    parsed = [_parse(f, require_summary) for f in files]
    problems = [p for item in parsed for p in item.problems]
    ids: dict[str, str] = {}
    for f, item in zip(files, parsed):
        if f.stem in ids:  # only possible on case-insensitive oddities; kept for safety
            problems.append(Problem(str(f), item.id_line, f"id '{f.stem}' is also used by {ids[f.stem]}"))
        ids[f.stem] = str(f)
    for f, item in zip(files, parsed):
        for rid, n in item.related_lines:
            if rid not in ids:
                problems.append(Problem(str(f), n, f"related topic '{rid}' does not exist"))
    claimed: dict[str, tuple[str, int]] = {}
    for f, item in zip(files, parsed):
        for question, n in item.question_lines:
            key = normalise_question(question)
            if not key:
                continue
            if key in claimed:
                other, other_line = claimed[key]
                where = "earlier in this file" if other == str(f) else f"in {other}:{other_line}"
                problems.append(Problem(str(f), n, f"question '{question}' is already claimed {where}"))
            else:
                claimed[key] = (str(f), n)
    problems.sort(key=lambda p: (p.path, p.line, p.message))
    return [item.topic for item in parsed if item.topic is not None], problems


def validate_topics(folder: str | Path, *, require_summary: bool = False) -> list[Problem]:
    """Every fault in the topic files of `folder`, as Problem(path, line, message); empty when all is well.

    check-content passes `require_summary`: every published topic needs its phone-sized first answer."""
    return _check_all(Path(folder), require_summary)[1]


def load_topics(folder: str | Path) -> list[Topic]:
    """All topics of `folder`, sorted by id. Raises ContentError (the first problem) when any file has a fault."""
    topics, problems = _check_all(Path(folder))
    if problems:
        raise ContentError(problems[0])
    return sorted(topics, key=lambda t: t.id)


# --------------------------------------------------------------------------------------------------- rendering

_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC_STAR = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
_ITALIC_UNDER = re.compile(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])")
_BULLET = re.compile(r"^\s*[-*+]\s+")


def _inline(text: str) -> str:
    text = _BOLD.sub(r"<b>\2</b>", text)
    text = _ITALIC_STAR.sub(r"<i>\1</i>", text)
    return _ITALIC_UNDER.sub(r"<i>\1</i>", text)


def render_body(markdown: str) -> str:
    """The body's Markdown subset as Telegram HTML.

    Text is HTML-escaped first, so nothing in content can become a tag; then **x** -> <b>x</b>, *x* and _x_ ->
    <i>x</i>, "- " bullets -> "• ". Paragraphs are separated by a blank line, bullets by a line break, and the
    lines of one paragraph are joined with spaces.
    """
    blocks: list[list[str]] = []
    current: list[str] = []  # the lines of the block being built: paragraph text or "• " items
    last_bullet = False
    for raw in html.escape(markdown.replace("\r\n", "\n"), quote=False).split("\n"):
        line = raw.strip()
        if not line:
            if current:
                blocks.append(current)
            current, last_bullet = [], False
        elif _BULLET.match(raw):
            current.append("• " + _BULLET.sub("", raw).strip())
            last_bullet = True
        elif current and (not last_bullet or raw[:1].isspace()):
            current[-1] += " " + line  # the same paragraph, or an indented continuation of a bullet
        else:
            current.append(line)
            last_bullet = False
    if current:
        blocks.append(current)
    return "\n\n".join("\n".join(_inline(item) for item in block) for block in blocks)
