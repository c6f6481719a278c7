"""The run sheet as every view reads it: cues, recipients, presenters, warnings and suggestions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from conference.actors import EventRow
from conference.checkin import arrival_times
from conference.errors import N_, NotFound
from conference.program import agenda, awards
from conference.program.runsheet import script
from conference.program.runsheet.script import Called, Person
from conference.tables import (
    Cue,
    CueKind,
    CuePresenter,
    CueState,
    ItemKind,
    Presence,
    ProgrammeItem,
    RecipientKind,
)
from conference.text import nfc

# Presence as the views show it: arrival from check-in, or what the stage manager marked.
ARRIVED = "arrived"
NOT_ARRIVED = "not_arrived"
STAND_IN = "stand_in"
ABSENT = "absent"


@dataclass
class RecipientView:
    id: int
    form_id: int
    cue_id: int | None
    kind: str
    name: str
    delegate_id: int | None
    presence: str  # arrived | not_arrived | stand_in | absent
    marked: str  # the stored Presence: expected | present | stand_in | absent
    line: str  # how the MC calls them
    receiver: Person | None
    stand_in: str  # "Bà X" when someone receives in their place
    stand_in_name: str
    stand_in_delegate_id: int | None
    arrived_at: datetime | None
    citation: str
    pronunciation_note: str
    order: int  # place in the batch (cue_position)
    delivered_at: datetime | None
    stage_position: int | None = None  # 1.. from the left, seen from the hall; None if absent

    @property
    def linked(self) -> bool:
        """Whether arrival can be known: someone on the delegate list receives."""
        return self.delegate_id is not None


@dataclass
class PresenterView:
    id: int
    delegate_id: int | None
    person: Person
    arrived: bool


@dataclass
class CueView:
    id: int
    position: int
    kind: str
    title: str
    script: str
    script_edited: bool
    state: str
    music: str
    photo: str
    award_form_id: int | None
    programme_item_id: int | None
    planned_duration_s: int
    started_at: datetime | None
    ended_at: datetime | None
    presenters: list[PresenterView] = field(default_factory=list)
    recipients: list[RecipientView] = field(default_factory=list)
    warnings: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    suggestions: list[RecipientView] = field(default_factory=list)  # to pull forward

    @property
    def on_stage(self) -> list[RecipientView]:
        return [r for r in self.recipients if r.marked != Presence.absent]

    @property
    def absentees(self) -> int:
        return len(self.recipients) - len(self.on_stage)


@dataclass
class RunSheet:
    event_id: int
    stage_capacity: int
    cues: list[CueView]
    recipients: list[RecipientView]  # all, in calling order (forms by rank)
    unassigned: list[RecipientView]  # on the award list, in no batch
    forms: dict[int, dict[str, Any]]
    programme_item: dict[str, Any] | None
    rehearsal: bool = False  # a rehearsal runs: what is recorded is discarded at its end

    @property
    def current(self) -> CueView | None:
        return next((c for c in self.cues if c.state == CueState.live), None)

    @property
    def status(self) -> str:
        """not_started, running or finished.

        The ceremony has started once a cue is done: a cue left out beforehand is
        skipped too, and does not start it.
        """
        if self.current is not None:
            return "running"
        if not any(c.state == CueState.done for c in self.cues):
            return "not_started"
        return "running" if any(c.state == CueState.pending for c in self.cues) else "finished"

    @property
    def next(self) -> CueView | None:
        """The cue Next makes live."""
        current = self.current
        after = current.position if current else None
        for cue in self.cues:
            if cue.state == CueState.pending and (after is None or cue.position > after):
                return cue
        return None

    @property
    def planned_total_s(self) -> int:
        return sum(c.planned_duration_s for c in self.cues if c.state != CueState.skipped)

    def cue(self, cue_id: int) -> CueView:
        for cue in self.cues:
            if cue.id == cue_id:
                return cue
        raise NotFound(N_("This cue is not on the run sheet."))

    def batches_near_live(self) -> list[CueView]:
        """The live or next batch and the batch after it: whose presence the views show."""
        start = self.current or self.next
        if start is None:
            return []
        batches = [
            c
            for c in self.cues
            if c.kind == CueKind.batch
            and c.position >= start.position
            and c.state in (CueState.pending, CueState.live)
        ]
        return batches[:2]


async def _event_rows(event_id: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    cues = await Cue.select().where(Cue.event == event_id).order_by(Cue.position).order_by(Cue.id)
    presenters = await (
        CuePresenter.select(
            CuePresenter.id,
            CuePresenter.cue,
            CuePresenter.delegate,
            CuePresenter.name,
            CuePresenter.delegate.full_name.as_alias("full_name"),
            CuePresenter.delegate.honorific.as_alias("honorific"),
            CuePresenter.delegate.position.as_alias("title"),
            CuePresenter.delegate.organization.as_alias("organization"),
            CuePresenter.delegate.substitute_name.as_alias("substitute_name"),
            CuePresenter.delegate.substitute_honorific.as_alias("substitute_honorific"),
            CuePresenter.delegate.substitute_position.as_alias("substitute_position"),
        )
        .where(CuePresenter.cue.event == event_id)
        .order_by(CuePresenter.position)
        .order_by(CuePresenter.id)
    )
    return cues, presenters


def _presenter(row: dict[str, Any]) -> Person:
    """Who hands out the certificates: the leader, or the substitute they sent."""
    if row["substitute_name"]:
        return Person(
            name=row["substitute_name"],
            honorific=row["substitute_honorific"] or "",
            title=row["substitute_position"] or "",
            organization=row["organization"] or "",
        )
    return Person(
        name=row["full_name"] or row["name"],
        honorific=row["honorific"] or "",
        title=row["title"] or "",
        organization=row["organization"] or "",
    )


def _receiver(row: dict[str, Any]) -> Person | None:
    """Who comes up for a recipient: from the delegate record when there is one."""
    if row["delegate"] is not None:
        return Person(
            name=row["delegate_name"],
            honorific=row["delegate_honorific"] or row["honorific"],
            title=row["delegate_position"] or row["title"],
            organization=row["delegate_organization"] or row["organization"],
        )
    if row["kind"] == RecipientKind.collective:
        if not row["representative_name"]:
            return None
        return Person(
            name=row["representative_name"],
            honorific=row["honorific"],
            title=row["title"],
            organization="",
        )
    return Person(
        name=row["name"],
        honorific=row["honorific"],
        title=row["title"],
        organization=row["organization"],
    )


def _stand_in(row: dict[str, Any]) -> str:
    """Who receives in the recipient's place: as marked, else the substitute their
    delegate sent (cử người dự thay)."""
    if row["presence"] != Presence.stand_in:
        if row.get("delegate_substitute_name"):
            return Person(
                name=row["delegate_substitute_name"],
                honorific=row["delegate_substitute_honorific"] or "",
            ).addressed()
        return ""
    if row["stand_in_delegate"] is not None:
        return Person(
            name=row["stand_in_delegate_name"], honorific=row["stand_in_delegate_honorific"]
        ).addressed()
    return nfc(row["stand_in_name"])


def _recipient_view(row: dict[str, Any], arrivals: dict[int, datetime]) -> RecipientView:
    marked = row["presence"]
    receiver = _receiver(row)
    stand_in = _stand_in(row) if marked != Presence.absent else ""
    arrived_at = arrivals.get(row["delegate"]) if row["delegate"] is not None else None
    if marked == Presence.stand_in or (stand_in and arrived_at is not None):
        presence = STAND_IN
    elif marked == Presence.absent:
        presence = ABSENT
    elif marked == Presence.present:
        presence = ARRIVED
    else:
        presence = ARRIVED if arrived_at is not None else NOT_ARRIVED
    called = Called(
        kind=row["kind"],
        name=row["name"],
        receiver=receiver,
        stand_in=stand_in,
        absent=marked == Presence.absent,
    )
    return RecipientView(
        id=row["id"],
        form_id=row["award_form"],
        cue_id=row["cue"],
        kind=row["kind"],
        name=row["name"],
        delegate_id=row["delegate"],
        presence=presence,
        marked=marked,
        line=script.recipient_line(called),
        receiver=receiver,
        stand_in=stand_in,
        stand_in_name=row["stand_in_name"],
        stand_in_delegate_id=row["stand_in_delegate"],
        arrived_at=arrived_at,
        citation=row["citation"],
        pronunciation_note=row["pronunciation_note"],
        order=row["cue_position"],
        delivered_at=row["delivered_at"],
    )


async def awards_item(event_id: int) -> dict[str, Any] | None:
    """The programme's award item (trao khen thưởng): the first of its kind in the day."""
    return await (
        ProgrammeItem.select()
        .where((ProgrammeItem.event == event_id) & (ProgrammeItem.kind == ItemKind.awards))
        .order_by(ProgrammeItem.starts_at)
        .order_by(ProgrammeItem.position)
        .first()
    )


