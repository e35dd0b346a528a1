"""A start-up cache of the compiled crisis rules: a fraction of a second to load instead of seconds to compile.

Compiling content/crisis.yaml's patterns costs seconds, nearly all of it inside Python's `re` compiler (pure
Python). The compiled Rules are therefore written once to the user's cache folder, with each regular expression
stored as the compiled program `re` made for it, and read back on the next start. The cache's name carries a hash
of the rules file, the detector's source and the Python version: any change builds a fresh one.

Safety: the cache is a pickle, so it is only read from a folder the bot created with owner-only permissions and
only when the file belongs to the user running the bot; anything odd (another owner, wrong mode, a read error, a
Python without these `re` internals) falls back to compiling, which is always correct. `RULES_CACHE=off` turns
the cache off; `RULES_CACHE_DIR` moves it (default: $XDG_CACHE_HOME or ~/.cache, then recovery-companion-bot).
"""
from __future__ import annotations

import array
import hashlib
import io
import logging
import os
import pickle
import re
import sys
import tempfile
from pathlib import Path

from bot.safety import detector, normalize
from bot.safety.detector import Rules, load_rules

log = logging.getLogger(__name__)
CACHE_VERSION = 2
_CODE_TYPE = "I"  # the re program's code words: unsigned, at most 32 bits (sre's CODESIZE is 4 on CPython)

try:  # CPython's own compiler, used to store each pattern's compiled program; absent elsewhere
    import _sre
    from re import _compiler, _parser
except ImportError:  # pragma: no cover - other Pythons simply compile every time
    _sre = None


def restore_pattern(pattern: str, flags: int, code: bytes, groups: int, groupindex: dict,
                    indexgroup: tuple) -> re.Pattern:
    """A compiled pattern rebuilt from its stored program (what re.compile would return, without compiling).
    `code` is the program as a packed array of unsigned ints: far quicker to read back than a list of ints."""
    return _sre.compile(pattern, flags, array.array(_CODE_TYPE, code).tolist(), groups, groupindex, indexgroup)


def _reduce_pattern(compiled: re.Pattern):
    """How a pattern is written to the cache: its program, as CPython's re compiler makes it."""
    parsed = _parser.parse(compiled.pattern, compiled.flags)
    code = array.array(_CODE_TYPE, _compiler._code(parsed, compiled.flags)).tobytes()
    groupindex = dict(parsed.state.groupdict)
    indexgroup = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return restore_pattern, (compiled.pattern, compiled.flags | parsed.state.flags, code,
                             parsed.state.groups - 1, groupindex, tuple(indexgroup))


def cache_folder() -> Path:
    """Where the cache lives: RULES_CACHE_DIR, else $XDG_CACHE_HOME (or ~/.cache)/recovery-companion-bot."""
    explicit = os.environ.get("RULES_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "recovery-companion-bot"


def cache_key(rules_path: Path) -> str:
    """A hash of everything the compiled rules depend on."""
    digest = hashlib.sha256(f"v{CACHE_VERSION} {sys.version}".encode())
    for source in (Path(rules_path), Path(detector.__file__), Path(normalize.__file__)):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:32]


def load_rules_cached(rules_path: Path) -> Rules:
    """The compiled rules of `rules_path`, from the cache when it is there and trustworthy, else compiled (and
    cached for next time). Raises ContentError for broken rules, like load_rules."""
    if _sre is None or os.environ.get("RULES_CACHE", "").lower() in ("off", "0", "false", "no"):
        return load_rules(rules_path)
    path = cache_folder() / f"rules-{cache_key(rules_path)}.pickle"
    rules = _read(path)
    if rules is None:
        rules = load_rules(rules_path)
        _write(path, rules)
    return rules


def _trusted(path: Path) -> bool:
    """Only our own file, in our own folder, that nobody else can write."""
    try:
        for item in (path.parent, path):
            info = item.stat()
            if info.st_uid != os.getuid() or info.st_mode & 0o022:
                return False
    except OSError:
        return False
    return True


def _read(path: Path) -> Rules | None:
    if not _trusted(path):
        return None
    try:
        with path.open("rb") as handle:
            rules = pickle.load(handle)  # noqa: S301 - our own file, checked by _trusted
    except Exception:  # noqa: BLE001 - a bad cache is rebuilt, never fatal
        log.warning("crisis rules cache unreadable; compiling the rules")
        return None
    return rules if isinstance(rules, Rules) else None


def _write(path: Path, rules: Rules) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.dispatch_table = {re.Pattern: _reduce_pattern}
        pickler.dump(rules)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".rules-")
        with os.fdopen(handle, "wb") as out:
            out.write(buffer.getvalue())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
        for stale in path.parent.glob("rules-*.pickle"):  # caches of earlier rules or code are never read again
            if stale != path:
                stale.unlink(missing_ok=True)
    except Exception:  # noqa: BLE001 - no cache only means a slower next start
        log.warning("could not write the crisis rules cache (next start compiles again)")
