"""Check-in: a scan becomes an arrival exactly once, however many desks scan at the same moment.

``redeem`` is the one function every door calls (desk page, API, search result). It
makes at most three queries: the conditional UPDATE that checks a delegate in
(``… WHERE checked_in_at IS NULL``, so the database lets exactly one desk win), a
single SELECT that explains a refusal, and the INSERT that logs the attempt.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from conference import audit, live, protocol
from conference.actors import Actor, EventRow
from conference.checkin import statements
from conference.checkin.statements import SHOWN
from conference.errors import N_, InvalidInput, NotFound
from conference.formatting import local as to_local
from conference.formatting import local_time
from conference.i18n import translations
from conference.invitations import DelegateInput, create_delegate
from conference.tables import (
    Delegate,
    DelegateSource,
    Role,
    ScanResult,
)
from conference.text import nfc

# What a scan keeps in the log: enough to see what the scanner typed, no more.
LOGGED_TEXT = 300
# A desk may undo its own check-in for this long; an organizer, any time.
DESK_UNDO_WINDOW = timedelta(minutes=10)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,100}")

MESSAGES = {
    ScanResult.ok: N_("Welcome, %(name)s."),
    ScanResult.already_checked_in: N_("Already checked in at %(time)s%(where)s."),
    ScanResult.unknown: N_("This code is not an invitation of this system."),
    ScanResult.revoked: N_("This invitation was withdrawn or replaced. Ask the organizers."),
    ScanResult.other_event: N_("This invitation is for another event."),
}


@dataclass(frozen=True)
class Redeemed:
    """The answer to a scan: a result code, the delegate when known, the desk's message."""

    result: ScanResult
    delegate: dict[str, Any] | None
    checked_in_at: datetime | None
    message: str  # Vietnamese, for the desk

    @property
    def ok(self) -> bool:
        return self.result is ScanResult.ok


def token_from_scan(text: str, base_url: str) -> str | None:
    """The token in what a scanner read: a bare token or our invitation URL; else None.

    A URL of another site is not ours, whatever its path says.
    """
    text = text.strip()
    if "/i/" in text:
        parts = urlsplit(text)
        ours = urlsplit(base_url)
        if parts.scheme and (parts.netloc or "").lower() != ours.netloc.lower():
            return None
        text = parts.path.rsplit("/i/", 1)[-1].split("/", 1)[0]
    return text if _TOKEN.fullmatch(text) else None


def _message(result: ScanResult, delegate: dict[str, Any] | None, timezone: str) -> str:
    vietnamese = translations("vi")
    template = vietnamese.gettext(MESSAGES[result])
    if delegate is None:
        return template
    name = " ".join(p for p in (delegate["honorific"], delegate["full_name"]) if p)
    when = delegate["checked_in_at"]
    local = local_time(when, timezone)
    desk = delegate.get("checked_in_desk") or ""
    where = vietnamese.gettext(N_(" at %(desk)s")) % {"desk": desk} if desk else ""
    return template % {"name": name, "time": local, "where": where}


async def redeem(
    event: EventRow,
    scanned: str,
    *,
    base_url: str,
    by: Actor | None = None,
    desk: str = "",
    nonce: str | None = None,
) -> Redeemed:
    """Check in the delegate whose invitation ``scanned`` holds, at ``desk``.

    ``nonce`` makes a retry safe: the same nonce for the same delegate answers
    ``ok`` again without a second check-in. Every attempt is logged. Never raises
    for bad input: an empty, huge, binary or foreign scan is ``unknown``. A paired
    desk device's check-ins carry its own name, whatever ``desk`` says.
    """
    if by is not None and by.device is not None:
        desk = by.display_name
    desk = desk.strip()[:64]
    nonce = (nonce or "").strip()[:100] or None
    token = token_from_scan(scanned[:2000], base_url)
    now = datetime.now(UTC)
    result, row = ScanResult.unknown, None
    user_id = getattr(by, "id", None)
    if token is not None:
        row = await statements.claim(
            event["id"], token, at=now, desk=desk, user_id=user_id, nonce=nonce
        )
        if row is not None:
            result = ScanResult.ok
            live.publish(event["id"], "checkin", arrival(event, row))
        else:
            result, row = await _why_not(event["id"], token, nonce)
    await statements.log_attempt(
        event["id"],
        row["id"] if row and result is not ScanResult.other_event else None,
        scanned=scanned[:LOGGED_TEXT].replace("\x00", ""),
        result=result,
        desk=desk,
        user_id=user_id,
        nonce=nonce,
        at=now,
    )
    shown = row if result in (ScanResult.ok, ScanResult.already_checked_in) else None
    return Redeemed(
        result=result,
        delegate=shown,
        checked_in_at=shown["checked_in_at"] if shown else None,
        message=_message(result, shown, event["timezone"]),
    )


