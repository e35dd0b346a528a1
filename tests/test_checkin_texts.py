"""Check-in texts: what a person reads every day, what the buttons send back, and what the content file must keep."""
from datetime import date, timedelta

import pytest
import yaml

from bot.checkins.texts import (
    ANSWERS,
    SOBER_KEEP,
    SOBER_RESET,
    CheckinTexts,
    answer_reply,
    callback_data,
    checkin_message,
    group_checkin_message,
    load_checkin_texts,
    milestone_message,
    parse_callback,
    pick_prompt,
    validate_checkin_texts,
)
from bot.contentfile import ContentError
from bot.config import CONTENT_DIR
from bot.reply import plain_reply

DEFAULT_PATH = CONTENT_DIR / "checkins.yaml"

DAY = date(2024, 6, 15)
HELPLINE = "<b>Samaritans</b>: call 116 123 (free, 24/7)"


@pytest.fixture(scope="module")
def texts() -> CheckinTexts:
    return load_checkin_texts(DEFAULT_PATH)


# ------------------------------------------------------------------------------------------------ the real content


def test_shipped_content_validates():
    assert validate_checkin_texts(DEFAULT_PATH) == []


def test_shipped_content_has_enough_variety(texts):
    assert len(texts.prompts) >= 20
    assert len(set(texts.prompts)) == len(texts.prompts)
    assert len(texts.group_prompts) >= 10
    assert set(texts.labels) == set(ANSWERS)


# ------------------------------------------------------------------------------------------------ prompts


def test_never_the_same_prompt_two_days_running_over_60_days(texts):
    previous, seen = None, []
    for offset in range(60):
        index, line = pick_prompt(texts, DAY + timedelta(days=offset), previous)
        assert index != previous
        assert line == texts.prompts[index]
        seen.append(index)
        previous = index
    assert len(set(seen)) >= 12, "sixty days should show most of the lines, not a handful"


def test_prompt_is_the_same_all_day(texts):
    assert pick_prompt(texts, DAY, 3) == pick_prompt(texts, DAY, 3)


def test_prompt_moves_on_when_the_days_pick_was_used_yesterday(texts):
    index, _ = pick_prompt(texts, DAY, None)
    moved, _ = pick_prompt(texts, DAY, index)
    assert moved != index


def test_prompt_copes_with_a_stale_previous_index(texts):
    index, line = pick_prompt(texts, DAY, 999)  # the content shrank since it was stored
    assert 0 <= index < len(texts.prompts) and line


def test_never_the_same_group_prompt_two_days_running(texts):
    previous = None
    for offset in range(60):
        index, reply = group_checkin_message(texts, DAY + timedelta(days=offset), previous)
        assert index != previous
        assert texts.group_prompts[index] in reply.texts[0]
        previous = index


def test_group_post_has_no_buttons_and_points_to_private_help(texts):
    _, reply = group_checkin_message(texts, DAY, None)
    assert reply.buttons == ()
    assert "/sos" in reply.texts[0]


# ------------------------------------------------------------------------------------------------ the check-in message


def test_checkin_message_shows_the_day_count(texts):
    reply = checkin_message(texts, 57, "How are you today?", DAY)
    assert reply.texts == ("<b>Day 57.</b> How are you today?",)


def test_checkin_message_without_a_sober_date_is_just_the_question(texts):
    reply = checkin_message(texts, None, "How are you today?", DAY)
    assert reply.texts == ("How are you today?",)


def test_checkin_message_on_the_sober_date_itself_does_not_say_day_zero(texts):
    reply = checkin_message(texts, 0, "How are you today?", DAY)
    assert "Day 0" not in reply.texts[-1]
    assert reply.texts[-1].endswith("How are you today?")


def test_checkin_message_has_four_answer_buttons_bound_to_the_day(texts):
    reply = checkin_message(texts, 57, "How are you today?", DAY)
    buttons = [button for row in reply.buttons for button in row]
    assert [button.callback for button in buttons] == [
        "ci:good:20240615", "ci:okay:20240615", "ci:struggling:20240615", "ci:used:20240615",
    ]
    assert [button.text for button in buttons] == [texts.labels[name] for name in ANSWERS]
    assert all(button.url is None for button in buttons)
    assert all(len(button.callback.encode()) <= 64 for button in buttons)


