"""The crisis part of the one decision path: the handoff in the message's language with the right first aid and
lines, the ask-directly tier in private chats only, and repeats that never drop a different kind of help."""
from __future__ import annotations

import re

import pytest

from bot.reply import plain_reply
from bot.respond import Source
from bot.safety.crisis import CRISIS, EMERGENCY, Crisis

# How each language says "if they are breathing" and names rescue breaths or CPR.
BREATHING = {"en": "breathing", "es": "respira", "pt": "respirando", "de": "atmet", "fr": "respire"}
RESCUE = {"en": r"CPR|rescue breaths", "es": r"RCP|boca a boca", "pt": r"RCP|boca a boca",
          "de": r"Herzdruckmassage|Wiederbelebung|Atemspende", "fr": r"massage cardiaque|réanimation|bouche-à-bouche"}
RECOVERY_POSITION = {"en": "recovery position", "es": "posición lateral", "pt": "posição lateral",
                     "de": "Seitenlage", "fr": "position latérale"}


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n", text) if s.strip()]


@pytest.mark.parametrize("language", ["en", "es", "pt", "de", "fr"])
def test_overdose_first_aid_branches_on_breathing_in_every_language(brain, language):
    overdose = Crisis("overdose", EMERGENCY)
    for person in (Source.private(country="US", language_hint=language),
                   Source(chat_type="supergroup", country="US", language_hint=language)):
        text = plain_reply(brain.crisis(overdose, person, language=language))
        assert re.search(RESCUE[language], text), text
        for sentence in sentences(text):
            if RECOVERY_POSITION[language].lower() in sentence.lower():
                assert BREATHING[language] in sentence.lower(), sentence


def test_not_breathing_gets_rescue_breaths_and_the_conditional_recovery_position(brain):
    reply = brain.respond("he's not breathing", Source.private(country="GB"))
    text = plain_reply(reply)
    assert reply.crisis.category == "overdose" and "999" in text.split("\n")[2]
    assert "rescue breaths or CPR" in text
    assert "If they are breathing: lay them on their side in the recovery position" in text


def test_abuse_in_the_us_gets_911_and_the_domestic_violence_hotline(brain):
    reply = brain.respond("he has his hands round my throat and he's still in the house", Source.private(country="US"))
    text = plain_reply(reply)
    assert reply.crisis.category == "abuse"
    assert "911" in text and "1-800-799-7233" in text
    assert text.index("911") < text.index("1-800-799-7233")


def test_a_child_who_swallowed_methadone_gets_the_emergency_number_and_poison_control(brain):
    reply = brain.crisis(Crisis("overdose", EMERGENCY), Source.private(country="US"))
    text = plain_reply(reply)
    assert "911" in text and "1-800-222-1222" in text


def test_without_a_country_an_overdose_names_several_emergency_numbers(brain):
    text = plain_reply(brain.crisis(Crisis("overdose", EMERGENCY), Source.private()))
    assert all(number in text for number in ("911", "999", "112", "000", "111"))
    assert "/country" in text


@pytest.mark.parametrize("text, language, words", [
    ("no quiero vivir más", "es", "Gracias"),
    ("quero me matar", "pt", "Obrigad"),
    ("ich will nicht mehr leben", "de", "Danke"),
])
def test_the_handoff_is_written_in_the_message_language(brain, text, language, words):
    reply = brain.respond(text, Source.private(country="US", language_hint="en"))
    assert reply.crisis is not None and reply.language == language
    assert words in plain_reply(reply)


def test_a_language_without_wording_falls_back_to_the_persons_then_english(brain):
    assert brain.reply_language(Source.private(language_hint="de-AT"), "it") == "de"
    assert brain.reply_language(Source.private(language_hint="it"), None) == "en"


def test_an_indirect_sign_is_asked_about_directly_in_private(brain):
    reply = brain.ask_directly("en")
    assert reply.check and reply.crisis is None
    assert "ending your life" in reply.texts[0]
    callbacks = [b.callback for row in reply.buttons for b in row]
    assert callbacks == ["safe:yes", "safe:unsure", "safe:no"]


def test_the_check_tier_posts_nothing_in_a_group(brain, monkeypatch):
    from bot.safety.assess import Assessment

    monkeypatch.setattr(brain, "assess", lambda text: Assessment(None, check=True, language="en"))
    assert brain.respond("anything", Source(chat_type="supergroup", addressed=False)).texts == ()
    addressed = brain.respond("anything", Source(chat_type="supergroup"))
    assert not addressed.check and not any("ending your life" in t for t in addressed.texts)
    assert brain.respond("anything", Source.private()).check
    assert brain.respond("anything", Source.private(addressed=False)).texts == ()  # a command's arguments


def test_a_repeat_of_a_different_kind_gets_its_own_full_steps(brain):
    person = Source.private(country="GB", recent_crisis=Crisis("suicide", EMERGENCY))
    text = plain_reply(brain.crisis(Crisis("overdose", EMERGENCY), person))
    assert "naloxone" in text and "rescue breaths or CPR" in text
    same = Source.private(country="GB", recent_crisis=Crisis("overdose", EMERGENCY))
    short = plain_reply(brain.crisis(Crisis("overdose", EMERGENCY), same))
    assert len(short) < len(text) and "999" in short and "naloxone" in short


def test_ask_json_carries_language_check_and_tier(brain):
    from bot.cli import ask_record

    record = ask_record("he's not breathing", brain.respond("he's not breathing", Source.private(country="GB")))
    assert list(record) == ["input", "language", "crisis", "check", "answer", "reply"]
    assert record["crisis"] == {"category": "overdose", "tier": EMERGENCY}
    assert record["check"] is False and record["language"] == "en"
    assert CRISIS in ("crisis",)
