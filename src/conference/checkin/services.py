"""Check-in: a scan becomes an arrival exactly once, however many desks scan at the same moment.

``redeem`` is the one function every door calls (desk page, API, a desk's uploaded
queue in ``batch.py``, search result). It makes at most three queries: the
conditional UPDATE that checks a delegate in (``… WHERE checked_in_at IS NULL``, so
the database lets exactly one desk win), a single SELECT that explains a refusal,
and the INSERT that logs the attempt (once per nonce); on PostgreSQL the first two
and, for a check-in, the third are one statement (``statements.claim_or_find``). A scan
an offline desk made and sends later carries its own time (``scanned_at``), which
becomes the arrival time; the first upload is the check-in, and an offline scan that
finds the delegate already in is also recorded as a conflict (a fourth query), once
per nonce, for the organizer to review.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from conference import audit, live, protocol
from conference.actors import Actor, EventRow
from conference.checkin import statements, walk_ins
from conference.checkin.codes import ScanProblem, scan_problem, token_from_scan
from conference.checkin.statements import SHOWN
from conference.errors import N_, InvalidInput, NotFound
from conference.formatting import local as to_local
from conference.formatting import local_hour, local_moment
from conference.i18n import translations
from conference.invitations import DelegateInput, attendee, create_delegate, substitute_of
from conference.tables import (
    Delegate,
    DelegateSource,
    Role,
    Rsvp,
    ScanResult,
)
from conference.text import nfc

# What a scan keeps in the log: enough to see what the scanner typed, no more.
LOGGED_TEXT = 300
# A desk may undo its own check-in for this long; an organizer, any time.
DESK_UNDO_WINDOW = timedelta(minutes=10)
# A scan time this far ahead of the server's clock is a desk clock running fast, not a
# scan from the future: accepted, recorded as the server's now. Phones keep time by the
# network to within seconds; a laptop left unsynchronized drifts by a minute or two.
SCAN_CLOCK_SKEW = timedelta(minutes=5)

MESSAGES = {
    ScanResult.ok: N_("Welcome, %(name)s."),
    ScanResult.already_checked_in: N_("Already checked in at %(time)s%(where)s."),
    ScanResult.unknown: N_("This code is not an invitation of this system."),
    ScanResult.revoked: N_("This invitation was withdrawn or replaced. Ask the organizers."),
    ScanResult.other_event: N_("This invitation is for another event."),
}
REPLACED = N_(
    "The invitation of %(name)s was issued again at %(time)s: ask the delegate to use "
    "the new code, or find them by name."
)
WITHDRAWN = N_(
    "The invitation of %(name)s was withdrawn at %(time)s: ask the organizers before "
    "admitting them, or find them by name."
)
HINTS = {
    ScanProblem.vietnamese_typing: N_(
        "The code holds Vietnamese letters: a Vietnamese typing tool (Unikey, EVKey) is on "
        "on this computer. Switch it to English (E), then scan again."
    ),
    ScanProblem.caps_lock: N_(
        "The code came with its capital letters changed: Caps Lock is on on this "
        "computer. Turn it off, then scan again."
    ),
}
DECLINED = N_("Note: this delegate answered that they would not attend.")
DECLINED_WITH_NOTE = N_("Note: this delegate answered that they would not attend (“%(note)s”).")


def arrival_time(event: EventRow, scanned_at: datetime | None, now: datetime) -> datetime:
    """When a scan made at ``scanned_at`` (None: just now) says the delegate arrived.

    Raises InvalidInput, each with its own code: ``scanned_at_without_offset`` (a time
    with no UTC offset cannot be placed), ``scanned_at_in_future`` (more than
    SCAN_CLOCK_SKEW ahead of the server), ``scanned_at_other_day`` (not on the event's
    date in its time zone).
    """
    if scanned_at is None:
        return now
    if scanned_at.tzinfo is None or scanned_at.utcoffset() is None:
        raise InvalidInput(
            "The scan time has no UTC offset: the desk must send it as ISO-8601 with one.",
            code="scanned_at_without_offset",
        )
    if scanned_at > now + SCAN_CLOCK_SKEW:
        raise InvalidInput(
            "The scan time %(time)s is in the future: check the clock of this desk's device.",
            code="scanned_at_in_future",
            time=local_moment(scanned_at, event["timezone"]),
        )
    if to_local(scanned_at, event["timezone"]).date() != event["date"]:
        raise InvalidInput(
            "The scan time %(time)s is not on the day of the event.",
            code="scanned_at_other_day",
            time=local_moment(scanned_at, event["timezone"]),
        )
    return min(scanned_at.astimezone(UTC), now)


@dataclass(frozen=True)
class Redeemed:
    """The answer to a scan: a result code, the delegate when known, the desk's message."""

    result: ScanResult
    delegate: dict[str, Any] | None
    checked_in_at: datetime | None
    message: str  # Vietnamese, for the desk
    note: str = ""  # Vietnamese, for the green panel: a declined RSVP
    hint: str = ""  # a ScanProblem: what mangled a code the desk's computer typed

    @property
    def ok(self) -> bool:
        return self.result is ScanResult.ok


