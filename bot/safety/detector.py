"""The crisis detector: does this message show someone whose life or safety is at risk?

`detect(text)` returns a `Crisis` (category, tier, softened) or None. All words and phrases live in
content/crisis.yaml, written in a small pattern language that a non-programmer can edit (see the top of that file);
this module only compiles them and applies them.

How a message is judged:

1. It is normalised (bot/safety/normalize.py): Unicode, case, quotes, invisible characters, leetspeak, spaced-out
   and punctuated letters; what is still not ASCII (emoji, other scripts) becomes a separator. Words glued from
   spaced-out letters are split into known words again ("killmyself" → "kill myself"), and censored words are
   restored ("k*ll" → "kill").
2. A fast gate finds where some pattern could match. When the rules are compiled, each pattern gets the words
   (or runs of words) that any match of it must start with, chosen to be as rare in everyday talk as possible;
   one precompiled regex (a trie of all of them, tried only at word starts) finds them all in one pass. Only the
   sentences where one turns up are looked at further, so a long everyday message costs little, and a crisis
   sentence buried in a long message is still found.
3. In those sentences, repeated letters are collapsed, typos and slang respelt (`spellings:`), and the patterns
   the gate pointed to are tried. Only if one matches are idioms and everyday phrases blanked out (`not_crisis:`)
   and the patterns tried again, so "killing it" or "to die for" cannot trigger anything.
4. Each match is weighed in its context (`context:`): a general or "what if" question ("what do I do if someone
   overdoses") or a subject that is nobody in particular ("you", "people") drops it; a rule may also require a
   second cue in the sentence (`requires:`). For crisis-tier rules, a negation shortly before the match ("I don't
   really want to die") or a past marker in its clause ("I used to cut myself") softens it, but never silences
   it. Emergency-tier matches are never softened.
5. A crisis-tier match that is not softened becomes an emergency when a plan, the means or a time is mentioned in
   its sentence or the two either side (`emergency_when:`, e.g. "I want to die. I have the pills. Tonight.").
6. Of everything found, the most urgent wins: emergency before crisis, then the order of CATEGORIES.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.contentfile import ContentError, Problem, load_yaml_file
from bot.safety.crisis import CATEGORIES, CRISIS, EMERGENCY, Crisis
from bot.safety.normalize import (collapse_repeats, compile_spellings, find_positions, normalize,
                                   normalize_detailed, per_char)

DEFAULT_RULES_PATH = Path(__file__).resolve().parents[2] / "content" / "crisis.yaml"
TIERS = (EMERGENCY, CRISIS)
WHO = ("anyone", "me", "others")

_GAP_WORDS = 4  # "..." in a pattern: up to this many other words
_WINDOW = 350  # in sentences longer than twice this, look only this far either side of a gate hit
_MASK = "#"  # what blanked-out phrases are replaced with

# --- the pattern language -----------------------------------------------------------------------------------------


class PatternError(ValueError):
    """A pattern that cannot be compiled; the message says why, in plain words."""


_TOKEN = re.compile(r"\.\.\.|\{[^{}]*\}|<[^<>]*>|[()\[\]|]|[a-z0-9'*]+|\s+|.", re.S)
_WORD = re.compile(r"[a-z0-9']+\*?")
_GROUP_NAME = re.compile(r"[a-z][a-z0-9_]*")
_WORD_CHARS = r"[^\s.!?;,#]"
# Specials written <name> in patterns.
_BUILTINS = {
    # the clause ends: punctuation, an emoji, the end of the message, or a word that starts a new clause
    "end": r"(?= ?(?:[^a-z0-9' ]|$|(?:but|and|so|because|cause|cuz|coz|though|then|lol|lmao|haha|tbh|rn)(?![a-z0-9])))",
    # the clause starts: the start of the message or sentence, or just after punctuation
    "start": r"(?<![a-z0-9'] )(?<![a-z0-9'])",
    "num": r"\d+(?:[.,]\d+)?",
    "many": (
        r"(?:[1-9]\d+|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|hundred|dozens?|a dozen|a hundred"
        r"|(?:a )?(?:handful|bunch|load|ton|lot|fistful|pile|heap)s? of)"
    ),
    "word": _WORD_CHARS + "+",
}
_LOOKAHEAD_BUILTINS = {"end", "start"}


def _parse(source: str):
    """Parse one pattern into a small tree: ("seq", items) / ("alt", seqs) / ("opt", node) / ("word", w, prefix) /
    ("lit", char) / ("group", name) / ("builtin", name) / ("gap",)."""
    text = source.replace("\u2019", "'").replace("\u2018", "'").casefold()
    tokens = [t for t in _TOKEN.findall(text) if not t.isspace()]
    if not tokens:
        raise PatternError("empty pattern")
    pos = 0

    def parse_alt(closer: str | None):
        nonlocal pos
        options = [parse_seq()]
        while pos < len(tokens) and tokens[pos] == "|":
            pos += 1
            options.append(parse_seq())
        if closer:
            if pos >= len(tokens) or tokens[pos] != closer:
                raise PatternError(f"'{'(' if closer == ')' else '['}' is never closed with '{closer}'")
            pos += 1
        for option in options:
            if not option[1]:
                raise PatternError("an empty choice (two '|' in a row, or '|' next to a bracket)")
        return options[0] if len(options) == 1 else ("alt", options)

    def parse_item():
        nonlocal pos
        tok = tokens[pos]
        pos += 1
        if tok == "(":
            return parse_alt(")")
        if tok == "[":
            return ("opt", parse_alt("]"))
        if tok == "...":
            return ("gap",)
        if tok == "!":
            if pos >= len(tokens) or tokens[pos] in ("|", ")", "]", "!", "...", "@"):
                raise PatternError("'!' must be followed by a word, a (choice) or a {list}: '!x' means 'not x here'")
            return ("not", parse_item())
        if tok == "@":
            if pos >= len(tokens) or tokens[pos] in ("|", ")", "]", "!", "...", "@", "["):
                raise PatternError("'@' must be followed by a word, a (choice) or a {list} that is always there")
            return ("key", parse_item())
        if tok.startswith("{"):
            name = tok[1:-1].strip()
            if not _GROUP_NAME.fullmatch(name):
                raise PatternError(f"'{tok}' is not a word-list name (letters, digits and _)")
            return ("group", name)
        if tok.startswith("<") and len(tok) > 2:
            name = tok[1:-1].strip()
            if name not in _BUILTINS:
                raise PatternError(f"unknown '<{name}>' (known: {', '.join('<' + b + '>' for b in _BUILTINS)})")
            return ("builtin", name)
        if _WORD.fullmatch(tok):
            prefix = tok.endswith("*")
            word = normalize(tok.rstrip("*"))
            if not word or not re.fullmatch(r"[a-z0-9']+", word):
                raise PatternError(f"cannot use the word '{tok}'")
            return ("word", word, prefix)
        if "*" in tok:
            raise PatternError(f"'*' must end a word, as in 'overdos*' (found '{tok}')")
        if tok == "?":
            raise PatternError("'?' is not part of the pattern language: put optional words in [square brackets]")
        if tok in "{}<>":
            raise PatternError(f"a lone '{tok}' (word lists are written {{name}}, specials <end>, <num>...)")
        return ("lit", tok)

    def parse_seq():
        items = []
        while pos < len(tokens) and tokens[pos] not in ("|", ")", "]"):
            items.append(parse_item())
        return ("seq", items)

    node = parse_alt(None)
    if pos < len(tokens):
        raise PatternError(f"unexpected '{tokens[pos]}' (a bracket closed that was never opened?)")
    _check_gaps(node)
    return node


def _check_gaps(node) -> None:
    kind = node[0]
    if kind == "seq":
        items = node[1]
        for i, item in enumerate(items):
            if item[0] == "gap" and (i == 0 or i == len(items) - 1):
                raise PatternError("'...' must stand between two words, not at the start or end")
            _check_gaps(item)
    elif kind == "alt":
        for option in node[1]:
            _check_gaps(option)
    elif kind in ("opt", "not", "key"):
        _check_gaps(node[1])


def _emit_word(word: str, prefix: bool) -> str:
    """A word as regex: a doubled letter may be written once or twice ("kill" also matches "kil"), an apostrophe may
    be left out ("don't" also matches "dont"), and "word*" matches any ending."""
    return "".join(_word_tokens(word, prefix))


def _word_key(word: str, prefix: bool) -> tuple[str, tuple[tuple[str, bool], ...]] | None:
    """The gate key of a word, and its letters for the gate's regex.

    The key is the word with apostrophes left out and doubled letters written once ("kill" → "kil",
    "attempted" → "atempted", "sh'd" → "shd"), plus ">" unless the word is a prefix ("overdos*"): then it must
    end there too ("dead" does not open "deadline"). The letters are (letter, may_be_doubled) pairs; an
    apostrophe is ("'", True): it may be missing in the message.
    """
    letters: list[tuple[str, bool]] = []
    i = 0
    while i < len(word):
        c = word[i]
        if c == "'":
            letters.append(("'", True))
            i += 1
        elif c.isalpha() and i + 1 < len(word) and word[i + 1] == c:
            letters.append((c, True))
            i += 2
        else:
            letters.append((c, False))
            i += 1
    while letters and letters[0][0] == "'":  # "'ll": the gate looks at word starts, and "i'll" starts with "i"
        return None
    if not letters:
        return None
    text = _canonical("".join(c for c, _ in letters))
    return (text if prefix else text + ">"), tuple(letters)


_DOUBLE = re.compile(r"([a-z])\1+")


def _canonical(text: str) -> str:
    """A gate key's comparable form: no spaces or apostrophes, no doubled letters ("took too" → "tokto")."""
    return _DOUBLE.sub(r"\1", text.replace(" ", "").replace("'", ""))


