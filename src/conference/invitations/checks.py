"""What an imported delegate list deserves a second look at, without stopping the import.

Offices' lists carry mistakes that are still valid data: two people at one protocol
rank, clerks numbered 1 and 2 like the leaders (they would then be announced as VIPs
and chosen as presenters), rows without Danh xưng (the letter and the MC need "Ông" or
"Bà"), phone numbers a spreadsheet mangled. Each becomes a ``PlanWarning`` of the
preview; none is a bad row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from conference.errors import N_
from conference.imports import PlanWarning
from conference.text import fold, nfc

# Words a leader's title holds (folded): the heads and deputies of a state, Party or
# mass organization, an office, a company or a school. "trưởng" covers Bộ trưởng, Thứ
# trưởng, Vụ trưởng, Cục trưởng, Trưởng ban, Trưởng phòng, Hiệu trưởng, Viện trưởng….
_LEADER_WORDS = (
    "truong",
    "chu tich",
    "bi thu",
    "giam doc",
    "chanh",
    "tong bien tap",
    "chu nhiem",
    "uy vien",
    "tu lenh",
    "chinh uy",
    "dai bieu quoc hoi",
    "thu tuong",
    "lanh dao",
)
_LEADER = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in _LEADER_WORDS) + r")\b")

# Vietnamese numbers once spaces, dots, dashes and brackets are gone: a mobile
# (0 + 3/5/7/8/9 + 8 digits), a landline (02 + 9 digits), either after +84 / 0084 / 84
# without its 0, or a 1800 / 1900 service number.
_MOBILE_OR_LANDLINE = re.compile(r"^(?:0|\+84|0084|84)(?:[35789]\d{8}|2\d{9})$")
_SERVICE = re.compile(r"^1[89]00\d{4,6}$")
_PHONE_NOISE = re.compile(r"[\s.\-()]+")
_SEVERAL = re.compile(r"\s*[/,;]\s*|\s+-\s+")


def looks_like_leader(position: str) -> bool:
    """Whether an official title names a head or a deputy ("Phó Giám đốc Sở", "Chủ tịch
    Công đoàn", "Vụ trưởng"), not a staff member ("Chuyên viên", "Kế toán")."""
    return bool(_LEADER.search(fold(nfc(position))))


def is_vietnamese_phone(text: str) -> bool:
    """Whether every number in ``text`` ("0913 245 768", "+84 24 3825 1234", two
    numbers split by "/" or ",") is a Vietnamese mobile, landline or service number."""
    numbers = [n for n in _SEVERAL.split(nfc(text)) if n]
    return bool(numbers) and all(
        _MOBILE_OR_LANDLINE.match(bare) or _SERVICE.match(bare)
        for bare in (_PHONE_NOISE.sub("", number) for number in numbers)
    )


@dataclass(frozen=True)
class CheckedRow:
    """A good row of the file and the delegate it makes (after the import)."""

    row: int
    delegate_id: int | None  # the matched delegate, None for a new one
    full_name: str
    honorific: str
    position: str
    phone: str
    protocol_rank: int | None


def warnings(
    rows: Sequence[CheckedRow],
    others: Iterable[dict[str, Any]],
    *,
    vip_rank_threshold: int,
    has_honorific_column: bool,
) -> list[PlanWarning]:
    """The plan's warnings for ``rows``; ``others`` are the event's delegates the file
    does not touch (``id``, ``full_name``, ``protocol_rank``), whose ranks count too."""
    return [
        *_shared_ranks(rows, others),
        *_ranked_like_leaders(rows, vip_rank_threshold),
        *_without_honorific(rows, has_honorific_column),
        *_foreign_phones(rows),
    ]


def _shared_ranks(
    rows: Sequence[CheckedRow], others: Iterable[dict[str, Any]]
) -> list[PlanWarning]:
    in_file: dict[int, list[CheckedRow]] = {}
    for row in rows:
        if row.protocol_rank is not None:
            in_file.setdefault(row.protocol_rank, []).append(row)
    touched = {row.delegate_id for row in rows if row.delegate_id is not None}
    listed: dict[int, list[str]] = {}
    for other in others:
        if other["id"] not in touched and other["protocol_rank"] in in_file:
            listed.setdefault(other["protocol_rank"], []).append(other["full_name"])
    found = []
    for rank in sorted(in_file):
        holders, already = in_file[rank], listed.get(rank, [])
        if len(holders) < 2 and not already:
            continue
        rows_at = tuple(row.row for row in holders)
        if already:
            found.append(
                PlanWarning(
                    N_("Protocol rank %(rank)s is also held by %(names)s, already on the list."),
                    rows_at,
                    {"rank": rank, "names": ", ".join(already)},
                )
            )
        else:
            found.append(
                PlanWarning(
                    N_("Protocol rank %(rank)s is given to %(count)s delegates: %(names)s."),
                    rows_at,
                    {
                        "rank": rank,
                        "count": len(holders),
                        "names": ", ".join(row.full_name for row in holders),
                    },
                )
            )
    return found


def _ranked_like_leaders(rows: Sequence[CheckedRow], threshold: int) -> list[PlanWarning]:
    return [
        PlanWarning(
            N_(
                "%(name)s has protocol rank %(rank)s, announced on arrival like a leader "
                "(ranks 1 to %(threshold)s), but the title “%(position)s” is not a leader's."
            ),
            (row.row,),
            {
                "name": row.full_name,
                "rank": row.protocol_rank,
                "threshold": threshold,
                "position": row.position,
            },
        )
        for row in rows
        if row.protocol_rank is not None
        and row.protocol_rank <= threshold
        and not looks_like_leader(row.position)
    ]


def _without_honorific(rows: Sequence[CheckedRow], has_column: bool) -> list[PlanWarning]:
    missing = tuple(row.row for row in rows if not row.honorific)
    if not missing:
        return []
    if not has_column:
        message = N_(
            "The file has no Danh xưng column: %(count)s delegates have no honorific "
            "(Ông, Bà) for their letters and the MC."
        )
    else:
        message = N_(
            "%(count)s delegates have no Danh xưng (Ông, Bà) for their letters and the MC."
        )
    return [PlanWarning(message, missing, {"count": len(missing)})]


def _foreign_phones(rows: Sequence[CheckedRow]) -> list[PlanWarning]:
    return [
        PlanWarning(
            N_("The phone number %(phone)s of %(name)s is not a Vietnamese number."),
            (row.row,),
            {"phone": row.phone, "name": row.full_name},
        )
        for row in rows
        if row.phone and not is_vietnamese_phone(row.phone)
    ]