def _person(delegate: dict[str, Any]) -> str:
    """Who the desk greets: the delegate, or their substitute "Ông X, dự thay Ông Y"."""
    return attendee(delegate)


def _message(result: ScanResult, delegate: dict[str, Any] | None, timezone: str) -> str:
    vietnamese = translations("vi")
    if result is ScanResult.revoked and delegate is not None:
        # Who it was and what to do: a replaced code has a new one; a withdrawn one, not.
        replaced_at = delegate.get("replaced_at")
        template = vietnamese.gettext(REPLACED if replaced_at else WITHDRAWN)
        when = replaced_at or delegate["revoked_at"]
        return template % {"name": _person(delegate), "time": local_moment(when, timezone, "vi")}
    template = vietnamese.gettext(MESSAGES[result])
    if delegate is None:
        return template
    name = _person(delegate)
    when = delegate["checked_in_at"]
    local = local_hour(when, timezone)
    desk = delegate.get("checked_in_desk") or ""
    where = vietnamese.gettext(N_(" at %(desk)s")) % {"desk": desk} if desk else ""
    return template % {"name": name, "time": local, "where": where}


def _note(delegate: dict[str, Any] | None) -> str:
    """What the green panel adds: a delegate who said they would not come, and came."""
    if delegate is None or delegate.get("rsvp") != Rsvp.declined:
        return ""
    vietnamese = translations("vi")
    if delegate.get("rsvp_note"):
        return vietnamese.gettext(DECLINED_WITH_NOTE) % {"note": delegate["rsvp_note"]}
    return vietnamese.gettext(DECLINED)


def _hint(scanned: str, found: dict[str, Any] | None) -> ScanProblem | None:
    """Why an unknown scan is no invitation, when the desk's computer mangled it.

    ``found`` is what ``statements.find`` returned: a token known only with its
    letters' case swapped was typed with Caps Lock on.
    """
    if found is not None and found["swapped"]:
        return ScanProblem.caps_lock
    return scan_problem(scanned)


async def redeem(
    event: EventRow,
    scanned: str,
    *,
    by: Actor | None = None,
    desk: str = "",
    nonce: str | None = None,
    scanned_at: datetime | None = None,
    offline: bool = False,
) -> Redeemed:
    """Check in the delegate whose invitation ``scanned`` holds, at ``desk``.

    ``scanned`` is a bare token or any URL whose path is ``/i/{token}``, whatever its
    host.
    ``nonce`` makes a retry safe: the same nonce for the same delegate answers
    ``ok`` again without a second check-in, and the attempt is logged once.
    ``scanned_at`` is when the desk made the scan (None: now); it becomes the arrival
    time. ``offline`` says the desk admitted the person without the server: when they
    were already checked in, the answer is ``already_checked_in`` and a conflict is
    recorded (once per nonce). Every attempt is logged. Raises InvalidInput only for
    a ``scanned_at`` that ``arrival_time`` refuses (logged as ``invalid`` first);
    otherwise never for bad input: an empty, huge, binary or foreign scan is ``unknown``.
    A paired desk device's check-ins carry its own name, whatever ``desk`` says.
    """
    if by is not None and by.device is not None:
        desk = by.display_name
    now = datetime.now(UTC)
    attempt = statements.Attempt(
        event_id=event["id"],
        scanned=scanned[:LOGGED_TEXT].replace("\x00", ""),
        desk=desk.strip()[:64],
        user_id=getattr(by, "id", None),
        nonce=(nonce or "").strip()[:100] or None,
        at=now,
        offline=offline,
    )
    try:
        at = arrival_time(event, scanned_at, now)
    except InvalidInput:
        await statements.log_attempt(attempt, ScanResult.invalid, None)
        raise
    if scanned_at is not None:
        attempt = dataclasses.replace(attempt, scanned_at=at)
    token = token_from_scan(scanned[:2000])
    result, row = ScanResult.unknown, None
    if token is not None:
        checked_in, row = await statements.claim_or_find(token, arrived_at=at, attempt=attempt)
        if checked_in:
            assert row is not None
            live.publish(event["id"], "checkin", arrival(event, row))
            return _answer(event, ScanResult.ok, row)  # logged with the claim
        result = _why_not(event["id"], token, attempt.nonce, row)
        if offline and row is not None and result is ScanResult.already_checked_in:
            await statements.record_conflict(row, attempt, scanned_at=at)
    hint = _hint(scanned, row) if result is ScanResult.unknown else None
    # Shown to the desk: the delegate the code is (or was) theirs, if of this event.
    shown = row if result not in (ScanResult.unknown, ScanResult.other_event) else None
    await statements.log_attempt(attempt, result, shown["id"] if shown else None)
    return _answer(event, result, shown, hint)


