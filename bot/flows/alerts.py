"""Peer-responder alerts: create, word, acknowledge, escalate to admins, forget after a day.

Telegram-free: this decides who gets which words and keeps the store up to date; the adapter sends each
`AlertMessage` and reports back the message id. An alert names where and what kind, and links to the message;
it never carries the message's text.
"""
from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.reply import Reply
from bot.respond import Source
from bot.store import Alert, Store
from bot.texts import Texts

ESCALATE_AFTER_MINUTES = 10
ALERT_KEEP_HOURS = 24
ACK_PREFIX = "ack:"


@dataclass(frozen=True)
class AlertMessage:
    """One private alert to send, and which alert it belongs to (for recording its message id)."""

    alert_id: int
    user_id: int
    reply: Reply


@dataclass(frozen=True)
class Acknowledgement:
    """The answer to an "I'm on it" press, and the note for each other responder (none if refused)."""

    answer: str
    notes: tuple[tuple[int, Reply], ...] = ()


def message_link(chat_id: int, chat_username: str | None, message_id: int,
                 thread_id: int | None = None) -> str | None:
    """A t.me link to a message: public groups by username, private supergroups by their internal id; a message
    in a forum topic is linked inside its topic."""
    where = f"{thread_id}/{message_id}" if thread_id is not None else f"{message_id}"
    if chat_username:
        return f"https://t.me/{chat_username}/{where}"
    text_id = str(chat_id)
    if text_id.startswith("-100"):
        return f"https://t.me/c/{text_id[4:]}/{where}"
    return None  # basic groups have no message links


class ResponderAlerts:
    def __init__(self, store: Store, texts: Texts, clock: Callable[[], datetime]):
        self.store = store
        self.texts = texts
        self.clock = clock

    def _now(self) -> int:
        return int(self.clock().timestamp())

    def text(self, chat_title: str | None, category: str, author_name: str, author_id: int | None,
             link: str | None, escalated: bool = False) -> str:
        """Where, what kind, who; a link to the message, never its text."""
        t = self.texts
        who = (f'<a href="tg://user?id={author_id}">{html.escape(author_name)}</a>' if author_id
               else html.escape(author_name))
        return t("alert", lead=t("alert_lead_escalated" if escalated else "alert_lead"),
                 group=html.escape(chat_title or t("alert_unnamed_group")), category=category.replace("_", " "),
                 who=who, where=t("alert_where_link", link=link) if link else t("alert_where_group"))

    def _message(self, alert_id: int, user_id: int, text: str) -> AlertMessage:
        button = self.texts.button("alert_ack_button", callback=f"{ACK_PREFIX}{alert_id}")
        return AlertMessage(alert_id, user_id, Reply(texts=(text,), buttons=((button,),)))

    async def create(self, source: Source, category: str) -> list[AlertMessage]:
        """An alert for every responder of the group except the author; none when nobody is listed."""
        author = source.author
        person_id = author.id if author is not None and author.is_person else None
        targets = [r for r in await self.store.responders(source.chat_id) if r.user_id != person_id]
        if not targets:
            return []
        alert_id = await self.store.create_alert(source.chat_id, source.message_id, person_id, category,
                                                 self._now())
        name = author.name if author is not None else self.texts("alert_unnamed_author")
        text = self.text(source.chat_title, category, name, person_id,
                         message_link(source.chat_id, source.chat_username, source.message_id, source.thread_id))
        return [self._message(alert_id, r.user_id, text) for r in targets]

    async def delivered(self, alert_id: int, user_id: int, message_id: int) -> None:
        await self.store.record_alert_message(alert_id, user_id, message_id)

    async def acknowledge(self, data: str, presser_id: int, presser_name: str) -> Acknowledgement:
        """The first responder to press "I'm on it" is shown to the others; only recipients may press."""
        value = data.removeprefix(ACK_PREFIX)
        alert = await self.store.get_alert(int(value)) if value.isdigit() and len(value) < 12 else None
        recipients = dict(await self.store.alert_messages(alert.alert_id)) if alert else {}
        if alert is None or presser_id not in recipients:
            return Acknowledgement(self.texts("stale_button"))
        if not await self.store.acknowledge_alert(alert.alert_id, presser_id):
            return Acknowledgement(self.texts("alert_ack_taken"))
        note = self.texts.reply("alert_on_it", name=html.escape(presser_name))
        return Acknowledgement(self.texts("alert_ack_thanks"),
                               tuple((user_id, note) for user_id in recipients if user_id != presser_id))

    async def overdue(self) -> list[Alert]:
        """Alerts nobody acknowledged in time, each claimed for escalation once; alerts older than a day go."""
        now = self._now()
        claimed = [alert for alert in await self.store.unacknowledged_alerts(now - ESCALATE_AFTER_MINUTES * 60)
                   if await self.store.mark_alert_escalated(alert.alert_id)]
        await self.store.prune_alerts(now - ALERT_KEEP_HOURS * 3600)
        return claimed

    async def escalation(self, alert: Alert, chat_title: str | None, chat_username: str | None,
                         admins: Iterable[tuple[int, bool]]) -> list[AlertMessage]:
        """The escalated alert for each admin (user id, is a bot) who started the bot and has not had it."""
        already = dict(await self.store.alert_messages(alert.alert_id))
        text = self.text(chat_title, alert.category, self.texts("alert_unnamed_author"), None,
                         message_link(alert.chat_id, chat_username, alert.message_id), escalated=True)
        found = []
        for user_id, is_bot in admins:
            if is_bot or user_id in already or user_id == alert.author_id:
                continue
            if await self.store.person_exists(user_id):
                found.append(self._message(alert.alert_id, user_id, text))
        return found
