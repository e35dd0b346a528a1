"""The crisis detector: it finds people in danger in what they write, however they write it, and leaves everyday
talk, idioms and questions alone. Words and patterns live in content/crisis.yaml."""
from __future__ import annotations

import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.safety.crisis import CRISIS, EMERGENCY
from bot.safety.detector import DEFAULT_RULES_PATH, detect, load_rules, validate_rules


def category(text: str) -> str | None:
    found = detect(text)
    return found.category if found else None


# --- what it detects ---------------------------------------------------------------------------------------------

SUICIDE = [
    "I want to kill myself",
    "honestly i just want to die",
    "i wanna die so bad rn",
    "I'm going to end my life",
    "thinking about ending it all",
    "I don't want to be alive anymore",
    "there's no reason to live",
    "my kids would be better off without me",
    "I wish I was dead",
    "i hope i don't wake up tomorrow",
    "I just want to go to sleep and never wake up",
    "I've been having suicidal thoughts",
    "i keep thinking about suicide",
    "I can't go on like this anymore",
    "nobody would miss me",
    "I'm so tired of living",
    "what's the most painless way to die",
    "i hope this next shot kills me",
    "I don't care if I overdose and die",
    "my brother says he wants to kill himself",
    "my girlfriend is suicidal and I don't know what to do",
]
SELF_HARM = [
    "I cut myself again last night",
    "i want to hurt myself",
    "the urge to self harm is really strong today",
    "I've been cutting my arms",
    "relapsed on sh after 3 months",
    "I burned myself with a lighter on purpose",
    "i keep hitting myself when i get angry",
    "there are fresh cuts on my thighs",
]
OVERDOSE = [
    "I think I'm overdosing",
    "I took the whole bottle",
    "i think i took too much",
    "took way too many bars, feel weird",
    "he OD'd in the bathroom",
    "my friend isn't breathing",
    "she's not breathing properly",
    "he won't wake up",
    "we can't wake her up",
    "his lips are turning blue",
    "Jake is unresponsive and his lips are grey",
    "he's making a gurgling noise and won't respond",
    "she was gouching out and now she's not waking up",
    "my roommate overdosed",
    "I gave him narcan and nothing is happening",
    "is it an overdose if his lips are blue and he won't wake up?",
    "I swallowed all of my pills",
]
MEDICAL = [
    "I can't breathe",
    "my dad is having a seizure",
    "I've got really bad chest pain",
    "my chest is tight and my left arm hurts",
    "she's unconscious",
    "my husband just collapsed",
    "he's bleeding a lot and it won't stop",
    "I'm coughing up blood",
    "I think I'm having a heart attack",
]
ABUSE = [  # the writer (or their children) hurt or threatened by someone
    "he's hitting me",
    "he said he'll kill me",
    "my boyfriend choked me last night",
    "my ex keeps threatening to hurt my kids",
    "i'm scared he's going to kill me",
    "someone is trying to break in",
    "he pulled a knife on me",
]
VIOLENCE = [  # the writer means to hurt someone else
    "I'm going to stab him",
    "i'm going to hurt my dad when he gets home",
]


@pytest.mark.parametrize(
    "text, expected",
    [(t, "suicide") for t in SUICIDE]
    + [(t, "self_harm") for t in SELF_HARM]
    + [(t, "overdose") for t in OVERDOSE]
    + [(t, "medical") for t in MEDICAL]
    + [(t, "abuse") for t in ABUSE]
    + [(t, "violence") for t in VIOLENCE],
)
def test_each_category_is_detected(text, expected):
    assert category(text) == expected


