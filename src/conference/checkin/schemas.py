"""What the check-in API takes and answers (DESIGN.md: POST /api/events/{slug}/checkins)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec

from conference.invitations import SubstituteOut
from conference.limits import TEXT_LIMIT, limit_of
from conference.tables import Delegate

# What each text a desk sends may hold: the columns it is stored in.
Code = Annotated[str, msgspec.Meta(max_length=TEXT_LIMIT)]
DeskName = Annotated[str, msgspec.Meta(max_length=limit_of(Delegate.checked_in_desk))]
Nonce = Annotated[str, msgspec.Meta(max_length=limit_of(Delegate.checked_in_nonce))]
FullName = Annotated[str, msgspec.Meta(max_length=limit_of(Delegate.full_name))]
Honorific = Annotated[str, msgspec.Meta(max_length=limit_of(Delegate.honorific))]
Position = Annotated[str, msgspec.Meta(max_length=limit_of(Delegate.position))]
Organization = Annotated[str, msgspec.Meta(max_length=limit_of(Delegate.organization))]
Group = Annotated[str, msgspec.Meta(max_length=limit_of(Delegate.group_name))]


class ScanIn(msgspec.Struct):
    code: Code  # what the scanner read: the bare token or the whole invitation URL
    nonce: Nonce | None = (
        None  # the client's id for this scan; the same nonce twice is one check-in
    )
    desk: DeskName | None = None
    scanned_at: datetime | None = None  # when the desk made the scan, ISO-8601 with its offset
    offline: bool = False  # the desk admitted the person without the server


class DelegateBrief(msgspec.Struct):
    """What the desk needs to greet and seat someone; never contacts. With ``substitute``,
    the person at the desk is the substitute, in this delegate's place."""

    id: int
    honorific: str
    full_name: str
    position: str
    organization: str
    group: str
    seat: str
    notes: str
    rsvp: str  # pending | accepted | declined
    substitute: SubstituteOut | None = None


class ScanOut(msgspec.Struct, omit_defaults=True):
    result: str  # ok | already_checked_in | unknown | revoked | other_event (| invalid: batch)
    delegate: DelegateBrief | None  # also for revoked: who the code belonged to
    checked_in_at: datetime | None
    message: str  # Vietnamese, for the desk
    note: str | None = None  # Vietnamese, added to an ok: "said they would not attend"
    hint: str | None = None  # on unknown: vietnamese_typing | caps_lock (message says the fix)


class BatchIn(msgspec.Struct):
    """A desk's queue: each entry as POST /checkins takes it, read one by one."""

    scans: list[Any]


class ScanAnswer(ScanOut):
    """One answer of a batch: as POST /checkins answers, and for a refused entry
    ``result`` ``invalid`` with ``code`` (``malformed_scan``, ``scanned_at_in_future``,
    ``scanned_at_other_day``, ``scanned_at_without_offset``) and the desk's ``message``."""

    code: str | None = None
    detail: str | None = None  # a malformed entry: what exactly is wrong (English)


class BatchOut(msgspec.Struct):
    results: list[ScanAnswer]


def read_scan(raw: Any) -> ScanIn | str:
    """One queue entry as a ScanIn, or what is wrong with it (English, for the desk's log)."""
    try:
        return msgspec.convert(raw, ScanIn)
    except msgspec.ValidationError as error:
        return str(error)


class SnapshotOut(msgspec.Struct):
    """GET /desk/snapshot: ``delegates`` each with ``id``, ``full_name``, ``honorific``,
    ``position``, ``organization``, ``group``, ``seat``, ``protocol_rank``, ``name_sort_key``
    (the server's name order: sort by it, compared by code point), ``notes``, ``rsvp``,
    ``checked_in_at``, ``checked_in_desk``, ``token_sha256``, and ``substitute`` (``honorific``,
    ``full_name``, ``position``) when one is named; or ``{"id", "removed": true}``."""

    cursor: str
    generated_at: datetime
    full: bool  # true: the whole list (replace the desk's copy); false: changes since
    delegates: list[dict[str, Any]]
    # The desk's small map: ``{"seats": [[label, block, row, number, x, depth], …]}``, null
    # without a hall; absent from an incremental answer when the hall has not changed.
    hall: dict[str, Any] | msgspec.UnsetType | None = msgspec.UNSET


class WalkInIn(msgspec.Struct):
    full_name: FullName
    honorific: Honorific = ""
    position: Position = ""
    organization: Organization = ""
    group: Group = "Khách mời"
    desk: DeskName | None = None
    # A walk-in of the same name is registered already: true when the desk has asked
    # and this is another person (otherwise refused with code walk_in_duplicate).
    confirm_duplicate: bool = False
    # The desk's own id for this registration: sent again, it is the same guest.
    nonce: Nonce | None = None


class WalkInMatch(msgspec.Struct):
    """An invited person a walk-in may be: check them in instead of adding a second."""

    id: int
    honorific: str
    full_name: str
    position: str
    organization: str
    group: str
    seat: str
    checked_in_at: datetime | None


class WalkInMatchesOut(msgspec.Struct):
    matches: list[WalkInMatch]


class DeskIn(msgspec.Struct):
    """A check-in by name; from a desk's queue it carries the scan's nonce, time and ``offline``."""

    desk: DeskName | None = None
    nonce: Nonce | None = None
    scanned_at: datetime | None = None
    offline: bool = False


class ConflictOut(msgspec.Struct):
    """A person admitted offline at ``desk`` after ``first_desk`` checked them in."""

    id: int
    delegate_id: int
    full_name: str
    scanned_at: datetime
    desk: str
    first_checked_in_at: datetime
    first_desk: str
    reviewed: bool


class ConflictsOut(msgspec.Struct):
    conflicts: list[ConflictOut]