async def load(event: EventRow) -> RunSheet:
    """The event's run sheet as every view reads it: cues in order with their presenters,
    recipients (with presence from check-in), scripts, warnings and suggestions.

    Scripts not edited by hand are generated afresh here, so they always follow the
    award list, the batches and who has been marked stand-in or absent.
    """
    event_id = event["id"]
    capacity = event["stage_capacity"]
    cue_rows, presenter_rows = await _event_rows(event_id)
    forms = {form["id"]: form for form in await awards.award_forms(event_id)}
    recipient_rows = await awards.recipients(event_id)
    for form in forms.values():
        mine = [r for r in recipient_rows if r["award_form"] == form["id"]]
        form["collectives"] = sum(r["kind"] == RecipientKind.collective for r in mine)
        form["individuals"] = len(mine) - form["collectives"]
    people = {r["delegate"] for r in recipient_rows} | {p["delegate"] for p in presenter_rows}
    arrivals = await arrival_times(event_id, [d for d in people if d is not None])

    recipient_views = [_recipient_view(row, arrivals) for row in recipient_rows]
    by_cue: dict[int, list[RecipientView]] = {}
    unassigned: list[RecipientView] = []
    for view in recipient_views:
        if view.cue_id is None:
            unassigned.append(view)
        else:
            by_cue.setdefault(view.cue_id, []).append(view)
    presenters_by_cue: dict[int, list[PresenterView]] = {}
    for p in presenter_rows:
        person = _presenter(p)
        presenters_by_cue.setdefault(p["cue"], []).append(
            PresenterView(
                id=p["id"],
                delegate_id=p["delegate"],
                person=person,
                arrived=p["delegate"] in arrivals,
            )
        )

    cues: list[CueView] = []
    for row in cue_rows:
        members = sorted(by_cue.get(row["id"], []), key=lambda r: (r.order, r.id))
        place = 0
        for member in members:
            if member.marked != Presence.absent:
                place += 1
                member.stage_position = place
        cue = CueView(
            id=row["id"],
            position=row["position"],
            kind=row["kind"],
            title=row["title"],
            script=row["script"],
            script_edited=row["script_edited"],
            state=row["state"],
            music=row["music"],
            photo=row["photo"],
            award_form_id=row["award_form"],
            programme_item_id=row["programme_item"],
            planned_duration_s=row["planned_duration_s"],
            started_at=row["started_at"],
            ended_at=row["ended_at"],
            presenters=presenters_by_cue.get(row["id"], []),
            recipients=members,
        )
        if not (cue.script_edited or cue.kind == CueKind.custom):
            cue.script = _generated_script(cue, forms.get(row["award_form"]))
        cues.append(cue)
    _add_warnings_and_suggestions(cues, capacity)
    return RunSheet(
        event_id=event_id,
        stage_capacity=capacity,
        cues=cues,
        recipients=recipient_views,
        unassigned=unassigned,
        forms=forms,
        programme_item=await awards_item(event_id),
        rehearsal=await agenda.rehearsal_under_way(event_id),
    )


