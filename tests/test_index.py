"""The knowledge index: it understands slang, typos and very short questions, it abstains honestly on anything
outside its guidance, and it generalises to questions written independently of the content and the eval set."""
from __future__ import annotations

from pathlib import Path

import pytest

from bench.guidance_eval import Case, brain_reader, evaluate
from bot.contentfile import ContentError
from bot.knowledge.index import THRESHOLD, Index, Lexicon, load_lexicon, validate_synonyms
from bot.knowledge.topics import Source, Topic, load_topics

ROOT = Path(__file__).resolve().parents[1]
SYNONYMS = ROOT / "content" / "synonyms.yaml"


@pytest.fixture(scope="module")
def index() -> Index:
    return Index.build(load_topics(ROOT / "content" / "guidance"), synonyms_path=SYNONYMS)


def answered(index: Index, text: str) -> str | None:
    answer = index.answer(text)
    return answer.topic.id if answer else None


# --------------------------------------------------------------------------------------------- slang and typos


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("what is smack", "what-is-heroin"),
        ("is gear the same as brown", "what-is-heroin"),
        ("what does H do to you", "what-is-heroin"),
        ("what is narcan", "naloxone"),
        ("how do i use nyxoid", "naloxone-nasal-spray"),
        ("bupe or subs, which is better", "medications"),
        ("can i get subutex on a script", "medications"),
        ("is suboxone safe", "medications"),
        ("im rattling", "withdrawal-symptoms"),
        ("clucking bad", "withdrawal-symptoms"),
        ("so dopesick", "withdrawal-symptoms"),
        ("can i go cold turkey", "cold-turkey-at-home"),
        ("what do i do if someone ODs", "overdose-signs"),
        ("my mate OD'd last week", "overdose-signs"),
        ("is it ok to share works", "after-sharing-needles"),
        ("junkies get hooked so fast, why", "why-addictive"),
    ],
)
def test_slang_and_brand_names_find_the_guidance_topic(brain, question, topic):
    # through the whole answer path (model and index): with 40 pages the index alone sends "is suboxone safe" to
    # the pregnancy page, which is about suboxone's safety in pregnancy
    answer = brain.answer(question).answer
    assert answer is not None and answer.id == topic


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("withdrawl symtoms", "withdrawal-symptoms"),
        ("where can i get nalaxone", "naloxone"),
        ("methodone", "medications"),
        ("suboxon or methadon", "medications"),
        ("how long does rattlin last", "withdrawal-symptoms"),
        ("whats a needle exhange", "needles-hiv-hepc"),
        ("fentanil test strips", "fentanyl-harm-reduction"),
    ],
)
def test_typos_of_guidance_words_are_understood(index, question, topic):
    assert answered(index, question) == topic


def test_typo_correction_keeps_ordinary_words_ordinary(index):
    # "battle" is not "rattle", "present" is not "prevent", "stack" is not "smack"
    assert answered(index, "what year was the battle of hastings") is None
    assert answered(index, "whats a good present for my mums 60th") is None
    assert answered(index, "tolerance stack up calculation") is None


# --------------------------------------------------------------------------------------------- short questions


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("naloxone", "naloxone"),
        ("subs?", "medications"),
        ("detox", "detox"),
        ("cravings", "cravings-triggers"),
        ("relapse", "slip-relapse"),
        ("fentanyl", "fentanyl-harm-reduction"),
        ("aftercare", "aftercare-exercise"),
        ("needle exchange", "needles-hiv-hepc"),
        ("OD?", "overdose-signs"),
        ("heroin", "what-is-heroin"),
        ("insomnia", "sleep"),
        ("hep c", "needles-hiv-hepc"),
    ],
)
def test_very_short_domain_questions_get_an_answer(index, question, topic):
    assert answered(index, question) == topic