# --- however it is written ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "I want to k1ll mys3lf",  # leetspeak
    "i want to $uicide",
    "K I L L  M Y S E L F",  # spaced out
    "i want to d i e",
    "k.i.l.l myself",  # punctuation between letters
    "s-u-i-c-i-d-e is all i think about",
    "kill\u200bmy\u200dself",  # zero-width characters
    "ｋｉｌｌ ｍｙｓｅｌｆ",  # full-width letters
    "I wanna kiiiiilllll myself",  # repeated letters
    "i want to dieeeeee",
    "I want to KILL MYSELF",
    "i want to kil myself",  # typos
    "feeling sucidal",
    "i'm going to kill mysef",
    "gonna kms",  # slang
    "i want to unalive myself",
    "thinking about sewerslide",
    "might ctb tonight",
    "I want to k*ll myself",  # self-censored
    "killmyself",  # glued
    "iwanttodie",
])
def test_obfuscated_and_misspelt_suicide_is_detected(text):
    assert category(text) == "suicide"


@pytest.mark.parametrize("text, expected", [
    ("he's 0verd0sing", "overdose"),
    ("she ODed", "overdose"),
    ("he's ODing", "overdose"),
    ("he overdoes on fent", "overdose"),
    ("he's seizeing", "medical"),
    ("she's unconcious", "medical"),
    ("c a n ' t   b r e a t h e", None),  # a stretch too far: apostrophe and spacing; documents the limit
])
def test_typos_and_variants_of_emergency_words(text, expected):
    assert category(text) == expected


# --- tiers --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "he overdosed",  # past tense
    "she stopped breathing",
    "I'm not sure he's breathing",  # negation
    "he didn't wake up",
    "he's not waking up lol",  # hyperbole markers
    "my chest pain is killing me",
    "I can't breathe 😂",
])
def test_emergencies_are_never_softened_or_silenced(text):
    found = detect(text)
    assert found is not None and found.tier == EMERGENCY and not found.softened


@pytest.mark.parametrize("text", [
    "I have the pills in my hand",
    "tonight is the night",
    "I've taken them.",
    "I want to die. I've got the rope ready",
    "i'm going to kill myself tonight",
    "I wrote my suicide note",
    "by the time you read this i'll be gone",
    "i just tried to kill myself",
])
def test_suicide_with_a_plan_means_or_time_is_an_emergency(text):
    found = detect(text)
    assert found is not None and found.category == "suicide" and found.tier == EMERGENCY


@pytest.mark.parametrize("text", [
    "I don't want to kill myself but I think about it",
    "I used to cut myself",
    "I'm not suicidal",
    "I tried to kill myself years ago",
    "when I was 16 I wanted to die",
    "I would never hurt myself",
])
def test_negation_or_the_past_softens_a_crisis_but_never_silences_it(text):
    found = detect(text)
    assert found is not None and found.tier == CRISIS and found.softened


@pytest.mark.parametrize("text", [
    "I'm not okay, I want to die",  # the negation is about something else
    "I used to be happy but now I want to die",  # the past is in another clause
    "I still want to kill myself",
    "I cut myself again last night",
])
def test_a_negation_or_past_elsewhere_does_not_soften(text):
    found = detect(text)
    assert found is not None and not found.softened


# --- what it leaves alone ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "killing it at work today",
    "I'm dying to see my kids",
    "the deadline is killing me",
    "my phone died",
    "I could kill for a coffee",
    "dead tired",
    "I'm dead 😂",
    "my feet are killing me",
    "overdosed on netflix",
    "this cake is to die for",
    "nearly died laughing",
    "this heat is killing me",
    # and more of the same kind
    "my mom is going to kill me when she finds out",
    "I'm going to kill it at my interview",
    "I took too much time off work",
    "my son won't wake up for school",
    "I don't want to hurt her feelings",
    "I cut myself shaving",
    "that joke killed me",
    "my stomach is gurgling",
    "the sky is turning blue",
    "I didn't wake up until noon",
    "I want to die my hair blue",
    "I'm not going to die on this hill",
    "I laughed so hard I couldn't breathe",
    "you almost gave me a heart attack",
    "he hit me up yesterday",
    "she beat me at chess again",
    "I ate the whole bag of chips",
    "I took my meds this morning",
    "day 30 clean, call 988 if you need it",
])
def test_idioms_hyperbole_and_everyday_talk_are_not_a_crisis(text):
    assert detect(text) is None