# The most frequent English words. A gate key that is one of these would open almost every sentence: the gate
# avoids them, and check-content reports a pattern that can only be found through them.
_VERY_COMMON = frozenset(
    """a about all also am an and any are as at be because been but by can can't could did didn't do does don't
    for from get go going got had has have he her here him his how i i'm if in into is it it's just know like me
    more my no not now of on one or out really she so some than that the their them then there these they think
    this to up us was we were what when which who will with would you your""".split()
)
# Other everyday words: allowed as keys, but only when a pattern has nothing rarer.
_COMMON = _VERY_COMMON | frozenset(
    """after again always another anyone anything around away back bad before being best better big bit both came
    come couldn't day days doesn't doing done down each even ever every everyone everything feel feeling feels
    felt few first friend friends gets getting give goes gone good great guy having he's home i'd i'll i've isn't
    its keep kind last let little long look lot lol love make man many may maybe mean might most much need never
    new next night nothing off oh ok okay only other our over people please pretty put right said same say says
    see should someone something sometimes still such sure take thank thanks thing things those though time today
    too took try trying two very want way week well went where while why year yeah yes wants wanted needs needed
    hope hoping thinking whole called calling nearly hands hand passed pass head heart side left stay stop start
    started getting group meeting sponsor clean sober using use used work job kids family clinic doctor dose meds
    home house car money food water coffee tea hours minutes morning evening tonight weekend monday friday
    break beat finish end cut hit shot fire drop dropped fall fell fight smash rest stop push pull hold held catch
    throw threw run ran burn said says saying told tell tells texted answer talk""".split()
)
_VERY_COMMON_CANONICAL = frozenset(_canonical(w) for w in _VERY_COMMON)
_COMMON_CANONICAL = frozenset(_canonical(w) for w in _COMMON)


def _word_rate(text: str, whole: bool) -> float:
    """Rough share of words in everyday chat that a key matches (whole word, or word start)."""
    if text in _VERY_COMMON_CANONICAL:
        rate = 0.02
    elif text in _COMMON_CANONICAL:
        rate = 0.002
    else:
        rate = 0.0002
    if not whole:  # a word start also matches longer words
        rate = max(rate, {1: 0.3, 2: 0.05, 3: 0.005, 4: 0.001}.get(len(text), 0.0003))
    return rate


def _cost(keys: frozenset[str], chosen: set[str] | frozenset[str] = frozenset()) -> float:
    """Expected share of words that would open a window through these keys (lower is better). Keys already
    `chosen` by other patterns cost little: those windows open anyway."""
    total = 0.0
    for key in keys:
        if key in chosen:
            total += 0.00002
            continue
        whole = key.endswith(">")
        words = key.rstrip(">").split("_")
        if len(words) == 1:
            total += _word_rate(words[0], whole)
        else:  # a phrase is rarer than its rarest word, the more so the longer it is
            rates = [_word_rate(w, True) for w in words[:-1]] + [_word_rate(words[-1], whole)]
            rate = min(rates) * 0.2 ** (len(words) - 1)
            if words[0] in _VERY_COMMON_CANONICAL:
                rate *= 3  # the gate steps into it at every "the", "to", "i"... (still rarer than the word alone)
            total += rate
    return total


_MAX_PHRASES = 160  # gate keys for one run of words
_MAX_TRIE = 4000  # word sequences in one choice emitted as a trie


