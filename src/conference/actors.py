"""Who is acting and on which event: the two things every service takes, typed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TypedDict

from conference.tables import Role


@dataclass(frozen=True)
class Actor:
    """The person acting: a signed-in user. Services take ``by: Actor | None``, where
    None is the system or the command line.

    ``events`` are the events the actor belongs to; None means every event. Today's
    accounts have a role but no event membership, so they have None; a paired desk
    device has its one event, and ``device`` is its id (``display_name`` its label).
    """

    id: int
    username: str
    display_name: str
    role: Role
    events: frozenset[int] | None = None
    device: int | None = None

    @property
    def is_organizer(self) -> bool:
        return self.role is Role.organizer

    @property
    def label(self) -> str:
        return self.display_name or self.username


class EventRow(TypedDict):
    """An Event row as services read it (``Event.select().first()``): a plain dict,
    so the check-in scan path pays no copy for the type."""

    id: int
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
    issued_on: date | None
    signer_authority: str
    signer_superior_title: str
    recipients_note: str
    invite_signer: bool
    stage_capacity: int
    vip_rank_threshold: int
    invitation_subject: str
    invitation_body: str
    programme_final_at: datetime | None
    programme_final_by: int | None
    created_at: datetime
    updated_at: datetime
