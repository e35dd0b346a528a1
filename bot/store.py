"""Every SQL statement the bot runs. Plain, parameterised, portable SQL over one aiosqlite connection.

One connection means one writer: SQLite serialises writes anyway, and aiosqlite runs the connection on its own
thread, so the event loop never blocks on disk. Functions return plain dataclasses, never rows.
"""
from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from pathlib import Path

import aiosqlite

from bot.config import MIGRATIONS_DIR


@dataclass(frozen=True)
class PersonRow:
    """What is stored about one person; `/mydata` shows every field of it."""

    user_id: int
    country: str | None
    timezone: str | None
    checkin_time: str | None
    checkin_next_utc: int | None
    checkin_last_day: str | None
    prompt_index: int | None
    sober_since: str | None
    active: int
    inactive_reason: str | None
    created_at: str


@dataclass(frozen=True)
class GroupRow:
    """A group's or channel's settings, as its admins chose them."""

    chat_id: int
    chat_type: str
    country: str | None
    welcome: int
    poll: int
    timezone: str | None
    checkin_time: str | None
    checkin_next_utc: int | None
    checkin_last_day: str | None
    prompt_index: int | None
    active: int
    created_at: str
    refused: str | None = None  # why Telegram refuses the bot's messages there now (no rights), else None
    checkin_thread: int | None = None  # the forum topic of the daily post, if it was set in one


@dataclass(frozen=True)
class Responder:
    chat_id: int
    user_id: int
    name: str


@dataclass(frozen=True)
class Alert:
    alert_id: int
    chat_id: int
    message_id: int
    author_id: int | None
    category: str
    created_utc: int
    acknowledged_by: int | None
    escalated: int


PERSON_COLUMNS = ", ".join(f.name for f in fields(PersonRow))
GROUP_COLUMNS = ", ".join(f.name for f in fields(GroupRow))
ALERT_COLUMNS = ", ".join(f.name for f in fields(Alert))
GROUP_SETTINGS = ("country", "welcome", "poll")
# The two tables with a daily schedule: their key column, columns and row type (table names are never input).
SCHEDULED = {"people": ("user_id", PERSON_COLUMNS, PersonRow), "groups": ("chat_id", GROUP_COLUMNS, GroupRow)}


def _now_text() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def migration_files(folder: Path = MIGRATIONS_DIR) -> list[tuple[int, str, Path]]:
    """`NNN_name.sql` files in version order; the schema's only source."""
    found = []
    for path in sorted(folder.glob("*.sql")):
        number, _, name = path.stem.partition("_")
        if number.isdigit():
            found.append((int(number), name, path))
    return found


