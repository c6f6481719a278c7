"""Export the delegate list as CSV or XLSX, in the columns the import reads back."""

from __future__ import annotations

from typing import Any

from conference import spreadsheets
from conference.errors import N_, NotFound
from conference.formatting import local_datetime
from conference.i18n import gettext
from conference.invitations.importing import COLUMNS, STATE_HEADERS
from conference.tables import Delegate, Event, Rsvp

RSVP_LABELS = {
    Rsvp.pending.value: N_("No answer yet"),
    Rsvp.accepted.value: N_("Accepted"),
    Rsvp.declined.value: N_("Declined"),
}


async def export_rows(event_id: int) -> tuple[list[str], list[list[str]]]:
    """The event's delegates as spreadsheet rows: (headers, rows), in the order they were added.

    The headers are those the import reads (so an exported file re-imports as
    unchanged), then read-only state columns the import skips: the RSVP, whether
    the invitation is revoked, and the check-in time in the event's time zone.
    Raises NotFound for an unknown event.
    """
    event = await Event.select(Event.timezone).where(Event.id == event_id).first()
    if event is None:
        raise NotFound(N_("There is no event at this address."))
    delegates = await Delegate.select().where(Delegate.event == event_id).order_by(Delegate.id)
    headers = [column.header for column in COLUMNS] + list(STATE_HEADERS)
    return headers, [_row(delegate, event["timezone"]) for delegate in delegates]


def _row(delegate: dict[str, Any], timezone: str) -> list[str]:
    stored = {"group": "group_name"}
    cells = [delegate[stored.get(column.field, column.field)] for column in COLUMNS]
    revoked = delegate["revoked_at"] is not None
    return [
        *("" if value is None else str(value) for value in cells),
        gettext(RSVP_LABELS.get(delegate["rsvp"], delegate["rsvp"])),
        gettext(N_("Invitation revoked")) if revoked else gettext(N_("Invitation valid")),
        local_datetime(delegate["checked_in_at"], timezone),
    ]


def to_csv(headers: list[str], rows: list[list[str]]) -> bytes:
    """The delegate list as CSV, formula-like cells protected (see ``conference.spreadsheets``)."""
    return spreadsheets.to_csv(headers, rows)


def to_xlsx(headers: list[str], rows: list[list[str]]) -> bytes:
    """The delegate list as an XLSX workbook, its sheet named "Đại biểu"."""
    return spreadsheets.to_xlsx(headers, rows, title="Đại biểu")