@pytest.mark.parametrize(
    "question",
    ["help", "how long", "how long?", "what", "why", "hi", "thanks", "ok", "what should i do", "can you help me",
     "tell me more", "how long does it take", "is it normal", "", "   ", "???", "12345", "\U0001f600"],
)
def test_a_generic_word_or_phrase_never_carries_an_answer(index, question):
    assert index.answer(question) is None


# --------------------------------------------------------------------------------------------- off-topic


@pytest.mark.parametrize(
    "question",
    [
        "what's the weather like tomorrow",
        "will it be sunny this weekend",
        "who won the football last night",
        "liverpool vs chelsea prediction",
        "chicken curry recipe",
        "how do i make pancakes",
        "what is 12 times 7",
        "solve x squared minus 4 equals 0",
        "how do i write a for loop in python",
        "why does my javascript say undefined",
        "detox my inbox",
        "how do i detox my inbox",
        "rehab exercises for my knee",
        "best physio rehab after ankle surgery",
        "how do i change gear in my car",
        "brown rice cooking time",
        "what is brown sugar",
        "how to withdraw cash abroad",
        "needle and thread for sewing buttons",
        "what is the tolerance on a bolt",
        "how to get sponsors for a fun run",
        "best sleeping bag for camping",
        "my cat keeps being sick",
        "symptoms of flu",
        "python dependency injection tutorial",
        "how to reverse a list in python",
    ],
)
def test_off_topic_questions_get_no_answer(index, question):
    assert index.answer(question) is None, index.search(question, 2)


# --------------------------------------------------------------------------------------------- scores and search


def test_a_score_is_a_probability_and_the_threshold_is_what_answer_uses(index):
    answer = index.answer("how do i get naloxone")
    assert answer is not None and THRESHOLD <= answer.score <= 1.0
    strict = index.answer("how do i get naloxone", threshold=0.9999)
    assert strict is None or strict.score >= 0.9999


def test_stronger_evidence_scores_higher(index):
    vague = index.search("sponsor", 1)[0][1]
    clear = index.search("what is a sponsor in narcotics anonymous", 1)[0][1]
    assert 0 < vague < clear < 1


def test_search_ranks_topics_best_first_and_includes_ones_below_the_threshold(index):
    results = index.search("how long does withdrawal last", 5)
    assert results[0][0].id == "withdrawal-symptoms"
    scores = [score for _, score in results]
    assert scores == sorted(scores, reverse=True) and len(results) <= 5
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert index.search("rehab exercises for my knee", 3) == [] or index.search("rehab exercises for my knee", 1)[0][1] < THRESHOLD


def test_an_answer_carries_its_related_topics_in_content_order(index):
    answer = index.answer("what is narcan")
    assert [t.id for t in answer.related] == list(answer.topic.related)


def test_explain_shows_what_was_read(index):
    explanation = index.explain("how do i detox my inbox, smack")
    assert "detox my inbox" in explanation.foreign
    assert any(term.startswith("heroin=") for term in explanation.terms)


@pytest.mark.parametrize(
    "text",
    ["<b>naloxone</b>", "NALOXONE!!!", "naloxone " * 2000, "naïve café naloxone", "nal\u00f6xone", "na\x00loxone",
     "\u202enaloxone", "'''", "od'd'd'd", "a" * 10000],
)
def test_odd_input_never_crashes(index, text):
    answer = index.answer(text)
    assert answer is None or 0 <= answer.score <= 1


# --------------------------------------------------------------------------------------------- mechanics on made-up content


def make_topic(topic_id: str, title: str, questions: list[str], keywords: list[str], body: str) -> Topic:
    return Topic(topic_id, title, tuple(questions), tuple(keywords), (), (Source("X", "https://x.org/"),), body)


