"""Reading a message before answering (issue 11): small talk and the moments that matter get short kind replies,
questions outside what the bot knows get an honest pointer (never an opioid page), answers are phone-sized, and a
short follow-up is understood against the topic just discussed."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.contentfile import Problem
from bot.knowledge.intents import IntentReplies, validate_intents
from bot.knowledge.understand import TopicMemory, looks_like_follow_up
from bot.reply import plain_reply
from bot.respond import Source

ROOT = Path(__file__).resolve().parents[1]
INTENTS = ROOT / "content" / "intents.yaml"


def kind(brain, text, previous=None):
    decision = brain.understanding.read(text, previous)
    return decision.kind, decision.label


# ------------------------------------------------------------------------------------------------ intents


@pytest.mark.parametrize("text, intent", [
    ("hi", "greeting"), ("hello there", "greeting"), ("good evening", "greeting"),
    ("thanks", "thanks"), ("cheers, that helped", "thanks"),
    ("are you a real person", "who-are-you"), ("who made you", "who-are-you"), ("is this AI?", "who-are-you"),
    ("what can you do", "capabilities"), ("what can you actually help me with", "capabilities"),
    ("feeling good today, 90 days clean!", "milestone"), ("one year clean today", "milestone"),
    ("could I just use once to get some sleep?", "urge-to-use"), ("is it ok to use just once", "urge-to-use"),
    ("might go meet him and grab a point", "urge-to-use"), ("thinking about using tonight", "urge-to-use"),
    ("i relapsed today after 3 months", "just-relapsed"), ("i just used again", "just-relapsed"),
    ("feeling really low today", "feeling-low"), ("i'm so lonely", "feeling-low"),
])
def test_small_talk_and_the_moments_that_matter_are_recognised(brain, text, intent):
    assert kind(brain, text) == ("intent", intent)


def test_intent_replies_are_short_kind_and_not_a_topic(brain):
    for text in ("hi", "thanks", "what can you do", "feeling good today, 90 days clean!", "i'm so lonely"):
        reply = brain.answer(text)
        assert reply.answer is None and reply.crisis is None
        assert len(plain_reply(reply).split()) < 130


def test_are_you_a_real_person_says_bot_and_how_to_reach_people(brain):
    text = plain_reply(brain.answer("are you a real person")).lower()
    assert "bot" in text and "not a person" in text
    assert "drug service" in text and "/sos" in text


def test_a_milestone_is_celebrated_not_met_with_relapse_advice(brain):
    text = plain_reply(brain.answer("feeling good today, 90 days clean!")).lower()
    assert "well done" in text and "relapse" not in text


def test_the_urge_reply_names_tolerance_never_use_alone_naloxone_a_step_and_an_offer(brain):
    for text in ("could I just use once to get some sleep?", "is it ok to use just once"):
        reply = plain_reply(brain.respond(text, Source.private(country="GB"))).lower()  # the crisis check lets these by
        assert "tolerance" in reply and "never use alone" in reply and "naloxone" in reply
        assert "15 minutes" in reply and "talk it through" in reply
        assert "failure" in reply  # "doesn't make you a bad person or a failure": no judgement


def test_the_urge_reply_gives_the_countrys_never_use_alone_line_where_there_is_one(brain):
    us = plain_reply(brain.answer("is it ok to use just once", country="US"))
    ca = plain_reply(brain.answer("is it ok to use just once", country="CA"))
    gb = plain_reply(brain.answer("is it ok to use just once", country="GB"))
    assert "1-800-484-3731" in us and "1-888-688-6677" in ca
    assert "call" not in gb.split("never use alone")[1].split("\n")[0]  # GB has no such line: none is made up
    assert "{" not in us + ca + gb


def test_just_relapsed_and_feeling_low_get_their_own_replies(brain):
    relapsed = plain_reply(brain.answer("i relapsed today after 3 months")).lower()
    assert "doesn't wipe out" in relapsed and "tolerance" in relapsed and "naloxone" in relapsed
    low = plain_reply(brain.answer("feeling really low today")).lower()
    assert "low days" in low and "/sos" in low


def test_the_intents_file_is_checked(tmp_path):
    assert validate_intents(INTENTS) == []
    bad = tmp_path / "intents.yaml"
    text = INTENTS.read_text(encoding="utf-8").replace("{never_use_alone}", "{nua}").replace(
        "thanks: |", "thanx: |").replace("Hi, good to hear from you.", "<div>Hi</div>")
    bad.write_text(text, encoding="utf-8")
    messages = [p.message for p in validate_intents(bad)]
    assert "missing reply 'thanks'" in messages
    assert any("unknown reply 'thanx'" in m for m in messages)
    assert any("tag <div>" in m for m in messages)
    assert any("unknown placeholder {nua}" in m for m in messages)
    assert any("placeholder {never_use_alone} is missing" in m for m in messages)
    assert all(isinstance(p, Problem) and p.line >= 1 for p in validate_intents(bad))


def test_intent_replies_load_and_leave_other_texts_untouched():
    replies = IntentReplies.load(INTENTS)
    assert replies.text("urge-to-use", None).count("never use alone") == 1
    assert "{" not in replies.text("urge-to-use", None)


# ------------------------------------------------------------------------------------------ out of domain

OFF_TOPIC = [
    "best exercise for lower back pain", "pool test strips say chlorine is high", "sugar cravings every night",
    "my mum's breast cancer has relapsed", "is adderall addictive", "my grandad is on morphine in the hospice",
    "how long does nicotine withdrawal last", "caffeine withdrawal headache", "coming off sertraline, brain zaps",
    "what's the weather in leeds tomorrow", "how do i reset my router", "is cocaine addictive",
    "my nan has cancer and is on a fentanyl patch", "what is the capital of france", "lasagne recipe",
    "how do i detox my email inbox", "what is the tolerance on an m8 bolt", "rehab exercises for my knee",
    "my back hurts, what painkiller is best", "is weed bad for you", "how to stop vaping",
]


@pytest.mark.parametrize("text", OFF_TOPIC)
def test_off_topic_questions_get_no_opioid_page_and_never_the_heroin_page(brain, text):
    reply = brain.answer(text)
    assert reply.answer is None, f"{text!r} got {reply.answer}"
    assert "what heroin" not in plain_reply(reply).lower()


def test_no_off_topic_question_of_the_development_set_gets_the_what_is_heroin_page(brain):
    from bot.knowledge.corpus import read_folder

    dev, _ = read_folder(ROOT / "tests" / "data" / "question_dev")
    outside = [q.text for q in dev if q.label.startswith("out-of-domain")] + OFF_TOPIC
    assert len(outside) > 40
    got = [text for text in outside if (r := brain.answer(text).answer) is not None and r.id == "what-is-heroin"]
    assert got == []


def test_the_outside_reply_is_honest_and_points_to_a_doctor_pharmacist_or_helpline(brain):
    text = plain_reply(brain.answer("is adderall addictive")).lower()
    assert "outside what i know" in text and "doctor" in text and "pharmacist" in text and "helpline" in text


@pytest.mark.parametrize("text", ["how long does alcohol withdrawal last", "coming off xanax, how long will it take",
                                  "i drink every day and want to stop, is it ok to just quit",
                                  "klonopin withdrawal how long", "alprazolam withdrawal timeline"])
def test_alcohol_or_benzo_withdrawal_gets_a_pointer_to_medical_help(brain, text):
    assert kind(brain, text) == ("outside", "out-of-domain-medical")
    reply = plain_reply(brain.answer(text)).lower()
    assert "dangerous" in reply and "doctor" in reply and "emergency" in reply


def test_opioids_with_benzos_or_alcohol_still_get_the_mixing_page(brain):
    assert brain.answer("is it dangerous to take xanax with heroin").answer.id == "mixing-benzos-alcohol"


# ------------------------------------------------------------------------------------------ phone-sized


def test_a_topic_answer_is_its_summary_with_tell_me_more_and_the_page_behind_it(brain):
    reply = brain.answer("how long does withdrawal last")
    assert reply.answer.id == "withdrawal-symptoms"
    assert len(plain_reply(replace_buttons(reply)).split()) <= 90
    assert "Sources:" not in reply.texts[0]
    more = reply.buttons[0][0]
    assert more.text == "Tell me more" and more.callback == "more:withdrawal-symptoms"
    page = brain.topic(more.callback)
    assert "Sources:" in page.texts[0] and len(page.texts[0]) > len(reply.texts[0])
    assert brain.topic("more:no-such-topic") is None and brain.topic("more:../../etc") is None


def replace_buttons(reply):
    from dataclasses import replace

    return replace(reply, buttons=())


@pytest.mark.parametrize("text, topic", [
    ("took my first subs 6 hours after my last bag and felt instantly worse, what happened", "precipitated-withdrawal"),
    ("found burnt foil and a cut straw in the bathroom bin, what do I do", "signs-of-use"),
    ("how do you use the nose spray one", "naloxone-nasal-spray"),
    ("shared a needle a few weeks ago, what should I worry about", "after-sharing-needles"),
    ("no insurance, no savings, can I still get treatment", "treatment-cost"),
    ("why am I so angry and emotional since I stopped", "paws"),
    ("im pregnant and using, should i stop", "pregnancy"),
    ("what is tranq", "xylazine"),
])
def test_questions_the_old_index_missed_find_the_new_pages(brain, text, topic):
    reply = brain.answer(text)
    assert reply.answer is not None and reply.answer.id == topic


# ------------------------------------------------------------------------------------------ short context


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_topic_memory_keeps_only_the_topic_id_per_person_for_minutes():
    clock = FakeClock()
    memory = TopicMemory(ttl_seconds=600, clock=clock)
    memory.remember(1, "helping-loved-one")
    memory.remember(2, "sleep")
    assert memory.recent(1) == "helping-loved-one" and memory.recent(2) == "sleep" and memory.recent(3) is None
    clock.now += 599
    assert memory.recent(1) == "helping-loved-one"
    clock.now += 2
    assert memory.recent(1) is None and memory.recent(2) is None
    memory.remember(1, "naloxone")
    memory.forget(1)
    assert memory.recent(1) is None
    assert all(isinstance(v[0], str) and isinstance(v[1], float) for v in memory._last.values())


def test_topic_memory_stays_bounded():
    memory = TopicMemory(clock=FakeClock(), max_entries=3)
    for user in range(10):
        memory.remember(user, "sleep")
    assert len(memory._last) == 3 and memory.recent(9) == "sleep" and memory.recent(0) is None


def test_a_follow_up_is_understood_against_the_topic_just_discussed(brain):
    assert brain.answer("what if he says no").answer is None
    reply = brain.answer("what if he says no", previous_topic="helping-loved-one")
    assert reply.answer.id == "helping-loved-one"
    assert brain.answer("how long does it last", previous_topic="withdrawal-symptoms").answer.id == \
        "withdrawal-symptoms"


def test_context_never_turns_an_unrelated_message_into_the_previous_topic(brain):
    for text in ("whats the weather like then", "who won the match then", "what about my knee then"):
        assert brain.answer(text, previous_topic="withdrawal-symptoms").answer is None
    assert kind(brain, "ok thanks", "naloxone") == ("intent", "thanks")
    assert brain.answer("what about methadone then", previous_topic="detox").answer.id == "medications"


def test_what_counts_as_a_follow_up():
    assert looks_like_follow_up("how do I talk to him about it")
    assert looks_like_follow_up("what about methadone then")
    assert not looks_like_follow_up("how long does withdrawal last")
    assert not looks_like_follow_up("it " + "word " * 20)


async def test_private_chats_remember_the_topic_and_nothing_else(brain):
    from bot.flows import Flows
    from bot.store import Store

    store = await Store.open(Path(":memory:"))
    try:
        conversations = Flows.build(brain, store).private
        first = await conversations.on_text(7, "my son is using heroin, how can i help him")
        assert first.answer.id == "helping-loved-one"
        assert conversations.topic_memory.recent(7) == "helping-loved-one"
        follow = await conversations.on_text(7, "what should i say to him then")
        assert follow.answer is not None and follow.answer.id == "helping-loved-one"
        other = await conversations.on_text(8, "what should i say to him then")
        assert other.answer is None  # another person's context is their own
        more = await conversations.on_callback(7, "more:helping-loved-one", private=True)
        assert "Sources:" in more.texts[0]
    finally:
        await store.close()


def test_the_console_answers_a_follow_up_from_the_loved_one_guidance(tmp_path):
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith(("TELEGRAM_", "DEFAULT_COUNTRY"))}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/bot.sqlite3"
    lines = "my son is using heroin, how can i help him\nhow do I talk to him about it\n"
    out = subprocess.run([sys.executable, str(ROOT / "bot.py"), "console"], cwd=tmp_path, input=lines,
                         capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr
    answers = out.stdout.split("you> ")[1:]
    assert len(answers) >= 2
    assert "Helping someone you love who uses" in answers[1]
    assert "calm moment" in answers[1] and "I don't have guidance" not in answers[1]
