"""The store: migrations recorded and idempotent, owner-only file, WAL, check-in claims that never double."""
import os
import stat

from bot.store import Store, migration_files


async def test_migrations_apply_in_order_once(tmp_path):
    path = tmp_path / "sub" / "dir" / "bot.sqlite3"
    store = await Store.open(path)
    assert path.exists(), "the data directory is created"
    assert await store.apply_migrations() == [], "re-running is a no-op"
    rows = await store._all("SELECT version FROM schema_migrations ORDER BY version")
    assert [r[0] for r in rows] == [v for v, _, _ in migration_files()]
    mode = await store._one("PRAGMA journal_mode")
    assert mode[0] == "wal"
    await store.close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, "readable by its owner only"
    store = await Store.open(path)
    assert await store.apply_migrations() == []
    await store.close()


async def test_advancing_a_checkin_happens_once(tmp_path):
    store = await Store.open(tmp_path / "db.sqlite3")
    await store.set_checkin(1, "09:00", "UTC", 1000)
    assert [p.user_id for p in await store.due_people(1000, 10)] == [1]
    assert await store.advance_person_checkin(1, 1000, 2000, "2026-01-01", 3) is True
    assert await store.advance_person_checkin(1, 1000, 3000, "2026-01-02", 4) is False, "a second claim loses"
    person = await store.get_person(1)
    assert (person.checkin_next_utc, person.checkin_last_day, person.prompt_index) == (2000, "2026-01-01", 3)
    assert await store.due_people(1500, 10) == []
    await store.close()


async def test_inactive_people_get_no_checkins(tmp_path):
    store = await Store.open(tmp_path / "db.sqlite3")
    await store.set_checkin(1, "09:00", "UTC", 1000)
    await store.mark_person_inactive(1, "blocked")
    assert await store.due_people(5000, 10) == []
    assert (await store.get_person(1)).inactive_reason == "blocked"
    await store.close()


async def test_counters_carry_no_user_id(tmp_path):
    store = await Store.open(tmp_path / "db.sqlite3")
    await store.bump("crisis", "overdose/private", "2026-11-26")
    await store.bump("crisis", "overdose/private", "2026-11-26")
    assert await store.counts("crisis", "2026-11-26") == {"overdose/private": 2}
    columns = [r[1] for r in await store._all("PRAGMA table_info(counters)")]
    assert "user_id" not in columns
    await store.close()


async def test_group_migration_moves_settings_and_responders(tmp_path):
    store = await Store.open(tmp_path / "db.sqlite3")
    await store.upsert_group(-1, "group")
    await store.set_group_setting(-1, "country", "GB")
    await store.add_responder(-1, 5, "Alex")
    await store.migrate_group(-1, -1001)
    assert await store.get_group(-1) is None
    assert (await store.get_group(-1001)).country == "GB"
    assert [r.user_id for r in await store.responders(-1001)] == [5]
    await store.close()


async def test_backup_is_a_consistent_owner_only_copy(tmp_path):
    store = await Store.open(tmp_path / "db.sqlite3")
    await store.set_country(9, "GB")
    await store.backup(tmp_path / "copy.sqlite3")
    await store.close()
    copy = await Store.open(tmp_path / "copy.sqlite3")
    assert (await copy.get_person(9)).country == "GB"
    await copy.close()
    assert stat.S_IMODE(os.stat(tmp_path / "copy.sqlite3").st_mode) == 0o600