def is_vip(event: EventRow, delegate: dict[str, Any]) -> bool:
    """Announced on arrival: ranked at or above the event's threshold, or marked to notify."""
    rank = delegate.get("protocol_rank")
    return bool(delegate.get("notify_on_arrival")) or (
        rank is not None and rank <= event["vip_rank_threshold"]
    )


def arrival(event: EventRow, delegate: dict[str, Any]) -> dict[str, Any]:
    """What the live stream says of an arrival: who, where to seat them, and for a VIP
    the sentence the dashboard shows ("Ông …, … đã đến lúc 08:12")."""
    when = delegate["checked_in_at"]
    local = local_time(when, event["timezone"])
    person = " ".join(p for p in (delegate["honorific"], delegate["full_name"]) if p)
    vip = is_vip(event, delegate)
    return {
        "delegate_id": delegate["id"],
        "name": person,
        "position": delegate["position"],
        "organization": delegate["organization"],
        "group": delegate["group_name"],
        "seat": delegate["seat"],
        "desk": delegate["checked_in_desk"],
        "checked_in_at": when.isoformat(),
        "time": local,
        "vip": vip,
        "announcement": translations("vi").gettext(N_("%(who)s has arrived at %(time)s."))
        % {"who": ", ".join(p for p in (person, delegate["position"]) if p), "time": local}
        if vip
        else "",
    }


async def _why_not(
    event_id: int, token: str, nonce: str | None
) -> tuple[ScanResult, dict[str, Any] | None]:
    """Why a claim failed, in one query: unknown, another event's, revoked, or already in."""
    row = await statements.find(token)
    if row is None:
        return ScanResult.unknown, None
    if row["event"] != event_id:
        return ScanResult.other_event, row
    if row["token"] != token or row["revoked_at"] is not None:
        return ScanResult.revoked, row
    if nonce is not None and row["checked_in_nonce"] == nonce:
        return ScanResult.ok, row  # the same scan sent again: one check-in, answered ok
    return ScanResult.already_checked_in, row


async def check_in_delegate(
    event: EventRow, delegate_id: int, *, by: Actor | None = None, desk: str = ""
) -> Redeemed:
    """Check in a delegate found by name at the desk: the same rule as a scan."""
    row = (
        await Delegate.select(Delegate.token)
        .where((Delegate.id == delegate_id) & (Delegate.event == event["id"]))
        .first()
    )
    if row is None:
        raise NotFound("No such delegate in this event.")
    return await redeem(event, row["token"], base_url="", by=by, desk=desk)


async def register_walk_in(
    event: EventRow, data: DelegateInput, *, by: Actor | None = None, desk: str = ""
) -> Redeemed:
    """A guest not on the list: added as a delegate (with a token) and checked in at once."""
    if not nfc(data.full_name):
        raise InvalidInput("Enter the guest's full name.", refusal="walk_in_name_missing")
    delegate_id = await create_delegate(event["id"], data, by=by, source=DelegateSource.walk_in)
    return await check_in_delegate(event, delegate_id, by=by, desk=desk)


