"""Sending started from the web page: one background task per event in this process."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from email.headerregistry import Address

from conference.actors import Actor
from conference.failures import database_failure
from conference.invitations.mail import make_mailer
from conference.invitations.sending import RunResult, queue_invitations, send_pending
from conference.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class SendingRun:
    """What the page shows while a run goes on, and after it ends."""

    task: asyncio.Task[RunResult] | None = None
    last: RunResult | None = None
    error: str = ""

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done()


_runs: dict[int, SendingRun] = {}


def run_for(event_id: int) -> SendingRun:
    return _runs.setdefault(event_id, SendingRun())


async def start_sending(
    event_id: int, settings: Settings, *, only_unsent: bool, by: Actor | None
) -> bool:
    """Queue the invitations and send them in the background; False if already running here.

    Another process sending the same event at the same time is safe: rows are
    claimed one by one, so each message still goes once.
    """
    run = run_for(event_id)
    if run.running:
        return False
    await queue_invitations(event_id, only_unsent=only_unsent, by=by)
    mailer = make_mailer(settings.smtp_url, settings.outbox_dir)
    run.error = ""
    run.task = asyncio.create_task(
        send_pending(
            event_id,
            mailer,
            base_url=settings.base_url,
            sender=Address(addr_spec=settings.mail_from),
            rate=settings.mail_rate,
        )
    )
    run.task.add_done_callback(lambda task: _finished(run, task))
    return True


def _finished(run: SendingRun, task: asyncio.Task[RunResult]) -> None:
    if task.cancelled():
        run.error = "cancelled"
    elif (failure := task.exception()) is not None:
        run.error = database_failure(failure) or str(failure)
        log.error("sending invitations failed", exc_info=failure)
    else:
        run.last = task.result()
