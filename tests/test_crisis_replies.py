"""What a person in danger reads: the emergency number first when life is at risk, no lecturing, valid HTML."""
from __future__ import annotations

import inspect
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bot.contentfile import ContentError
from bot.reply import to_plain
from bot.safety.crisis import CATEGORIES, CRISIS, EMERGENCY, Crisis
from bot.safety.helplines import INTL, default_directory
from bot.safety.replies import (
    DEFAULT_PATH,
    LECTURING,
    country_reply,
    crisis_reply,
    load_replies,
    sos_reply,
    unknown_country_reply,
    validate_replies,
)

CHOOSE_COUNTRY = "/country CC"
ALL_CRISES = [Crisis(c, tier, soft) for c in CATEGORIES for tier in (EMERGENCY, CRISIS) for soft in (False, True)]


@pytest.fixture(scope="module")
def directory():
    return default_directory()


def all_codes(directory):
    return directory.codes() + (INTL,)


def every_reply(directory):
    """Every reply this module can build, for the checks that must hold everywhere."""
    for code in all_codes(directory):
        country = directory.for_country(code)
        yield sos_reply(country, code != INTL)
        yield country_reply(country)
        for crisis in ALL_CRISES:
            yield crisis_reply(crisis, country)
            yield crisis_reply(crisis, country, repeat=True)
            yield crisis_reply(crisis, country, in_group=True, bot_username="RecoveryBot")
            yield crisis_reply(crisis, country, country_known=False)
    yield unknown_country_reply("<script>&", directory)


