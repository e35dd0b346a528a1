"""What group admins can change: country, welcome, poll, the daily group check-in, and the responders list.

Telegram-free: the adapter checks with Telegram that the sender is an admin *before* calling anything here, and
passes in who a `/responders add` reply pointed at. Replies never carry anything about a person beyond the
display names an admin chose to list.
"""
from __future__ import annotations

import html
from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.checkins.schedule import next_due, parse_time, parse_zone, zone_name
from bot.checkins.texts import CheckinTexts
from bot.reply import Reply
from bot.safety.helplines import Directory, normalize_code
from bot.store import GroupRow, Store
from bot.texts import Texts

ON = ("on", "yes", "true", "1")
OFF = ("off", "no", "false", "0")


class GroupSettings:
    def __init__(self, store: Store, texts: Texts, directory: Directory, checkin_texts: CheckinTexts):
        self.store = store
        self.texts = texts
        self.directory = directory
        self.checkin_texts = checkin_texts

    def describe(self, group: GroupRow) -> str:
        t = self.texts
        checkin = (f"{group.checkin_time} ({html.escape(group.timezone or 'UTC')})" if group.checkin_time
                   else t("group_checkin_off_value"))
        return t("group_settings", country=group.country or t("group_country_unset"), checkin=checkin,
                 poll=t("group_on" if group.poll else "group_off"),
                 welcome=t("group_on" if group.welcome else "group_off"), help=t("group_settings_help"))

    async def group(self, chat_id: int, chat_type: str) -> GroupRow:
        row = await self.store.get_group(chat_id)
        if row is None:
            await self.store.upsert_group(chat_id, chat_type)
            row = await self.store.get_group(chat_id)
        return row

    async def settings(self, chat_id: int, chat_type: str, args: str) -> Reply:
        group = await self.group(chat_id, chat_type)
        words = args.lower().split()
        if not words:
            return Reply(texts=(self.describe(group),))
        name, value = words[0], (words[1] if len(words) > 1 else "")
        if name == "country":
            if not self.directory.has(value):
                return self.texts.reply("group_unknown_country", value=html.escape(value[:12]),
                                        codes=", ".join(self.directory.codes()))
            await self.store.set_group_setting(chat_id, "country", normalize_code(value))
        elif name in ("welcome", "poll") and value in ON + OFF:
            await self.store.set_group_setting(chat_id, name, 1 if value in ON else 0)
        else:
            return self.texts.reply("group_unknown_setting", help=self.texts("group_settings_help"))
        return self.texts.reply("group_saved", settings=self.describe(await self.group(chat_id, chat_type)))

    async def checkin(self, chat_id: int, chat_type: str, args: str, now: datetime,
                      thread_id: int | None = None) -> Reply:
        """/groupcheckin: the daily post, in the forum topic the command was sent in (`thread_id`), if any."""
        group = await self.group(chat_id, chat_type)
        words = args.split()
        if words and words[0].lower() in OFF + ("stop",):
            await self.store.set_group_checkin(chat_id, None, None, None)
            return self.texts.reply("group_checkin_off")
        chosen: time | None = parse_time(words[0]) if words else None
        if chosen is None:
            return self.texts.reply("group_checkin_usage")
        zone_text = " ".join(words[1:])
        zone = parse_zone(zone_text, self.checkin_texts.city_aliases) if zone_text else \
            ZoneInfo(group.timezone or "UTC")
        if zone is None:
            return self.texts.reply("group_checkin_unknown_zone", zone=html.escape(zone_text[:40]))
        due = next_due(chosen, zone, now)
        await self.store.set_group_checkin(chat_id, chosen.strftime("%H:%M"), zone_name(zone), int(due.timestamp()),
                                           thread_id)
        return self.texts.reply("group_checkin_set", time=f"{chosen:%H:%M}", zone=html.escape(zone_name(zone)))

    async def responders(self, chat_id: int, chat_type: str, args: str,
                         target: tuple[int, str] | None) -> Reply:
        await self.group(chat_id, chat_type)
        action = (args.split() or ["list"])[0].lower()
        if action == "list":
            listed = await self.store.responders(chat_id)
            if not listed:
                return self.texts.reply("responders_none")
            return self.texts.reply("responders_list", names="\n".join(f"• {html.escape(r.name)}" for r in listed))
        if action not in ("add", "remove") or target is None:
            return self.texts.reply("responders_usage")
        user_id, name = target
        name = html.escape(name)
        if action == "remove":
            removed = await self.store.remove_responder(chat_id, user_id)
            return self.texts.reply("responder_removed" if removed else "responder_not_one", name=name)
        if not await self.store.person_exists(user_id):
            return self.texts.reply("responder_must_start", name=name)
        await self.store.add_responder(chat_id, user_id, target[1])
        return self.texts.reply("responder_added", name=name)