class _Compiler:
    """Compiles patterns against the word lists of one rules file."""

    def __init__(self, word_lists: dict[str, list[str]]):
        self.sources = word_lists
        self.chosen: set[str] = set()  # keys already used by compiled rule patterns: free for later ones
        self.phrase_rates: dict[frozenset[str], float] = {}  # expected rate of a run of words (see _phrase_keys)
        self.trees: dict[str, object] = {}
        self.regex: dict[str, str] = {}
        self.factor_cache: dict[str, frozenset[str] | None] = {}
        self.active: list[str] = []
        self.paths: dict[str, set[tuple[tuple[str, bool], ...]]] = {}  # gate key → its letter sequences

    def group_tree(self, name: str):
        if name not in self.sources:
            raise PatternError(f"unknown word list '{{{name}}}'")
        if name in self.active:
            raise PatternError(f"word list '{{{name}}}' refers to itself ({' → '.join(self.active + [name])})")
        if name not in self.trees:
            self.active.append(name)
            try:
                entries = []
                for entry in self.sources[name]:
                    try:
                        entries.append(_parse(str(entry)))
                    except PatternError as exc:
                        raise PatternError(f"in word list '{{{name}}}', entry '{entry}': {exc}") from None
                # Longer entries first, so "i am" is preferred over "i".
                order = sorted(range(len(entries)), key=lambda k: -len(str(self.sources[name][k])))
                tree = ("alt", [("seq", [entries[k]]) for k in order]) if len(entries) > 1 else entries[0]
                self.trees[name] = tree
                self.regex[name] = self.emit(tree)
            finally:
                self.active.pop()
        return self.trees[name]

    def emit(self, node) -> str:
        kind = node[0]
        if kind == "seq":
            parts = []
            for i, item in enumerate(node[1]):
                sep = "" if i == 0 else " ?"
                if item[0] == "opt":
                    parts.append(f"(?:{sep}{self.emit(item[1])})?")
                elif item[0] == "gap":
                    parts.append(f"(?: {_WORD_CHARS}+){{0,{_GAP_WORDS}}}")
                elif item[0] == "builtin" and item[1] in _LOOKAHEAD_BUILTINS:
                    parts.append(_BUILTINS[item[1]])
                elif item[0] == "not":
                    parts.append(f"(?! ?(?:{self.emit(item[1])})(?![a-z0-9]))")
                else:
                    parts.append(sep + self.emit(item))
            return "".join(parts)
        if kind == "alt":
            words = self._word_options(node, _MAX_TRIE)
            if words is not None and len(words) > 2:
                return _word_trie(words)
            return "(?:" + "|".join(self.emit(option) for option in node[1]) + ")"
        if kind == "opt":
            return f"(?:{self.emit(node[1])})?"
        if kind == "word":
            return _emit_word(node[1], node[2])
        if kind == "lit":
            return re.escape(node[1])
        if kind == "group":
            self.group_tree(node[1])
            return f"(?:{self.regex[node[1]]})"
        if kind == "builtin":
            return f"(?:{_BUILTINS[node[1]]})"
        if kind == "not":
            return f"(?!(?:{self.emit(node[1])})(?![a-z0-9]))"
        if kind == "key":
            return self.emit(node[1])
        raise AssertionError(kind)

    def factors(self, node) -> frozenset[str] | None:
        """Gate keys: word starts of which every match contains at least one (None: no such set)."""
        kind = node[0]
        if kind == "word":
            found = _word_key(node[1], node[2])
            if not found:
                return None
            self.paths.setdefault(found[0], set()).add(found[1])
            return frozenset([found[0]])
        if kind == "lit":
            return None
        if kind == "group":
            name = node[1]
            if name not in self.factor_cache:
                self.factor_cache[name] = None
                self.factor_cache[name] = self.factors(self.group_tree(name))
            return self.factor_cache[name]
        if kind == "alt":
            found: set[str] = set()
            for option in node[1]:
                sub = self.factors(option)
                if sub is None:
                    return None
                found |= sub
            return frozenset(found)
        if kind == "key":
            return self.factors(node[1])
        if kind == "seq":
            marked = [item for item in node[1] if item[0] == "key"]
            if marked:  # the writer said which part to find the pattern by
                return self.factors(marked[0])
            # The cheapest required element, or run of fixed words ("took too much" is rarer than "took"). The
            # first one gets a bonus: it always starts a word even when the writer glued the words ("killmyself").
            options: list[tuple[float, frozenset[str]]] = []
            first = True
            for item in node[1]:
                if item[0] in ("opt", "gap", "builtin", "not"):
                    continue
                keys = self.factors(item)
                if keys:
                    options.append((_cost(keys, self.chosen) * (0.7 if first else 1.0), keys))
                first = False
            for start in range(len(node[1])):
                phrase = self._phrase_keys(node[1][start:])
                if phrase:
                    cost = 0.0 if phrase <= self.chosen else self.phrase_rates[phrase]
                    options.append((cost * (0.7 if start == 0 else 1.0), phrase))
            return min(options, key=lambda o: o[0])[1] if options else None
        return None


    def _word_options(self, node, limit: int = _MAX_PHRASES) -> list[tuple[tuple[str, bool], ...]] | None:
        """If `node` only ever matches fixed words: every word sequence it can match (as (word, prefix) pairs),
        unless there are more than `limit`."""
        kind = node[0]
        if kind == "word":
            return [((node[1], node[2]),)]
        if kind == "group":
            return self._word_options(self.group_tree(node[1]), limit)
        if kind == "alt":
            options: list[tuple[tuple[str, bool], ...]] = []
            for option in node[1]:
                sub = self._word_options(option, limit)
                if sub is None:
                    return None
                options.extend(sub)
            return options if len(options) <= limit else None
        if kind == "seq":
            options = [()]
            for item in node[1]:
                sub = self._word_options(item, limit)
                if sub is None:
                    return None
                options = [a + b for a in options for b in sub]
                if len(options) > limit:
                    return None
            return options
        return None

    def _phrase_keys(self, items) -> frozenset[str] | None:
        """Keys for a run of fixed words at the start of `items`: one per way the run can be written
        ("(passed|nodded) out" → "pased_out", "noded_out"). None if the run is shorter than two words.

        The run's expected rate (in phrase_rates) is that of its rarest element, narrowed by each other element
        (the rarer, the more): combinations nobody writes do not add up."""
        options = [()]
        element_rates: list[float] = []
        for item in items:
            if item[0] in ("opt", "gap", "builtin", "lit", "not"):
                break
            sub = self._word_options(item)
            if sub is None:
                break
            grown = [a + b for a in options for b in sub]
            if len(grown) > _MAX_PHRASES:
                break
            options = grown
            element_rates.append(min(1.0, sum(
                min(_word_rate(_canonical(w), not p) for w, p in option) for option in sub
            )))
            if any(prefix for option in sub for _w, prefix in option):
                break  # the fixed text ends inside this element
        if not options or min(len(o) for o in options) < 2:
            return None
        keys = set()
        for option in options:
            letters: list[tuple[str, bool]] = []
            texts = []
            last = ""
            for i, (word, prefix) in enumerate(option):
                found = _word_key(word, prefix)
                if not found:
                    return None
                if i:
                    letters.append((" ", True))
                letters.extend(found[1])
                texts.append(found[0].rstrip(">"))
                last = found[0]
                if not last.endswith(">"):
                    break  # the fixed text ends inside this word
            if len(texts) < 2:
                return None
            key = "_".join(texts) + (">" if last.endswith(">") else "")
            self.paths.setdefault(key, set()).add(tuple(letters))
            keys.add(key)
        rarest = min(element_rates)
        rate = rarest
        for other in element_rates:  # function words ("to the") narrow a run down only a little
            rate *= min(1.0, 5 * other) ** 0.5
        rate /= min(1.0, 5 * rarest) ** 0.5
        if element_rates[0] >= 0.02:
            rate *= 3  # the gate steps into the run at every "the", "to", "i"...: slower to search
        result = frozenset(keys)
        self.phrase_rates[result] = rate
        return result

    def compile(self, source: str, scan: bool = False) -> tuple[str, frozenset[str] | None]:
        """The regex for a pattern. The `scan` form starts by consuming the character before the match (group 1 is
        the match): the regex engine then only tries it at word starts, which is much faster. Search it on the text
        with a space in front. Rule patterns are compiled in `scan` form, and their keys are remembered."""
        tree = _parse(source)
        body = self.emit(tree)
        if scan:
            factors = self.factors(tree)
            self.chosen.update(factors or ())
            return rf"[^a-z0-9]({body})(?![a-z0-9])", factors
        return rf"(?<![a-z0-9])(?:{body})(?![a-z0-9])", self.factors(tree)

    def words(self) -> set[str]:
        """Every literal word in the word lists (for splitting glued words and restoring censored ones)."""
        found: set[str] = set()
        for name in self.sources:
            _collect_words(self.group_tree(name), found)
        return found


