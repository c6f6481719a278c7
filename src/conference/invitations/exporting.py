"""Export the delegate list as CSV or XLSX: the list on screen, in the columns the import reads."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from conference import spreadsheets
from conference.errors import N_, NotFound
from conference.formatting import local
from conference.i18n import gettext, invitation_state_name
from conference.invitations.importing import COLUMNS, STATE_HEADERS
from conference.invitations.services import DelegateFilter, list_delegates
from conference.tables import Event, Rsvp

RSVP_LABELS = {
    Rsvp.pending.value: N_("No answer yet"),
    Rsvp.accepted.value: N_("Accepted"),
    Rsvp.declined.value: N_("Declined"),
}

Cell = str | datetime


async def export_rows(
    event_id: int, wanted: DelegateFilter | None = None
) -> tuple[list[str], list[list[Cell]]]:
    """The delegates the list page shows for ``wanted`` (everyone when None), in its order,
    as spreadsheet rows: (headers, rows), every one of them, not only the page's first.

    The headers are those the import reads (so an exported file re-imports as
    unchanged), then read-only state columns the import skips: the RSVP, the
    invitation's state as the list shows it (sent, failed, withdrawn, …), and the
    check-in time, a datetime in the event's time zone without its offset (a
    spreadsheet keeps no zone). A filter that matches nobody, a group or an answer
    that does not exist included, gives the headers alone.
    Raises NotFound for an unknown event.
    """
    event = await Event.select(Event.timezone).where(Event.id == event_id).first()
    if event is None:
        raise NotFound(N_("There is no event at this address."))
    listing = await list_delegates(event_id, wanted or DelegateFilter(), limit=None)
    headers = [column.header for column in COLUMNS] + list(STATE_HEADERS)
    return headers, [_row(delegate, event["timezone"]) for delegate in listing.rows]


def _row(delegate: dict[str, Any], timezone: str) -> list[Cell]:
    stored = {"group": "group_name"}
    cells = [delegate[stored.get(column.field, column.field)] for column in COLUMNS]
    arrived = delegate["checked_in_at"]
    return [
        *("" if value is None else str(value) for value in cells),
        gettext(RSVP_LABELS.get(delegate["rsvp"], delegate["rsvp"])),
        invitation_state_name(delegate["invitation_state"]),
        local(arrived, timezone).replace(tzinfo=None) if arrived is not None else "",
    ]


def to_csv(headers: list[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    """The delegate list as CSV, formula-like cells protected (see ``conference.spreadsheets``)."""
    return spreadsheets.to_csv(headers, rows)


def to_xlsx(headers: list[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    """The delegate list as an XLSX workbook, its sheet named "Đại biểu"."""
    return spreadsheets.to_xlsx(headers, rows, title="Đại biểu")
