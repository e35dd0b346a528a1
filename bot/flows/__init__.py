"""Stateful, Telegram-free behaviour over the store: the rooms the adapter and the console call.

- private.py        PrivateChats: texts, commands and buttons of private chats
- checkin.py        CheckinDialogue: /checkin, /timezone, /sober and the check-in answer buttons
- groups.py         GroupChats: group and channel texts, group commands, welcome, introduction
- group_settings.py GroupSettings: what a group's admins change
- alerts.py         ResponderAlerts: peer-responder alerts, acknowledgement, escalation, pruning
- effects.py        CrisisEffects: the one place a Reply's side effects happen, once per message
- due_checkins.py   DueCheckins: which check-ins are due now, and recording them once delivered
- membership.py     Membership: blocked/unblocked, added/removed, migrated, gone
- commands.py       the one command table (menus, /help, console, group dispatch)

Arrows point one way: bot.telegram -> bot.flows -> bot.respond (brain) and bot.store. Nothing here imports
Telegram (tests/test_layout.py checks it).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.flows.alerts import ResponderAlerts
from bot.flows.due_checkins import DueCheckins
from bot.flows.effects import CrisisEffects
from bot.flows.group_settings import GroupSettings
from bot.flows.groups import GroupChats
from bot.flows.membership import Membership
from bot.flows.private import PrivateChats, utc_now
from bot.respond import Brain
from bot.store import Store
from bot.texts import Texts


@dataclass
class Flows:
    """Every room, sharing one CrisisEffects so a crisis is acted on once wherever it is seen."""

    effects: CrisisEffects
    private: PrivateChats
    groups: GroupChats
    alerts: ResponderAlerts
    membership: Membership
    due_checkins: DueCheckins

    @classmethod
    def build(cls, brain: Brain, store: Store, *, bot_username: str | None = None,
              admin_user_ids: frozenset[int] = frozenset(), clock: Callable[[], datetime] = utc_now) -> "Flows":
        texts: Texts = brain.texts
        effects = CrisisEffects(store, clock)
        settings = GroupSettings(store, texts, brain.directory, brain.checkin_texts)
        return cls(
            effects=effects,
            private=PrivateChats(brain, store, texts, effects, bot_username=bot_username,
                                 admin_user_ids=admin_user_ids, clock=clock),
            groups=GroupChats(brain, store, texts, effects, settings, clock),
            alerts=ResponderAlerts(store, texts, clock),
            membership=Membership(store, clock),
            due_checkins=DueCheckins(store, brain.checkin_texts, texts),
        )
