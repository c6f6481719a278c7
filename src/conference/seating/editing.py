"""The hall drawn on the page: each change an organizer makes by a form or a click on the
plan, as a function from one hall (``hall.schema.json``) to the next.

They never touch the database and never check the whole hall: ``services.edit_hall``
applies one to the saved hall and saves the result through ``save_hall``, which checks it
against the schema and its labels and says who would lose a seat. A change an editor
cannot make at all (a block's name taken, no such block) is refused here, with a code.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from conference.errors import InvalidInput
from conference.seating.hall import layout

Hall = dict[str, Any]

EMPTY_HALL: Hall = {"name": "Hội trường", "presidium": {"places": 0}, "blocks": []}


def _numbers(text: str) -> list[int]:
    """ "3, 7" or "3 7" → [3, 7]; anything but whole numbers is refused."""
    parts = [p for p in re.split(r"[\s,;]+", text.strip()) if p]
    if not all(p.isdigit() for p in parts):
        raise InvalidInput(
            "The aisle is given by seat numbers, such as 3, 7.", code="hall_aisle_invalid"
        )
    return [int(p) for p in parts]


def _labels(text: str) -> list[str]:
    """ "A B C" or "A, B, C" → ["A", "B", "C"]."""
    return [p for p in re.split(r"[\s,;]+", text.strip()) if p]


def new_block(
    *,
    name: str,
    rows: int,
    seats: int,
    first_seat: int = 1,
    first_row: int = 0,
    row_labels: str = "",
    aisle_after: str = "",
    reserved_for: str = "",
) -> dict[str, Any]:
    """A block (khu) as the hall's JSON has it, from the editor's fields."""
    block: dict[str, Any] = {"name": name.strip(), "rows": rows, "seats": seats}
    if first_seat != 1:
        block["first_seat"] = first_seat
    if first_row:
        block["first_row"] = first_row
    if labels := _labels(row_labels):
        block["row_labels"] = labels
    if aisles := _numbers(aisle_after):
        block["aisle_after"] = aisles
    if reserved_for.strip():
        block["reserved_for"] = reserved_for.strip()
    return block


def add_block(hall: Hall | None, block: dict[str, Any]) -> Hall:
    """``hall`` with ``block`` added at the right (seen from the hall); a name used by
    another block is refused (``block_name_taken``)."""
    result = copy.deepcopy(hall or EMPTY_HALL)
    blocks = result.setdefault("blocks", [])
    if any(b["name"] == block["name"] for b in blocks):
        raise InvalidInput(
            "There is already a block %(name)s: give the new one another name.",
            code="block_name_taken",
            name=block["name"],
        )
    blocks.append(block)
    return result


def remove_block(hall: Hall | None, name: str) -> Hall:
    """``hall`` without the block ``name`` (``block_unknown`` if there is none), and without
    the blocked and kept seats that were in it."""
    result = copy.deepcopy(hall or EMPTY_HALL)
    blocks = result.get("blocks", [])
    if not any(b["name"] == name for b in blocks):
        raise InvalidInput("There is no block %(name)s.", code="block_unknown", name=name)
    removed = next(b for b in blocks if b["name"] == name)
    alone = {"blocks": [removed], **({"label": result["label"]} if "label" in result else {})}
    gone = {seat.label for seat in layout(alone)}
    result["blocks"] = [b for b in blocks if b["name"] != name]
    if "blocked" in result:
        result["blocked"] = [s for s in result["blocked"] if s not in gone]
    if "reserved_seats" in result:
        result["reserved_seats"] = {
            k: v for k, v in result["reserved_seats"].items() if k not in gone
        }
    return result


def set_presidium(hall: Hall | None, places: int) -> Hall:
    """``hall`` with ``places`` places at the presidium table (0: no presidium)."""
    result = copy.deepcopy(hall or EMPTY_HALL)
    result.setdefault("presidium", {})["places"] = places
    return result


def set_seat(hall: Hall | None, label: str, *, blocked: bool, reserved_for: str) -> Hall:
    """``hall`` with the seat ``label`` blocked (nobody sits there) or not, and kept for the
    group ``reserved_for`` or not ("": not kept seat by seat)."""
    result = copy.deepcopy(hall or EMPTY_HALL)
    blocked_seats = [s for s in result.get("blocked", []) if s != label]
    if blocked:
        blocked_seats.append(label)
    result["blocked"] = blocked_seats
    kept = {k: v for k, v in result.get("reserved_seats", {}).items() if k != label}
    if reserved_for.strip() and not blocked:
        kept[label] = reserved_for.strip()
    if kept:
        result["reserved_seats"] = kept
    else:
        result.pop("reserved_seats", None)
    return result
