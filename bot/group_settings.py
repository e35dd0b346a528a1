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
from bot.reply import Reply
from bot.respond import Brain
from bot.safety.helplines import normalize_code
from bot.store import GroupRow, Store

ON = ("on", "yes", "true", "1")
OFF = ("off", "no", "false", "0")
SETTINGS_HELP = ("Change with <code>/groupsettings country GB</code>, <code>/groupsettings welcome on|off</code>, "
                 "<code>/groupsettings poll on|off</code>; daily post with <code>/groupcheckin 20:00 Europe/London</code>"
                 " or <code>/groupcheckin off</code>; responders with <code>/responders add</code> (as a reply to "
                 "the member's message), <code>/responders remove</code>, <code>/responders list</code>.")


def describe(group: GroupRow) -> str:
    checkin = (f"{group.checkin_time} ({html.escape(group.timezone or 'UTC')})" if group.checkin_time else "off")
    return (f"<b>Group settings</b>\n• country for helplines: {group.country or 'not set (international)'}\n"
            f"• daily check-in post: {checkin}\n• anonymous poll with it: {'on' if group.poll else 'off'}\n"
            f"• welcome new members: {'on' if group.welcome else 'off'}\n\n{SETTINGS_HELP}")


class GroupSettings:
    def __init__(self, brain: Brain, store: Store):
        self.brain = brain
        self.store = store

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
            return Reply(texts=(describe(group),))
        name, value = words[0], (words[1] if len(words) > 1 else "")
        if name == "country":
            if not self.brain.directory.has(value):
                codes = ", ".join(self.brain.directory.codes())
                return Reply(texts=(f"I don't have helplines for {html.escape(value[:12]) or 'that'}. "
                                    f"Countries I know: {codes}.",))
            await self.store.set_group_setting(chat_id, "country", normalize_code(value))
        elif name in ("welcome", "poll") and value in ON + OFF:
            await self.store.set_group_setting(chat_id, name, 1 if value in ON else 0)
        else:
            return Reply(texts=(f"I didn't understand that setting. {SETTINGS_HELP}",))
        return Reply(texts=("Saved.\n\n" + describe(await self.group(chat_id, chat_type)),))

    async def checkin(self, chat_id: int, chat_type: str, args: str, now: datetime) -> Reply:
        group = await self.group(chat_id, chat_type)
        words = args.split()
        if words and words[0].lower() in OFF + ("stop",):
            await self.store.set_group_checkin(chat_id, None, None, None)
            return Reply(texts=("The daily group check-in is off.",))
        chosen: time | None = parse_time(words[0]) if words else None
        if chosen is None:
            return Reply(texts=("Send <code>/groupcheckin HH:MM Area/City</code>, for example "
                                "<code>/groupcheckin 20:00 Europe/London</code>, or <code>/groupcheckin off</code>.",))
        zone_text = " ".join(words[1:])
        zone = parse_zone(zone_text, self.brain.checkin_texts.city_aliases) if zone_text else \
            ZoneInfo(group.timezone or "UTC")
        if zone is None:
            return Reply(texts=(f"I don't know the time zone {html.escape(zone_text[:40])}. Try "
                                "<code>/groupcheckin 20:00 Europe/London</code>.",))
        due = next_due(chosen, zone, now)
        await self.store.set_group_checkin(chat_id, chosen.strftime("%H:%M"), zone_name(zone), int(due.timestamp()))
        return Reply(texts=(f"A daily check-in post at <b>{chosen:%H:%M}</b> ({html.escape(zone_name(zone))} time). "
                            "It asks how people are, and never shows anyone's details.",))

    async def responders(self, chat_id: int, chat_type: str, args: str,
                         target: tuple[int, str] | None, target_started_bot: bool) -> Reply:
        await self.group(chat_id, chat_type)
        action = (args.split() or ["list"])[0].lower()
        if action == "list":
            listed = await self.store.responders(chat_id)
            if not listed:
                return Reply(texts=("No peer responders yet. An admin adds one by replying to their message with "
                                    "<code>/responders add</code>.",))
            return Reply(texts=("<b>Peer responders</b> (alerted privately when someone may be in danger):\n"
                                + "\n".join(f"• {html.escape(r.name)}" for r in listed),))
        if action not in ("add", "remove") or target is None:
            return Reply(texts=("Reply to the member's message with <code>/responders add</code> or "
                                "<code>/responders remove</code>; <code>/responders list</code> shows them.",))
        user_id, name = target
        if action == "remove":
            removed = await self.store.remove_responder(chat_id, user_id)
            return Reply(texts=(f"{html.escape(name)} {'is no longer' if removed else 'was not'} a responder.",))
        if not target_started_bot:
            return Reply(texts=(f"{html.escape(name)} needs to start a private chat with me first (open my profile "
                                "and press Start), so I can reach them privately. Then add them again.",))
        await self.store.add_responder(chat_id, user_id, name)
        return Reply(texts=(f"{html.escape(name)} is now a peer responder for this group.",))
