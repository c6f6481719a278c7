"""The delegate form, parsed and checked."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import msgspec

from conference.errors import N_, FormErrors
from conference.invitations.services import DelegateInput
from conference.limits import limit_of
from conference.tables import Delegate
from conference.text import nfc
from conference.validation import is_email

FIELDS = (
    "full_name",
    "honorific",
    "position",
    "organization",
    "email",
    "phone",
    "group",
    "protocol_rank",
    "seat",
    "code",
    "notes",
)
# The most each text field takes: its column's limit, as the form's maxlength (saving
# checks the same limit, conference.limits).
MAX_LENGTHS = {
    name: limit_of(column)
    for name, column in {
        "full_name": Delegate.full_name,
        "honorific": Delegate.honorific,
        "position": Delegate.position,
        "organization": Delegate.organization,
        "email": Delegate.email,
        "phone": Delegate.phone,
        "group": Delegate.group_name,
        "seat": Delegate.seat,
        "code": Delegate.code,
        "notes": Delegate.notes,
    }.items()
}


def parse_delegate_form(form: Mapping[str, str]) -> DelegateInput:
    """A DelegateInput from the form; raise FormErrors naming every wrong field."""
    errors: dict[str, str] = {}
    text = {name: nfc(form.get(name, "")) for name in FIELDS}
    if not text["full_name"]:
        errors["full_name"] = N_("Enter the delegate's full name.")
    email = text["email"].lower()
    if email and not is_email(email):
        errors["email"] = N_("This e-mail address is not valid.")
    rank: int | None = None
    if text["protocol_rank"]:
        try:
            rank = int(text["protocol_rank"])
        except ValueError:
            rank = 0
        if rank < 1:
            errors["protocol_rank"] = N_("The protocol rank is a whole number from 1.")
    if errors:
        raise FormErrors(errors)
    return DelegateInput(
        full_name=text["full_name"],
        honorific=text["honorific"],
        position=text["position"],
        organization=text["organization"],
        email=email or None,
        phone=text["phone"],
        group=text["group"],
        protocol_rank=rank,
        seat=text["seat"],
        code=text["code"] or None,
        notes=text["notes"],
    )


class SubstituteOut(msgspec.Struct):
    """Who attends in an invited delegate's place (cử người dự thay), on the same code."""

    honorific: str
    full_name: str
    position: str


class DelegateOut(msgspec.Struct, omit_defaults=True):
    """A delegate as the API shows one; e-mail, phone and link only to organizers."""

    id: int
    full_name: str
    honorific: str
    position: str
    organization: str
    group: str
    seat: str
    protocol_rank: int | None
    notes: str
    rsvp: str
    checked_in_at: datetime | None
    email: str | None = None
    phone: str | None = None
    invitation_url: str | None = None
    substitute: SubstituteOut | None = None  # who attends in their place, if anyone


class DelegateListOut(msgspec.Struct):
    delegates: list[DelegateOut]
    more: bool  # more delegates match than were returned: narrow the search
