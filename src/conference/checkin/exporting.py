"""The arrivals as a spreadsheet: who came, when, through which desk, in the order they came."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from conference import spreadsheets
from conference.actors import EventRow
from conference.formatting import local
from conference.invitations import substitute_of
from conference.tables import Delegate

HEADERS = (
    "Giờ đến",
    "Danh xưng",
    "Họ và tên",
    "Chức vụ",
    "Đơn vị",
    "Nhóm",
    "Ghế",
    "Bàn đón",
    "Mã",
    "Người dự thay",  # who came in the delegate's place (cử người dự thay), if anyone
)

Cell = str | datetime


async def arrival_rows(event: EventRow) -> tuple[list[str], list[list[Cell]]]:
    """Everyone of ``event`` checked in, the first arrival first: (headers, rows).

    The arrival time is a datetime in the event's zone without its offset (a
    spreadsheet keeps no zone), so Excel holds it as a date cell; the desk is the one
    that admitted them ("" for a check-in made by an account without a desk name).
    """
    rows = (
        await Delegate.select(
            Delegate.checked_in_at,
            Delegate.honorific,
            Delegate.full_name,
            Delegate.position,
            Delegate.organization,
            Delegate.group_name,
            Delegate.seat,
            Delegate.checked_in_desk,
            Delegate.code,
            Delegate.substitute_honorific,
            Delegate.substitute_name,
            Delegate.substitute_position,
        )
        .where((Delegate.event == event["id"]) & Delegate.checked_in_at.is_not_null())
        .order_by(Delegate.checked_in_at, Delegate.id)
    )
    zone = event["timezone"]
    return list(HEADERS), [
        [
            local(row["checked_in_at"], zone).replace(tzinfo=None),
            row["honorific"],
            row["full_name"],
            row["position"],
            row["organization"],
            row["group_name"],
            row["seat"],
            row["checked_in_desk"],
            row["code"] or "",
            _substitute(row),
        ]
        for row in rows
    ]


def _substitute(row: dict[str, Any]) -> str:
    """ "Ông Trần Văn Bình, Phó Giám đốc" for a substitute, "" for nobody."""
    substitute = substitute_of(row)
    if substitute is None:
        return ""
    person = " ".join(p for p in (substitute["honorific"], substitute["full_name"]) if p)
    return ", ".join(p for p in (person, substitute["position"]) if p)


def to_csv(headers: list[str], rows: list[list[Cell]]) -> bytes:
    """The arrivals as CSV (UTF-8 with a BOM), formula-like cells protected."""
    return spreadsheets.to_csv(headers, rows)


def to_xlsx(headers: list[str], rows: list[list[Cell]]) -> bytes:
    """The arrivals as an XLSX workbook, its sheet named "Đại biểu đã đến"."""
    return spreadsheets.to_xlsx(headers, rows, title="Đại biểu đã đến")