@pytest.mark.parametrize("text", [
    "what are the signs of an overdose?",
    "how does narcan work",
    "how do I help a friend who talks about suicide",
    "what do I do if someone overdoses",
    "can you overdose on suboxone?",
    "what should I do if someone is not breathing",
    "how do you know if someone is suicidal",
    "is withdrawal dangerous?",
])
def test_informational_questions_are_not_a_crisis(text):
    assert detect(text) is None


@pytest.mark.parametrize("text", [
    "is it an overdose if his lips are blue and he won't wake up?",
    "what do I do, my friend is not breathing",
    "how long should I wait, he's been unresponsive for 10 minutes",
    "should I call 911?",
])
def test_questions_that_reveal_danger_now_are_detected(text):
    assert detect(text) is not None


# --- choosing, and long messages -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("I want to die and I cut myself", "suicide"),
    ("I want to die. I took the whole bottle", "overdose"),
    ("he hit me and now I can't breathe", "medical"),
    ("I used to want to die, he's hitting me now", "abuse"),
])
def test_the_most_urgent_crisis_wins(text, expected):
    assert category(text) == expected


EVERYDAY = ("Had a long day at group and talked about my week. The kids were good, we went to the park. "
            "My sponsor says I'm doing well! ")


def test_a_crisis_buried_in_a_long_message_is_found():
    text = EVERYDAY * 20 + "Honestly I want to kill myself. " + EVERYDAY * 20
    assert len(text) > 4000 and category(text) == "suicide"


def test_a_long_everyday_message_is_not_a_crisis():
    assert detect(EVERYDAY * 40) is None


def test_a_very_long_sentence_without_punctuation_is_searched_throughout():
    words = "and then we went to the shop and bought some bread " * 60
    assert category(words + "and he is not breathing " + words) == "overdose"


def test_empty_and_odd_input():
    assert detect("") is None
    assert detect("   \n\t ") is None
    assert detect("😂😂😂") is None
    assert detect("\x00\x01") is None


sentences = st.sampled_from([
    "had a good day.", "the bus was late!", "my kids say hi", "day 45 today", "thanks everyone 🙏",
    "what time is group?", "i'm killing it lol", "dying to see you", "\u200b", "\n", "he hit me up",
    "my phone died.", "i took my meds", "cut the cake", "dead tired", "how does narcan work?", "love you",
    "people say", "you know", "overdosed on netflix lol",
])


@given(st.lists(sentences, max_size=12), st.lists(sentences, max_size=12),
       st.sampled_from(["I want to kill myself.", "he isn't breathing.", "I cut myself again.", "he's hitting me.",
                        "i took the whole bottle", "I can't breathe", "his lips are blue", "gonna kms"]))
@settings(max_examples=200, deadline=None)
def test_a_crisis_sentence_is_found_whatever_surrounds_it(before, after, crisis):
    assert detect(" ".join(before + [crisis] + after)) is not None


@given(st.lists(sentences, min_size=1, max_size=30))
@settings(max_examples=200, deadline=None)
def test_everyday_sentences_together_stay_everyday(parts):
    assert detect(" ".join(parts)) is None


@given(st.text(max_size=500))
@settings(max_examples=300, deadline=None)
def test_any_text_is_handled(text):
    found = detect(text)
    assert found is None or found.tier in (EMERGENCY, CRISIS)


# --- the rules file ------------------------------------------------------------------------------------------------

def test_the_shipped_rules_file_is_valid():
    assert validate_rules(DEFAULT_RULES_PATH) == []


def write(tmp_path, text: str):
    path = tmp_path / "crisis.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