class Store:
    """The bot's state in SQLite (WAL, busy_timeout, foreign keys on)."""

    def __init__(self, conn: aiosqlite.Connection, path: Path):
        self._conn = conn
        self.path = path

    @classmethod
    async def open(cls, path: Path, migrations: Path = MIGRATIONS_DIR) -> "Store":
        """Open (creating the folder and file, owner-only) and bring the schema up to date; on any error the
        connection is closed and the error raised."""
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                path.touch(mode=0o600)
        conn = await aiosqlite.connect(str(path), isolation_level=None)
        store = cls(conn, path)
        try:
            await conn.execute("PRAGMA busy_timeout=5000")
            await conn.execute("PRAGMA journal_mode=WAL")
            await conn.execute("PRAGMA foreign_keys=ON")
            await conn.execute("PRAGMA synchronous=NORMAL")
            await store.apply_migrations(migrations)
        except BaseException:
            await conn.close()  # aiosqlite's thread would otherwise keep the process alive after the error
            raise
        if str(path) != ":memory:":
            os.chmod(path, 0o600)  # only once it is known to be the bot's database: never someone else's file
        return store

    @classmethod
    async def check(cls, path: Path) -> None:
        """What `run` asks before contacting Telegram: the database opens, its schema is brought up to date, and
        it takes a write. Raises sqlite3.Error or OSError (cli.py says what to fix)."""
        store = await cls.open(path)
        try:
            await store._conn.execute("BEGIN IMMEDIATE")
            await store._conn.execute("INSERT INTO schema_migrations VALUES (-1, 'write check', '')")
            await store._conn.execute("ROLLBACK")
        finally:
            await store.close()

    async def close(self) -> None:
        await self._conn.close()

    async def apply_migrations(self, folder: Path = MIGRATIONS_DIR) -> list[int]:
        """Apply the migrations not yet recorded, each in its own transaction; returns the versions applied."""
        await self._conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        async with self._conn.execute("SELECT version FROM schema_migrations") as cur:
            done = {row[0] for row in await cur.fetchall()}
        applied = []
        for version, name, path in migration_files(folder):
            if version in done:
                continue
            script = path.read_text(encoding="utf-8")
            await self._conn.executescript(
                f"BEGIN;\n{script}\nINSERT INTO schema_migrations VALUES ({version}, '{name}', '{_now_text()}');\nCOMMIT;"
            )
            applied.append(version)
        return applied

    async def _one(self, sql: str, params: tuple = ()):
        async with self._conn.execute(sql, params) as cur:
            return await cur.fetchone()

    async def _all(self, sql: str, params: tuple = ()):
        async with self._conn.execute(sql, params) as cur:
            return await cur.fetchall()

    async def _write(self, sql: str, params: tuple = ()) -> int:
        cur = await self._conn.execute(sql, params)
        return cur.rowcount

    # --- people -----------------------------------------------------------------------------------------------

    async def ensure_person(self, user_id: int) -> None:
        await self._write(
            "INSERT INTO people (user_id, created_at) VALUES (?, ?) ON CONFLICT (user_id) DO NOTHING",
            (user_id, _now_text()),
        )

    async def get_person(self, user_id: int) -> PersonRow | None:
        row = await self._one(f"SELECT {PERSON_COLUMNS} FROM people WHERE user_id = ?", (user_id,))
        return PersonRow(*row) if row else None

    async def person_exists(self, user_id: int) -> bool:
        return await self._one("SELECT 1 FROM people WHERE user_id = ?", (user_id,)) is not None

    async def set_country(self, user_id: int, country: str | None) -> None:
        await self.ensure_person(user_id)
        await self._write("UPDATE people SET country = ? WHERE user_id = ?", (country, user_id))

    async def set_timezone(self, user_id: int, zone: str, next_utc: int | None) -> None:
        """Store the zone; when a check-in is set, its next due moment moves with it."""
        await self.ensure_person(user_id)
        await self._write(
            "UPDATE people SET timezone = ?, checkin_next_utc = CASE WHEN checkin_time IS NULL THEN NULL ELSE ? END "
            "WHERE user_id = ?",
            (zone, next_utc, user_id),
        )

    async def set_checkin(self, user_id: int, hhmm: str, zone: str, next_utc: int) -> None:
        await self.ensure_person(user_id)
        await self._write(
            "UPDATE people SET checkin_time = ?, timezone = ?, checkin_next_utc = ?, active = 1, "
            "inactive_reason = NULL WHERE user_id = ?",
            (hhmm, zone, next_utc, user_id),
        )

    async def clear_checkin(self, user_id: int) -> None:
        await self._write(
            "UPDATE people SET checkin_time = NULL, checkin_next_utc = NULL WHERE user_id = ?", (user_id,)
        )

    async def set_sober_since(self, user_id: int, day: str | None) -> None:
        await self.ensure_person(user_id)
        await self._write("UPDATE people SET sober_since = ? WHERE user_id = ?", (day, user_id))

    async def mark_person_inactive(self, user_id: int, reason: str) -> None:
        """Telegram said this chat is gone or blocked us: stop check-ins and say why."""
        await self._write(
            "UPDATE people SET active = 0, inactive_reason = ?, checkin_next_utc = NULL WHERE user_id = ?",
            (reason, user_id),
        )

    async def reactivate_person(self, user_id: int) -> None:
        await self._write(
            "UPDATE people SET active = 1, inactive_reason = NULL WHERE user_id = ? AND active = 0", (user_id,)
        )

    async def due_people(self, now_utc: int, limit: int) -> list[PersonRow]:
        """Opted-in, active people whose check-in is due, oldest first (uses the partial index people_due)."""
        return await self._due("people", now_utc, limit)

    async def advance_person_checkin(self, user_id: int, expected_next: int, new_next: int,
                                     last_day: str | None, prompt_index: int | None) -> bool:
        """Move a check-in to its next due moment, only if nobody moved it meanwhile. True if this call did."""
        return await self._advance("people", user_id, expected_next, new_next, last_day, prompt_index)

    async def _due(self, table: str, now_utc: int, limit: int) -> list:
        _, columns, row_type = SCHEDULED[table]
        rows = await self._all(
            f"SELECT {columns} FROM {table} WHERE checkin_next_utc IS NOT NULL AND active = 1 "
            "AND checkin_next_utc <= ? ORDER BY checkin_next_utc LIMIT ?",
            (now_utc, limit),
        )
        return [row_type(*row) for row in rows]

    async def _advance(self, table: str, chat_id: int, expected_next: int, new_next: int, last_day: str | None,
                       prompt_index: int | None) -> bool:
        key, _, _ = SCHEDULED[table]
        changed = await self._write(
            f"UPDATE {table} SET checkin_next_utc = ?, checkin_last_day = COALESCE(?, checkin_last_day), "
            f"prompt_index = COALESCE(?, prompt_index) WHERE {key} = ? AND checkin_next_utc = ?",
            (new_next, last_day, prompt_index, chat_id, expected_next),
        )
        return changed == 1

    async def record_answer(self, user_id: int, local_day: str, answer: str) -> None:
        """The day's answer button (last press wins), for the person's own streak."""
        await self._write(
            "INSERT INTO checkin_answers (user_id, local_day, answer) VALUES (?, ?, ?) "
            "ON CONFLICT (user_id, local_day) DO UPDATE SET answer = excluded.answer",
            (user_id, local_day, answer),
        )

    async def answers_for(self, user_id: int) -> list[tuple[str, str]]:
        rows = await self._all(
            "SELECT local_day, answer FROM checkin_answers WHERE user_id = ? ORDER BY local_day", (user_id,)
        )
        return [(day, answer) for day, answer in rows]

    async def prune_answers(self, user_id: int, keep_from_day: str) -> None:
        """Answers older than the person's current streak needs are deleted, not archived."""
        await self._write(
            "DELETE FROM checkin_answers WHERE user_id = ? AND local_day < ?", (user_id, keep_from_day)
        )

    async def delete_person(self, user_id: int) -> None:
        """Every row about this person, in every table, in one transaction."""
        await self._transaction([(sql, (user_id,)) for sql in (
            "DELETE FROM checkin_answers WHERE user_id = ?",
            "DELETE FROM responders WHERE user_id = ?",
            "DELETE FROM alert_messages WHERE user_id = ?",
            "UPDATE alerts SET author_id = NULL WHERE author_id = ?",
            "UPDATE alerts SET acknowledged_by = 0 WHERE acknowledged_by = ?",
            "DELETE FROM people WHERE user_id = ?",
        )])

    async def _transaction(self, statements: list[tuple[str, tuple]]) -> None:
        """Run statements all or nothing."""
        await self._conn.execute("BEGIN")
        try:
            for sql, params in statements:
                await self._conn.execute(sql, params)
            await self._conn.execute("COMMIT")
        except BaseException:
            await self._conn.execute("ROLLBACK")
            raise

    # --- counters (no user id, no text) ----------------------------------------------------------------------

    async def bump(self, kind: str, key: str, day: str) -> None:
        await self._write(
            "INSERT INTO counters (day, kind, key, count) VALUES (?, ?, ?, 1) "
            "ON CONFLICT (day, kind, key) DO UPDATE SET count = count + 1",
            (day, kind, key),
        )

    async def counts(self, kind: str, day: str | None = None) -> dict[str, int]:
        """Counts of one kind, for one day or summed over all days."""
        if day is None:
            rows = await self._all("SELECT key, SUM(count) FROM counters WHERE kind = ? GROUP BY key", (kind,))
        else:
            rows = await self._all("SELECT key, count FROM counters WHERE kind = ? AND day = ?", (kind, day))
        return {key: int(count) for key, count in rows}

    async def count_opted_in(self) -> int:
        row = await self._one("SELECT COUNT(*) FROM people WHERE checkin_next_utc IS NOT NULL AND active = 1")
        return int(row[0])

    # --- operations -------------------------------------------------------------------------------------------

    async def backup(self, target: Path) -> None:
        """A consistent copy while the bot runs (SQLite's online backup API), owner-only."""
        target.parent.mkdir(parents=True, exist_ok=True)
        dest = sqlite3.connect(str(target))
        try:
            await self._conn.backup(dest)
        finally:
            dest.close()
        os.chmod(target, 0o600)

    # --- groups and channels ----------------------------------------------------------------------------------

    async def upsert_group(self, chat_id: int, chat_type: str) -> None:
        """The bot was added (or seen, or its rights changed) in a group: a settings row, active again, no longer
        marked as refusing."""
        await self._write(
            "INSERT INTO groups (chat_id, chat_type, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT (chat_id) DO UPDATE SET active = 1, chat_type = excluded.chat_type, refused = NULL",
            (chat_id, chat_type, _now_text()),
        )

    async def get_group(self, chat_id: int) -> GroupRow | None:
        row = await self._one(f"SELECT {GROUP_COLUMNS} FROM groups WHERE chat_id = ?", (chat_id,))
        return GroupRow(*row) if row else None

    async def deactivate_group(self, chat_id: int) -> None:
        """Removed or banned: no more posts to that chat (settings kept in case they add the bot back)."""
        await self._write("UPDATE groups SET active = 0, checkin_next_utc = NULL WHERE chat_id = ?", (chat_id,))

    async def refuse_group(self, chat_id: int, reason: str, next_utc: int | None) -> None:
        """Telegram refused to let the bot write here: mark the group and, when given, move its daily post."""
        await self._write(
            "UPDATE groups SET refused = ?, checkin_next_utc = COALESCE(?, checkin_next_utc) WHERE chat_id = ?",
            (reason, next_utc, chat_id))

    async def clear_group_refused(self, chat_id: int) -> None:
        await self._write("UPDATE groups SET refused = NULL WHERE chat_id = ? AND refused IS NOT NULL", (chat_id,))

    async def set_group_setting(self, chat_id: int, name: str, value) -> None:
        if name not in GROUP_SETTINGS:
            raise ValueError(f"not a group setting: {name}")
        await self._write(f"UPDATE groups SET {name} = ? WHERE chat_id = ?", (value, chat_id))

    async def set_group_checkin(self, chat_id: int, hhmm: str | None, zone: str | None, next_utc: int | None,
                                thread_id: int | None = None) -> None:
        """The daily post's time, zone and next moment (None: off), and the forum topic it goes to."""
        await self._write(
            "UPDATE groups SET checkin_time = ?, timezone = COALESCE(?, timezone), checkin_next_utc = ?, "
            "checkin_thread = ? WHERE chat_id = ?",
            (hhmm, zone, next_utc, thread_id, chat_id),
        )

    async def due_groups(self, now_utc: int, limit: int) -> list[GroupRow]:
        """Active groups and channels whose daily post is due, oldest first (partial index groups_due)."""
        return await self._due("groups", now_utc, limit)

    async def advance_group_checkin(self, chat_id: int, expected_next: int, new_next: int,
                                    last_day: str | None, prompt_index: int | None) -> bool:
        return await self._advance("groups", chat_id, expected_next, new_next, last_day, prompt_index)

    async def migrate_group(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: its settings and responders move to the new id."""
        await self._transaction([
            ("DELETE FROM groups WHERE chat_id = ? AND EXISTS (SELECT 1 FROM groups WHERE chat_id = ?)",
             (new_id, old_id)),
            ("UPDATE groups SET chat_id = ?, chat_type = 'supergroup' WHERE chat_id = ?", (new_id, old_id)),
            ("UPDATE alerts SET chat_id = ? WHERE chat_id = ?", (new_id, old_id)),
        ])

    # --- responders and alerts --------------------------------------------------------------------------------

    async def add_responder(self, chat_id: int, user_id: int, name: str) -> None:
        await self._write(
            "INSERT INTO responders (chat_id, user_id, name) VALUES (?, ?, ?) "
            "ON CONFLICT (chat_id, user_id) DO UPDATE SET name = excluded.name",
            (chat_id, user_id, name),
        )

    async def remove_responder(self, chat_id: int, user_id: int) -> bool:
        return await self._write("DELETE FROM responders WHERE chat_id = ? AND user_id = ?", (chat_id, user_id)) == 1

    async def responder_entries(self, user_id: int) -> list[Responder]:
        """The groups where this person is a peer responder (for /mydata)."""
        rows = await self._all("SELECT chat_id, user_id, name FROM responders WHERE user_id = ?", (user_id,))
        return [Responder(*row) for row in rows]

    async def alerts_about(self, user_id: int) -> list[Alert]:
        """Alerts (kept for a day) that name this person as writer, acknowledger or recipient (for /mydata)."""
        rows = await self._all(
            f"SELECT {ALERT_COLUMNS} FROM alerts WHERE author_id = ? OR acknowledged_by = ? OR alert_id IN "
            "(SELECT alert_id FROM alert_messages WHERE user_id = ?)",
            (user_id, user_id, user_id),
        )
        return [Alert(*row) for row in rows]

    async def responders(self, chat_id: int) -> list[Responder]:
        rows = await self._all("SELECT chat_id, user_id, name FROM responders WHERE chat_id = ? ORDER BY name",
                               (chat_id,))
        return [Responder(*row) for row in rows]

    async def create_alert(self, chat_id: int, message_id: int, author_id: int | None, category: str,
                           created_utc: int) -> int:
        cur = await self._conn.execute(
            "INSERT INTO alerts (chat_id, message_id, author_id, category, created_utc) VALUES (?, ?, ?, ?, ?)",
            (chat_id, message_id, author_id, category, created_utc),
        )
        return cur.lastrowid

    async def get_alert(self, alert_id: int) -> Alert | None:
        row = await self._one(f"SELECT {ALERT_COLUMNS} FROM alerts WHERE alert_id = ?", (alert_id,))
        return Alert(*row) if row else None

    async def record_alert_message(self, alert_id: int, user_id: int, message_id: int) -> None:
        await self._write(
            "INSERT OR REPLACE INTO alert_messages (alert_id, user_id, message_id) VALUES (?, ?, ?)",
            (alert_id, user_id, message_id),
        )

    async def alert_messages(self, alert_id: int) -> list[tuple[int, int]]:
        rows = await self._all("SELECT user_id, message_id FROM alert_messages WHERE alert_id = ?", (alert_id,))
        return [(user_id, message_id) for user_id, message_id in rows]

    async def acknowledge_alert(self, alert_id: int, user_id: int) -> bool:
        """The first responder to press 'I'm on it' wins; later presses change nothing (returns False)."""
        changed = await self._write(
            "UPDATE alerts SET acknowledged_by = ? WHERE alert_id = ? AND acknowledged_by IS NULL",
            (user_id, alert_id),
        )
        return changed == 1

    async def unacknowledged_alerts(self, older_than_utc: int) -> list[Alert]:
        rows = await self._all(
            f"SELECT {ALERT_COLUMNS} FROM alerts WHERE acknowledged_by IS NULL AND escalated = 0 "
            "AND created_utc <= ?",
            (older_than_utc,),
        )
        return [Alert(*row) for row in rows]

    async def mark_alert_escalated(self, alert_id: int) -> bool:
        changed = await self._write(
            "UPDATE alerts SET escalated = 1 WHERE alert_id = ? AND escalated = 0 AND acknowledged_by IS NULL",
            (alert_id,),
        )
        return changed == 1

    async def prune_alerts(self, older_than_utc: int) -> None:
        """Alerts are working data for an hour or so, not a record of who was in crisis: old ones go."""
        await self._write("DELETE FROM alerts WHERE created_utc < ?", (older_than_utc,))