def _word_trie(options) -> str:
    """A choice of fixed word sequences as one prefix-factored regex: the regex engine then tests a letter once
    for all the words that share it, instead of trying each word in turn (word lists can be long)."""
    trie: dict = {}
    for option in options:
        node = trie
        tokens: list[str] = []
        for i, (word, prefix) in enumerate(option):
            if i:
                tokens.append(" ?")
            tokens.extend(_word_tokens(word, prefix))
        for token in tokens:
            node = node.setdefault(token, {})
        node[None] = True

    def emit(node: dict) -> str:
        alts = [token + emit(child) for token, child in sorted(node.items(), key=lambda kv: kv[0] or "")
                if token is not None]
        if None in node:
            return f"(?:{'|'.join(alts)})?" if alts else ""
        return alts[0] if len(alts) == 1 else f"(?:{'|'.join(alts)})"

    return emit(trie)


def _word_tokens(word: str, prefix: bool) -> list[str]:
    """_emit_word, as a list of one regex piece per letter."""
    out = []
    i = 0
    while i < len(word):
        c = word[i]
        if c == "'":
            out.append("'?")
            i += 1
        elif c.isalpha() and i + 1 < len(word) and word[i + 1] == c:
            out.append(c + "{1,2}")
            i += 2
        else:
            out.append(re.escape(c))
            i += 1
    if prefix:
        out.append("[a-z']*")
    return out


def _collect_words(node, found: set[str]) -> None:
    kind = node[0]
    if kind == "word":
        found.add(node[1].replace("'", ""))
    elif kind in ("seq", "alt"):
        for item in node[1]:
            _collect_words(item, found)
    elif kind in ("opt", "key"):
        _collect_words(node[1], found)


def _build_gate(keys: set[str], paths: dict[str, set]) -> tuple[re.Pattern, dict[str, tuple[str, ...]]]:
    """One regex that finds, at every word start, the longest gate key there; and its closure.

    A key ending in ">" must also end a word there ("dead" does not open "deadline"); the others are word starts.
    The regex is searched on the text with a space in front and begins with a non-letter class, so the regex
    engine skips through words fast. The closure maps the found text (canonical form) to every key that the find
    shows present: shorter word starts, and whole words inside a found phrase ("wake up" also shows "wake").
    """
    entries = [(path, ">" if key.endswith(">") else "") for key in keys for path in paths.get(key, ())]
    gate = re.compile(f"[^a-z0-9](?=({_trie_regex(entries)}))") if entries else re.compile(r"(?!)()")
    plain = {key: _canonical(key.rstrip(">").replace("_", "")) for key in keys}
    boundaries: dict[str, set[int]] = {}
    for key in keys:
        words = key.rstrip(">").split("_")
        for i in range(1, len(words)):
            boundaries.setdefault(plain[key], set()).add(len(_canonical("".join(words[:i]))))
    whole_by_text: dict[str, set[str]] = {}
    start_by_text: dict[str, set[str]] = {}
    for key in keys:
        (whole_by_text if key.endswith(">") else start_by_text).setdefault(plain[key], set()).add(key)
    closure: dict[str, tuple[str, ...]] = {}
    for text in set(plain.values()):
        found = set(whole_by_text.get(text, ()))
        for b in boundaries.get(text, ()):
            found.update(whole_by_text.get(text[:b], ()))
        for n in range(1, len(text) + 1):
            found.update(start_by_text.get(text[:n], ()))
        closure[text] = tuple(found)
    return gate, closure


def _trie_regex(entries) -> str:
    """One regex alternation for many letter sequences, shared starts factored out (much faster to search).

    An entry is (path, end) where a path is a sequence of (letter, may_be_doubled) (" " for an optional space, "'"
    for an optional apostrophe) and end is ">" when the word must end after it. Branches differ in their first
    letter, so the regex finds the longest entry that matches. Any letter may be repeated in the text (repeats
    are collapsed later, in the sentences looked at closely), so may_be_doubled needs no special case here.
    """
    trie: dict = {"next": {}, "ends": set(), "glued": set()}
    for path, end in entries:
        node = trie
        for c, flag in path:
            if c == " " and flag:
                node["glued"].add(c)  # this space may be missing in some entry: so it may be in all of them
            node = node["next"].setdefault(c, {"next": {}, "ends": set(), "glued": set()})
        node["ends"].add(end)

    def emit(node: dict) -> str:
        alts = []
        for c in sorted(node["next"]):
            optional_space = c in node["glued"]
            # Any letter may be repeated: the text is not collapsed yet ("kiiiill" is found as "kil"). The repeat
            # is possessive (never given back, which saves the regex engine a step per letter) unless what
            # follows could start with the same letter and need it back.
            repeat = "*" if c in _first_chars(node["next"][c]) else "*+"
            step = ((" ?" if optional_space else " +") if c == " " else "'?" if c == "'"
                    else f"{re.escape(c)}{re.escape(c)}{repeat}")
            alts.append(step + emit(node["next"][c]))
        if "" in node["ends"]:  # a word start may stop here
            return f"(?:{'|'.join(alts)})?" if alts else ""
        if ">" in node["ends"]:
            alts.append("(?![a-z0-9])")
        return alts[0] if len(alts) == 1 else f"(?:{'|'.join(alts)})"

    return emit(trie)


def _first_chars(node: dict) -> set[str]:
    """The characters a gate trie node's continuation can start with; optional steps (a space that may be
    missing, an apostrophe) let the characters after them start it too."""
    found = set(node["next"])
    for c in ("'", " "):
        if c in node["next"] and (c == "'" or c in node["glued"]):
            found |= _first_chars(node["next"][c])
    return found


# --- compiled rules -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    """One compiled pattern, with where it came from."""

    source: str
    line: int
    regex: re.Pattern
    factors: frozenset[str] | None


@dataclass(frozen=True)
class Rule:
    """A group of patterns with one category and tier (one entry under `rules:`)."""

    category: str
    tier: str
    who: str
    line: int
    patterns: tuple[Pattern, ...]
    escalate: re.Pattern | None = None
    examples: tuple[tuple[str, int], ...] = ()
    # A match counts only if one of these is in the same sentence too (None: no such condition).
    requires: re.Pattern | None = None


