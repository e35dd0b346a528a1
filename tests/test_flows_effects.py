"""The one place a Reply's effects happen: once per message, an edit acts again only when more urgent."""
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.flows.effects import CrisisEffects, HandledMessages
from bot.respond import Author, Source
from bot.safety.crisis import Crisis
from bot.store import Store

GROUP = -100123
MEMBER = Author("person", 12, "Sam")


def test_a_message_is_acted_on_once_unless_an_edit_is_more_urgent():
    handled = HandledMessages()
    thoughts = Crisis("suicide", "crisis")
    plan = Crisis("suicide", "emergency")
    assert handled.first_time(GROUP, 1, thoughts)
    assert not handled.first_time(GROUP, 1, thoughts)
    assert handled.first_time(GROUP, 1, plan)
    assert not handled.first_time(GROUP, 1, thoughts)
    assert handled.first_time(GROUP, 2, thoughts) and handled.first_time(GROUP + 1, 1, thoughts)


def test_lines_without_a_message_id_are_each_their_own_message():
    handled = HandledMessages()
    crisis = Crisis("overdose", "emergency")
    assert handled.first_time(None, None, crisis) and handled.first_time(None, None, crisis)


def test_only_the_most_recent_messages_are_remembered():
    handled = HandledMessages(kept=2)
    crisis = Crisis("overdose", "emergency")
    for message_id in (1, 2, 3):
        handled.first_time(GROUP, message_id, crisis)
    assert handled.first_time(GROUP, 1, crisis)
    assert not handled.first_time(GROUP, 3, crisis)


@pytest.fixture
async def effects():
    store = await Store.open(Path(":memory:"))
    yield CrisisEffects(store, lambda: datetime(2026, 1, 1, tzinfo=timezone.utc))
    await store.close()


async def test_an_edited_group_crisis_is_silent_and_pages_no_one_the_second_time(effects, brain):
    source = Source(chat_type="supergroup", chat_id=GROUP, message_id=7, author=MEMBER)
    first = await effects.apply(brain.respond("I'm going to kill myself tonight", source), source)
    assert first.reply.texts and first.page is not None
    edited = replace(source, edited=True, recent_crisis=effects.recent(source))
    again = await effects.apply(brain.respond("I am going to kill myself tonight", edited), edited)
    assert again.reply.texts == () and again.page is None


async def test_a_channels_words_never_page_responders(effects, brain):
    channel = Author("channel", -100555, "News")
    for source in (Source(chat_type="channel", chat_id=-100555, message_id=1, author=channel),
                   Source(chat_type="supergroup", chat_id=GROUP, message_id=2, author=channel)):
        outcome = await effects.apply(brain.respond("my mate's gone blue and won't wake up", source), source)
        assert outcome.reply.crisis is not None and outcome.page is None
