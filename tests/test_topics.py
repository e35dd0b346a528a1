"""Guidance topics: the real content is sound, faults are reported as file:line, bodies render to safe HTML,
and the knowledge room's replies and buttons are built as Telegram expects."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.contentfile import ContentError
from bot.knowledge.answers import (
    answer_reply,
    no_answer_reply,
    parse_topic_callback,
    topic_reply,
    topics_menu,
)
from bot.knowledge.index import Answer
from bot.knowledge.topics import (
    MAX_WORDS,
    MIN_WORDS,
    Source,
    Topic,
    load_topics,
    normalise_question,
    render_body,
    validate_topics,
)
from bot.config import CONTENT_DIR
from bot.reply import AnswerRef, to_plain
from bot.texts import Texts

GUIDANCE = Path(__file__).resolve().parents[1] / "content" / "guidance"
ALLOWED_TAGS = re.compile(r"</?(b|i)>|<a href=\"https://[^\"<>]+\">|</a>")


@pytest.fixture(scope="module")
def topics() -> list[Topic]:
    return load_topics(GUIDANCE)


@pytest.fixture(scope="module")
def texts() -> Texts:
    return Texts.load(CONTENT_DIR / "messages.yaml")


# --------------------------------------------------------------------------------------------- the real content


def test_the_real_guidance_validates_with_no_problems():
    assert validate_topics(GUIDANCE) == []


def test_the_real_guidance_has_its_25_topics_each_named_after_its_file(topics):
    assert len(topics) >= 25
    for topic in topics:
        assert Path(topic.path).stem == topic.id
        assert topic.title and topic.questions and topic.keywords
        assert all(s.org and s.page.startswith("https://") for s in topic.sources)


def test_every_rendered_body_uses_only_telegram_tags(topics):
    for topic in topics:
        rendered = render_body(topic.body_markdown)
        leftover = ALLOWED_TAGS.sub("", rendered)
        assert "<" not in leftover and ">" not in leftover, topic.id
        assert "**" not in rendered, topic.id


# --------------------------------------------------------------------------------------------- broken files

GOOD_BODY = " ".join(["Talk to a drug service about what suits you."] * 12)  # 96 words


def write_topic(folder: Path, name: str, *, front: str | None = None, body: str = GOOD_BODY) -> Path:
    if front is None:
        front = (
            f"id: {name}\n"
            f"title: Title of {name}\n"
            "questions:\n"
            f"  - what is {name}\n"
            "keywords: [alpha, beta]\n"
            "related: []\n"
            "sources:\n"
            "  - org: NHS\n"
            "    page: https://www.nhs.uk/\n"
        )
    path = folder / f"{name}.md"
    path.write_text(f"---\n{front}---\n{body}\n", encoding="utf-8")
    return path


def problems_of(folder: Path) -> list[tuple[str, int, str]]:
    return [(Path(p.path).name, p.line, p.message) for p in validate_topics(folder)]


def test_a_sound_folder_has_no_problems(tmp_path):
    write_topic(tmp_path, "one")
    write_topic(tmp_path, "two")
    assert validate_topics(tmp_path) == []
    assert [t.id for t in load_topics(tmp_path)] == ["one", "two"]


def test_a_file_without_front_matter_is_reported_on_line_1(tmp_path):
    (tmp_path / "bare.md").write_text("Just text, no front matter.\n", encoding="utf-8")
    [(name, line, message)] = problems_of(tmp_path)
    assert (name, line) == ("bare.md", 1) and "front matter" in message


def test_unclosed_front_matter_is_reported(tmp_path):
    (tmp_path / "open.md").write_text("---\nid: open\ntitle: x\n", encoding="utf-8")
    [(_, line, message)] = problems_of(tmp_path)
    assert line == 1 and "not closed" in message


def test_bad_yaml_points_at_its_line_in_the_file(tmp_path):
    front = "id: bad\ntitle: Bad\nquestions: [unclosed\nkeywords: [a]\n"
    write_topic(tmp_path, "bad", front=front)
    [(_, line, message)] = problems_of(tmp_path)
    assert "YAML" in message and 3 <= line <= 6


def test_a_missing_field_is_named(tmp_path):
    front = "id: nokw\ntitle: T\nquestions: [q one]\nrelated: []\nsources:\n  - org: NHS\n    page: https://nhs.uk/\n"
    write_topic(tmp_path, "nokw", front=front)
    assert any("missing field 'keywords'" in m for _, _, m in problems_of(tmp_path))


def test_an_id_that_differs_from_the_file_name_points_at_the_id_line(tmp_path):
    front = "title: T\nid: other\nquestions: [q]\nkeywords: [k]\nrelated: []\nsources:\n  - {org: NHS, page: https://nhs.uk/}\n"
    write_topic(tmp_path, "named", front=front)
    assert ("named.md", 3, "id 'other' must equal the file name 'named'") in problems_of(tmp_path)


def test_an_unknown_related_topic_points_at_its_list_item(tmp_path):
    front = (
        "id: rel\ntitle: T\nquestions: [q]\nkeywords: [k]\nrelated:\n  - rel-two\n  - missing-topic\n"
        "sources:\n  - {org: NHS, page: https://nhs.uk/}\n"
    )
    write_topic(tmp_path, "rel", front=front)
    write_topic(tmp_path, "rel-two")
    assert ("rel.md", 8, "related topic 'missing-topic' does not exist") in problems_of(tmp_path)


def test_a_short_body_is_reported_on_the_line_where_the_body_starts(tmp_path):
    write_topic(tmp_path, "short", body="Too short.")
    found = [(line, m) for _, line, m in problems_of(tmp_path)]
    assert found == [(12, f"body has 2 words; it must have {MIN_WORDS} to {MAX_WORDS}")]


def test_a_source_without_https_page_or_org_is_reported_on_its_line(tmp_path):
    front = (
        "id: src\ntitle: T\nquestions: [q]\nkeywords: [k]\nrelated: []\nsources:\n"
        "  - org: NHS\n    page: http://www.nhs.uk/\n  - page: https://example.org/\n"
    )
    write_topic(tmp_path, "src", front=front)
    found = problems_of(tmp_path)
    assert ("src.md", 8, "source 'page' must be an https:// address") in found
    assert ("src.md", 10, "source without 'org'") in found


def test_two_topics_claiming_the_same_question_are_reported_on_the_second(tmp_path):
    write_topic(tmp_path, "first")
    front = (
        "id: second\ntitle: T\nquestions:\n  - something else\n  - What is FIRST?\nkeywords: [k]\nrelated: []\n"
        "sources:\n  - {org: NHS, page: https://nhs.uk/}\n"
    )
    write_topic(tmp_path, "second", front=front)
    [(name, line, message)] = problems_of(tmp_path)
    assert (name, line) == ("second.md", 6)
    assert "already claimed" in message and "first.md:5" in message


def test_unknown_fields_and_unsupported_markdown_are_reported(tmp_path):
    front = (
        "id: odd\ntitle: T\nquestions: [q]\nkeyword: [typo]\nkeywords: [k]\nrelated: []\n"
        "sources:\n  - {org: NHS, page: https://nhs.uk/}\n"
    )
    write_topic(tmp_path, "odd", front=front, body="# Heading\n" + GOOD_BODY + "\nSee [NHS](https://nhs.uk).")
    found = problems_of(tmp_path)
    assert any(line == 5 and "unknown field 'keyword'" in m for _, line, m in found)
    assert any(line == 11 and "headings" in m for _, line, m in found)
    assert any(line == 13 and "links" in m for _, line, m in found)


def test_load_topics_refuses_a_broken_folder_with_the_first_problem(tmp_path):
    write_topic(tmp_path, "short", body="Too short.")
    with pytest.raises(ContentError) as err:
        load_topics(tmp_path)
    assert err.value.problem.path.endswith("short.md") and err.value.problem.line == 12


def test_an_empty_folder_is_a_problem(tmp_path):
    assert [m for _, _, m in problems_of(tmp_path)] == ["no topic files (*.md) found"]


def test_questions_are_compared_without_case_or_punctuation():
    assert normalise_question("What's  Naloxone?") == normalise_question("whats naloxone")


# --------------------------------------------------------------------------------------------- rendering


def test_render_body_escapes_html_before_adding_tags():
    out = render_body('A <script>alert("x")</script> & <b>fake</b> tag')
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "&amp;" in out and "&lt;b&gt;fake&lt;/b&gt;" in out


def test_markdown_inside_html_cannot_build_a_tag():
    out = render_body("<**a href=x**>")
    assert out == "&lt;<b>a href=x</b>&gt;"


def test_bold_italic_and_bullets_become_telegram_html():
    md = "**Bold** and *italic* and _also italic_.\n\nList:\n- one\n- **two**\n\nEnd."
    assert render_body(md) == (
        "<b>Bold</b> and <i>italic</i> and <i>also italic</i>.\n\nList:\n• one\n• <b>two</b>\n\nEnd."
    )


def test_lines_of_one_paragraph_are_joined_and_paragraphs_kept_apart():
    assert render_body("one\ntwo\n\nthree") == "one two\n\nthree"


def test_snake_case_arithmetic_and_lone_stars_stay_as_they_are():
    assert render_body("snake_case_name, 2 * 3 * 4 and a * b") == "snake_case_name, 2 * 3 * 4 and a * b"


def test_commands_survive_rendering():
    assert "/sos" in render_body("If you're in danger right now, send /sos.")


@given(st.text(max_size=300))
def test_render_body_never_lets_a_tag_through(text):
    rendered = render_body(text)
    assert "<" not in ALLOWED_TAGS.sub("", rendered)


# --------------------------------------------------------------------------------------------- replies


def test_an_answer_is_the_phone_sized_summary_with_tell_me_more_and_related_buttons(topics, texts):
    by_id = {t.id: t for t in topics}
    topic = by_id["naloxone"]
    related = tuple(by_id[r] for r in topic.related)
    reply = answer_reply(Answer(topic, 0.87, related), texts)
    [text] = reply.texts
    assert text.startswith("<b>Naloxone and how to get it</b>\n\n")
    assert "reverses an opioid overdose" in text
    assert "Sources:" not in text and "<b>Naloxone</b> is a medicine" not in text  # the page is behind the button
    assert len(to_plain(text).split()) <= 90
    assert reply.buttons[0][0].text == "Tell me more" and reply.buttons[0][0].callback == "more:naloxone"
    assert [row[0].callback for row in reply.buttons[1:]] == [f"topic:{r}" for r in topic.related]
    assert [row[0].text for row in reply.buttons[1:]] == [t.title for t in related]
    assert reply.answer == AnswerRef("naloxone", "Naloxone and how to get it", 0.87)
    assert reply.crisis is None


def test_tell_me_more_opens_the_full_page_with_its_sources(topics):
    ids = {t.id for t in topics}
    assert parse_topic_callback("more:naloxone", ids) == "naloxone"
    page = topic_reply("naloxone", topics)
    assert "<b>Naloxone</b> is a medicine" in page.texts[0]
    assert '<a href="https://' in page.texts[0] and "Sources:" in page.texts[0]


def test_every_real_topic_has_a_summary_of_at_most_80_words(topics):
    assert validate_topics(GUIDANCE, require_summary=True) == []
    for topic in topics:
        assert topic.summary and len(topic.summary.split()) <= 80, topic.id


def test_a_topic_without_summary_is_shown_whole_as_before(texts):
    topic = Topic("x", "T", ("q",), ("k",), (), (Source("NHS", "https://nhs.uk/"),), "The body.")
    [text] = answer_reply(Answer(topic, 0.9), texts).texts
    assert "The body." in text and "Sources:" in text


def test_summary_faults_are_reported_on_the_summary_line(tmp_path):
    long = " ".join(["word"] * 81)
    write_topic(tmp_path, "long", front=(
        f"id: long\ntitle: T\nsummary: {long}\nquestions: [q one]\nkeywords: [k]\nrelated: []\n"
        "sources:\n  - {org: NHS, page: https://nhs.uk/}\n"))
    write_topic(tmp_path, "none", front=(
        "id: none\ntitle: T\nquestions: [q two]\nkeywords: [k]\nrelated: []\n"
        "sources:\n  - {org: NHS, page: https://nhs.uk/}\n"))
    assert validate_topics(tmp_path) != [] and all("none.md" not in p.path for p in validate_topics(tmp_path))
    found = [(Path(p.path).name, p.line, p.message) for p in validate_topics(tmp_path, require_summary=True)]
    assert ("long.md", 4, "summary has 81 words; it must have 15 to 80") in found
    assert any(name == "none.md" and "missing field 'summary'" in message for name, _, message in found)


def test_titles_are_escaped_in_replies(texts):
    topic = Topic("x", "Tom & <Jerry>", ("q",), ("k",), (), (Source("A&B", "https://a.org/?x=1&y=2"),), "Body.")
    [text] = answer_reply(Answer(topic, 0.9), texts).texts
    assert text.startswith("<b>Tom &amp; &lt;Jerry&gt;</b>")
    assert '<a href="https://a.org/?x=1&amp;y=2">A&amp;B</a>' in text


def test_the_no_answer_reply_is_honest_and_offers_topics_and_people(texts):
    reply = no_answer_reply(texts)
    text = to_plain("\n".join(reply.texts))
    assert text.startswith("I don't have guidance on that.")
    for needle in ("/topics", "/sos", "drug service", "GP"):
        assert needle in text
    assert reply.answer is None and reply.crisis is None


def test_the_topics_menu_lists_every_topic_two_per_row(topics, texts):
    reply = topics_menu(topics, texts)
    buttons = [b for row in reply.buttons for b in row]
    assert [b.callback for b in buttons] == [f"topic:{t.id}" for t in topics]
    assert all(len(row) == 2 for row in reply.buttons[:-1]) and 1 <= len(reply.buttons[-1]) <= 2
    assert all(len(b.callback.encode()) <= 64 for b in buttons)


def test_a_topic_opens_by_id_or_object_and_an_unknown_id_gives_none(topics):
    by_id = {t.id: t for t in topics}
    reply = topic_reply("sleep", topics)
    assert reply is not None and reply.texts[0].startswith("<b>Sleep in early recovery</b>")
    assert [row[0].callback for row in reply.buttons] == [f"topic:{r}" for r in by_id["sleep"].related]
    assert topic_reply(by_id["sleep"], topics) == reply
    assert topic_reply("no-such-topic", topics) is None


def test_every_menu_button_parses_back_to_its_topic(topics, texts):
    ids = {t.id for t in topics}
    for row in topics_menu(topics, texts).buttons:
        for button in row:
            assert parse_topic_callback(button.callback, ids) in ids


@pytest.mark.parametrize(
    "data",
    [
        None, 42, b"topic:sleep", "", "topic:", "topics:sleep", "xtopic:sleep", "topic:Sleep", "topic:sleep ",
        "topic:sleep\n", "topic:../sleep", "topic:sleep:1", "topic:no-such-topic", "topic:" + "a" * 80,
        "topic:sl%65ep", "topic:sleep--x", "TOPIC:sleep",
    ],
)
def test_forged_or_stale_callback_data_is_refused(data, topics):
    assert parse_topic_callback(data, {t.id for t in topics}) is None


def test_valid_callback_data_gives_the_topic_id(topics):
    assert parse_topic_callback("topic:naloxone", {t.id for t in topics}) == "naloxone"


@given(st.one_of(st.text(max_size=100), st.binary(max_size=50), st.integers(), st.none()))
def test_parse_topic_callback_never_raises(data):
    assert parse_topic_callback(data, {"sleep", "naloxone"}) in (None, "sleep", "naloxone")


def test_parse_topic_callback_survives_a_broken_id_collection():
    class Broken:
        def __contains__(self, item):
            raise RuntimeError("boom")

    assert parse_topic_callback("topic:sleep", Broken()) is None