@dataclass
class Rules:
    """Everything compiled from crisis.yaml. Use `detect()`."""

    path: str
    rules: tuple[Rule, ...]
    spellings: dict[str, str]
    idioms: tuple[Pattern, ...]
    general: re.Pattern
    subjects: re.Pattern
    negation: re.Pattern
    past: re.Pattern
    recent: re.Pattern
    clause_break: re.Pattern
    negation_bridge: frozenset[str]
    vocabulary: frozenset[str]
    gate_paths: dict[str, set[tuple[tuple[str, bool], ...]]]
    everyday_examples: tuple[tuple[str, int], ...] = ()
    # Built in __post_init__:
    gate: re.Pattern = field(init=False)
    spelling_regex: re.Pattern | None = field(init=False)
    _entries: list[tuple[Rule, Pattern]] = field(init=False)
    _by_factor: dict[str, tuple[int, ...]] = field(init=False)
    _entries_by_factor: dict[str, tuple[tuple[int, Rule, Pattern], ...]] = field(init=False)
    _any_by_factor: dict[str, re.Pattern] = field(init=False)
    _idioms_by_factor: dict[str, tuple[int, ...]] = field(init=False)
    _always: tuple[int, ...] = field(init=False)
    _spelling_factors: frozenset[str] = field(init=False)
    _closure: dict[str, tuple[str, ...]] = field(init=False)
    _idiom_gate: re.Pattern = field(init=False)
    _idiom_closure: dict[str, tuple[str, ...]] = field(init=False)
    _opening: frozenset[str] = field(init=False)
    _canon: dict[str, str] = field(init=False)
    _segment_max: int = field(init=False)

    def __post_init__(self) -> None:
        self.spelling_regex = compile_spellings(self.spellings)
        self._entries = [(rule, pat) for rule in self.rules for pat in rule.patterns]
        by_factor: dict[str, list[int]] = {}
        always = []
        for i, (_rule, pat) in enumerate(self._entries):
            if pat.factors is None:
                always.append(i)
            for f in pat.factors or ():
                by_factor.setdefault(f, []).append(i)
        idioms_by_factor: dict[str, list[int]] = {}
        for i, pat in enumerate(self.idioms):
            for f in pat.factors or ():
                idioms_by_factor.setdefault(f, []).append(i)
        spelling_factors = set()
        paths = {k: set(v) for k, v in self.gate_paths.items()}
        for key in self.spellings:
            # Spellings match literally, whole words: the key is the whole misspelling ("want 2" → "want_2"),
            # letter for letter (an apostrophe may be missing, as in patterns).
            letters: list[tuple[str, bool]] = []
            words: list[str] = []
            for i, word in enumerate(key.split(" ")):
                if i:
                    letters.append((" ", False))  # the space must be there: "my self", not "myself"
                letters.extend(("'", True) if c == "'" else (c, False) for c in word)
                words.append(_canonical(word))
            if not words[0] or key.startswith("'"):
                continue
            gate_key = "_".join(words) + ">"
            spelling_factors.add(gate_key)
            paths.setdefault(gate_key, set()).add(tuple(letters))
        self._by_factor = {k: tuple(v) for k, v in by_factor.items()}
        self._entries_by_factor = {k: tuple((i, *self._entries[i]) for i in v) for k, v in by_factor.items()}
        # For a key that several patterns share, one regex tells at once whether any of them can match.
        self._any_by_factor = {k: _any_of([self._entries[i][1].regex for i in v])
                               for k, v in by_factor.items() if len(v) > 1}
        self._idioms_by_factor = {k: tuple(v) for k, v in idioms_by_factor.items()}
        self._always = tuple(always)
        self._spelling_factors = frozenset(spelling_factors)
        # The gate finds rule (and spelling) keys: they open windows. A second, run only in a window where
        # something matched, finds idiom keys: which idioms to blank out.
        self.gate, self._closure = _build_gate(set(by_factor) | spelling_factors, paths)
        self._idiom_gate, self._idiom_closure = _build_gate(set(idioms_by_factor), paths)
        self._opening = frozenset(by_factor) | self._spelling_factors
        self._canon: dict[str, str] = {}
        self._segment_max = max((len(w) for w in self.vocabulary), default=1)

    # --- the detector ---------------------------------------------------------------------------------------------

    def detect(self, text: str) -> Crisis | None:
        """The most urgent crisis in `text`, or None."""
        if not text:
            return None
        norm = normalize_detailed(text, ascii_only=True, collapse=False)
        body = norm.text
        if norm.glued:
            body = self._resegment(body, norm.glued)
        if "*" in body:
            body = self._uncensor(body)
        message = _Message(body)
        windows = self._windows(body, message)
        best: Crisis | None = None
        for (start, end), factors in windows:
            message.window = (start, end)
            found = self._judge_window(body[start:end], factors, message)
            if found and (best is None or found.urgency > best.urgency):
                best = found
                if best.urgency >= _MOST_URGENT:
                    break  # nothing can beat an overdose emergency
        return best

    def _factors_in(self, text: str, gate: re.Pattern | None = None, closure: dict | None = None) -> set[str]:
        """The keys of a gate (by default the main one) found in a short text."""
        found: set[str] = set()
        for _pos, keys in self._hits(text, gate, closure):
            found.update(keys)
        return found

    def _hits(self, text: str, gate: re.Pattern | None = None, closure: dict | None = None):
        """(position, keys) for each gate find in `text`."""
        gate, closure = gate or self.gate, closure or self._closure
        canon = self._canon
        hits = []
        for m in gate.finditer(" " + text):
            found = m.group(1)
            c = canon.get(found)
            if c is None:
                c = _canonical(found)
                if len(canon) < 100_000:
                    canon[found] = c
            keys = closure.get(c)
            if keys:
                hits.append((m.start(), keys))
        return hits

    def _windows(self, body: str, message: _Message | None = None) -> list[tuple[tuple[int, int], set[str]]]:
        """The sentences (or, in very long sentences, the stretches) where some rule's key word appears."""
        ends: list[int] | None = None
        sentences: dict[int, set[str]] = {}
        long_spans: dict[tuple[int, int], set[str]] = {}
        for pos, keys in self._hits(body):
            if ends is None:
                ends = find_positions(_SENTENCE_END, body)
                ends.append(len(body))
            i = bisect.bisect_right(ends, pos)
            if i == len(ends):
                i -= 1
            start = ends[i - 1] + 1 if i else 0
            if ends[i] - start > 2 * _WINDOW:
                span = _clip(body, start, ends[i], pos)
                long_spans.setdefault(span, set()).update(keys)
            elif i in sentences:
                sentences[i].update(keys)
            else:
                sentences[i] = set(keys)
        if ends is None:
            return []
        opening = self._opening
        if message is not None:
            message.ends = ends
        windows = [((ends[i - 1] + 1 if i else 0, ends[i]), keys)
                   for i, keys in sentences.items() if not opening.isdisjoint(keys)]
        if long_spans:
            merged: list[tuple[tuple[int, int], set[str]]] = []
            for (start, end), keys in sorted(long_spans.items()):
                if merged and start < merged[-1][0][1]:
                    (m_start, m_end), m_keys = merged[-1]
                    merged[-1] = ((m_start, max(m_end, end)), m_keys | keys)
                else:
                    merged.append(((start, end), keys))
            windows.extend((span, keys) for span, keys in merged if not opening.isdisjoint(keys))
        return windows

    def _judge_window(self, window: str, factors: set[str], message: _Message) -> Crisis | None:
        window = collapse_repeats(window)
        if self.spelling_regex is not None and not self._spelling_factors.isdisjoint(factors):
            window = self.spelling_regex.sub(lambda m: self._respelt(m.group()), window)
            factors = self._factors_in(window)
        # Most windows are everyday sentences in which no pattern matches at all: only if one does are the idioms
        # blanked out and the matches weighed.
        by_factor, any_by_factor = self._entries_by_factor, self._any_by_factor
        padded = " " + window
        found: dict[int, tuple[int, Rule, Pattern]] = {}
        for key in factors:
            any_of = any_by_factor.get(key)
            if any_of is not None and not any_of.search(padded):
                continue
            for entry in by_factor.get(key, ()):
                if entry[0] not in found and entry[2].regex.search(padded):
                    found[entry[0]] = entry
        for index in self._always:
            entry = (index, *self._entries[index])
            if entry[2].regex.search(padded):
                found[index] = entry
        if not found:
            return None
        matching = list(found.values())
        idioms_by_factor = self._idioms_by_factor
        idiom_keys = self._factors_in(window, self._idiom_gate, self._idiom_closure)
        for i in sorted({i for f in idiom_keys for i in idioms_by_factor.get(f, ())}):
            window = self.idioms[i].regex.sub(_blank, window)
        padded = " " + window
        best: Crisis | None = None
        for _index, rule, pat in sorted(matching, key=lambda e: e[0]):
            if best is not None and best.tier == EMERGENCY and rule.tier == CRISIS:
                continue  # cannot beat what we have
            for m in pat.regex.finditer(padded):
                if best is not None and _ceiling(rule, message) <= best.urgency:
                    break  # no match of this rule can beat what we have: judging it would change nothing
                found = self._judge_match(rule, window, m.start(1) - 1, m.end(1) - 1, m.group(1), message)
                if found and (best is None or found.urgency > best.urgency):
                    best = found
        return best

    def _judge_match(self, rule: Rule, window: str, start: int, end: int, matched: str,
                     message: _Message) -> Crisis | None:
        prefix = window[:start]
        clause_start = 0
        for b in self.clause_break.finditer(prefix):
            clause_start = b.end()
        clause_prefix = prefix[clause_start:]
        # A general question or "what if" earlier in the clause drops the match; for an emergency, not if a
        # particular person (the writer or someone they know) is named after it: "what do I do if someone
        # overdoses" is a question, "what do I do if my friend is overdosing" is not.
        frame_end = -1
        for g in self.general.finditer(clause_prefix):
            frame_end = g.end()
        subject = None
        named_after_frame = False
        for s in self.subjects.finditer(clause_prefix):
            subject = s.lastgroup
            if subject in ("me", "others") and s.start() >= frame_end:
                named_after_frame = True
        if subject is None:
            # "he took too much and won't wake up": the clause has no subject of its own; the sentence's is used.
            for s in self.subjects.finditer(prefix[:clause_start]):
                subject = s.lastgroup
        own = self.subjects.match(matched)
        if own is not None:  # the match names its own subject: "... you. his lips are blue"
            subject = own.lastgroup
        if frame_end >= 0 and (rule.tier == CRISIS or not named_after_frame):
            return None  # (an emergency about a person named after the question still counts)
        if subject == "general" and not self._names_writer(matched):
            return None  # "people want to die" is a remark; "everyone would be better off without me" is not
        if subject == "someone":
            subject = "others"
        if (rule.who == "others" and subject == "me") or (rule.who == "me" and subject == "others"):
            return None
        if rule.requires is not None and not rule.requires.search(" " + window):
            return None
        if rule.tier == EMERGENCY:
            return Crisis(rule.category, EMERGENCY)
        after = self.clause_break.search(window, end)
        clause = clause_prefix + window[start:after.start() if after else len(window)]
        negated = self._negated(clause_prefix)
        past = bool(self.past.search(clause)) and not self.recent.search(clause)
        softened = negated or past
        if not softened and rule.escalate is not None and message.escalates(rule):
            return Crisis(rule.category, EMERGENCY)
        return Crisis(rule.category, CRISIS, softened)

    def _negated(self, clause_prefix: str) -> bool:
        """A negation shortly before the match, with only bridge words after it: "I don't [really want to] die"."""
        tail = " ".join(clause_prefix.split()[-7:])
        last = None
        for last in self.negation.finditer(tail):
            pass
        if last is None:
            return False
        return all(word in self.negation_bridge for word in tail[last.end():].split())

    def _names_writer(self, matched: str) -> bool:
        return any(s.lastgroup == "me" for s in self.subjects.finditer(matched))

    # --- rare repairs ---------------------------------------------------------------------------------------------

    def _respelt(self, found: str) -> str:
        return self.spellings.get(" ".join(found.split()), found)

    def _resegment(self, body: str, glued: tuple[str, ...]) -> str:
        """Split words glued from spaced-out letters back into known words: "killmyself" → "kill myself"."""
        for word in set(glued):
            if word in self.vocabulary:
                continue
            parts = _segment(word, self.vocabulary, self._segment_max)
            if parts and len(parts) > 1:
                body = re.sub(rf"(?<![a-z]){re.escape(word)}(?![a-z])", " ".join(parts), body)
        return body

    def _uncensor(self, body: str) -> str:
        """Restore words censored with asterisks when exactly one known word fits: "k*ll" → "kill"."""

        def fix(match: re.Match) -> str:
            word = match.group()
            if not any(c.isalpha() for c in word.replace("*", "")) or len(word.strip("*")) < 2:
                return word
            pattern = re.compile(
                "".join(f"[a-z]{{1,{len(run) + 1}}}" if run.startswith("*") else re.escape(run)
                        for run in re.findall(r"\*+|[^*]+", word))
            )
            fits = sorted(w for w in self.vocabulary if len(w) >= len(word.strip("*")) and pattern.fullmatch(w))
            if len(fits) > 1:  # several fit ("k*ll": kill, and German "knall"): one letter a star is likeliest
                fits = [w for w in fits if len(w) == len(word)]
            return fits[0] if len(fits) == 1 else word

        return _CENSORED.sub(fix, body)


