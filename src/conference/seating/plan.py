"""The hall plan as an SVG drawn on the server: one square a seat, coloured by its state.

States (a class on each seat, styled by ``static/seating.css``): ``arrived`` (assigned,
checked in), ``waiting`` (assigned, not here yet), ``free``, ``reserved`` (free, kept for
a group), ``blocked``. Each seat links to the plan with that seat chosen, and carries
``data-delegate`` so the page turns it ``arrived`` when the live stream says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

SEAT = 22  # px of a seat's square
UNIT = 6  # px per unit of ``x`` (a seat is 4 units: half-seat units, doubled)
ROW = 28  # px between rows
STAGE = 70  # px of the stage band, where the presidium sits
MARGIN = 30


def state(seat: dict[str, Any]) -> str:
    if seat["blocked"]:
        return "blocked"
    if seat["delegate"] is not None:
        return "arrived" if seat.get("delegate.checked_in_at") else "waiting"
    return "reserved" if seat["reserved_for"] else "free"


def render(seats: Sequence[dict[str, Any]], *, link: str = "?seat=", chosen: str = "") -> str:
    """The plan of ``seats`` (rows of ``services.seats``)."""
    if not seats:
        return ""
    low = min(int(s["x"]) for s in seats)
    high = max(int(s["x"]) for s in seats)
    deepest = max(int(s["depth"]) for s in seats)
    width = (high - low) * UNIT + SEAT + 2 * MARGIN
    height = STAGE + (deepest + 1) * ROW + 2 * MARGIN

    def left(seat: dict[str, Any]) -> int:
        return MARGIN + (int(seat["x"]) - low) * UNIT

    def top(seat: dict[str, Any]) -> int:
        if seat["presidium"]:
            return MARGIN + (STAGE - 22 - SEAT) // 2
        return MARGIN + STAGE + int(seat["depth"]) * ROW

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="hall-plan" viewBox="0 0 {width} {height}"'
        f' role="group" aria-label="Sơ đồ hội trường">',
        f'<rect class="stage" x="{MARGIN}" y="{MARGIN}" width="{width - 2 * MARGIN}"'
        f' height="{STAGE - 22}" rx="6"/>',
    ]
    labelled: set[tuple[str, str]] = set()
    first_depth: dict[str, int] = {}
    for seat in seats:
        if not seat["presidium"]:
            first_depth[seat["block"]] = min(first_depth.get(seat["block"], 10**6), seat["depth"])
    for seat in seats:
        key = (seat["block"], seat["row"])
        if not seat["presidium"] and key not in labelled:
            labelled.add(key)
            parts.append(
                f'<text class="row-label" x="{left(seat) - 4}" y="{top(seat) + 15}"'
                f' text-anchor="end">{escape(seat["row"])}</text>'
            )
            if seat["depth"] == first_depth[seat["block"]]:
                parts.append(
                    f'<text class="block-label" x="{left(seat)}" y="{top(seat) - 6}">'
                    f"{escape(seat['block'])}</text>"
                )
        name = seat.get("delegate.full_name") or ""
        title = " – ".join(p for p in (seat["label"], name, seat["reserved_for"]) if p)
        classes = f"seat {state(seat)}" + (" pinned" if seat["pinned"] else "")
        classes += " chosen" if seat["label"] == chosen else ""
        delegate = seat["delegate"] if seat["delegate"] is not None else ""
        parts.append(
            f'<a href="{escape(link + seat["label"])}" class="{classes}"'
            f' data-label="{escape(seat["label"])}" data-delegate="{delegate}">'
            f"<title>{escape(title)}</title>"
            f'<rect x="{left(seat)}" y="{top(seat)}" width="{SEAT}" height="{SEAT}" rx="3"/>'
            f'<text x="{left(seat) + SEAT // 2}" y="{top(seat) + 15}" text-anchor="middle">'
            f"{seat['number']}</text></a>"
        )
    parts.append("</svg>")
    return "".join(parts)
