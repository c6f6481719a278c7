"""Automatic placement (xếp chỗ tự động): who sits where, by protocol order. No database.

The rules, in order:

1. Pinned seats (ghim) keep their delegate, who is not placed again.
2. The presidium takes the highest-ranked delegates: the highest at its centre, then
   alternately the side of honour and the other side, outwards.
3. The other ranked delegates, in protocol order, take the front rows from the centre
   outwards, the side of honour first at each distance: ``honour_key``. A delegate
   whose group has seats kept for it sits there while they last, then with everyone;
   a seat kept for a group holds nobody else.
4. The unranked (equal rank) follow, organization by organization, so colleagues sit
   side by side: the remaining seats row by row from the front, left to right.
5. Whoever finds no seat is listed (``unplaced``), never dropped.

Equal input gives equal output: delegates come in protocol order (rank, then the
stable name order, then id) and seats in a fixed order of their own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from conference.protocol import sort_key


@dataclass(frozen=True)
class Placement:
    seats: dict[int, int]  # seat id → delegate id, pinned ones included
    unplaced: list[int] = field(default_factory=list)  # delegate ids, in protocol order


def honour_key(seat: Mapping[str, Any], honour_right: bool) -> tuple[int, int, int, int]:
    """Front first, then nearest the centre, the side of honour before the other."""
    x = int(seat["x"])
    other_side = x < 0 if honour_right else x > 0
    return (int(seat["depth"]), abs(x), 1 if other_side else 0, int(seat["id"]))


def reading_key(seat: Mapping[str, Any]) -> tuple[int, int, int]:
    """Front row first, each row left to right seen from the hall."""
    return (int(seat["depth"]), int(seat["x"]), int(seat["id"]))


class _Pool:
    """Seats still free, taken either in honour order or in reading order."""

    def __init__(self, seats: list[Mapping[str, Any]], honour_right: bool) -> None:
        self.by_honour = [s["id"] for s in sorted(seats, key=lambda s: honour_key(s, honour_right))]
        self.by_reading = [s["id"] for s in sorted(seats, key=reading_key)]
        self.taken: set[int] = set()
        self._h = self._r = 0

    def _next(self, order: list[int], start: int) -> tuple[int | None, int]:
        while start < len(order) and order[start] in self.taken:
            start += 1
        if start == len(order):
            return None, start
        self.taken.add(order[start])
        return order[start], start + 1

    def take_honour(self) -> int | None:
        seat, self._h = self._next(self.by_honour, self._h)
        return seat

    def take_reading(self) -> int | None:
        seat, self._r = self._next(self.by_reading, self._r)
        return seat


def colleagues_together(delegates: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Delegates of one rank, organization by organization: each organization where its
    first member (in protocol order) comes, its members in protocol order."""
    ordered = sorted(delegates, key=sort_key)
    by_org: dict[str, list[Mapping[str, Any]]] = {}
    for delegate in ordered:
        by_org.setdefault(delegate["organization"].strip().casefold(), []).append(delegate)
    return [d for members in by_org.values() for d in members]


def place(
    seats: Sequence[Mapping[str, Any]],
    delegates: Sequence[Mapping[str, Any]],
    *,
    honour_right: bool = True,
    keep_pinned: bool = True,
) -> Placement:
    """Seat ``delegates`` (rows with id, protocol_rank, name_sort_key, group_name,
    organization) in ``seats`` (rows with id, depth, x, presidium, blocked,
    reserved_for, delegate, pinned)."""
    result: dict[int, int] = {}
    placed: set[int] = set()
    coming = {d["id"] for d in delegates}
    if keep_pinned:
        for seat in seats:
            if seat["pinned"] and seat["delegate"] is not None and seat["delegate"] in coming:
                result[seat["id"]] = seat["delegate"]
                placed.add(seat["delegate"])
    free = [s for s in seats if not s["blocked"] and s["id"] not in result]
    presidium = _Pool([s for s in free if s["presidium"]], honour_right)
    pools: dict[str, _Pool] = {}
    for group in sorted({s["reserved_for"] for s in free if not s["presidium"]}):
        pools[group] = _Pool(
            [s for s in free if not s["presidium"] and s["reserved_for"] == group], honour_right
        )
    everyone = pools.setdefault("", _Pool([], honour_right))
    waiting = sorted((d for d in delegates if d["id"] not in placed), key=sort_key)
    ranked = [d for d in waiting if d["protocol_rank"] is not None]
    unranked = [d for d in waiting if d["protocol_rank"] is None]
    unplaced: list[int] = []

    def seat_of(delegate: Mapping[str, Any], take: str) -> int | None:
        group = delegate["group_name"]
        for pool in ((pools[group],) if group and group in pools else ()) + (everyone,):
            seat: int | None = getattr(pool, take)()
            if seat is not None:
                return seat
        return None

    for delegate in ranked:
        chosen = presidium.take_honour()
        if chosen is None:
            chosen = seat_of(delegate, "take_honour")
        if chosen is None:
            unplaced.append(delegate["id"])
        else:
            result[chosen] = delegate["id"]
    for delegate in colleagues_together(unranked):
        chosen = seat_of(delegate, "take_reading")
        if chosen is None:
            unplaced.append(delegate["id"])
        else:
            result[chosen] = delegate["id"]
    by_id = {d["id"]: d for d in delegates}
    unplaced.sort(key=lambda i: sort_key(by_id[i]))
    return Placement(result, unplaced)