def _answer(
    event: EventRow,
    result: ScanResult,
    shown: dict[str, Any] | None,
    hint: ScanProblem | None = None,
) -> Redeemed:
    message = _message(result, shown, event["timezone"])
    return Redeemed(
        result=result,
        delegate=shown,
        checked_in_at=shown["checked_in_at"] if shown else None,
        message=translations("vi").gettext(HINTS[hint]) if hint else message,
        note=_note(shown) if result is ScanResult.ok else "",
        hint=hint.value if hint else "",
    )


def is_vip(event: EventRow, delegate: dict[str, Any]) -> bool:
    """Announced on arrival: ranked at or above the event's threshold, or marked to notify."""
    rank = delegate.get("protocol_rank")
    return bool(delegate.get("notify_on_arrival")) or (
        rank is not None and rank <= event["vip_rank_threshold"]
    )


def arrival(event: EventRow, delegate: dict[str, Any]) -> dict[str, Any]:
    """What the live stream says of an arrival: who, where to seat them, and for a VIP
    the sentence the dashboard shows ("Ông …, … đã đến lúc 08h12")."""
    when = delegate["checked_in_at"]
    local = local_hour(when, event["timezone"])
    person = _person(delegate)
    substitute = substitute_of(delegate)
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
        % {
            "who": person
            if substitute
            else ", ".join(p for p in (person, delegate["position"]) if p),
            "time": local,
        }
        if vip
        else "",
        "substitute": substitute,
    }


def _why_not(
    event_id: int, token: str, nonce: str | None, row: dict[str, Any] | None
) -> ScanResult:
    """Why a claim failed, from what ``statements.find`` says of the token (``row``):
    unknown, another event's, revoked, or already in."""
    if row is None or row["swapped"]:
        return ScanResult.unknown  # the row of a swapped token is only for the hint
    if row["event"] != event_id:
        return ScanResult.other_event
    if row["token"] != token or row["revoked_at"] is not None:
        return ScanResult.revoked
    if nonce is not None and row["checked_in_nonce"] == nonce:
        return ScanResult.ok  # the same scan sent again: one check-in, answered ok
    return ScanResult.already_checked_in


async def check_in_delegate(
    event: EventRow,
    delegate_id: int,
    *,
    by: Actor | None = None,
    desk: str = "",
    nonce: str | None = None,
    scanned_at: datetime | None = None,
    offline: bool = False,
) -> Redeemed:
    """Check in a delegate found by name at the desk: the same rule as a scan.

    ``nonce``, ``scanned_at`` and ``offline`` are a queued admission's, as for ``redeem``:
    a desk that found the person in its snapshot while the server was away sends them.
    """
    row = (
        await Delegate.select(Delegate.token)
        .where((Delegate.id == delegate_id) & (Delegate.event == event["id"]))
        .first()
    )
    if row is None:
        raise NotFound("No such delegate in this event.")
    return await redeem(
        event,
        row["token"],
        by=by,
        desk=desk,
        nonce=nonce,
        scanned_at=scanned_at,
        offline=offline,
    )


# ------------------------------------------------------------------ walk-ins


async def register_walk_in(
    event: EventRow,
    data: DelegateInput,
    *,
    by: Actor | None = None,
    desk: str = "",
    confirm_duplicate: bool = False,
    nonce: str | None = None,
) -> Redeemed:
    """A guest not on the list: added as a delegate (with a token) and checked in at once.

    ``nonce`` makes a retry safe, as for a scan: a desk that sends the same walk-in again
    (its answer was lost) is answered with the guest registered the first time.
    Raises InvalidInput ``walk_in_name_missing``, and ``walk_in_duplicate`` when a walk-in
    of the same folded name is already registered, unless ``confirm_duplicate`` (the desk
    asked, and it is another person of that name).
    """
    if not nfc(data.full_name):
        raise InvalidInput("Enter the guest's full name.", refusal="walk_in_name_missing")
    nonce = (nonce or "").strip()[:100] or None
    registered = await walk_ins.registered_with(event["id"], nonce) if nonce else None
    if registered is not None:
        return await check_in_delegate(event, registered, by=by, desk=desk, nonce=nonce)
    if not confirm_duplicate:
        await walk_ins.refuse_a_second_walk_in(event, data.full_name)
    delegate_id = await create_delegate(event["id"], data, by=by, source=DelegateSource.walk_in)
    return await check_in_delegate(event, delegate_id, by=by, desk=desk, nonce=nonce)


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
                Delegate.updated_at: datetime.now(UTC),  # the desks' snapshots see the undo
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
    rows = await Delegate.select(*SHOWN, Delegate.revoked_at, Delegate.name_sort_key).where(
        Delegate.event == event["id"]
    )
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
