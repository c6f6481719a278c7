"""What the protocol staff carry: name cards (biển tên), the seating chart, badges.

Name cards go to the presidium and the front rows (``FRONT_ROWS``), or to everyone
seated; a badge (thẻ đại biểu, A6) carries name, title, organization, the group's
colour, the seat and the personal QR code (the invitation URL, as on the letter; the
e-mail's PNG, whole pixels a module, scaled without smoothing so it prints sharp).
Every print names who comes: a delegate's substitute, when one is named, with a small
"dự thay Ông Y" line (``invitations.who_attends``).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from conference.invitations import invitation_url, prepare_png, qr_png, who_attends
from conference.seating import services
from conference.tables import Coming, Delegate

FRONT_ROWS = 2  # rows of the hall after the presidium that get name cards
_SITTER = (
    "full_name",
    "honorific",
    "position",
    "substitute_honorific",
    "substitute_name",
    "substitute_position",
)


def sitter(seat: dict[str, Any]) -> dict[str, str]:
    """Who comes to sit in a seat of ``services.seats`` (``who_attends`` of its delegate)."""
    return who_attends({name: seat[f"delegate.{name}"] for name in _SITTER})


# The usual groups' colours; any other group gets one of PALETTE by its name.
GROUP_COLOURS = {
    "Lãnh đạo": "#b91c1c",
    "Khách mời": "#b45309",
    "Khen thưởng": "#15803d",
    "Báo chí": "#1d4ed8",
    "Đại biểu": "#475569",
}
PALETTE = ("#7c3aed", "#0f766e", "#be185d", "#4d7c0f", "#0369a1", "#a16207")


def group_colour(group: str) -> str:
    if not group:
        return "#475569"
    if group in GROUP_COLOURS:
        return GROUP_COLOURS[group]
    digest = hashlib.sha256(group.encode("utf-8")).digest()
    return PALETTE[digest[0] % len(PALETTE)]


async def name_cards(event_id: int, *, everyone: bool = False) -> list[dict[str, Any]]:
    """One card a seated delegate of the presidium and the front rows (or all seated),
    presidium first, each row from the centre outwards."""
    rows = [r for r in await services.seats(event_id) if r["delegate"] is not None]
    if not everyone:
        rows = [r for r in rows if r["depth"] < FRONT_ROWS]
    rows.sort(key=lambda r: (r["depth"], abs(r["x"]), r["x"] < 0))
    return [{"label": r["label"], **sitter(r)} for r in rows]


async def chart(event_id: int) -> list[dict[str, Any]]:
    """The hall by block and row, each seat with its number and who sits there."""
    blocks: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for r in await services.seats(event_id):
        r["sitter"] = sitter(r) if r["delegate"] is not None else None
        block = "Đoàn chủ tịch" if r["presidium"] else f"Khu {r['block']}"
        blocks.setdefault(block, {}).setdefault(r["row"], []).append(r)
    return [
        {"name": name, "rows": [{"label": label, "seats": seats} for label, seats in rows.items()]}
        for name, rows in blocks.items()
    ]


async def badges(
    event_id: int, base_url: str, *, ids: list[int] | None = None
) -> list[dict[str, Any]]:
    """A badge for every delegate who will come (or ``ids``), in protocol order."""
    hall = await services.get_hall(event_id)
    people = await services.coming_delegates(event_id, hall.coming if hall else Coming.not_declined)
    if ids is not None:
        wanted = set(ids)
        people = [p for p in people if p["id"] in wanted]
    seats = {
        r["id"]: r["seat"]
        for r in await Delegate.select(Delegate.id, Delegate.seat).where(Delegate.event == event_id)
    }
    urls = [invitation_url(base_url, person["token"]) for person in people]
    # The e-mail's PNGs (whole pixels a module, drawn pixelated on the badge), made on
    # every core and cached: the same ones the invitations sent, so often made already.
    await prepare_png(urls)
    result = []
    for person, url in zip(people, urls, strict=True):
        png = qr_png(url)
        result.append(
            {
                **who_attends(person),
                "organization": person["organization"],
                "group": person["group_name"],
                "colour": group_colour(person["group_name"]),
                "seat": seats.get(person["id"], ""),
                "qr": "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
            }
        )
    return result


async def block_cards(event_id: int) -> list[dict[str, Any]]:
    """A table card a block (Khu A), naming the groups kept there, for the block's front."""
    blocks: dict[str, list[str]] = {}
    for r in await services.seats(event_id):
        if r["presidium"]:
            continue
        groups = blocks.setdefault(r["block"], [])
        if r["reserved_for"] and r["reserved_for"] not in groups:
            groups.append(r["reserved_for"])
    return [
        {
            "label": block,
            "full_name": f"Khu {block}",
            "position": ", ".join(groups),
            "in_place_of": "",
        }
        for block, groups in blocks.items()
    ]
