"""A desk's queue, uploaded at once: each scan redeemed as if sent alone, answered in order.

An offline desk keeps its scans until the server has answered each; when the network
is back it sends them in one request. Every scan goes through ``services.redeem``
with its own nonce, so an upload sent twice (a timeout, a reload) changes nothing.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from conference.actors import Actor, EventRow
from conference.checkin.codes import token_from_scan
from conference.checkin.services import Redeemed, redeem
from conference.errors import N_, InvalidInput
from conference.i18n import translations
from conference.tables import ScanResult

# At most this many scans in one upload. SQLite runs queries on the event loop's thread,
# so one upload holds the server for about a millisecond a scan: 500 keep every other
# desk's scan waiting well under a second, and a client's request well inside its
# timeout (a timed-out upload is sent again, which is safe but wasted). A desk's queue
# is a few hundred scans at the worst (a whole morning offline); a longer one is sent
# in several uploads. Above it the whole upload is refused (``batch_too_large``) before
# any scan is read, so the desk knows to split it and nothing is half done.
MAX_BATCH = 500
# Scans of one upload redeemed at the same time (of different people), at most.
BATCH_LANES = 4


@dataclass(frozen=True)
class Scan:
    """One scan of a desk's queue, as the desk sent it."""

    code: str
    nonce: str | None = None
    desk: str = ""
    scanned_at: datetime | None = None
    offline: bool = False


@dataclass(frozen=True)
class Refused:
    """A scan of an upload that was not read: unreadable, or its time refused."""

    code: str  # malformed_scan, scanned_at_in_future, scanned_at_other_day, …
    message: str  # Vietnamese, for the desk
    detail: str = ""  # what exactly is wrong, for whoever debugs the desk (English)
    result: ScanResult = ScanResult.invalid


MALFORMED = N_("This scan could not be read: the desk sent it in a wrong form.")


def malformed(problem: str) -> Refused:
    """The answer to a queue entry that is not a scan (no code, a time that is not one…)."""
    message = translations("vi").gettext(MALFORMED)
    return Refused(code="malformed_scan", message=message, detail=problem)


async def redeem_batch(
    event: EventRow,
    scans: list[Scan | Refused],
    *,
    by: Actor | None = None,
    desk: str = "",
) -> list[Redeemed | Refused]:
    """Redeem a desk's queued scans; one answer each, in the same order.

    Each scan goes through ``redeem`` (so its nonce makes the upload safe to send
    again: the same batch twice changes nothing) and each refusal stays its own
    answer while the rest are processed. One person's scans are redeemed in the
    queue's order (the first checks them in); different people's side by side, at
    most BATCH_LANES at once. Entries already ``Refused`` (unreadable)
    are answered as they are. Raises InvalidInput ``batch_too_large`` above
    MAX_BATCH scans, before reading any.
    """
    if len(scans) > MAX_BATCH:
        raise InvalidInput(
            "An upload holds at most %(limit)s scans; this one has %(count)s. Send it in parts.",
            code="batch_too_large",
            limit=MAX_BATCH,
            count=len(scans),
        )
    answers: list[Redeemed | Refused | None] = [None] * len(scans)
    # One lane a person (a token), in the queue's order: their first scan is the one that
    # checks them in, a later one is the conflict. Lanes run side by side, so on
    # PostgreSQL several scans wait for their commit at once instead of one after another.
    lanes: dict[str, list[int]] = {}
    for index, scan in enumerate(scans):
        if isinstance(scan, Refused):
            answers[index] = scan
        else:
            lanes.setdefault(token_from_scan(scan.code[:2000]) or f"#{index}", []).append(index)
    gate = asyncio.Semaphore(BATCH_LANES)

    async def run(lane: list[int]) -> None:
        for index in lane:
            scan = scans[index]
            assert isinstance(scan, Scan)
            async with gate:
                answers[index] = await _redeem_queued(event, scan, by, desk)
            # Let other desks' single scans in between: SQLite's queries never yield.
            await asyncio.sleep(0)

    await asyncio.gather(*(run(lane) for lane in lanes.values()))
    return [answer for answer in answers if answer is not None]


async def _redeem_queued(
    event: EventRow, scan: Scan, by: Actor | None, desk: str
) -> Redeemed | Refused:
    try:
        return await redeem(
            event,
            scan.code,
            by=by,
            desk=scan.desk or desk,
            nonce=scan.nonce,
            scanned_at=scan.scanned_at,
            offline=scan.offline,
        )
    except InvalidInput as refused:
        text = translations("vi").gettext(refused.message) % refused.params
        return Refused(code=refused.answer_code, message=text)
