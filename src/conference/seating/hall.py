"""The hall as JSON: checked against ``hall.schema.json``, then laid out into seats.

A hall is checked in three steps, each refusal with its own code: the schema
(``hall_schema``), the size (``hall_empty``, ``hall_too_large``, counted from the
blocks' rows × seats before a single seat is made, so a hall of 100,000 seats costs
nothing to refuse), then the labels (``seat_label_repeated``, ``blocked_seat_unknown``,
``reserved_seat_unknown``).
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from conference.errors import InvalidInput

SCHEMA_PATH = Path(__file__).with_name("hall.schema.json")

# The largest halls Vietnamese conferences meet in seat a few thousand (the National
# Convention Centre's plenary hall about 3,700); 5,000 is above any of them and keeps a
# mistyped row count (a hall of 100,000) from filling the database and the plan page.
MAX_SEATS = 5_000
DEFAULT_LABEL = "{block}-{row}{seat}"
DEFAULT_PRESIDIUM_PREFIX = "CT-"
# Across the hall, in half-seat units: a seat is 2 wide, an aisle between blocks 3, an
# aisle inside a block 2.
SEAT_WIDTH = 2
BLOCK_AISLE = 3
INNER_AISLE = 2


@dataclass(frozen=True)
class SeatSpec:
    label: str
    block: str
    row: str
    number: int
    presidium: bool
    blocked: bool
    reserved_for: str
    depth: int  # rows from the stage; the presidium is -1
    x: int  # across the hall, 0 at the centre, positive to the right seen from the hall


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


def parse_json(text: str) -> dict[str, Any]:
    """The hall an organizer typed; text that is not a JSON object is ``hall_schema``."""
    try:
        value = json.loads(text)
    except ValueError as error:
        raise InvalidInput(
            "The hall is not valid JSON: %(reason)s", code="hall_schema", reason=str(error)
        ) from error
    if not isinstance(value, dict):
        raise InvalidInput(
            "The hall is not valid JSON: %(reason)s", code="hall_schema", reason="not an object"
        )
    return value


def _row_labels(block: dict[str, Any]) -> list[str]:
    given = block.get("row_labels")
    rows = int(block["rows"])
    if given:
        if len(given) != rows:
            raise InvalidInput(
                "Block %(block)s has %(rows)s rows but %(labels)s row labels.",
                code="hall_schema",
                block=block["name"],
                rows=rows,
                labels=len(given),
            )
        return [str(label) for label in given]
    letters = string.ascii_uppercase
    return [letters[i] if i < 26 else letters[i // 26 - 1] + letters[i % 26] for i in range(rows)]


def layout(hall: dict[str, Any]) -> list[SeatSpec]:
    """The seats of ``hall``: the presidium's places, then every block's, front row first."""
    errors = sorted(_validator().iter_errors(hall), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(hall)"
        raise InvalidInput(
            "The hall does not follow the schema at %(where)s: %(reason)s",
            code="hall_schema",
            where=where,
            reason=first.message,
        )
    places = int(hall.get("presidium", {}).get("places", 0))
    total = places + sum(int(b["rows"]) * int(b["seats"]) for b in hall["blocks"])
    if total == 0:
        raise InvalidInput("The hall has no seats.", code="hall_empty")
    if total > MAX_SEATS:
        raise InvalidInput(
            "The hall has %(total)s seats; at most %(limit)s are possible.",
            code="hall_too_large",
            total=total,
            limit=MAX_SEATS,
        )
    form = hall.get("label", DEFAULT_LABEL)
    raw: list[tuple[SeatSpec, int]] = []  # each seat and its x from the hall's left edge
    cursor = 0
    for block in hall["blocks"]:
        name = str(block["name"])
        first_seat = int(block.get("first_seat", 1))
        aisles = {int(n) for n in block.get("aisle_after", [])}
        reserved_rows = {str(k): str(v) for k, v in block.get("reserved_rows", {}).items()}
        offsets, x = [], cursor
        for i in range(int(block["seats"])):
            offsets.append(x)
            x += SEAT_WIDTH + (INNER_AISLE if first_seat + i in aisles else 0)
        for r, row in enumerate(_row_labels(block)):
            reserved = reserved_rows.get(row, str(block.get("reserved_for", "")))
            for i, offset in enumerate(offsets):
                number = first_seat + i
                label = form.format(block=name, row=row, seat=number)
                spec = SeatSpec(
                    label, name, row, number, False, False, reserved,
                    int(block.get("first_row", 0)) + r, 0,
                )  # fmt: skip
                raw.append((spec, offset))
        cursor = offsets[-1] + SEAT_WIDTH + BLOCK_AISLE
    seats: list[SeatSpec] = []
    if raw:
        low, high = min(x for _, x in raw), max(x for _, x in raw)
        seats = [replace(spec, x=2 * x - (low + high)) for spec, x in raw]
    prefix = str(hall.get("presidium", {}).get("prefix", DEFAULT_PRESIDIUM_PREFIX))
    presidium = [
        SeatSpec(
            f"{prefix}{n}",
            "",
            "",
            n,
            True,
            False,
            "",
            -1,
            SEAT_WIDTH * (2 * (n - 1) - (places - 1)),
        )
        for n in range(1, places + 1)
    ]
    seats = presidium + seats
    seen: set[str] = set()
    for seat in seats:
        if seat.label in seen:
            raise InvalidInput(
                "The seat label %(label)s is used twice: give each block or row its own name.",
                code="seat_label_repeated",
                label=seat.label,
            )
        seen.add(seat.label)
    blocked = {str(label) for label in hall.get("blocked", [])}
    unknown = sorted(blocked - seen)
    if unknown:
        raise InvalidInput(
            "The blocked seat %(label)s is not in the hall.",
            code="blocked_seat_unknown",
            label=unknown[0],
        )
    kept = {str(k): str(v) for k, v in hall.get("reserved_seats", {}).items()}
    unknown = sorted(set(kept) - seen)
    if unknown:
        raise InvalidInput(
            "The seat %(label)s kept for a group is not in the hall.",
            code="reserved_seat_unknown",
            label=unknown[0],
        )
    return [
        replace(
            seat,
            blocked=seat.label in blocked,
            reserved_for=kept.get(seat.label, seat.reserved_for),
        )
        if seat.label in blocked or seat.label in kept
        else seat
        for seat in seats
    ]