@pytest.fixture(scope="module")
def fruit() -> Index:
    topics = [
        make_topic("apples", "All about apples", ["how do i store apples", "are apples healthy"],
                   ["apple", "orchard", "cider"], "Apples grow in an orchard. Keep apples cool and dry."),
        make_topic("bananas", "All about bananas", ["why are bananas curved", "how do bananas ripen"],
                   ["banana", "plantain", "ripen"], "Bananas ripen faster in a bag. Plantains are cooked."),
    ]
    lexicon = Lexicon(
        synonyms={"apple": ("granny smith", "pippin"), "banana": ("nana",)},
        domain=frozenset({"apple", "banana", "plantain"}),
        everyday=frozenset({"nana", "store", "bag"}),
        elsewhere=frozenset({"apple watch"}),
    )
    return Index.build(topics, lexicon)


def test_synonyms_and_phrases_from_the_lexicon_are_used(fruit):
    assert fruit.answer("granny smith").topic.id == "apples"
    assert fruit.answer("pippins").topic.id == "apples"  # plural found by itself


def test_everyday_words_count_only_weakly(fruit):
    assert fruit.search("nana", 1)[0][1] < fruit.search("banana", 1)[0][1]


def test_elsewhere_phrases_read_as_words_from_outside(fruit):
    assert fruit.answer("apple watch strap") is None
    assert "apple watch" in fruit.explain("apple watch strap").foreign


def test_typos_are_corrected_towards_keywords_only_with_the_same_first_letter(fruit):
    assert fruit.answer("orchrd").topic.id == "apples"
    assert fruit.answer("plantian").topic.id == "bananas"


def test_an_index_of_many_topics_still_answers(fruit):
    from dataclasses import replace

    topics = list(fruit.topics) + [replace(t, id=f"{t.id}-{k}") for k in range(30) for t in fruit.topics]
    big = Index.build(topics, Lexicon({}, frozenset(), frozenset()))
    assert big.answer("why are bananas curved").topic.id.startswith("bananas")


# --------------------------------------------------------------------------------------------- the synonyms file


def test_the_real_synonyms_file_has_no_problems():
    assert validate_synonyms(SYNONYMS) == []
    lexicon = load_lexicon(SYNONYMS)
    assert "smack" in lexicon.synonyms["heroin"] and "narcan" in lexicon.synonyms["naloxone"]


def test_a_broken_synonyms_file_gives_file_line_problems(tmp_path):
    path = tmp_path / "synonyms.yaml"
    path.write_text(
        "synonyms:\n"
        "  heroin: [smack, gear]\n"
        "  cars: [gear]\n"
        "domain:\n"
        "  - heroin\n"
        "elsewhere:\n"
        "  - brown rice\n"
        "  - brown\n"
        "colours: [red]\n",
        encoding="utf-8",
    )
    found = [(p.line, p.message) for p in validate_synonyms(path)]
    assert (3, "'gear' is listed for both 'heroin' and 'cars'") in found
    assert (8, "'brown' in 'elsewhere' must be a phrase of two or more words") in found
    assert any(line == 9 and "unknown section 'colours'" in m for line, m in found)
    with pytest.raises(ContentError):
        load_lexicon(path)


def test_unreadable_synonyms_yaml_is_a_problem_not_a_crash(tmp_path):
    path = tmp_path / "synonyms.yaml"
    path.write_text("synonyms: [unclosed\n", encoding="utf-8")
    [problem] = validate_synonyms(path)
    assert "YAML" in problem.message


def test_build_takes_the_synonyms_path(tmp_path, index):
    path = tmp_path / "synonyms.yaml"
    path.write_text("synonyms:\n  naloxone: [wakeup spray]\n", encoding="utf-8")
    custom = Index.build(index.topics, synonyms_path=path)
    assert custom.answer("wakeup spray").topic.id == "naloxone"


# --------------------------------------------------------------------------------------------- generalisation

