"""What the check-in API takes and answers (DESIGN.md: POST /api/events/{slug}/checkins)."""

from __future__ import annotations

from datetime import datetime

import msgspec


class ScanIn(msgspec.Struct):
    code: str  # what the scanner read: the bare token or the whole invitation URL
    nonce: str | None = None  # the client's id for this scan; the same nonce twice is one check-in
    desk: str | None = None
    scanned_at: datetime | None = None  # when the desk made the scan, ISO-8601 with its offset
    offline: bool = False  # the desk admitted the person without the server


class DelegateBrief(msgspec.Struct):
    """What the desk needs to greet and seat someone; never contacts."""

    id: int
    honorific: str
    full_name: str
    position: str
    organization: str
    group: str
    seat: str
    notes: str


class ScanOut(msgspec.Struct):
    result: str  # ok | already_checked_in | unknown | revoked | other_event
    delegate: DelegateBrief | None
    checked_in_at: datetime | None
    message: str  # Vietnamese, for the desk


class WalkInIn(msgspec.Struct):
    full_name: str
    honorific: str = ""
    position: str = ""
    organization: str = ""
    group: str = "Khách mời"
    desk: str | None = None


class DeskIn(msgspec.Struct):
    desk: str | None = None


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
