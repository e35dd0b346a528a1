"""The one command table: it feeds the menus (setMyCommands), /help, the console and group dispatch.

Each row: the command's name, where it works (`private`, `operator` = private and only for ADMIN_USER_IDS,
`group` = anyone in a group or channel, `admin` = a group's admins, checked with Telegram at the time), the key
of its menu text in content/messages.yaml (None keeps it out of the menus and /help: aliases, /start, /stats)
and the name of the method of PrivateChats or GroupChats that answers it.
"""
from __future__ import annotations

from dataclasses import dataclass

PRIVATE = "private"
OPERATOR = "operator"
GROUP = "group"
ADMIN = "admin"


@dataclass(frozen=True)
class Command:
    name: str
    scope: str
    menu: str | None
    handler: str


COMMANDS: tuple[Command, ...] = (
    Command("start", PRIVATE, None, "cmd_start"),
    Command("sos", PRIVATE, "menu_sos", "cmd_sos"),
    Command("crisis", PRIVATE, None, "cmd_sos"),
    Command("topics", PRIVATE, "menu_topics", "cmd_topics"),
    Command("checkin", PRIVATE, "menu_checkin", "cmd_checkin"),
    Command("sober", PRIVATE, "menu_sober", "cmd_sober"),
    Command("country", PRIVATE, "menu_country", "cmd_country"),
    Command("timezone", PRIVATE, "menu_timezone", "cmd_timezone"),
    Command("mydata", PRIVATE, "menu_mydata", "cmd_mydata"),
    Command("deletemydata", PRIVATE, "menu_deletemydata", "cmd_deletemydata"),
    Command("privacy", PRIVATE, "menu_privacy", "cmd_privacy"),
    Command("help", PRIVATE, "menu_help", "cmd_help"),
    Command("stats", OPERATOR, None, "cmd_stats"),
    Command("sos", GROUP, "menu_sos", "cmd_sos"),
    Command("crisis", GROUP, None, "cmd_sos"),
    Command("topics", GROUP, "menu_topics", "cmd_topics"),
    Command("groupsettings", ADMIN, "menu_groupsettings", "cmd_settings"),
    Command("groupcheckin", ADMIN, "menu_groupcheckin", "cmd_checkin"),
    Command("responders", ADMIN, "menu_responders", "cmd_responders"),
    Command("help", GROUP, "menu_group_help", "cmd_help"),
    Command("start", GROUP, None, "cmd_help"),
)


def table(*scopes: str) -> dict[str, Command]:
    """The rows for these scopes by name, in table order."""
    return {c.name: c for c in COMMANDS if c.scope in scopes}


def menu(*scopes: str) -> list[tuple[str, str]]:
    """(name, menu text key) for a menu, in table order."""
    return [(c.name, c.menu) for c in COMMANDS if c.scope in scopes and c.menu]


PRIVATE_COMMANDS = table(PRIVATE, OPERATOR)
GROUP_COMMANDS = table(GROUP, ADMIN)
