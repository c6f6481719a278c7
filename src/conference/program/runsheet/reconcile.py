"""After the ceremony: what became of each recipient's certificate."""

from __future__ import annotations

from dataclasses import dataclass

from conference.actors import EventRow
from conference.formatting import local_datetime
from conference.program.runsheet.view import CueView, RecipientView, load
from conference.tables import CueState, Presence

RECEIVED_IN_PERSON = "in_person"
RECEIVED_BY_STAND_IN = "stand_in"
TO_DELIVER = "to_deliver"
DELIVERED_LATER = "delivered"
NOT_CALLED_YET = "not_called"  # chưa đến lượt: their batch is still to come


@dataclass(frozen=True)
class ReconciliationRow:
    form_title: str
    recipient: RecipientView
    outcome: str  # in_person | stand_in | to_deliver | delivered | not_called


@dataclass
class Reconciliation:
    rows: list[ReconciliationRow]

    def count(self, outcome: str) -> int:
        return sum(row.outcome == outcome for row in self.rows)


def _present_when_called(recipient: RecipientView, batch: CueView) -> bool:
    """Marked present at the stage, or checked in before their batch left the stage."""
    if recipient.marked == Presence.present:
        return True
    if recipient.marked != Presence.expected or recipient.arrived_at is None:
        return False
    over = batch.ended_at if batch.state == CueState.done else None
    return over is None or recipient.arrived_at <= over


def _outcome(recipient: RecipientView, batch: CueView | None) -> str:
    """What became of one certificate; only a called batch hands anything over."""
    if batch is not None and batch.state == CueState.pending:
        return NOT_CALLED_YET
    called = batch is not None and batch.state in (CueState.live, CueState.done)
    if called and batch is not None and recipient.marked == Presence.stand_in:
        return RECEIVED_BY_STAND_IN
    if called and batch is not None and _present_when_called(recipient, batch):
        return RECEIVED_IN_PERSON
    # Absent when called, their batch skipped, or in no batch: the certificate is in hand.
    return DELIVERED_LATER if recipient.delivered_at is not None else TO_DELIVER


async def reconciliation(event: EventRow) -> Reconciliation:
    """Every recipient and what became of their certificate, in calling order.

    "In person" only for someone present when their batch was called: marked present
    at the stage, or checked in before the batch's end. A batch still to come is
    "not called yet", never absent.
    """
    sheet = await load(event)
    batches = {cue.id: cue for cue in sheet.cues}
    return Reconciliation(
        rows=[
            ReconciliationRow(
                form_title=sheet.forms[r.form_id]["title"],
                recipient=r,
                outcome=_outcome(r, batches.get(r.cue_id) if r.cue_id else None),
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