class _TelegramHtml(HTMLParser):
    """Collects what Telegram would refuse: tags other than b/i/a, <a> without href, unbalanced or nested b/i."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.errors: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ("b", "i", "a"):
            self.errors.append(f"tag <{tag}>")
        if tag == "a" and [name for name, _ in attrs] != ["href"]:
            self.errors.append("<a> needs exactly href")
        if tag in self.open:
            self.errors.append(f"<{tag}> inside <{tag}>")
        self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open.pop() != tag:
            self.errors.append(f"</{tag}> does not close the open tag")


def html_errors(text: str) -> list[str]:
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    errors = parser.errors + [f"<{tag}> never closed" for tag in parser.open]
    if re.search(r"&(?!(amp|lt|gt|quot|#\d+);)", text):
        errors.append("bare &")
    if re.search(r"<(?!/?(b|i|a)[ >])", text):
        errors.append("bare <")
    return errors


def first_number(text: str) -> str:
    """The first phone-number-like run of digits a reader meets."""
    return re.search(r"\d[\d\- ]*\d|\d", to_plain(text)).group(0).strip()


# ---- the real content -----------------------------------------------------------------------------------


def test_the_real_wording_validates_with_zero_problems():
    assert validate_replies(DEFAULT_PATH) == []


def test_all_html_is_well_formed_telegram_html(directory):
    for reply in every_reply(directory):
        for text in reply.texts:
            assert html_errors(text) == [], text


def test_no_reply_lectures_or_judges(directory):
    for reply in every_reply(directory):
        plain = to_plain(" ".join(reply.texts)).lower()
        assert not [phrase for phrase in LECTURING if phrase in plain], plain


# ---- overdose and other emergencies -----------------------------------------------------------------------


@pytest.mark.parametrize("code", ["US", "GB", "CA", "AU", "NZ", "IE", "DE", "FR", "ES", "IN", "ZA", INTL])
def test_overdose_reply_gives_the_emergency_number_before_any_other_number(directory, code):
    country = directory.for_country(code)
    reply = crisis_reply(Crisis("overdose", EMERGENCY), country)
    assert first_number(reply.texts[0]) == country.emergency
    assert reply.crisis.category == "overdose"


def test_overdose_reply_says_naloxone_recovery_position_and_stay(directory):
    plain = to_plain(crisis_reply(Crisis("overdose", EMERGENCY), directory.for_country("GB")).texts[0]).lower()
    assert "call 999" in plain
    assert "naloxone" in plain
    assert "recovery position" in plain
    assert "stay with them until help comes" in plain
    assert "wear off" in plain and "even if they wake up" in plain


@pytest.mark.parametrize("category", ["overdose", "medical", "violence", "suicide", "self_harm"])
def test_every_emergency_puts_the_emergency_number_first(directory, category):
    for code in all_codes(directory):
        country = directory.for_country(code)
        for repeat, in_group in ((False, False), (True, False), (False, True)):
            reply = crisis_reply(Crisis(category, EMERGENCY), country, repeat=repeat, in_group=in_group)
            assert first_number(reply.texts[0]) == country.emergency, (code, category, repeat, in_group)


def test_an_emergency_is_never_softened(directory):
    softened = crisis_reply(Crisis("overdose", EMERGENCY, softened=True), directory.for_country("GB"))
    assert "naloxone" in to_plain(softened.texts[0]).lower()


# ---- suicide and self-harm --------------------------------------------------------------------------------


def test_suicide_reply_asks_to_contact_the_24_7_line_now_and_says_when_to_call_emergency(directory):
    plain = to_plain(crisis_reply(Crisis("suicide", CRISIS), directory.for_country("GB")).texts[0])
    assert "Please contact Samaritans on 116 123 now" in plain
    assert "Most calls are handled just by talking" in plain
    assert "call 999 (or 112)" in plain
    assert "I'm a bot, not a person" in plain


def test_softened_detection_gets_gentler_words_but_still_the_lines(directory):
    country = directory.for_country("GB")
    full = to_plain(crisis_reply(Crisis("suicide", CRISIS), country).texts[0])
    soft = to_plain(crisis_reply(Crisis("suicide", CRISIS, softened=True), country).texts[0])
    assert "Please contact" in full and "Please contact" not in soft
    assert "Samaritans: 116 123" in soft and "999" in soft


def test_web_chats_come_as_buttons(directory):
    reply = crisis_reply(Crisis("suicide", CRISIS), directory.for_country("US"))
    assert [b.url for row in reply.buttons for b in row] == ["https://988lifeline.org/chat/"]


# ---- repeats, groups, unknown country ---------------------------------------------------------------------


def test_a_repeat_gets_the_short_reminder(directory):
    country = directory.for_country("GB")
    full = crisis_reply(Crisis("suicide", CRISIS), country)
    again = crisis_reply(Crisis("suicide", CRISIS), country, repeat=True)
    plain = to_plain(again.texts[0])
    assert plain.startswith("The lines above are still there for you: Samaritans on 116 123")
    assert len(plain) < len(to_plain(full.texts[0])) / 2
    assert again.crisis == full.crisis


def test_group_reply_cannot_quote_the_person_because_their_text_is_never_passed_in():
    assert list(inspect.signature(crisis_reply).parameters) == [
        "crisis", "country", "repeat", "in_group", "bot_username", "country_known", "replies",
    ]


def test_group_reply_is_short_with_emergency_a_24_7_line_and_a_private_deep_link(directory):
    reply = crisis_reply(Crisis("suicide", CRISIS), directory.for_country("GB"), in_group=True,
                         bot_username="@RecoveryBot")
    plain = to_plain(reply.texts[0])
    assert len(plain) < 300
    assert "999" in plain and "Samaritans on 116 123" in plain
    assert len(reply.buttons) == 1 and reply.buttons[0][0].text == "Talk privately"
    assert reply.buttons[0][0].url == "https://t.me/RecoveryBot?start=sos"
    assert CHOOSE_COUNTRY not in plain


def test_group_reply_without_a_bot_username_has_no_button_and_does_not_mention_one(directory):
    reply = crisis_reply(Crisis("suicide", CRISIS), directory.for_country("GB"), in_group=True)
    assert reply.buttons == () and "button" not in reply.texts[0]


def test_group_overdose_reply_gives_the_emergency_number_first_and_the_key_steps(directory):
    reply = crisis_reply(Crisis("overdose", EMERGENCY), directory.for_country("US"), in_group=True,
                         bot_username="RecoveryBot")
    assert first_number(reply.texts[0]) == "911"
    assert "naloxone" in reply.texts[0]


def test_unknown_country_gets_the_international_lines_and_is_asked_for_its_country(directory):
    country = directory.for_country(None)
    plain = to_plain(crisis_reply(Crisis("suicide", CRISIS), country, country_known=False).texts[0])
    assert country.code == INTL
    assert "findahelpline.com" in plain and "112" in plain
    assert plain.rstrip().endswith("so I can show your local lines.") and CHOOSE_COUNTRY in plain
    known = to_plain(crisis_reply(Crisis("suicide", CRISIS), directory.for_country("GB")).texts[0])
    assert CHOOSE_COUNTRY not in known


# ---- /sos and /country ------------------------------------------------------------------------------------


def test_sos_lists_emergency_first_then_every_line_and_the_overdose_steps(directory):
    country = directory.for_country("IE")
    plain = to_plain(sos_reply(country, True).texts[0])
    assert first_number(plain) == "112"
    for line in country.lines:
        assert f"{line.name}: {line.number or 'text ' + line.text}" in plain  # a text-only line shows how to text
    assert "naloxone" in plain and "on their side" in plain
    assert CHOOSE_COUNTRY not in plain


def test_sos_without_a_country_asks_for_one(directory):
    reply = sos_reply(directory.for_country(None), False)
    assert CHOOSE_COUNTRY in reply.texts[0] and "findahelpline.com" in reply.texts[0]
    assert reply.buttons[0][0].url == "https://findahelpline.com"


def test_country_reply_confirms_the_country_and_lists_its_lines(directory):
    plain = to_plain(country_reply(directory.for_country("NZ")).texts[0])
    assert plain.startswith("Got it: I'll show you lines for New Zealand. In an emergency, call 111.")
    assert "1737" in plain and "0800 543 354" in plain


def test_unknown_country_code_is_escaped_and_answered_with_international_lines(directory):
    text = unknown_country_reply("<b>x", directory).texts[0]
    assert "&lt;b&gt;x" in text and "findahelpline.com" in text


# ---- a broken wording file --------------------------------------------------------------------------------


def broken_copy(tmp_path: Path, *edits: tuple[str, str]) -> tuple[Path, str]:
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "crisis_replies.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text


def line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_a_broken_wording_file_gives_each_problem_with_file_and_line(tmp_path):
    path, text = broken_copy(
        tmp_path,
        ('      - "Call {emergency} now. Say where', '      - "Stay calm. Say where'),
        ("I'm sorry this is happening.", "Suicide is never the answer, and you're not selfish."),
        ("I'm really sorry you're hurting", "<u>I'm</u> really sorry, {name}, you're hurting"),
        ("  medical:\n", "  medicall:\n"),
    )
    problems = validate_replies(path)

    def at(fragment: str) -> int:
        return next(p.line for p in problems if fragment in p.message)

    overdose = line_of(text, "opening: \"This could be an overdose")
    assert at("overdose.steps`: the first step must contain {emergency}") == overdose
    assert at('lecturing phrase "never the answer"') == line_of(text, "Suicide is never the answer")
    assert at('lecturing phrase "selfish"') == line_of(text, "Suicide is never the answer")
    assert at("tag <u> not allowed") == line_of(text, "<u>I'm</u>")
    assert at("unknown placeholder {name}") == line_of(text, "<u>I'm</u>")
    assert at("unknown category `medicall`") == line_of(text, "  overdose:")
    assert at("missing category `medical:`") == line_of(text, "  overdose:")
    assert all(str(p).startswith(f"{path}:{p.line}: ") for p in problems)
    with pytest.raises(ContentError):
        load_replies(path)


def test_emergency_placed_after_another_number_or_inside_bold_is_refused(tmp_path):
    path, _ = broken_copy(
        tmp_path,
        ("reminder: \"If this is still happening, call {emergency} now. The lines above are still there too: "
         "{primary_line}.\"",
         "reminder: \"The lines above: {primary_line}. Or call {emergency}.\""),
        ("overdose: \"<b>If someone may be overdosing:</b> call {emergency} and",
         "overdose: \"<b>If someone may be overdosing: call {emergency}</b> and"),
    )
    messages = [p.message for p in validate_replies(path)]
    assert "`medical.reminder`: put {emergency} before {primary_line}" in messages
    assert "`sos.overdose`: {emergency} is already bold: take it out of <b>...</b>" in messages


def test_html_in_the_wording_is_escaped_except_b_and_i(tmp_path, directory):
    path, _ = broken_copy(tmp_path, ("Thank you for telling me.\"\n", "Thank you for telling me. Me & you < 3.\"\n"))
    replies = load_replies(path)
    text = crisis_reply(Crisis("suicide", CRISIS), directory.for_country("GB"), replies=replies).texts[0]
    assert "Me &amp; you &lt; 3." in text and html_errors(text) == []
