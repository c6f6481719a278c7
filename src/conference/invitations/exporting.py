"""Export the delegate list as CSV or XLSX, in the columns the import reads back."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from conference.errors import N_, NotFound
from conference.formatting import local_datetime
from conference.i18n import gettext
from conference.invitations.importing import COLUMNS, STATE_HEADERS, is_formula_like
from conference.tables import Delegate, Event, Rsvp

RSVP_LABELS = {
    Rsvp.pending.value: N_("No answer yet"),
    Rsvp.accepted.value: N_("Accepted"),
    Rsvp.declined.value: N_("Declined"),
}
# A number cell sorts as a number in a spreadsheet; longer digit strings (phones,
# codes) stay text so no leading zero or digit is lost.
_MAX_NUMBER_DIGITS = 6


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
    """A CSV file in UTF-8 with a BOM, so Excel shows Vietnamese right.

    A cell a spreadsheet would run as a formula gets a leading quote (OWASP's
    advice against CSV injection); the import takes it off again.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in (headers, *rows):
        writer.writerow([f"'{cell}" if is_formula_like(cell) else cell for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(headers: list[str], rows: list[list[str]]) -> bytes:
    """An XLSX workbook: header row bold and frozen, every cell a value, never a formula."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Đại biểu"
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for number, row in enumerate(rows, start=2):
        for column, text in enumerate(row, start=1):
            cell = sheet.cell(row=number, column=column, value=_xlsx_value(text))
            # openpyxl takes any text starting with "=" for a formula.
            if cell.data_type == "f":
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(text: str) -> str | int:
    short_number = text.isascii() and text.isdigit() and len(text) <= _MAX_NUMBER_DIGITS
    if short_number and str(int(text)) == text:
        return int(text)
    # A string cell is never run; only a quote already leading a formula-like text
    # needs one more, as the import drops one from such a text.
    if text.startswith("'") and is_formula_like(text):
        text = "'" + text
    cleaned: str = ILLEGAL_CHARACTERS_RE.sub("", text)
    return cleaned