def test_checkin_message_on_a_milestone_day_celebrates_first(texts):
    reply = checkin_message(texts, 30, "How are you today?", DAY)
    assert reply.texts == (milestone_message(texts, 30), "<b>Day 30.</b> How are you today?")
    assert reply.buttons, "the buttons stay under the question"


# ------------------------------------------------------------------------------------------------ callback data


@pytest.mark.parametrize("answer", ANSWERS)
def test_callback_data_round_trips(answer):
    assert parse_callback(callback_data(answer, DAY)) == (answer, DAY)


@pytest.mark.parametrize(
    "forged",
    [
        "", "ci", "ci:", "ci:good", "ci:good:", "ci:fine:20240615", "ci:GOOD:20240615", "CI:good:20240615",
        "ci:good:2024061", "ci:good:202406150", "ci:good:20241301", "ci:good:20240230", "ci:good:00000101",
        "ci:good:2024-06-15", "ci:good:20240615:extra", "ci:good:20240615\n", " ci:good:20240615",
        "ci:good:２０２４０６１５", "ci:used:20240615" + "0" * 100, "sober:reset", "ci:good:+2024061",
        "ci::20240615", "ci:good:20240615\x00", "xx:good:20240615",
    ],
)
def test_forged_callback_data_is_rejected(forged):
    assert parse_callback(forged) is None


@pytest.mark.parametrize("junk", [None, 42, b"ci:good:20240615", ["ci:good:20240615"]])
def test_parse_callback_never_raises_on_non_text(junk):
    assert parse_callback(junk) is None


# ------------------------------------------------------------------------------------------------ answers


def test_good_and_okay_are_brief(texts):
    for answer in ("good", "okay"):
        reply = answer_reply(texts, answer, HELPLINE)
        assert len(reply.texts) == 1 and len(reply.texts[0]) < 300
        assert reply.buttons == ()


def test_struggling_gives_coping_steps_sos_and_the_helpline(texts):
    text = plain_reply(answer_reply(texts, "struggling", HELPLINE)).lower()
    for step in ("delay", "distract", "call", "water", "get out", "halt", "hungry", "lonely", "tired"):
        assert step in text, step
    assert "/sos" in text
    assert "116 123" in text


def test_used_reply_has_the_overdose_safety_facts(texts):
    text = plain_reply(answer_reply(texts, "used", HELPLINE)).lower()
    assert "tolerance" in text
    assert "alone" in text
    assert "naloxone" in text
    assert "116 123" in text


def test_used_reply_offers_a_reset_choice_and_never_resets_by_itself(texts):
    reply = answer_reply(texts, "used", HELPLINE)
    assert reply.buttons == ((reply.buttons[0][0], reply.buttons[0][1]),)
    reset, keep = reply.buttons[0]
    assert (reset.text, reset.callback) == ("Reset my sober date", SOBER_RESET)
    assert (keep.text, keep.callback) == ("Keep my date", SOBER_KEEP)
    assert "?" in reply.texts[-1], "it asks; it does not announce a reset"
    assert "has been reset" not in plain_reply(reply).lower()


def test_used_reply_without_a_sober_date_asks_nothing(texts):
    reply = answer_reply(texts, "used", HELPLINE, has_sober_date=False)
    assert reply.buttons == ()
    assert "naloxone" in reply.texts[0].lower()


def test_used_reply_does_not_judge(texts):
    text = plain_reply(answer_reply(texts, "used", HELPLINE)).lower()
    for word in ("failed", "failure", "disappoint", "should have", "relapsed again", "weak"):
        assert word not in text


def test_empty_helpline_leaves_no_gap(texts):
    reply = answer_reply(texts, "struggling", "")
    assert "\n\n\n" not in reply.texts[0]
    assert not reply.texts[0].endswith("\n")