async def undo_check_in(event_id: int, delegate_id: int, *, by: Actor) -> None:
    """Take back a mistaken check-in: an organizer any time, the desk its own within minutes.

    Raises NotFound when the delegate is not checked in, InvalidInput when this
    account may no longer undo it: ``not_own_checkin`` (another account checked
    them in) or ``undo_too_late`` (the desk's window is over).
    """
    condition = (
        (Delegate.id == delegate_id)
        & (Delegate.event == event_id)
        & Delegate.checked_in_at.is_not_null()
    )
    if by.role is not Role.organizer:
        condition = (
            condition
            & (Delegate.checked_in_by == by.id)
            & (Delegate.checked_in_at > datetime.now(UTC) - DESK_UNDO_WINDOW)
        )
    undone = (
        await Delegate.update(
            {
                Delegate.checked_in_at: None,
                Delegate.checked_in_desk: "",
                Delegate.checked_in_by: None,
                Delegate.checked_in_nonce: None,
            }
        )
        .where(condition)
        .returning(Delegate.id)
    )
    if not undone:
        # Only on a refusal: which one it is, for the caller (the message stays one).
        row = (
            await Delegate.select(Delegate.checked_in_by)
            .where(
                (Delegate.id == delegate_id)
                & (Delegate.event == event_id)
                & Delegate.checked_in_at.is_not_null()
            )
            .first()
        )
        if row is None:
            raise NotFound("This delegate is not checked in.")
        raise InvalidInput(
            "Only an organizer can undo this check-in: "
            "it is not yours, or more than 10 minutes old.",
            refusal="not_own_checkin" if row["checked_in_by"] != by.id else "undo_too_late",
        )
    await audit.record("checkin.undo", by=by, event_id=event_id, target=str(delegate_id))
    live.publish(event_id, "checkin_undone", {"delegate_id": delegate_id})


# ------------------------------------------------------------------ the arrivals dashboard

BUCKET = timedelta(minutes=5)


@dataclass(frozen=True)
class Arrivals:
    """What the organizer watches during the reception."""

    timeline: list[
        tuple[datetime, int]
    ]  # start of each 5-minute slot (event's zone), arrivals in it
    vips_waiting: list[dict[str, Any]]  # expected VIPs not yet here, in protocol order
    recent: list[dict[str, Any]]  # the latest arrivals, newest first


async def arrivals(event: EventRow, *, recent: int = 15) -> Arrivals:
    """Arrivals over time, the VIPs still expected and the latest arrivals (one query)."""
    rows = await Delegate.select(
        *SHOWN, Delegate.rsvp, Delegate.revoked_at, Delegate.name_sort_key
    ).where(Delegate.event == event["id"])
    arrived = sorted(
        (r for r in rows if r["checked_in_at"] is not None),
        key=lambda r: r["checked_in_at"],
        reverse=True,
    )
    counts: dict[datetime, int] = {}
    for row in arrived:
        local = to_local(row["checked_in_at"], event["timezone"])
        slot = local.replace(minute=local.minute - local.minute % 5, second=0, microsecond=0)
        counts[slot] = counts.get(slot, 0) + 1
    timeline: list[tuple[datetime, int]] = []
    if counts:
        slot, last = min(counts), max(counts)
        while slot <= last:
            timeline.append((slot, counts.get(slot, 0)))
            slot += BUCKET
    waiting = sorted(
        (
            r
            for r in rows
            if r["checked_in_at"] is None
            and r["revoked_at"] is None
            and r["rsvp"] != "declined"
            and is_vip(event, r)
        ),
        key=protocol.sort_key,
    )
    return Arrivals(
        timeline=timeline,
        vips_waiting=waiting,
        recent=[arrival(event, r) for r in arrived[:recent]],
    )


async def arrival_times(event_id: int, delegate_ids: Iterable[int] | None) -> dict[int, datetime]:
    """When each of ``delegate_ids`` who has arrived checked in (others are absent from it);
    with None, everyone of the event who has arrived.

    The public question other modules ask check-in ("who of these has arrived?").
    """
    condition = (Delegate.event == event_id) & Delegate.checked_in_at.is_not_null()
    if delegate_ids is not None:
        wanted = list(set(delegate_ids))
        if not wanted:
            return {}
        condition = condition & Delegate.id.is_in(wanted)
    rows = await Delegate.select(Delegate.id, Delegate.checked_in_at).where(condition)
    return {row["id"]: row["checked_in_at"] for row in rows}
