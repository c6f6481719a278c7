"""After the ceremony: what became of each recipient's certificate."""

from __future__ import annotations

from dataclasses import dataclass

from conference.actors import EventRow
from conference.formatting import local_datetime
from conference.program.runsheet.view import RecipientView, load
from conference.tables import CueState, Presence

RECEIVED_IN_PERSON = "in_person"
RECEIVED_BY_STAND_IN = "stand_in"
TO_DELIVER = "to_deliver"
DELIVERED_LATER = "delivered"


@dataclass(frozen=True)
class ReconciliationRow:
    form_title: str
    recipient: RecipientView
    outcome: str  # in_person | stand_in | to_deliver | delivered


@dataclass
class Reconciliation:
    rows: list[ReconciliationRow]

    def count(self, outcome: str) -> int:
        return sum(row.outcome == outcome for row in self.rows)


def _outcome(recipient: RecipientView, batch_state: str | None) -> str:
    if batch_state == CueState.done and recipient.marked == Presence.expected:
        return RECEIVED_IN_PERSON
    if batch_state == CueState.done and recipient.marked == Presence.stand_in:
        return RECEIVED_BY_STAND_IN
    # Absent, or their batch skipped or never reached: the certificate is still in hand.
    return DELIVERED_LATER if recipient.delivered_at is not None else TO_DELIVER


async def reconciliation(event: EventRow) -> Reconciliation:
    """Every recipient and what became of their certificate, in calling order."""
    sheet = await load(event)
    states = {cue.id: cue.state for cue in sheet.cues}
    return Reconciliation(
        rows=[
            ReconciliationRow(
                form_title=sheet.forms[r.form_id]["title"],
                recipient=r,
                outcome=_outcome(r, states.get(r.cue_id) if r.cue_id else None),
            )
            for r in sheet.recipients
        ]
    )


RECONCILIATION_HEADERS = [
    "STT",
    "Hình thức khen thưởng",
    "Loại",
    "Tên",
    "Người nhận",
    "Kết quả",
    "Người nhận thay",
    "Đã trao sau lúc",
]


def reconciliation_table(
    report: Reconciliation, names: dict[str, str], timezone: str
) -> tuple[list[str], list[list[str]]]:
    """The reconciliation as a spreadsheet: its headers and one row per recipient.

    ``names`` are the kinds' and outcomes' names in the reader's language.
    """
    rows = [
        [
            str(number),
            row.form_title,
            names[row.recipient.kind],
            row.recipient.name,
            row.recipient.receiver.addressed() if row.recipient.receiver else "",
            names[row.outcome],
            row.recipient.stand_in,
            local_datetime(row.recipient.delivered_at, timezone),
        ]
        for number, row in enumerate(report.rows, start=1)
    ]
    return RECONCILIATION_HEADERS, rows
