"""What the event form carries, parsed and checked."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, time
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from conference.errors import FormErrors
from conference.i18n import N_
from conference.text import nfc, slugify

T = TypeVar("T")
IssueDate = date  # the field ``date`` of EventInput hides the type inside the class

TEXT_FIELDS = (
    "title",
    "organizer_name",
    "co_organizer_name",
    "venue",
    "address",
    "signer_name",
    "signer_title",
    "document_number",
    "parent_agency",
    "place_of_issue",
    "signer_superior_title",
)

# Thẩm quyền ký (Nghị định 30/2020/NĐ-CP, Điều 13): ký thay, thay mặt, quyền,
# thừa lệnh, thừa ủy quyền; "" when the head signs in their own name.
SIGNER_AUTHORITIES = ("", "KT.", "TM.", "Q.", "TL.", "TUQ.")


@dataclass(frozen=True)
class EventInput:
    slug: str
    title: str
    organizer_name: str
    co_organizer_name: str
    venue: str
    address: str
    date: date
    starts_at: time
    ends_at: time
    timezone: str
    signer_name: str
    signer_title: str
    document_number: str
    parent_agency: str
    place_of_issue: str
    signer_superior_title: str
    stage_capacity: int
    vip_rank_threshold: int
    signer_authority: str = ""
    issued_on: IssueDate | None = None
    recipients_note: str = ""
    invite_signer: bool = False
    invite_presidium: bool = False

    @classmethod
    def from_form(cls, form: Mapping[str, str]) -> EventInput:
        """Parse the event form; raise FormErrors naming every wrong field."""
        errors: dict[str, str] = {}
        text = {name: nfc(form.get(name, "")) for name in TEXT_FIELDS}
        if not text["title"]:
            errors["title"] = N_("Enter the event's title.")
        slug = slugify(form.get("slug", "") or text["title"])
        if not slug and "title" not in errors:
            errors["slug"] = N_("Enter a short address made of letters and digits.")
        day = _parse(
            errors,
            "date",
            form.get("date", ""),
            date.fromisoformat,
            N_("Enter a date like 2022-09-12."),
        )
        start = _parse(
            errors,
            "starts_at",
            form.get("starts_at", ""),
            time.fromisoformat,
            N_("Enter a time like 07:30."),
        )
        end = _parse(
            errors,
            "ends_at",
            form.get("ends_at", ""),
            time.fromisoformat,
            N_("Enter a time like 11:30."),
        )
        if start and end and end <= start:
            errors["ends_at"] = N_("The end must come after the start.")
        timezone = (form.get("timezone") or "Asia/Ho_Chi_Minh").strip()
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            errors["timezone"] = N_("Unknown time zone.")
        capacity = _parse(
            errors,
            "stage_capacity",
            form.get("stage_capacity") or "10",
            int,
            N_("Enter a whole number."),
        )
        if capacity is not None and not 1 <= capacity <= 100:
            errors["stage_capacity"] = N_("The stage holds between 1 and 100 people.")
        threshold = _parse(
            errors,
            "vip_rank_threshold",
            form.get("vip_rank_threshold") or "3",
            int,
            N_("Enter a whole number."),
        )
        if threshold is not None and threshold < 0:
            errors["vip_rank_threshold"] = N_("Enter a whole number.")
        authority = (form.get("signer_authority") or "").strip().upper()
        if authority and not authority.endswith("."):
            authority += "."
        if authority not in SIGNER_AUTHORITIES:
            errors["signer_authority"] = N_("Choose KT., TM., Q., TL., TUQ. or none.")
        if authority and not text["signer_superior_title"]:
            errors["signer_superior_title"] = N_(
                "Enter the title of the one the signer signs for, e.g. Giám đốc."
            )
        issued_on = (
            _parse(
                errors,
                "issued_on",
                form["issued_on"],
                date.fromisoformat,
                N_("Enter a date like 2022-09-12."),
            )
            if (form.get("issued_on") or "").strip()
            else None
        )
        recipients = "\n".join(
            line
            for line in (nfc(line) for line in (form.get("recipients_note") or "").splitlines())
            if line
        )
        if errors:
            raise FormErrors(errors)
        assert day and start and end and capacity is not None and threshold is not None
        return cls(
            slug=slug,
            date=day,
            starts_at=start,
            ends_at=end,
            timezone=timezone,
            stage_capacity=capacity,
            vip_rank_threshold=threshold,
            signer_authority=authority,
            issued_on=issued_on,
            recipients_note=recipients,
            invite_signer=(form.get("invite_signer") or "") in ("on", "true", "1", "yes"),
            invite_presidium=(form.get("invite_presidium") or "") in ("on", "true", "1", "yes"),
            **text,
        )


def _parse(
    errors: dict[str, str], name: str, raw: str, parse: Callable[[str], T], message: str
) -> T | None:
    try:
        return parse(raw.strip())
    except ValueError:
        errors[name] = message
        return None