def _generated_script(cue: CueView, form: dict[str, Any] | None) -> str:
    if form is None:
        return cue.script
    if cue.kind == CueKind.announcement:
        return script.announcement(
            form["title"],
            decision_number=form["decision_number"],
            decision_date=form["decision_date"],
            issuer=form["issuer"],
            collectives=form["collectives"],
            individuals=form["individuals"],
        )
    return script.batch(
        form["title"],
        [p.person for p in cue.presenters],
        [
            Called(
                kind=r.kind,
                name=r.name,
                receiver=r.receiver,
                stand_in=r.stand_in,
                absent=r.marked == Presence.absent,
            )
            for r in cue.recipients
        ],
        photo=bool(cue.photo),
    )


def _add_warnings_and_suggestions(cues: list[CueView], capacity: int) -> None:
    batches = [c for c in cues if c.kind == CueKind.batch]
    for index, cue in enumerate(batches):
        if len(cue.on_stage) > capacity:
            cue.warnings.append(
                (
                    N_("%(count)s people on stage; the stage holds %(capacity)s. Split the batch."),
                    {"count": len(cue.on_stage), "capacity": capacity},
                )
            )
        if not cue.presenters and cue.recipients:
            cue.warnings.append((N_("No presenter is chosen for this batch."), {}))
        if cue.script_edited:
            cue.warnings.append(
                (N_("The script was edited by hand: changes to the batch do not change it."), {})
            )
        # Places left by absentees can be filled from the next batch of the same award.
        free = min(cue.absentees, capacity - len(cue.on_stage))
        following = batches[index + 1] if index + 1 < len(batches) else None
        if (
            free > 0
            and cue.state in (CueState.pending, CueState.live)
            and following is not None
            and following.award_form_id == cue.award_form_id
            and following.state == CueState.pending
        ):
            ready = [r for r in following.recipients if r.presence in (ARRIVED, STAND_IN)]
            cue.suggestions = ready[:free]
