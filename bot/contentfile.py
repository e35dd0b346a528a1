"""Reading content files with line numbers, so `check-content` can say `file:line: problem`."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Problem:
    """One fault found in a content file."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class LineDict(dict):
    """A YAML mapping that remembers the 1-based line it started on (`.line`)."""

    line: int = 1


class LineList(list):
    """A YAML sequence that remembers the 1-based line it started on (`.line`)."""

    line: int = 1


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """SafeLoader whose mappings and sequences carry their line numbers. libyaml's parser (CSafeLoader) when PyYAML
    has it: the same data and line numbers, read about nine times faster, which start-up time depends on."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    mapping = LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    seq = LineList(loader.construct_sequence(node, deep=True))
    seq.line = node.start_mark.line + 1
    return seq


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


class ContentError(Exception):
    """A content file cannot be read at all; carries the Problem to print."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def load_yaml_text(text: str, path: str, line_offset: int = 0):
    """Parse YAML text; mappings are LineDict, sequences LineList. Raises ContentError on bad YAML."""
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader (or CSafeLoader) subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + 1 if mark else 1) + line_offset
        raise ContentError(Problem(path, line, f"not valid YAML: {getattr(exc, 'problem', exc)}")) from exc
    except ValueError as exc:  # PyYAML raises this for impossible dates such as 2026-13-45
        raise ContentError(Problem(path, 1 + line_offset, f"not valid YAML: impossible value ({exc})")) from exc
    if line_offset:
        _shift_lines(data, line_offset)
    return data


def _shift_lines(node, offset: int) -> None:
    if isinstance(node, (LineDict, LineList)):
        node.line += offset
        for child in node.values() if isinstance(node, dict) else node:
            _shift_lines(child, offset)


def load_yaml_file(path: Path):
    """Read and parse a YAML file (see load_yaml_text)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ContentError(Problem(str(path), 1, f"cannot read: {exc.strerror}")) from exc
    return load_yaml_text(text, str(path))


def line_of(node) -> int:
    """The line a loaded node started on, or 1 for scalars (which carry none)."""
    return getattr(node, "line", 1)


class ProblemReport:
    """Collects the problems of one content file, each at the line of the node it concerns."""

    def __init__(self, path: Path | str):
        self.path = str(path)
        self.problems: list[Problem] = []

    def add(self, node, message: str) -> None:
        self.problems.append(Problem(self.path, line_of(node), message))


def value_or_raise(value, problems: list[Problem]):
    """The loaded value, or ContentError with the first problem: broken content stops start-up, never half-works."""
    if problems:
        raise ContentError(problems[0])
    return value
