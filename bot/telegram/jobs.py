"""Repeating jobs (PTB's JobQueue, i.e. APScheduler): the check-in tick and the responder-alert escalation."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from telegram.ext import Application, ContextTypes

from bot.telegram.groups import escalation_tick
from bot.telegram.runtime import Runtime

log = logging.getLogger(__name__)
UTC = timezone.utc
ESCALATION_CHECK_SECONDS = 30


def schedule(app: Application, rt: Runtime) -> None:
    app.job_queue.run_repeating(checkin_tick, interval=rt.settings.checkin_poll_seconds, first=0.5,
                                name="checkins", job_kwargs={"max_instances": 1, "coalesce": True})
    app.job_queue.run_repeating(escalation_tick, interval=ESCALATION_CHECK_SECONDS, first=5,
                                name="alert-escalation", job_kwargs={"max_instances": 1, "coalesce": True})


async def checkin_tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Queue every check-in that is due; each is recorded as sent only once Telegram has it."""
    rt: Runtime = context.application.bot_data["runtime"]
    busy = rt.recently_sent
    busy.rotate()
    now = datetime.now(UTC)
    items = await rt.flows.due_checkins.due(now, busy)
    for item in items:
        async def done(sent: bool, item=item) -> None:
            if sent:
                await rt.flows.due_checkins.sent(item, datetime.now(UTC))
                busy.add(item.chat_id)
        rt.lane.submit(item.chat_id, item.reply, done, thread_id=item.thread_id)
    if items:
        log.info("queued %d check-ins", len(items))
