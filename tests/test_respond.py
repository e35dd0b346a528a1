"""The one decision path: crisis first, then a guidance answer, then an honest fallback."""
from dataclasses import replace

from bot.reply import plain_reply
from bot.respond import Source
from bot.safety.memory import CrisisMemory


def test_a_crisis_goes_first_even_inside_a_guidance_question(brain):
    reply = brain.respond("what are withdrawal symptoms like, honestly i want to kill myself", Source(country="GB"))
    assert reply.crisis is not None and reply.crisis.category == "suicide"
    assert reply.answer is None
    assert "116 123" in plain_reply(reply)


def test_a_guidance_question_gets_its_topic(brain):
    reply = brain.respond("what does narcan do", Source())
    assert reply.crisis is None and reply.answer.id == "naloxone"


def test_off_topic_gets_an_honest_answer_with_topics_and_sos(brain):
    reply = brain.respond("what's the weather in leeds tomorrow", Source())
    assert reply.answer is None and reply.crisis is None
    text = plain_reply(reply)
    assert "/topics" in text and "/sos" in text


def test_empty_or_symbol_only_text_gets_a_hint(brain):
    for text in ("", "   ", "?!", "\u200b"):
        reply = brain.respond(text, Source())
        assert reply.texts and reply.crisis is None and reply.answer is None


def test_in_a_group_only_a_crisis_is_answered_unless_addressed(brain):
    group = Source(chat_type="supergroup", bot_username="RecoveryTestBot")
    assert brain.respond("what is naloxone", replace(group, addressed=False)).texts == ()
    assert brain.respond("what is naloxone", group).answer is not None
    crisis = brain.respond("my mate's gone blue and won't wake up", replace(group, addressed=False))
    assert crisis.crisis.category == "overdose"
    assert any(b.url and b.url.endswith("?start=sos") for row in crisis.buttons for b in row)


def test_the_countrys_lines_come_with_the_person(brain):
    us = plain_reply(brain.respond("i want to end my life", Source(country="US")))
    gb = plain_reply(brain.respond("i want to end my life", Source(country="GB")))
    assert "988" in us and "116 123" in gb


def test_without_a_country_the_international_lines_and_a_request_to_choose(brain):
    text = plain_reply(brain.respond("i want to end my life", Source()))
    assert "findahelpline" in text.lower() and "/country" in text


def test_a_repeat_within_minutes_is_a_short_reminder_unless_more_urgent(brain):
    memory = CrisisMemory()
    first = brain.respond("i want to die", Source(country="GB"))
    memory.remember(1, brain.detect("i want to die"))
    again = brain.respond("i want to die", Source(country="GB", recent_crisis=memory.recent(1)))
    assert len(plain_reply(again)) < len(plain_reply(first))
    worse = brain.respond("I took the whole bottle of pills", Source(country="GB", recent_crisis=memory.recent(1)))
    assert "999" in plain_reply(worse) and len(plain_reply(worse)) > len(plain_reply(again))


def test_a_less_certain_answer_says_it_is_only_the_closest_guidance(brain):
    from bot.knowledge.answers import answer_reply
    from bot.knowledge.index import Answer

    topic = brain.topics["naloxone"]
    assert "not sure this is what you asked" in answer_reply(Answer(topic, 0.6), brain.texts).texts[0]
    assert "not sure" not in answer_reply(Answer(topic, 0.95), brain.texts).texts[0]
    sure = brain.respond("what is naloxone", Source())
    assert sure.answer.score >= 0.8 and "not sure" not in sure.texts[0]
