"""Membership: what a lasting refusal does to a group's state, and what ends it."""
from datetime import datetime, timedelta, timezone

from bot.flows.due_checkins import DueCheckin, mark_sent
from bot.flows.membership import Membership
from bot.reply import Reply
from bot.store import Store

NOW = datetime(2026, 3, 10, 18, 0, 5, tzinfo=timezone.utc)
GROUP = -100123


async def refused_group(tmp_path):
    store = await Store.open(tmp_path / "bot.sqlite3")
    await store.upsert_group(GROUP, "supergroup")
    await store.set_group_checkin(GROUP, "18:00", "UTC", int((NOW - timedelta(seconds=5)).timestamp()))
    await Membership(store, clock=lambda: NOW).no_rights(GROUP, "no rights")
    return store


async def test_no_rights_marks_the_group_and_moves_its_post_to_the_next_day(tmp_path):
    store = await refused_group(tmp_path)
    group = await store.get_group(GROUP)
    assert group.refused == "no rights" and group.active == 1
    assert group.checkin_next_utc == int(datetime(2026, 3, 11, 18, 0, tzinfo=timezone.utc).timestamp())
    assert await store.due_groups(int(NOW.timestamp()) + 3600, 10) == []
    await store.close()


async def test_a_post_that_goes_out_or_a_re_add_clears_the_mark(tmp_path):
    store = await refused_group(tmp_path)
    await store.upsert_group(GROUP, "supergroup")
    assert (await store.get_group(GROUP)).refused is None
    await Membership(store, clock=lambda: NOW).no_rights(GROUP, "no rights")
    group = await store.get_group(GROUP)
    item = DueCheckin(GROUP, True, group.checkin_next_utc, group.checkin_next_utc + 86400, "2026-03-11", 0,
                      Reply(texts=("post",)))
    await mark_sent(store, item, NOW + timedelta(days=1))
    assert (await store.get_group(GROUP)).refused is None
    await store.close()


async def test_a_private_chat_has_no_such_state(tmp_path):
    store = await Store.open(tmp_path / "bot.sqlite3")
    await Membership(store, clock=lambda: NOW).no_rights(42, "no rights")  # nothing to mark, nothing raised
    await store.close()