def test_unknown_answer_is_a_programming_error(texts):
    with pytest.raises(ValueError):
        answer_reply(texts, "fine", HELPLINE)


# ------------------------------------------------------------------------------------------------ milestones


@pytest.mark.parametrize("days", [1, 3, 7, 14, 30, 60, 90, 180, 365, 730, 3650])
def test_every_milestone_has_a_message(texts, days):
    message = milestone_message(texts, days)
    assert message and "{" not in message


def test_yearly_milestone_counts_years(texts):
    assert "2 years" in milestone_message(texts, 730)
    assert "10 years" in milestone_message(texts, 3650)


def test_ordinary_days_have_no_milestone_message(texts):
    assert milestone_message(texts, 31) is None
    assert milestone_message(texts, 0) is None


# ------------------------------------------------------------------------------------------------ validation of edits


def _edited(tmp_path, edit):
    data = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "checkins.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _messages(path) -> str:
    return "\n".join(problem.message for problem in validate_checkin_texts(path))


def test_an_unchanged_round_trip_still_validates(tmp_path):
    assert validate_checkin_texts(_edited(tmp_path, lambda data: None)) == []


@pytest.mark.parametrize(
    "edit, expected",
    [
        (lambda d: d["answers"]["used"].update(reply="Be careful. {helpline}"), "naloxone"),
        (lambda d: d["answers"]["used"].update(reply=d["answers"]["used"]["reply"].replace("{helpline}", "")),
         "must contain {helpline}"),
        (lambda d: d["answers"]["struggling"].update(reply="Hang in there. {helpline}"), "/sos"),
        (lambda d: d["answers"].pop("okay"), "answers"),
        (lambda d: d.update(prompts=d["prompts"][:5]), "at least 20"),
        (lambda d: d["prompts"].append(d["prompts"][0]), "appears twice"),
        (lambda d: d["prompts"].append("How are <u>you</u>?"), "only <b>"),
        (lambda d: d["prompts"].append("How are <b>you?"), "never closed"),
        (lambda d: d["prompts"].append("Tea & biscuits?"), "&amp;"),
        (lambda d: d["prompts"].append("Hi {name}, how are you?"), "unknown placeholder {name}"),
        (lambda d: d["milestones"].pop(90), "missing 90"),
        (lambda d: d["milestones"].update({7: "One week, {dayz} days"}), "unknown placeholder {dayz}"),
        (lambda d: d["milestones"].update({5: "Five days"}), "5 is not a milestone"),
        (lambda d: d.update(common_times=[1200]), "quoted 24-hour time"),
        (lambda d: d.update(common_times=["24:00"]), "quoted 24-hour time"),
        (lambda d: d["common_zones"].update({"Atlantis": "Atlantic/Atlantis"}), "not an IANA time zone"),
        (lambda d: d["city_aliases"].update({"New_York": "America/New_York"}), "lower case"),
        (lambda d: d.update(reset_button="<b>Reset</b>"), "plain text"),
        (lambda d: d.update(promts=[]), "unknown section"),
    ],
)
def test_validation_catches_broken_edits(tmp_path, edit, expected):
    assert expected in _messages(_edited(tmp_path, edit))


def test_broken_yaml_is_one_problem_with_a_line(tmp_path):
    path = tmp_path / "checkins.yaml"
    path.write_text("prompts:\n  - fine\n  bad: [\n", encoding="utf-8")
    problems = validate_checkin_texts(path)
    assert len(problems) == 1 and problems[0].line >= 2


def test_loading_a_broken_file_raises_content_error(tmp_path):
    path = _edited(tmp_path, lambda d: d.update(group_prompts=[]))
    with pytest.raises(ContentError):
        load_checkin_texts(path)


def test_problems_name_the_file_and_a_line(tmp_path):
    path = _edited(tmp_path, lambda d: d["prompts"].append("How are <u>you</u>?"))
    (problem,) = validate_checkin_texts(path)
    assert problem.path == str(path) and problem.line > 1