# Written by hand for this test, independently of tests/data/guidance_eval.yaml and never pasted into content:
# a check that the index generalises beyond the questions it was tuned on.
HELD_OUT_ON_TOPIC = [
    ("where does heroin come from", "what-is-heroin"),
    ("is smack an opiate", "what-is-heroin"),
    ("what's diamorphine used for in hospitals", "what-is-heroin"),
    ("is heroin a depressant", "what-is-heroin"),
    ("is heroin a opioid", "what-is-heroin"),
    ("why is it so hard to quit opioids", "why-addictive"),
    ("how do people get addicted to heroin so quickly", "why-addictive"),
    ("is addiction a disease", "why-addictive"),
    ("do i have a drug problem", "admitting-problem"),
    ("how can i tell if i'm addicted to gear", "admitting-problem"),
    ("i think my using is getting out of hand", "admitting-problem"),
    ("am i addicted to opiates", "admitting-problem"),
    ("who can i talk to about getting off heroin", "first-steps"),
    ("how do i get referred to a drug service", "first-steps"),
    ("can my GP help me get off heroin", "first-steps"),
    ("is quitting smack on my own at home safe", "cold-turkey-at-home"),
    ("should i just stop using all at once", "cold-turkey-at-home"),
    ("is it safe to detox at home alone", "cold-turkey-at-home"),
    ("how does a medically supervised detox work", "detox"),
    ("how many days does detox last", "detox"),
    ("how many days do withdrawals last", "withdrawal-symptoms"),
    ("clucking bad, what are the symptoms", "withdrawal-symptoms"),
    ("what helps with rattling", "withdrawal-symptoms"),
    ("is residential rehab better than day treatment", "inpatient-vs-outpatient"),
    ("can i do rehab without staying overnight", "inpatient-vs-outpatient"),
    ("how to find a trustworthy rehab clinic", "choosing-rehab"),
    ("how can i tell if a rehab is a scam", "choosing-rehab"),
    ("can a counsellor help me stay off drugs", "counselling-cbt"),
    ("does cognitive behavioural therapy work for addiction", "counselling-cbt"),
    ("whats cbt", "counselling-cbt"),
    ("staying clean after leaving rehab", "aftercare-exercise"),
    ("does going to the gym help with recovery", "aftercare-exercise"),
    ("are there meetings for people recovering from heroin", "support-groups"),
    ("what are the 12 steps", "support-groups"),
    ("how do i get a sponsor", "support-groups"),
    ("NA meetings near me", "support-groups"),
    ("should i go on methadone or bupe", "medications"),
    ("can i get a subutex script", "medications"),
    ("is buprenorphine safer than methadone", "medications"),
    ("how do i know if someone is overdosing", "overdose-signs"),
    ("what do you do if a mate ods", "overdose-signs"),
    ("what happens when you overdose", "overdose-signs"),
    ("how do i use a nyxoid spray", "naloxone-nasal-spray"),
    ("where do i get a naloxone kit", "naloxone"),
    ("wher can i get narcan", "naloxone"),
    ("is it dangerous to use after being clean for a while", "tolerance-after-break"),
    ("overdose risk after getting out of jail", "tolerance-after-break"),
    ("my tolerance is gone after prison", "tolerance-after-break"),
    ("how do i test my gear for fentanyl", "fentanyl-harm-reduction"),
    ("is it safe to mix heroin with xanax", "mixing-benzos-alcohol"),
    ("fent in the gear", "fentanyl-harm-reduction"),
    ("how to handle urges to use", "cravings-triggers"),
    ("what should i do when i crave gear", "cravings-triggers"),
    ("how to stop cravings for smack", "cravings-triggers"),
    ("i slipped after 2 months clean", "slip-relapse"),
    ("had a relapse what do i do now", "slip-relapse"),
    ("i used yesterday after 3 months off", "slip-relapse", ("intent:just-relapsed",)),
    ("insomnia after quitting heroin", "sleep"),
    ("how can i sleep better in recovery", "sleep"),
    ("sleepless nights after quitting", "sleep"),
    ("my wife is addicted to heroin, how can i support her", "helping-loved-one"),
    ("my dad uses smack, how do i help him", "helping-loved-one"),
    ("my brother is on gear what can i do", "helping-loved-one"),
    ("how do i tell my family i'm an addict", "telling-family"),
    ("should i tell my girlfriend i used to use heroin", "telling-family"),
    ("how to tell my mum about my heroin use", "telling-family"),
    ("where can i get clean needles", "needles-hiv-hepc"),
    ("hepatitis c test", "needles-hiv-hepc"),
    ("is it safe to share needles", "needles-hiv-hepc", ("after-sharing-needles",)),
    ("depression after quitting heroin", "mental-health"),
    ("i feel anxious all the time since getting clean", "mental-health"),
    ("feeling really low since stopping", "mental-health", ("intent:feeling-low",)),
    ("are you human", "about-bot", ("intent:who-are-you",)),
    ("is this conversation confidential", "about-bot"),
    ("can you delete my data", "about-bot"),
]
HELD_OUT_OFF_TOPIC = [
    "how do i score more goals in football", "what's the best way to clean my oven",
    "python dependency injection tutorial", "needle and thread for sewing buttons",
    "how do i change gear on a mountain bike", "brown sauce or ketchup", "how to withdraw cash abroad",
    "my laptop keeps crashing", "how many calories in a pint of beer", "best sleeping bag for camping",
    "tips for a job interview", "how to stop my dog pulling on the lead", "what is the speed of light",
    "how do i reset my router", "meeting room booking software", "recommend a film for tonight",
    "how to lower my cholesterol", "tolerance stack up calculation", "what's a good name for a horse",
    "how do i pin a message in whatsapp", "how long does it take to get to london by train", "tell me a joke",
    "how to detox my liver after christmas", "best physio rehab after ankle surgery", "why is my plant dying",
    "how do i get my kids to eat vegetables", "birthday gift ideas for my friend", "what is the meaning of life",
    "how many people live in london", "how to get rid of a hangover", "whats the best cough medicine",
    "how much paracetamol can i take", "recovery mode on android phone", "how long does it take to recover from flu",
    "how do i sleep train my baby", "best exercises to lose belly fat", "is coffee bad for you", "cheap gym near me",
    "spoon measurements for baking", "how to treat a burn", "what is the tolerance of a 10k resistor",
    "how do i withdraw my pension early", "the script for my school play", "how to score well in exams",
    "gear ratios on a bicycle", "brown bread recipe", "how to inject code into a website", "can dogs eat chocolate",
    "how to fix a flat tyre", "is it safe to fly during pregnancy", "how to stop biting my nails",
    "tips to stop procrastinating", "how to cope with exam stress", "how do i tell my boss im pregnant",
    "how do i help my son with his maths homework", "what time is the pharmacy open", "symptoms of flu",
    "signs of a heart attack", "how to withdraw from a gym contract",
]


def held_out_cases() -> list[Case]:
    on = [Case(item[0], item[1], item[2] if len(item) > 2 else ()) for item in HELD_OUT_ON_TOPIC]
    off = [Case(q, None) for q in HELD_OUT_OFF_TOPIC]
    assert len(on) >= 30 and len(off) >= 30
    return on + off


def describe(result) -> str:
    return "\n".join(f"{m.q!r}: expected {m.expected}, got {m.got} ({m.score:.2f})" for m in result.misses)


def test_held_out_questions_written_for_this_test_are_answered_well(brain):
    result = evaluate(brain_reader(brain.understanding), held_out_cases())
    assert result.accuracy >= 0.85, describe(result)
    assert result.abstain_rate >= 0.95, describe(result)


def test_the_index_alone_stays_a_useful_second_opinion_on_them(index):
    # with 40 pages (issue 11) the index alone is weaker than with 25; it is no longer the only opinion
    result = evaluate(index, held_out_cases())
    assert result.accuracy >= 0.70, describe(result)
    assert result.abstain_rate >= 0.80, describe(result)