class _Message:
    """One message being judged: its matching form, the sentences where gate keys were found, and answers that
    are worked out once per message."""

    __slots__ = ("body", "ends", "window", "_escalates")

    def __init__(self, body: str):
        self.body = body
        self.ends: list[int] = []  # where sentences end (set by Rules._windows)
        self.window = (0, len(body))  # the window being judged
        self._escalates: dict[tuple[int, int, int], bool] = {}

    def escalates(self, rule: Rule) -> bool:
        """Does the message show a plan, the means or a time (the rule's emergency_when) near the window being
        judged: in its sentence or the two sentences either side ("I want to die. I've got the rope ready.")?"""
        start, end = self.window
        i = bisect.bisect_right(self.ends, start)
        j = bisect.bisect_left(self.ends, end)
        lo = self.ends[i - _NEARBY_SENTENCES - 1] + 1 if i > _NEARBY_SENTENCES else 0
        hi = self.ends[j + _NEARBY_SENTENCES] if j + _NEARBY_SENTENCES < len(self.ends) else len(self.body)
        key = (id(rule), lo, hi)
        found = self._escalates.get(key)
        if found is None:
            found = self._escalates[key] = bool(rule.escalate.search(" " + collapse_repeats(self.body[lo:hi])))
        return found


_SENTENCE_END = per_char("{c}", ".!?;\n")  # what ends a sentence (see per_char)
_NEARBY_SENTENCES = 2  # emergency_when is looked for this many sentences either side of the match
_MOST_URGENT = Crisis(CATEGORIES[0], EMERGENCY).urgency
_URGENCY = {(category, tier): Crisis(category, tier).urgency for category in CATEGORIES for tier in TIERS}


def _ceiling(rule: Rule, message: _Message) -> int:
    """The most urgent result a match of `rule` can give in the window being judged. Whether the rule escalates
    there does not depend on the match (and is worked out once), so once one match of a crisis rule has been
    weighed, the rule's other matches can only tie with it or fall below it."""
    escalates = rule.tier == EMERGENCY or (rule.escalate is not None and message.escalates(rule))
    return _URGENCY[rule.category, EMERGENCY if escalates else CRISIS]


def _any_of(regexes: list[re.Pattern]) -> re.Pattern:
    """One regex matching where any of these scan-form regexes ("[^a-z0-9](BODY)(?![a-z0-9])") would."""
    head, tail = "[^a-z0-9](", ")(?![a-z0-9])"
    bodies = [r.pattern[len(head):-len(tail)] for r in regexes]
    assert all(r.pattern.startswith(head) and r.pattern.endswith(tail) for r in regexes)
    return re.compile(f"[^a-z0-9](?:{'|'.join(bodies)})(?![a-z0-9])")


