"""Who is acting and on which event: the two things every service takes, typed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TypedDict

from conference.tables import Role


@dataclass(frozen=True)
class Actor:
    """The person acting: a signed-in user. Services take ``by: Actor | None``, where
    None is the system or the command line.

    ``events`` are the events the actor belongs to; None means every event (a
    department administrator, a department-wide desk or MC account). ``event_roles``
    gives the role in each of them where it is not ``role``; on an event's route the
    guard hands on the actor with ``role`` set to the role in that event. A paired desk
    device has its one event, and ``device`` is its id (``display_name`` its label).
    ``generation``: the account's session generation when it was read (a session of an
    older one has ended).
    """

    id: int
    username: str
    display_name: str
    role: Role
    events: frozenset[int] | None = None
    device: int | None = None
    administrator: bool = False
    event_roles: Mapping[int, Role] | None = field(default=None, hash=False)
    generation: int = 0

    @property
    def is_organizer(self) -> bool:
        return self.role is Role.organizer

    def role_in(self, event_id: int) -> Role | None:
        """The actor's role in the event ``event_id``; None when not a member."""
        if self.events is None:
            return self.role
        if event_id not in self.events:
            return None
        return (self.event_roles or {}).get(event_id, self.role)

    def roles_anywhere(self) -> frozenset[Role]:
        """Every role the actor holds in some event (its own role included)."""
        return frozenset({self.role, *(self.event_roles or {}).values()})

    def events_as(self, role: Role) -> frozenset[int] | None:
        """The events where the actor has ``role``; None for every event."""
        if self.events is None:
            return None if self.role is role else frozenset()
        return frozenset(e for e in self.events if self.role_in(e) is role)

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
    invite_presidium: bool
    stage_capacity: int
    vip_rank_threshold: int
    invitation_subject: str
    invitation_body: str
    seats_published: bool
    programme_final_at: datetime | None
    programme_final_by: int | None
    created_at: datetime
    updated_at: datetime
