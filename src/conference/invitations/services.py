"""Delegates and their invitation tokens: the rules every door (page, import, demo) shares."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from conference.tables import Delegate, DelegateSource
from conference.text import name_sort_key, nfc, search_key

# 24 random bytes: 192 bits, URL-safe, 32 characters; nothing about the delegate in it.
TOKEN_BYTES = 24


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


@dataclass(frozen=True)
class DelegateInput:
    """A delegate as an organizer, a file or the demo gives one (Vietnamese in NFC)."""

    full_name: str
    honorific: str = ""
    position: str = ""
    organization: str = ""
    email: str | None = None
    phone: str = ""
    group: str = ""
    protocol_rank: int | None = None
    seat: str = ""
    code: str | None = None
    notes: str = ""


def delegate_fields(data: DelegateInput) -> dict[str, Any]:
    """The stored columns of a delegate: text in NFC, e-mail lower case, keys derived.

    Every way a delegate is written (form, import, demo, walk-in) goes through here,
    so the search and sort keys always match the name.
    """
    full_name = nfc(data.full_name)
    position = nfc(data.position)
    organization = nfc(data.organization)
    return {
        "code": nfc(data.code) or None,
        "full_name": full_name,
        "honorific": nfc(data.honorific),
        "position": position,
        "organization": organization,
        "email": (data.email or "").strip().lower() or None,
        "phone": nfc(data.phone),
        "group_name": nfc(data.group),
        "protocol_rank": data.protocol_rank,
        "seat": nfc(data.seat),
        "notes": nfc(data.notes),
        "search_key": search_key(full_name, organization, position),
        "name_sort_key": name_sort_key(full_name),
    }


def delegate_row(event_id: int, data: DelegateInput, *, source: DelegateSource) -> Delegate:
    """A new Delegate row with a fresh token."""
    return Delegate(event=event_id, source=source, token=new_token(), **delegate_fields(data))


async def add_delegates(
    event_id: int, delegates: Sequence[DelegateInput], *, source: DelegateSource
) -> list[int]:
    """Insert delegates in one statement; return their ids in the given order."""
    if not delegates:
        return []
    rows = [delegate_row(event_id, data, source=source) for data in delegates]
    inserted = await Delegate.insert(*rows).returning(Delegate.id)
    return [row["id"] for row in inserted]
