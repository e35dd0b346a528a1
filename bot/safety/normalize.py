"""Text normalisation for the crisis detector.

People in crisis rarely write tidy text, and some write to get past filters. Before any pattern is tried the message is
rewritten to one plain form, so a rule written once ("kill myself") also meets "K I L L  M Y S E L F",
"k1ll mys3lf", "ｋｉｌｌ ｍｙｓｅｌｆ", "kiiiill myself", "k.i.l.l myself" and "k\u200bill myself":

1. Unicode: compatibility forms folded (NFKC: full-width letters, ligatures, bold/italic maths letters, circled
   letters...), accents and strike-through/"zalgo" marks dropped, case folded; curly quotes and apostrophes made
   straight; invisible characters (zero-width spaces and joiners, byte-order mark, soft hyphen, bidi marks...) and
   control characters removed; look-alike letters (Cyrillic "і" in "kіll", small capitals "ᴋɪʟʟ") mapped to Latin
   when they sit in a word that also has Latin letters.
2. Hyphens and underscores inside words are dropped ("self-harm" → "selfharm", "OD-ing" → "oding"), and leetspeak
   undone: 1→i 3→e 0→o 4→a 5→s 7→t @→a $→s (and "!" between two letters →i), but only for digits and signs that
   touch letters, so "day 30", "988", "10pm", "2nd" and "30mg" keep their numbers.
3. A letter repeated three or more times becomes one ("dieeee" → "die", "killlll" → "kil"): the detector's patterns
   accept one or two of any letter that is doubled in the rule ("kill" matches "kil" and "kill"), so both forms meet.
4. Letters split by punctuation ("k.i.l.l", "s-u-i-c-i-d-e", "o.d") or by spaces ("k i l l m y s e l f") are glued
   back together (not runs of one-letter chat words: "u r a star").
5. Runs of spaces and tabs become one space; line breaks are kept (they end sentences).

Normalising twice gives the same text as normalising once (a property the tests check).

Typos and slang ("sucide", "kms", "sewerslide") are not fixed here: they are data, listed under `spellings:` in
content/crisis.yaml and applied by the detector (see `respell`).
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

# --- Unicode clean-up ---------------------------------------------------------------------------------------------

# Mapped before NFKC: the acute accent and friends would otherwise decompose into a space plus a combining mark.
_QUOTES = str.maketrans(
    {
        **{c: "'" for c in "\u2018\u2019\u201a\u201b\u2032\u2035\u02b9\u02bc\u02bb\u02c8\u0060\u00b4\uff07\u275b\u275c"},
        **{c: '"' for c in "\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb\uff02\u275d\u275e"},
    }
)
_QUOTE_CHARS = re.compile("[\u2018\u2019\u201a\u201b\u2032\u2035\u02b9\u02bc\u02bb\u02c8\u00b4\uff07\u275b\u275c"
                          "\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb\uff02\u275d\u275e]")

# Invisible "format" characters (Unicode category Cf and friends), variation selectors, combining marks used for
# strike-through, underline and zalgo text, and C0/C1 control characters other than tab and line breaks.
_INVISIBLE = re.compile(
    "["
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
    "\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f"
    "]"
)
_ASCII_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # no "+": a lone class searches much faster
_LINE_BREAKS = re.compile("\r\n?|[\x85\u2028\u2029\x0b\x0c]")
_LINE_BREAK_CHAR = re.compile("[\r\x85\u2028\u2029\x0b\x0c]")

# Letters that look like Latin ones. Applied only inside words that also contain a Latin letter, so Russian or Greek
# text is left alone while "kіll" (Cyrillic і) becomes "kill".
_HOMOGLYPHS = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
    "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l",
    "ь": "b", "г": "r", "п": "n", "л": "n", "и": "u", "д": "d",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
    "χ": "x", "γ": "y", "μ": "u", "ω": "w", "ϲ": "c", "ς": "s", "σ": "o", "λ": "l", "δ": "d", "θ": "o",
    # IPA small capitals and other look-alikes NFKC leaves alone
    "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ꜰ": "f", "ɢ": "g", "ʜ": "h", "ɪ": "i", "ᴊ": "j", "ᴋ": "k",
    "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ʀ": "r", "ꜱ": "s", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w",
    "ʏ": "y", "ᴢ": "z", "ғ": "f", "ı": "i", "ȷ": "j", "ɑ": "a", "ɡ": "g", "ɩ": "i", "ʋ": "u", "ɯ": "w", "ǝ": "e", "ɔ": "c",
}
# Regional indicator symbols (🇰🇮🇱🇱) are used as decorative capitals.
_HOMOGLYPHS.update({chr(0x1F1E6 + i): chr(ord("a") + i) for i in range(26)})
_HOMOGLYPH_TABLE = str.maketrans(_HOMOGLYPHS)
_HOMOGLYPH_CLASS = "".join(sorted(_HOMOGLYPHS))
# Quick test: the look-alikes all sit in these ranges (a class of ranges searches much faster than a list).
_HOMOGLYPH_RANGES = re.compile("[\u0131\u0237\u0250-\u02af\u0370-\u04ff\u1d00-\u1d2b\ua730\ua731\U0001f1e6-\U0001f1ff]")
_HOMOGLYPH_CHAR = re.compile(f"[{_HOMOGLYPH_CLASS}]")
_MIXED_WORD = re.compile(f"[a-z{_HOMOGLYPH_CLASS}]*[{_HOMOGLYPH_CLASS}][a-z{_HOMOGLYPH_CLASS}]*")

# --- quick searches -----------------------------------------------------------------------------------------------


def per_char(template: str, chars: str) -> dict[str, re.Pattern]:
    """The regex `template` once for each of `chars` (put in place of "{c}").

    The regex engine scans for a class of characters ("[.!?]") several times slower than for one literal
    character. A long text holds only a few of the characters, so searching one such regex for each character
    that occurs (`in` is fast) beats one regex that starts with the class.
    """
    return {c: re.compile(template.replace("{c}", re.escape(c))) for c in chars}


def find_positions(regexes: dict[str, re.Pattern], text: str) -> list[int]:
    """Where any of these one-character regexes (made by per_char) matches in `text`, in order."""
    found = [m.start() for c, regex in regexes.items() if c in text for m in regex.finditer(text)]
    found.sort()
    return found


# --- leetspeak ----------------------------------------------------------------------------------------------------

_LEET = str.maketrans({"1": "i", "3": "e", "0": "o", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})
# Quick tests for the above: a sign touching a letter (one regex per sign: see per_char), and "!" between letters.
_LEET_SIGN_TOUCHING = per_char(r"{c}(?:(?<=[a-z].)|(?=[a-z]))", "013457@$")
_LEET_BANG = re.compile(r"!(?<=[a-z]!)(?=[a-z])")
# A "word" for leet purposes: letters, digits and the leet signs, joined.
_LEET_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789@$!")
# Words that are numbers with a unit or an ordinal, and stay as they are.
_NUMBER_WITH_UNIT = re.compile(
    r"\d+(?:[.,]\d+)?(?:am|pm|mg|mcg|ug|ml|g|kg|lbs?|k|h|hrs?|x|mins?|yrs?|yo|days?|wks?|weeks?|mo|months?)"
)
_ORDINAL = re.compile(r"\d*(?:1st|2nd|3rd|[04-9]th|1[123]th)")


def _unleet_word(word: str) -> str:
    if not any("a" <= c <= "z" for c in word):
        return word  # a plain number ("988", "30") or a sign on its own
    stripped = word.strip("!")
    if _NUMBER_WITH_UNIT.fullmatch(stripped) or _ORDINAL.fullmatch(stripped):
        return word
    # "!" only stands for "i" between two letters; at the ends it is punctuation ("help!!").
    head = len(word) - len(word.lstrip("!"))
    tail = len(word) - len(word.rstrip("!"))
    core = word[head:len(word) - tail] if tail else word[head:]
    return word[:head] + core.translate(_LEET) + (word[len(word) - tail:] if tail else "")


# --- letters split apart ------------------------------------------------------------------------------------------

_IN_WORD_JOINERS = re.compile(r"[-_](?<=[a-z][-_])[-_]*(?=[a-z])")
# Single letters separated by punctuation (optionally with spaces): "k.i.l.l", "s-u-i-c-i-d-e", "o.d", "k. i. l. l".
_SEPARATORS = ".-_*~+|/•·"
_PUNCT_SPACED = re.compile(r"(?<![a-z0-9'])[a-z](?:(?: ?[.\-_*~+|/•·] ?)+[a-z](?![a-z0-9'])){1,}")
# Quick test for the above: a separator right after a single letter (one regex per separator: see per_char).
_PUNCT_AFTER_SINGLE_LETTER = per_char(r"{c}(?<=(?<![a-z0-9'])[a-z].)", _SEPARATORS)
# Three or more single letters separated by spaces: "k i l l m y s e l f". Searched separator-first (fast).
_SPACE_SPACED = re.compile(r"[ ](?:[a-z] +){2,}[a-z](?![a-z0-9'])")
_SPACE_SPACED_QUICK = re.compile(r" [a-z] +[a-z] +[a-z](?![a-z0-9'])")  # starts with a plain space: fast
_NOT_LETTER = re.compile(r"[^a-z]+")


def _glue(match: re.Match) -> str:
    return _NOT_LETTER.sub("", match.group())


# Letters people write as words on their own in chat ("u r a star", "i c", "y u"): spaced runs made only of these
# are left as they are.
_CHAT_LETTERS = frozenset("aiuryokbcn")


def _glue_spaced(match: re.Match) -> str:
    letters = _glue(match)
    if set(letters) <= _CHAT_LETTERS:
        return match.group()[1:]
    return letters


def _glue_punctuated(match: re.Match) -> str:
    """Glue "k.i.l.l" and "o.d"; with spaces around the dots ("k. i. l. l") only from three letters on, so a
    sentence ending in a single letter ("plan b. i think") keeps its words."""
    letters = _glue(match)
    if " " in match.group() and len(letters) < 3:
        return match.group()
    return letters


# --- repeats and spaces -------------------------------------------------------------------------------------------

_TRIPLE = re.compile(r"(.)\1\1")  # any character: searches faster than ([a-z]); non-letters are skipped below
_REPEATS = re.compile(r"([a-z])\1{2,}")
_SPACES = re.compile(r"[ \t]+")
_SPACE_AROUND_BREAK = re.compile(r" *\n[ \n]*")


# What the detector's matching form puts in place of anything still not ASCII after the clean-up (emoji, other
# scripts): a control character, which no pattern word contains and which ends a clause like punctuation does.
OTHER = "\x1f"


def _to_ascii(error: UnicodeEncodeError) -> tuple[str, int]:
    return OTHER, error.end


codecs.register_error("crisis-detector-other", _to_ascii)

# Emoji and pictographs that Unicode clean-up leaves as they are: text with nothing else outside ASCII skips it.
_NOTHING_TO_CLEAN = re.compile("[^\x00-\x7f\U0001f300-\U0001faff\u2600-\u2767\u2794-\u27bf\u200d\ufe0f]")
_EMOJI_JOINERS = "\u200d\ufe0f"  # the joiners and variation selectors inside emoji


class _NeedsCleanUp(Exception):
    """The text holds more than ASCII and emoji: it needs the full Unicode clean-up."""


def _emoji_to_other(error: UnicodeEncodeError) -> tuple[str, int]:
    """A run of emoji becomes OTHER (a run of only joiners vanishes); anything else stops the encoding."""
    run = error.object[error.start:error.end]
    if _NOTHING_TO_CLEAN.search(run):
        raise _NeedsCleanUp
    return (OTHER if run.strip(_EMOJI_JOINERS) else ""), error.end


codecs.register_error("crisis-detector-emoji", _emoji_to_other)


def _ascii_with_emoji(text: str) -> str | None:
    """The matching form of text that is ASCII plus emoji, or None if it holds anything else. One encoding pass
    that looks only at the non-ASCII runs: much faster than first searching the whole text for other characters."""
    try:
        return text.encode("ascii", "crisis-detector-emoji").decode("ascii")
    except _NeedsCleanUp:
        return None


@dataclass(frozen=True)
class Normalized:
    """The normalised text, plus the words that were glued back from spaced-out letters (the detector tries to split
    those into known words again: "killmyself" → "kill myself")."""

    text: str
    glued: tuple[str, ...] = ()


def normalize(text: str) -> str:
    """The plain form of `text` that crisis patterns are matched against (see the module docstring)."""
    return normalize_detailed(text).text


def normalize_detailed(text: str, ascii_only: bool = False, collapse: bool = True) -> Normalized:
    """`normalize`, also telling which words were glued back together from single letters.

    The detector's matching form uses `ascii_only`: whatever is still not ASCII after the Unicode clean-up (emoji,
    other scripts) becomes the separator OTHER, which its regexes scan much faster; and `collapse=False`: its gate
    accepts repeated letters by itself, and it collapses repeats only in the few sentences it looks at closely.
    """
    if text.isascii():
        if _ASCII_CONTROL.search(text) or "\r" in text:
            text = _ASCII_CONTROL.sub("", _LINE_BREAKS.sub("\n", text))
        if "`" in text:
            text = text.replace("`", "'")
        text = text.lower()
    else:
        plain = _ascii_with_emoji(text) if ascii_only else None
        if plain is not None:  # ASCII plus emoji, already in the matching form (lower-casing ASCII is much faster)
            text = plain.replace("`", "'").lower()
        elif _NOTHING_TO_CLEAN.search(text):
            text = _clean_unicode(text).casefold()
            text = _fold_homoglyphs(text)
        else:  # ASCII plus emoji: only the joiners and variation selectors inside emoji need to go
            text = text.replace("\u200d", "").replace("\ufe0f", "").replace("`", "'").lower()
        if ascii_only and not text.isascii():
            text = text.encode("ascii", "crisis-detector-other").decode("ascii")
    # In-word hyphens and underscores, and leetspeak, each can make work for the other ("0k_i", "i0_i"): repeat
    # until nothing changes (normally once), so that normalising twice changes nothing.
    for _ in range(4):
        before = text
        if "-" in text or "_" in text:
            text = _IN_WORD_JOINERS.sub("", text)
        text = unleet(text)
        if text == before:
            break
    if collapse:
        text = collapse_repeats(text)
    text, glued = _unspace(text)
    if collapse and glued:
        text = collapse_repeats(text)
    if "  " in text or "\t" in text:
        text = _SPACES.sub(" ", text)
    if "\n" in text:
        text = _SPACE_AROUND_BREAK.sub("\n", text)
    return Normalized(text.strip(), glued)


def _clean_unicode(text: str) -> str:
    if _QUOTE_CHARS.search(text):
        text = text.translate(_QUOTES)
    if _LINE_BREAK_CHAR.search(text):
        text = _LINE_BREAKS.sub("\n", text)
    # NFKD, drop the marks, then compose again: equals NFKC, minus accents and strike-through marks.
    text = unicodedata.normalize("NFKD", text)
    if _INVISIBLE.search(text):
        text = _INVISIBLE.sub("", text)
    return unicodedata.normalize("NFC", text)


def _fold_homoglyphs(text: str) -> str:
    if not _HOMOGLYPH_RANGES.search(text) or not _HOMOGLYPH_CHAR.search(text):
        return text

    def fold(match: re.Match) -> str:
        word = match.group()
        if any("a" <= c <= "z" for c in word) or _all_lookalike_letters(word):
            return word.translate(_HOMOGLYPH_TABLE)
        return word

    return _MIXED_WORD.sub(fold, text)


def _all_lookalike_letters(word: str) -> bool:
    """Regional indicators and small capitals are never ordinary words: fold them even without a Latin letter."""
    return all(0x1F1E6 <= ord(c) <= 0x1F1FF or 0x1D00 <= ord(c) <= 0x1D2B or c in "ʙɢʜɪʟɴʀʏꜰꜱ" for c in word)


def unleet(text: str) -> str:
    """Map leetspeak digits and signs that touch letters ("k1ll", "$uicide", "d13") to letters; numbers stay."""
    starts = find_positions(_LEET_SIGN_TOUCHING, text)
    if "!" in text:
        starts.extend(m.start() for m in _LEET_BANG.finditer(text))
        starts.sort()
    if not starts:
        return text
    parts: list[str] = []
    done = 0
    size = len(text)
    for start in starts:
        if start < done:
            continue  # inside a word already rewritten
        end = start + 1
        while start > done and text[start - 1] in _LEET_WORD_CHARS:
            start -= 1
        while end < size and text[end] in _LEET_WORD_CHARS:
            end += 1
        word = text[start:end]
        fixed = _unleet_word(word)
        if fixed == word:
            continue
        parts.append(text[done:start])
        parts.append(fixed)
        done = end
    if not parts:
        return text
    parts.append(text[done:])
    return "".join(parts)


def _unspace(text: str) -> tuple[str, tuple[str, ...]]:
    glued: list[str] = []
    if any(regex.search(text) for c, regex in _PUNCT_AFTER_SINGLE_LETTER.items() if c in text):
        text = _PUNCT_SPACED.sub(lambda m: _remember(glued, m.group(), _glue_punctuated(m)), text)
    if _SPACE_SPACED_QUICK.search(" " + text):
        padded = " " + text
        text = _SPACE_SPACED.sub(lambda m: " " + _remember(glued, m.group()[1:], _glue_spaced(m)), padded)[1:]
    return text, tuple(glued)


def _remember(glued: list[str], original: str, word: str) -> str:
    if word != original:
        glued.append(word)
    return word


def collapse_repeats(text: str) -> str:
    """A letter written three or more times in a row becomes one: "nooooo" → "no", "dieeee" → "die"."""
    match = _TRIPLE.search(text)
    while match and not ("a" <= match.group(1) <= "z"):
        match = _TRIPLE.search(text, match.end())
    if not match:
        return text
    return _REPEATS.sub(r"\1", text)


# --- spellings (typos and slang), applied by the detector with the table from crisis.yaml ---------------------------


def compile_spellings(table: dict[str, str]) -> re.Pattern | None:
    """One regex matching any misspelt word or phrase of `table` as whole words (longest first)."""
    if not table:
        return None
    keys = sorted(table, key=len, reverse=True)
    body = "|".join(re.escape(k).replace(r"\ ", " +") for k in keys)  # "my self" is not "myself"
    return re.compile(rf"(?<![a-z0-9'])(?:{body})(?![a-z0-9'])")


def respell(text: str, table: dict[str, str], regex: re.Pattern | None = None) -> str:
    """Replace whole words found in `table` ("sucide" → "suicide", "kms" → "kill myself")."""
    regex = regex or compile_spellings(table)
    if regex is None:
        return text
    return regex.sub(lambda m: table.get(" ".join(m.group().split()), m.group()), text)