def _blank(match: re.Match) -> str:
    return _MASK * len(match.group())
_CENSORED = re.compile(r"[a-z]*(?:[a-z]\*|\*[a-z])[a-z*]*")


def _clip(body: str, start: int, end: int, pos: int) -> tuple[int, int]:
    lo, hi = max(start, pos - _WINDOW), min(end, pos + _WINDOW)
    if lo > start:
        space = body.find(" ", lo)
        lo = space + 1 if 0 <= space < pos else lo
    if hi < end:
        space = body.rfind(" ", pos, hi)
        hi = space if space > pos else hi
    return lo, hi


def _segment(word: str, vocabulary: frozenset[str], longest: int) -> list[str] | None:
    """Split `word` into the fewest known words, or None."""
    best: list[list[str] | None] = [None] * (len(word) + 1)
    best[0] = []
    for i in range(len(word)):
        if best[i] is None:
            continue
        for j in range(i + 1, min(len(word), i + longest) + 1):
            piece = word[i:j]
            if piece in vocabulary and (best[j] is None or len(best[i]) + 1 < len(best[j])):
                best[j] = best[i] + [piece]
    return best[len(word)]


# --- loading and checking crisis.yaml ------------------------------------------------------------------------------

_TOP_KEYS = {"spellings", "words", "subjects", "context", "not_crisis", "rules", "everyday_examples"}
_CONTEXT_KEYS = {"general", "negation", "negation_bridge", "past", "recent", "clause_breaks"}
_SUBJECT_KEYS = {"me", "others", "someone", "general"}
_RULE_KEYS = {"category", "tier", "who", "about", "patterns", "emergency_when", "requires", "examples"}
# Words that glued text is often made of besides the rule words.
_EXTRA_VOCABULARY = "i a am to the and so just now it is my me want wanna go going gonna".split()


class _Problems(list):
    def add(self, path: str, line: int, message: str) -> None:
        self.append(Problem(path, line, message))


def _item_line(lines: list[str], start: int, item) -> int:
    """Best guess at the line of a scalar list item: the first line from `start` that contains it."""
    needle = str(item)
    for n in range(max(start, 1) - 1, len(lines)):
        if needle in lines[n]:
            return n + 1
    return start


