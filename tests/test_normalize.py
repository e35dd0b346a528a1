"""Normalisation: whatever way a crisis word is written, the detector sees it in one plain form."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.safety.normalize import OTHER, collapse_repeats, normalize, normalize_detailed, respell, unleet


class TestUnicode:
    @pytest.mark.parametrize("text, plain", [
        ("I WANT TO DIE", "i want to die"),  # case folded
        ("Straße", "strasse"),  # full case folding, not just lower()
        ("ｋｉｌｌ ｍｙｓｅｌｆ", "kill myself"),  # full-width letters (NFKC)
        ("𝐤𝐢𝐥𝐥 𝐦𝐲𝐬𝐞𝐥𝐟", "kill myself"),  # mathematical bold letters
        ("ⓚⓘⓛⓛ", "kill"),  # circled letters
        ("café", "cafe"),  # accents dropped
        ("k̶i̶l̶l̶ myself", "kill myself"),  # strike-through combining marks
        ("z̴̢a̵l̸g̷o̶", "zalgo"),  # zalgo text
    ])
    def test_compatibility_forms_and_marks_are_folded(self, text, plain):
        assert normalize(text) == plain

    @pytest.mark.parametrize("quote", ["\u2019", "\u2018", "\u02bc", "\u00b4", "`", "\uff07", "\u2032"])
    def test_curly_quotes_and_apostrophes_become_straight(self, quote):
        assert normalize(f"I{quote}m done") == "i'm done"

    def test_double_quotes_become_straight(self):
        assert normalize("\u201chelp\u201d") == '"help"'

    @pytest.mark.parametrize("invisible", [
        "\u200b",  # zero-width space
        "\u200c",  # zero-width non-joiner
        "\u200d",  # zero-width joiner
        "\ufeff",  # byte-order mark
        "\u00ad",  # soft hyphen
        "\u200e", "\u200f", "\u202e", "\u2066", "\u2069",  # bidi marks and overrides
        "\u2060",  # word joiner
        "\x00", "\x07", "\x1b",  # control characters
    ])
    def test_invisible_and_control_characters_are_removed(self, invisible):
        assert normalize(f"k{invisible}il{invisible}l my{invisible}self") == "kill myself"

    @pytest.mark.parametrize("text, plain", [
        ("kіll myself", "kill myself"),  # Cyrillic і inside a Latin word
        ("ѕuicide", "suicide"),  # Cyrillic ѕ
        ("ᴋɪʟʟ ᴍʏsᴇʟꜰ", "kill myself"),  # small capitals
        ("🇰🇮🇱🇱 me", "kill me"),  # regional indicator letters
    ])
    def test_look_alike_letters_in_latin_words_become_latin(self, text, plain):
        assert normalize(text) == plain

    def test_other_scripts_are_left_alone(self):
        assert normalize("Привет, как дела") == "привет, как дела"

    def test_emoji_are_kept(self):
        assert normalize("I'm dead 😂") == "i'm dead 😂"

    def test_line_breaks_are_kept_and_spaces_squeezed(self):
        assert normalize("one  \t two\r\nthree\u2028four") == "one two\nthree\nfour"


class TestLeetspeak:
    @pytest.mark.parametrize("text, plain", [
        ("k1ll mys3lf", "kill myself"),
        ("su1c1d3", "suicide"),
        ("d13", "die"),
        ("0d'd", "od'd"),
        ("h3r0in", "heroin"),
        ("$uicide", "suicide"),
        ("k!ll", "kill"),
        ("@lone", "alone"),
        ("w4nt t0 d13", "want to die"),
        ("5h0t", "shot"),
        ("7onight", "tonight"),
    ])
    def test_digits_and_signs_touching_letters_become_letters(self, text, plain):
        assert normalize(text) == plain

    @pytest.mark.parametrize("text", [
        "day 30", "call 988", "90 days clean", "at 10pm", "my 2nd try", "30mg", "1st meeting", "4th of july",
        "$20", "24/7", "3am", "5x a day", "1.5mg", "0.5 g",
    ])
    def test_real_numbers_are_left_alone(self, text):
        assert normalize(text) == text.lower()

    def test_exclamation_marks_stay_punctuation(self):
        assert normalize("help!! please!") == "help!! please!"

    def test_unleet_alone(self):
        assert unleet("k1ll day 30") == "kill day 30"


class TestLettersSplitApart:
    @pytest.mark.parametrize("text, plain", [
        ("k i l l m y s e l f", "killmyself"),
        ("K I L L  M Y S E L F", "killmyself"),
        ("i want to d i e", "i want to die"),
        ("k.i.l.l", "kill"),
        ("s-u-i-c-i-d-e", "suicide"),
        ("k*i*l*l", "kill"),
        ("k. i. l. l.", "kill."),
        ("o.d.", "od."),
        ("s_u_i_c_i_d_e", "suicide"),
    ])
    def test_spaced_or_punctuated_letters_are_glued(self, text, plain):
        assert normalize(text) == plain

    @pytest.mark.parametrize("text, plain", [
        ("self-harm", "selfharm"),
        ("OD-ing", "oding"),
        ("over-dosed", "overdosed"),
    ])
    def test_hyphens_inside_words_are_dropped(self, text, plain):
        assert normalize(text) == plain

    @pytest.mark.parametrize("text", [
        "i want a coffee", "plan b. i think so", "me and a friend", "it's a b-movie", "u r a star",
        "grade a student", "i.e. later", "vitamin d",
    ])
    def test_normal_words_are_not_glued(self, text):
        glued = normalize_detailed(text).glued
        assert all(len(word) <= 2 for word in glued), glued

    def test_glued_words_are_reported_for_the_detector(self):
        assert normalize_detailed("k i l l m y s e l f").glued == ("killmyself",)


class TestRepeatedLetters:
    @pytest.mark.parametrize("text, plain", [
        ("dieeeee", "die"),
        ("killlll", "kil"),
        ("kiiiiill", "kill"),
        ("noooooo", "no"),
        ("pleaseeee help", "please help"),
        ("sooooo tired", "so tired"),
    ])
    def test_a_letter_three_or_more_times_becomes_one(self, text, plain):
        assert normalize(text) == plain

    @pytest.mark.parametrize("text", ["kill", "sleep", "too", "all", "good"])
    def test_double_letters_stay(self, text):
        assert normalize(text) == text

    def test_other_characters_may_repeat(self):
        assert collapse_repeats("wait... what!!! 1000") == "wait... what!!! 1000"


class TestMatchingForm:
    def test_anything_not_ascii_becomes_a_separator(self):
        text = normalize_detailed("i want to die 😭 привет really", ascii_only=True).text
        assert text == f"i want to die {OTHER} {OTHER} really"

    def test_repeats_can_be_left_for_later(self):
        assert normalize_detailed("diiiie", collapse=False).text == "diiiie"


def test_respell_replaces_whole_words_only():
    table = {"kms": "kill myself", "sucide": "suicide", "sewer slide": "suicide"}
    assert respell("gonna kms", table) == "gonna kill myself"
    assert respell("sucide thoughts", table) == "suicide thoughts"
    assert respell("sewer  slide and sewerslide", table) == "suicide and sewerslide"  # phrases need their space
    assert respell("my self", {"my self": "myself"}) == "myself"
    assert respell("proud of myself", {"my self": "myself"}) == "proud of myself"
    assert respell("kmsx sucides", table) == "kmsx sucides"


@given(st.text(alphabet=st.sampled_from("kilmyself dieo1305!@$.-_ \u200b\u2019KILÆ😂\n"), max_size=60))
@settings(max_examples=300, deadline=None)
def test_normalising_twice_changes_nothing(text):
    once = normalize(text)
    assert normalize(once) == once


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_any_text_can_be_normalised(text):
    assert isinstance(normalize(text), str)
    assert normalize_detailed(text, ascii_only=True, collapse=False).text.isascii()