MINIMAL = """\
    words:
      me: [i, "i'm"]
    subjects:
      me: ["{me}"]
      others: [he]
      someone: [someone]
      general: [you]
    context:
      general: ["if someone"]
      negation: ["don't"]
      negation_bridge: [want, to]
      past: [used to]
      recent: [again]
      clause_breaks: [but]
    not_crisis: ["killing it"]
    rules:
      - category: overdose
        tier: emergency
        patterns: ["not breath*"]
      - category: medical
        tier: emergency
        patterns: ["seizure"]
      - category: suicide
        tier: crisis
        patterns: ["kill myself", "want ... die", "end (it all|my life)", "[really] want to disappear"]
      - category: abuse
        tier: emergency
        patterns: ["hitting me"]
      - category: violence
        tier: emergency
        patterns: ["stab him"]
      - category: self_harm
        tier: crisis
        patterns: ["cut myself"]
"""


def test_a_small_rules_file_works(tmp_path):
    rules = load_rules(write(tmp_path, MINIMAL))
    assert rules.detect("I want to kil myself").category == "suicide"  # a doubled letter may be single
    assert rules.detect("i want to just fucking die").category == "suicide"  # "..." skips a few words
    assert rules.detect("he's not breathing").category == "overdose"  # "breath*" takes any ending
    assert rules.detect("i want to disappear").category == "suicide"  # [optional] words
    assert rules.detect("i dont want to kill myself").softened  # apostrophes may be left out
    assert rules.detect("I used to cut myself").softened
    assert rules.detect("killing it") is None


@pytest.mark.parametrize("change, message", [
    (("category: medical", "category: medicine"), "unknown category 'medicine'"),
    (("tier: crisis\n    patterns: [\"cut", "tier: urgent\n    patterns: [\"cut"), "unknown tier 'urgent'"),
    (('patterns: ["seizure"]', 'patterns: []'), "is empty"),
    (('patterns: ["seizure"]', 'patterns: ["(seizure"]'), "never closed"),
    (('patterns: ["seizure"]', 'patterns: ["{fits} seizure"]'), "unknown word list '{fits}'"),
    (('patterns: ["seizure"]', 'patterns: ["seizures?"]'), "'?' is not part of the pattern language"),
    (('patterns: ["seizure"]', 'patterns: ["[seizure]"]'), "no word that must be there"),
    (('patterns: ["seizure"]', 'patterns: ["<later> seizure"]'), "unknown '<later>'"),
    (("not_crisis:", "not_crisis_please:"), "unknown section 'not_crisis_please'"),
])
def test_validation_reports_each_fault_with_its_line(tmp_path, change, message):
    old, new = change
    text = textwrap.dedent(MINIMAL)
    assert old in text
    path = write(tmp_path, text.replace(old, new))
    problems = validate_rules(path)
    assert any(message in p.message for p in problems), [str(p) for p in problems]
    line_of_change = next(i for i, line in enumerate(text.replace(old, new).splitlines(), 1)
                          if new.splitlines()[0] in line)
    assert any(p.line == line_of_change for p in problems if message in p.message), [str(p) for p in problems]
    assert all(str(p).startswith(f"{path}:") for p in problems)


def test_validation_checks_the_examples(tmp_path):
    text = textwrap.dedent(MINIMAL).replace(
        'patterns: ["cut myself"]', 'patterns: ["cut myself"]\n    examples: ["i cut myself", "i burned myself"]'
    )
    problems = validate_rules(write(tmp_path, text))
    assert [p.message for p in problems] == ["example 'i burned myself' should be self_harm, but got nothing"]


def test_validation_warns_about_patterns_found_only_through_everyday_words(tmp_path):
    text = textwrap.dedent(MINIMAL).replace('patterns: ["seizure"]', 'patterns: ["seizure", "(it|that) (is|was)"]')
    problems = validate_rules(write(tmp_path, text))
    assert any("everyday words" in p.message for p in problems)
    load_rules(write(tmp_path, text))  # a slow pattern still loads: the bot never runs without its detector


def test_a_broken_file_cannot_be_loaded(tmp_path):
    from bot.contentfile import ContentError

    with pytest.raises(ContentError) as raised:
        load_rules(write(tmp_path, MINIMAL.replace("category: medical", "category: medicine")))
    assert "medicine" in str(raised.value)