def _build(path: Path) -> tuple[Rules | None, list[Problem], list[Problem]]:
    """Compile crisis.yaml: (rules or None, faults, warnings)."""
    spath = str(path)
    problems = _Problems()
    warnings = _Problems()  # slow but working patterns: reported by validate_rules, never stop loading
    try:
        data = load_yaml_file(path)
    except ContentError as exc:
        return None, [exc.problem], []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    if not isinstance(data, dict):
        return None, [Problem(spath, 1, "the file must be a mapping with 'rules:', 'words:' and so on")], []
    for key in data:
        if key not in _TOP_KEYS:
            problems.add(spath, _item_line(lines, 1, f"{key}:"),
                         f"unknown section '{key}' (known: {', '.join(sorted(_TOP_KEYS))})")

    def str_list(node, where: str, line: int, required: bool = True) -> list[tuple[str, int]]:
        if node is None:
            if required:
                problems.add(spath, line, f"'{where}' is missing")
            return []
        if not isinstance(node, list):
            problems.add(spath, getattr(node, "line", line), f"'{where}' must be a list")
            return []
        if not node and required:
            problems.add(spath, getattr(node, "line", line), f"'{where}' is empty")
        out = []
        for item in node:
            item_line = _item_line(lines, getattr(node, "line", line), item)
            if not isinstance(item, (str, int, float)) or isinstance(item, bool) or str(item).strip() == "":
                problems.add(spath, item_line, f"an entry of '{where}' must be a non-empty text")
                continue
            out.append((str(item), item_line))
        return out

    # word lists
    words_node = data.get("words") or {}
    word_lists: dict[str, list[str]] = {}
    if not isinstance(words_node, dict):
        problems.add(spath, getattr(words_node, "line", 1), "'words' must map list names to lists")
        words_node = {}
    for name, entries in words_node.items():
        line = _item_line(lines, getattr(words_node, "line", 1), f"{name}:")
        if not isinstance(name, str) or not _GROUP_NAME.fullmatch(name):
            problems.add(spath, line, f"'{name}' is not a usable word-list name (lower-case letters, digits and _)")
            continue
        word_lists[name] = [s for s, _ in str_list(entries, f"words: {name}", line)]
    compiler = _Compiler(word_lists)
    for name in word_lists:
        try:
            compiler.group_tree(name)
        except PatternError as exc:
            problems.add(spath, _item_line(lines, getattr(words_node, "line", 1), f"{name}:"), str(exc))

    def compile_list(node, where: str, line: int, required: bool = True, scan: bool = False) -> list[Pattern]:
        out = []
        for source, item_line in str_list(node, where, line, required):
            try:
                regex_text, factors = compiler.compile(source, scan=scan)
                regex = re.compile(regex_text)
            except (PatternError, re.error) as exc:
                problems.add(spath, item_line, f"pattern '{source}': {exc}")
                continue
            out.append(Pattern(source, item_line, regex, factors))
        return out

    def alternation(node, where: str, line: int, required: bool = True) -> str:
        parts = []
        for source, item_line in str_list(node, where, line, required):
            try:
                body = compiler.emit(_parse(source))
                re.compile(body)
            except (PatternError, re.error) as exc:
                problems.add(spath, item_line, f"'{where}' entry '{source}': {exc}")
                continue
            parts.append(body)
        parts.sort(key=len, reverse=True)
        return "|".join(parts) or "(?!)"

    # spellings
    spellings_node = data.get("spellings") or {}
    spellings: dict[str, str] = {}
    if not isinstance(spellings_node, dict):
        problems.add(spath, getattr(spellings_node, "line", 1), "'spellings' must map a misspelling to its spelling")
    else:
        for wrong, right in spellings_node.items():
            line = _item_line(lines, getattr(spellings_node, "line", 1), f"{wrong}:")
            if not isinstance(wrong, str) or not isinstance(right, str) or not wrong.strip() or not right.strip():
                problems.add(spath, line, f"spelling '{wrong}: {right}' must be text on both sides")
                continue
            key = normalize(wrong)
            if not re.fullmatch(r"[a-z0-9']+(?: [a-z0-9']+)*", key):
                problems.add(spath, line, f"spelling '{wrong}' must be a word or words (letters, digits, apostrophes)")
                continue
            spellings[key] = normalize(right)

    # subjects and context
    subjects_node = data.get("subjects")
    subject_parts = []
    if not isinstance(subjects_node, dict):
        problems.add(spath, getattr(data, "line", 1), "'subjects' must be a mapping with me, others, someone, general")
        subjects_node = {}
    for key in subjects_node:
        if key not in _SUBJECT_KEYS:
            problems.add(spath, _item_line(lines, getattr(subjects_node, "line", 1), f"{key}:"),
                         f"unknown subjects list '{key}' (known: {', '.join(sorted(_SUBJECT_KEYS))})")
    for key in ("others", "me", "someone", "general"):  # order matters: "my friend" (others) before "my" (me)
        body = alternation(subjects_node.get(key), f"subjects: {key}", getattr(subjects_node, "line", 1))
        subject_parts.append(f"(?P<{key}>{body})")
    subjects = re.compile(rf"(?<![a-z0-9])(?:{'|'.join(subject_parts)})(?![a-z0-9])")

    context = data.get("context")
    if not isinstance(context, dict):
        problems.add(spath, getattr(data, "line", 1), "'context' must be a mapping (general, negation, past, recent, clause_breaks)")
        context = {}
    for key in context:
        if key not in _CONTEXT_KEYS:
            problems.add(spath, _item_line(lines, getattr(context, "line", 1), f"{key}:"), f"unknown context list '{key}' (known: {', '.join(sorted(_CONTEXT_KEYS))})")
    cline = getattr(context, "line", 1)

    def bounded(key: str) -> re.Pattern:
        return re.compile(rf"(?<![a-z0-9])(?:{alternation(context.get(key), f'context: {key}', cline)})(?![a-z0-9])")

    general, negation, past, recent = (bounded(k) for k in ("general", "negation", "past", "recent"))
    bridge = {normalize(w) for w, _ in str_list(context.get("negation_bridge"), "context: negation_bridge", cline)}
    bridge |= {w.replace("'", "") for w in bridge}
    breaks = alternation(context.get("clause_breaks"), "context: clause_breaks", cline)
    clause_break = re.compile(rf"[,;:()\"]| - |(?<![a-z0-9'])(?:{breaks})(?![a-z0-9'])")

    idioms = compile_list(data.get("not_crisis"), "not_crisis", getattr(data, "line", 1))
    everyday = tuple(str_list(data.get("everyday_examples"), "everyday_examples", 1, required=False))

    # rules
    rules_node = data.get("rules")
    rules: list[Rule] = []
    if not isinstance(rules_node, list) or not rules_node:
        problems.add(spath, getattr(rules_node, "line", 1), "'rules' must be a non-empty list")
        rules_node = []
    seen_categories = set()
    for entry in rules_node:
        line = getattr(entry, "line", getattr(rules_node, "line", 1))
        if not isinstance(entry, dict):
            problems.add(spath, line, "each rule must be a mapping with category, tier and patterns")
            continue
        for key in entry:
            if key not in _RULE_KEYS:
                problems.add(spath, _item_line(lines, line, f"{key}:"),
                             f"unknown rule field '{key}' (known: {', '.join(sorted(_RULE_KEYS))})")
        category, tier, who = entry.get("category"), entry.get("tier"), entry.get("who", "anyone")
        if category not in CATEGORIES:
            problems.add(spath, _item_line(lines, line, "category:"),
                         f"unknown category '{category}' (known: {', '.join(CATEGORIES)})")
        if tier not in TIERS:
            problems.add(spath, _item_line(lines, line, "tier:"), f"unknown tier '{tier}' (known: {', '.join(TIERS)})")
        if who not in WHO:
            problems.add(spath, _item_line(lines, line, "who:"), f"unknown who '{who}' (known: {', '.join(WHO)})")
        patterns = compile_list(entry.get("patterns"), f"{category} patterns", line, scan=True)
        for pat in patterns:
            if pat.factors is None:
                problems.add(spath, pat.line, f"pattern '{pat.source}' has no word that must be there "
                                              "(everything is optional); it would be tried on every sentence")
                continue
            everyday = sorted(k.rstrip(">") for k in pat.factors if k.rstrip(">") in _VERY_COMMON_CANONICAL)
            if everyday:
                warnings.add(spath, pat.line, f"pattern '{pat.source}' can only be found through everyday words "
                                              f"({', '.join(everyday[:5])}): it would be tried on most sentences; "
                                              "make one required part specific (e.g. split the choice)")
        escalate = None
        if entry.get("emergency_when") is not None:
            if tier != CRISIS:
                problems.add(spath, line, "'emergency_when' only makes sense for tier: crisis")
            body = alternation(entry.get("emergency_when"), "emergency_when", line)
            escalate = re.compile(rf"[^a-z0-9](?:{body})(?![a-z0-9])")  # search on " " + text: fast
        examples = tuple(str_list(entry.get("examples"), "examples", line, required=False))
        requires = None
        if entry.get("requires") is not None:
            body = alternation(entry.get("requires"), "requires", line)
            requires = re.compile(rf"[^a-z0-9](?:{body})(?![a-z0-9])")  # search on " " + text: fast
        if category in CATEGORIES and tier in TIERS and who in WHO:
            rules.append(Rule(category, tier, who, line, tuple(patterns), escalate, examples, requires))
            seen_categories.add(category)
    for category in CATEGORIES:
        if category not in seen_categories:
            problems.add(spath, getattr(rules_node, "line", 1), f"no rule for category '{category}'")

    vocabulary = set(_EXTRA_VOCABULARY)
    try:
        vocabulary |= compiler.words()
    except PatternError:
        pass
    for rule in rules:
        for pat in rule.patterns:
            try:
                _collect_words(_parse(pat.source), vocabulary)
            except PatternError:
                pass
    for value in spellings.values():
        vocabulary.update(value.replace("'", "").split())
    vocabulary |= {re.sub(r"([a-z])\1", r"\1", w) for w in vocabulary}  # "kil" for "kill": glued text is collapsed

    if problems:
        return None, list(problems), list(warnings)
    return Rules(
        path=spath,
        rules=tuple(rules),
        spellings=spellings,
        idioms=tuple(idioms),
        general=general,
        subjects=subjects,
        negation=negation,
        past=past,
        recent=recent,
        clause_break=clause_break,
        negation_bridge=frozenset(bridge),
        gate_paths=compiler.paths,
        vocabulary=frozenset(vocabulary),
        everyday_examples=everyday,
    ), [], list(warnings)


def load_rules(path: Path | str = DEFAULT_RULES_PATH) -> Rules:
    """Compile crisis.yaml. Raises ContentError (with the first problem) if the file has faults."""
    rules, problems, _warnings = _build(Path(path))
    if rules is None:
        raise ContentError(problems[0])
    return rules


def validate_rules(path: Path | str = DEFAULT_RULES_PATH) -> list[Problem]:
    """Every fault in crisis.yaml, as `file:line: problem`, for `check-content`: patterns that do not compile,
    unknown categories, tiers or word lists, empty lists, examples that the rules no longer get right, and
    patterns that could only be found through everyday words (they work, but slow every message down)."""
    path = Path(path)
    rules, problems, warnings = _build(path)
    if rules is None:
        return problems + warnings
    found: list[Problem] = list(warnings)
    for rule in rules.rules:
        for text, line in rule.examples:
            got = rules.detect(text)
            if got is None or got.category != rule.category:
                what = "nothing" if got is None else got.category
                found.append(Problem(str(path), line, f"example '{text}' should be {rule.category}, but got {what}"))
    for text, line in rules.everyday_examples:
        got = rules.detect(text)
        if got is not None:
            found.append(Problem(str(path), line, f"everyday example '{text}' should not be a crisis, but got "
                                                  f"{got.category}"))
    return found


@functools.lru_cache(maxsize=4)
def _cached_rules(path: str) -> Rules:
    return load_rules(path)


def default_rules() -> Rules:
    """The rules from content/crisis.yaml, compiled once."""
    return _cached_rules(str(DEFAULT_RULES_PATH))


def detect(text: str, rules: Rules | None = None) -> Crisis | None:
    """The most urgent crisis shown by `text`, or None. Uses content/crisis.yaml unless `rules` is given."""
    return (rules or default_rules()).detect(text)
