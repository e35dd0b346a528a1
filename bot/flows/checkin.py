"""Check-in conversation: /checkin (guided or direct), /timezone, /sober and the answer buttons.

Uses the pure check-ins room for arithmetic and words, and the store for what a person chose. The guided choice
("which time?" then "which zone?") is remembered in memory only: it is a few seconds of state, not data.
"""
from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.checkins.milestones import BadSoberDate, parse_sober_date, sober_days
from bot.checkins.schedule import local_day, next_due, parse_time, parse_zone, zone_name
from bot.checkins.texts import SOBER_KEEP, SOBER_RESET, CheckinTexts, answer_reply, parse_callback
from bot.reply import Button, Reply
from bot.respond import Source
from bot.safety.helplines import format_line, primary_line
from bot.store import Store
from bot.texts import Texts

UTC = timezone.utc
TIME_PREFIX = "cit:"
ZONE_PREFIX = "ciz:"
ANSWER_DAYS_KEPT_MAX = 366


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def zone_of(row) -> ZoneInfo | None:
    """The zone a person chose, or None (no row, or no zone yet)."""
    return ZoneInfo(row.timezone) if row and row.timezone else None


def time_text(value: time) -> str:
    return value.strftime("%H:%M")


class CheckinDialogue:
    """Check-ins in private chats; `country_of` gives the helplines for a Source (the brain's directory)."""

    def __init__(self, store: Store, checkin_texts: CheckinTexts, texts: Texts, clock: Callable[[], datetime],
                 country_of: Callable[[Source], object]):
        self.store = store
        self.texts = checkin_texts
        self.words = texts
        self.clock = clock
        self.country_of = country_of
        self._pending_time: dict[int, time] = {}

    @property
    def example(self) -> str:
        return self.words("checkin_example")

    def forget(self, user_id: int) -> None:
        self._pending_time.pop(user_id, None)

    def aliases(self):
        return self.texts.city_aliases

    async def _zone_of(self, user_id: int) -> ZoneInfo | None:
        return zone_of(await self.store.get_person(user_id))

    def today_of(self, row) -> date:
        """The person's own calendar day (UTC until they choose a zone)."""
        return local_day(self.clock(), zone_of(row) or UTC)

    # --- /checkin -----------------------------------------------------------------------------------------------

    async def command_checkin(self, user_id: int, args: str) -> Reply:
        words = args.split()
        if not words:
            return self._ask_time()
        if words[0].lower() in ("off", "stop", "cancel", "none"):
            await self.store.clear_checkin(user_id)
            self.forget(user_id)
            return self.words.reply("checkin_off")
        chosen = parse_time(words[0])
        if chosen is None:
            return self.words.reply("checkin_bad_time", time=html.escape(words[0][:20]), example=self.example)
        if len(words) > 1:
            zone = parse_zone(" ".join(words[1:]), self.aliases())
            if zone is None:
                return self._unknown_zone(" ".join(words[1:]))
        else:
            zone = await self._zone_of(user_id)
            if zone is None:
                self._pending_time[user_id] = chosen
                return self._ask_zone(chosen)
        return await self._set(user_id, chosen, zone)

    def _ask_time(self) -> Reply:
        times = [Button(time_text(t), callback=f"{TIME_PREFIX}{t:%H%M}") for t in self.texts.common_times]
        rows = tuple(tuple(times[i:i + 4]) for i in range(0, len(times), 4))
        return Reply(texts=(self.words("checkin_ask_time", example=self.example),), buttons=rows)

    def _ask_zone(self, chosen: time) -> Reply:
        zones = [Button(label, callback=f"{ZONE_PREFIX}{i}") for i, (label, _) in enumerate(self.texts.common_zones)]
        rows = tuple(tuple(zones[i:i + 3]) for i in range(0, len(zones), 3))
        return Reply(texts=(self.words("checkin_ask_zone", time=time_text(chosen)),), buttons=rows)

    def _unknown_zone(self, text: str) -> Reply:
        return self.words.reply("unknown_zone", zone=html.escape(text[:40]), example=self.example)

    async def _set(self, user_id: int, chosen: time, zone: ZoneInfo) -> Reply:
        due = next_due(chosen, zone, self.clock())
        await self.store.set_checkin(user_id, time_text(chosen), zone_name(zone), epoch(due))
        self.forget(user_id)
        return self.words.reply("checkin_set", time=time_text(chosen), zone=html.escape(zone_name(zone)))

    async def on_text(self, user_id: int, text: str) -> Reply | None:
        """A typed zone answering the guided question; None when nothing is pending (the text goes on)."""
        chosen = self._pending_time.get(user_id)
        if chosen is None:
            return None
        zone = parse_zone(text.strip(), self.aliases())
        if zone is not None:
            return await self._set(user_id, chosen, zone)
        if len(text.split()) <= 3:
            return self._unknown_zone(text.strip())
        self.forget(user_id)  # a longer message is a new question, not a zone: stop asking
        return None

    # --- /timezone and /sober -----------------------------------------------------------------------------------

    async def command_timezone(self, user_id: int, args: str) -> Reply:
        if not args:
            zone = await self._zone_of(user_id)
            current = self.words("timezone_current", zone=html.escape(zone_name(zone))) if zone else ""
            return self.words.reply("timezone_ask", current=current)
        zone = parse_zone(args, self.aliases())
        if zone is None:
            return self._unknown_zone(args)
        row = await self.store.get_person(user_id)
        next_utc = None
        if row and row.checkin_time:
            next_utc = epoch(next_due(time.fromisoformat(row.checkin_time), zone, self.clock()))
        await self.store.set_timezone(user_id, zone_name(zone), next_utc)
        return self.words.reply("timezone_set", zone=html.escape(zone_name(zone)))

    async def command_sober(self, user_id: int, args: str) -> Reply:
        row = await self.store.get_person(user_id)
        today = self.today_of(row)
        if not args:
            if row and row.sober_since:
                days = sober_days(date.fromisoformat(row.sober_since), today)
                return self.words.reply("sober_current", date=row.sober_since, days=days)
            return self.words.reply("sober_ask")
        if args.lower() in ("off", "clear", "none", "delete"):
            await self.store.set_sober_since(user_id, None)
            return self.words.reply("sober_cleared")
        parsed = parse_sober_date(args, today)
        if isinstance(parsed, BadSoberDate):
            return Reply(texts=(html.escape(parsed.reason),))
        await self.store.set_sober_since(user_id, parsed.isoformat())
        days = sober_days(parsed, today)
        return self.words.reply("sober_set", date=parsed.isoformat(), days=days)

    # --- buttons ------------------------------------------------------------------------------------------------

    async def on_callback(self, user_id: int, data: str) -> Reply | None:
        """Check-in buttons; None for anything that is not exactly what we send."""
        if data.startswith(TIME_PREFIX):
            return await self._pressed_time(user_id, data.removeprefix(TIME_PREFIX))
        if data.startswith(ZONE_PREFIX):
            return await self._pressed_zone(user_id, data.removeprefix(ZONE_PREFIX))
        if data in (SOBER_RESET, SOBER_KEEP):
            return await self._sober_choice(user_id, data == SOBER_RESET)
        parsed = parse_callback(data)
        if parsed is None:
            return None
        return await self._answered(user_id, *parsed)

    async def _pressed_time(self, user_id: int, value: str) -> Reply | None:
        if len(value) != 4 or not value.isdigit():
            return None
        chosen = parse_time(f"{value[:2]}:{value[2:]}")
        if chosen is None:
            return None
        zone = await self._zone_of(user_id)
        if zone is not None:
            return await self._set(user_id, chosen, zone)
        self._pending_time[user_id] = chosen
        return self._ask_zone(chosen)

    async def _pressed_zone(self, user_id: int, value: str) -> Reply | None:
        chosen = self._pending_time.get(user_id)
        if chosen is None or not value.isdigit() or int(value) >= len(self.texts.common_zones):
            return None
        return await self._set(user_id, chosen, ZoneInfo(self.texts.common_zones[int(value)][1]))

    async def _sober_choice(self, user_id: int, reset: bool) -> Reply | None:
        row = await self.store.get_person(user_id)
        if row is None or row.sober_since is None:
            return None
        if not reset:
            return self.words.reply("sober_kept", date=row.sober_since)
        today = self.today_of(row)
        await self.store.set_sober_since(user_id, today.isoformat())
        return self.words.reply("sober_reset", date=today.isoformat())

    async def _answered(self, user_id: int, answer: str, day: date) -> Reply | None:
        row = await self.store.get_person(user_id)
        today = self.today_of(row)
        if row is None or not (today - timedelta(days=7) <= day <= today + timedelta(days=1)):
            return None  # someone else's, or an old button: do not record
        await self.store.record_answer(user_id, day.isoformat(), answer)
        streak = await self._keep_only_streak(user_id)
        country = self.country_of(Source.private(user_id, country=row.country))
        helpline = format_line(primary_line(country, "suicide"))
        reply = answer_reply(self.texts, answer, helpline, has_sober_date=row.sober_since is not None)
        if streak > 1 and answer != "used":
            reply = Reply(texts=reply.texts + (self.words("checkin_streak", days=streak),), buttons=reply.buttons)
        return reply

    async def _keep_only_streak(self, user_id: int) -> int:
        """Keep the answers of the current run of consecutive days (at most a year), delete older ones.

        The streak is the only thing the answers are for, so nothing older is kept. Returns its length.
        """
        days = [date.fromisoformat(d) for d, _ in await self.store.answers_for(user_id)]
        if not days:
            return 0
        start = days[-1]
        for earlier in reversed(days[:-1]):
            if (start - earlier).days != 1 or (days[-1] - earlier).days >= ANSWER_DAYS_KEPT_MAX:
                break
            start = earlier
        await self.store.prune_answers(user_id, start.isoformat())
        return (days[-1] - start).days + 1
