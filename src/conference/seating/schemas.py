"""What the seating API takes and answers (DESIGN.md: ``GET …/seating``, ``POST …/assign``)."""

from __future__ import annotations

from typing import Any

import msgspec


class AssignIn(msgspec.Struct):
    keep_pinned: bool = True


class HallIn(msgspec.Struct):
    hall: dict[str, Any]
    honour_side: str = "right"
    coming: str = "not_declined"
    confirm: bool = False  # save even if assigned seats go (``seats_would_be_lost``)


class MoveIn(msgspec.Struct):
    delegate_id: int
    seat: str


class SwapIn(msgspec.Struct):
    first: str
    second: str


class SeatIn(msgspec.Struct):
    seat: str


class PinIn(msgspec.Struct):
    seat: str
    pinned: bool = True
