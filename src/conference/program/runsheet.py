"""The award-presentation run sheet: generated from the award list, edited, driven live.

A run sheet is the event's cues in order. For each award form, highest first: an
announcement (the MC reads the decision), then batches of at most
``Event.stage_capacity`` recipients, each with its presenter, its music and its
photo. Music and photo are fields of the batch, not cues of their own: they
belong to one batch and travel with it when batches are split, merged or moved,
and the stage manager presses Next once per batch, in step with what the MC reads.

The live state is the cues' ``state``. At most one cue of an event is live (a
partial unique index), and the live cue moves by conditional UPDATEs inside one
transaction: ``… WHERE id = :from AND state = 'live'``. So two people pressing Next
at the same moment move it one step; the second is told the state has moved on.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from conference import audit, live
from conference.checkin import arrival_times
from conference.errors import N_, Conflict, DomainError, InvalidInput, NotFound
from conference.program import awards, script
from conference.program.script import Called, Person
from conference.program.services import mark_item_ended, mark_item_started
from conference.tables import (
    AwardRecipient,
    Cue,
    CueKind,
    CuePresenter,
    CueState,
    Delegate,
    ItemKind,
    Presence,
    ProgrammeItem,
    RecipientKind,
)
from conference.text import nfc

ANNOUNCEMENT_S = 45
BATCH_BASE_S = 30  # walking up, the presenter's greeting
PER_RECIPIENT_S = 15
PHOTO_S = 30
CUSTOM_S = 300
MAX_DURATION_S = 4 * 3600

# Presence as the views show it: arrival from check-in, or what the stage manager marked.
ARRIVED = "arrived"
NOT_ARRIVED = "not_arrived"
STAND_IN = "stand_in"
ABSENT = "absent"


class StaleMove(Conflict):
    """The live cue is no longer the one the move started from, or cannot move that way."""

    code = "stale"


class RunSheetEnd(Conflict):
    """Nothing to move to: past the last cue, before the first, or no run sheet."""

    code = "runsheet_end"


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


# ``expected`` not given: the move is not conditional (None means "nothing live").
UNSET: Any = _Unset()

# --------------------------------------------------------------------------- what is read


@dataclass
class RecipientView:
    id: int
    form_id: int
    cue_id: int | None
    kind: str
    name: str
    delegate_id: int | None
    presence: str  # arrived | not_arrived | stand_in | absent
    marked: str  # the stored Presence: expected | stand_in | absent
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
        )
        .where(CuePresenter.cue.event == event_id)
        .order_by(CuePresenter.position)
        .order_by(CuePresenter.id)
    )
    return cues, presenters


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
    if row["stand_in_delegate"] is not None:
        return Person(
            name=row["stand_in_delegate_name"], honorific=row["stand_in_delegate_honorific"]
        ).addressed()
    return nfc(row["stand_in_name"])


def _recipient_view(row: dict[str, Any], arrivals: dict[int, datetime]) -> RecipientView:
    marked = row["presence"]
    receiver = _receiver(row)
    stand_in = _stand_in(row) if marked == Presence.stand_in else ""
    arrived_at = arrivals.get(row["delegate"]) if row["delegate"] is not None else None
    if marked == Presence.stand_in:
        presence = STAND_IN
    elif marked == Presence.absent:
        presence = ABSENT
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


async def load(event: dict[str, Any]) -> RunSheet:
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
        person = Person(
            name=p["full_name"] or p["name"],
            honorific=p["honorific"] or "",
            title=p["title"] or "",
            organization=p["organization"] or "",
        )
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


# --------------------------------------------------------------------------- generating


def batch_sizes(count: int, capacity: int) -> list[int]:
    """Split ``count`` recipients into as few batches as the stage allows, sizes even.

    14 on a stage of 10 is 7 and 7 (not 10 and 4): a full stage, then a thin one,
    looks uneven in the photos and takes as long.
    """
    if count <= 0:
        return []
    capacity = max(1, capacity)
    batches = math.ceil(count / capacity)
    base, extra = divmod(count, batches)
    return [base + 1 if i < extra else base for i in range(batches)]


def batch_duration_s(recipients: int, *, photo: bool = True) -> int:
    return BATCH_BASE_S + PER_RECIPIENT_S * recipients + (PHOTO_S if photo else 0)


async def _presenter_candidates(event_id: int, exclude: set[int]) -> list[dict[str, Any]]:
    """Leaders who may hand out certificates: ranked delegates, highest first, not recipients."""
    return [
        d
        for d in await awards.delegate_choices(event_id)
        if d["protocol_rank"] is not None and d["id"] not in exclude
    ]


def _transaction() -> Any:
    # SQLite: take the write lock at BEGIN. A deferred transaction that reads first
    # cannot wait for the lock when another writer got in between; it fails at once.
    db = Cue._meta.db
    if isinstance(db, SQLiteEngine):
        return db.transaction(transaction_type=TransactionType.immediate)
    return db.transaction()


def _publish(event_id: int, change: str, **data: Any) -> None:
    live.publish(event_id, "cue", {"change": change, **data})


async def generate(event: dict[str, Any], *, replace: bool = False, by: Any = None) -> RunSheet:
    """Make the run sheet from the award list and the programme's award item.

    For each award form, highest rank first: its announcement, then its recipients
    in calling order, in batches of at most the stage capacity (sizes as even as
    possible), each batch with one presenter. Presenters are the ranked delegates
    in protocol order, the highest for the first batch, the next for the next,
    round again when there are more batches than leaders; a recipient never
    presents. Cues belong to the programme's award item when there is one.

    Raise Conflict when a run sheet exists and ``replace`` is not set, or when the
    ceremony has started (a cue has been live): its record must not be lost.
    """
    event_id = event["id"]
    capacity = max(1, event["stage_capacity"])
    forms = await awards.award_list(event_id)
    receivers = {r["delegate"] for f in forms for r in f["recipients"] if r["delegate"]}
    leaders = await _presenter_candidates(event_id, receivers)
    item = await awards_item(event_id)
    item_id = item["id"] if item else None
    async with _transaction():
        if await Cue.exists().where((Cue.event == event_id) & (Cue.state != CueState.pending)):
            raise Conflict(
                N_("The ceremony has started: the run sheet cannot be generated again."),
                code="runsheet_started",
            )
        if not replace and await Cue.exists().where(Cue.event == event_id):
            raise Conflict(
                N_("The run sheet exists already; generating it again discards its changes."),
                code="runsheet_exists",
            )
        await Cue.delete().where(Cue.event == event_id)
        position = 0
        batch_number = 0
        for form in forms:
            position += 1
            await Cue(
                event=event_id,
                position=position,
                kind=CueKind.announcement,
                title=nfc(f"Công bố {form['title']}"),
                award_form=form["id"],
                programme_item=item_id,
                planned_duration_s=ANNOUNCEMENT_S,
            ).save()
            members = form["recipients"]
            start = 0
            sizes = batch_sizes(len(members), capacity)
            for number, size in enumerate(sizes, start=1):
                chunk = members[start : start + size]
                start += size
                position += 1
                title = form["title"]
                if len(sizes) > 1:
                    title += f" – đợt {number}/{len(sizes)}"
                cue = Cue(
                    event=event_id,
                    position=position,
                    kind=CueKind.batch,
                    title=title,
                    award_form=form["id"],
                    programme_item=item_id,
                    music=script.DEFAULT_MUSIC,
                    photo=script.DEFAULT_PHOTO,
                    planned_duration_s=batch_duration_s(len(chunk)),
                )
                await cue.save()
                if leaders:
                    leader = leaders[batch_number % len(leaders)]
                    await CuePresenter(
                        cue=cue.id, delegate=leader["id"], name=leader["full_name"], position=1
                    ).save()
                batch_number += 1
                await _place(cue.id, [r["id"] for r in chunk])
        await audit.record("runsheet.generate", by=by, event_id=event_id, cues=position)
    _publish(event_id, "generated")
    return await load(event)


async def _place(cue_id: int, recipient_ids: Sequence[int]) -> None:
    """Put recipients in a batch, in this order from the left of the stage."""
    for order, recipient_id in enumerate(recipient_ids, start=1):
        await AwardRecipient.update(
            {AwardRecipient.cue: cue_id, AwardRecipient.cue_position: order}
        ).where(AwardRecipient.id == recipient_id)


# --------------------------------------------------------------------------- editing


async def _cue_row(event_id: int, cue_id: int) -> dict[str, Any]:
    row = await Cue.select().where((Cue.id == cue_id) & (Cue.event == event_id)).first()
    if row is None:
        raise NotFound(N_("This cue is not on the run sheet."))
    return row


def _not_pending(row: dict[str, Any]) -> Conflict:
    return Conflict(
        N_("“%(title)s” is on stage or over: it can no longer be changed this way."),
        title=row["title"],
        code="cue_not_pending",
    )


def _must_be_pending(row: dict[str, Any]) -> None:
    if row["state"] != CueState.pending:
        raise _not_pending(row)


async def _hold_pending(row: dict[str, Any], values: dict[Any, Any]) -> None:
    """Update a cue only while it is pending, else raise Conflict (the transaction undoes all).

    On PostgreSQL the row stays locked until the transaction ends, so a Next
    cannot make the cue live halfway through a split or a merge.
    """
    changed = (
        await Cue.update(values)
        .where((Cue.id == row["id"]) & (Cue.state == CueState.pending))
        .returning(Cue.id)
    )
    if not changed:
        raise _not_pending(row)


async def _ordered_ids(event_id: int) -> list[int]:
    rows = await (
        Cue.select(Cue.id).where(Cue.event == event_id).order_by(Cue.position).order_by(Cue.id)
    )
    return [row["id"] for row in rows]


async def _renumber(ids: Sequence[int]) -> None:
    for position, cue_id in enumerate(ids, start=1):
        await Cue.update({Cue.position: position}).where(Cue.id == cue_id)


async def _states(event_id: int) -> dict[int, str]:
    rows = await Cue.select(Cue.id, Cue.state).where(Cue.event == event_id)
    return {row["id"]: row["state"] for row in rows}


async def move_cue(event_id: int, cue_id: int, offset: int, *, by: Any = None) -> None:
    """Move a pending cue ``offset`` places earlier (-) or later (+) among the pending cues.

    A cue cannot move before one that has been live: what has happened stays in order.
    Raise NotFound, or Conflict for a cue on stage or over.
    """
    async with _transaction():
        row = await _cue_row(event_id, cue_id)
        _must_be_pending(row)
        ids = await _ordered_ids(event_id)
        states = await _states(event_id)
        index = ids.index(cue_id)
        target = max(0, min(len(ids) - 1, index + offset))
        # Only over pending cues: stop at the first cue on stage or over.
        step = 1 if target > index else -1
        reach = index
        while reach != target and states[ids[reach + step]] == CueState.pending:
            reach += step
        if reach == index:
            return
        ids.insert(reach, ids.pop(index))
        await _renumber(ids)
    await audit.record("runsheet.move_cue", by=by, event_id=event_id, target=str(cue_id))
    _publish(event_id, "edit", cue_id=cue_id)


async def _batch_members(cue_id: int) -> list[int]:
    rows = await (
        AwardRecipient.select(AwardRecipient.id)
        .where(AwardRecipient.cue == cue_id)
        .order_by(AwardRecipient.cue_position)
        .order_by(AwardRecipient.id)
    )
    return [row["id"] for row in rows]


async def _on_stage(cue_id: int) -> int:
    return await AwardRecipient.count().where(
        (AwardRecipient.cue == cue_id) & (AwardRecipient.presence != Presence.absent)
    )


async def split_batch(event_id: int, cue_id: int, at: int, *, by: Any = None) -> int:
    """Split a pending batch before its ``at``-th recipient (1-based); return the new batch.

    The new batch follows it, with the same award, presenters, music and photo.
    Raise NotFound, InvalidInput for a place that leaves one side empty, Conflict
    for a batch on stage or over.
    """
    async with _transaction():
        row = await _cue_row(event_id, cue_id)
        if row["kind"] != CueKind.batch:
            raise InvalidInput(N_("Only a batch of recipients can be split."))
        _must_be_pending(row)
        members = await _batch_members(cue_id)
        if not 1 < at <= len(members):
            raise InvalidInput(
                N_("Choose where to split: after the first and before the last recipient.")
            )
        keep, move = members[: at - 1], members[at - 1 :]
        await _hold_pending(
            row, {Cue.planned_duration_s: batch_duration_s(len(keep), photo=bool(row["photo"]))}
        )
        new = Cue(
            event=event_id,
            kind=CueKind.batch,
            title=nfc(f"{row['title']} (tách)"),
            award_form=row["award_form"],
            programme_item=row["programme_item"],
            music=row["music"],
            photo=row["photo"],
            planned_duration_s=batch_duration_s(len(move), photo=bool(row["photo"])),
        )
        await new.save()
        presenters = await CuePresenter.select().where(CuePresenter.cue == cue_id)
        for p in presenters:
            await CuePresenter(
                cue=new.id, delegate=p["delegate"], name=p["name"], position=p["position"]
            ).save()
        await _place(int(new.id), move)
        ids = await _ordered_ids(event_id)
        ids.remove(int(new.id))
        ids.insert(ids.index(cue_id) + 1, int(new.id))
        await _renumber(ids)
    await audit.record("runsheet.split", by=by, event_id=event_id, target=str(cue_id))
    _publish(event_id, "edit", cue_id=cue_id)
    return int(new.id)


async def merge_with_next(event_id: int, cue_id: int, *, capacity: int, by: Any = None) -> None:
    """Merge a pending batch with the next batch of the same award (its recipients follow).

    Raise NotFound; InvalidInput when there is no such batch or the stage would hold
    more than ``capacity``; Conflict for a batch on stage or over.
    """
    async with _transaction():
        row = await _cue_row(event_id, cue_id)
        if row["kind"] != CueKind.batch:
            raise InvalidInput(N_("Only batches of recipients can be merged."))
        _must_be_pending(row)
        following = await (
            Cue.select()
            .where(
                (Cue.event == event_id)
                & (Cue.position > row["position"])
                & (Cue.kind == CueKind.batch)
            )
            .order_by(Cue.position)
            .first()
        )
        if following is None or following["award_form"] != row["award_form"]:
            raise InvalidInput(N_("There is no next batch of the same award to merge with."))
        _must_be_pending(following)
        together = await _on_stage(cue_id) + await _on_stage(following["id"])
        if together > capacity:
            raise InvalidInput(
                N_("Together they are %(count)s people on stage; the stage holds %(capacity)s."),
                count=together,
                capacity=capacity,
            )
        members = await _batch_members(cue_id) + await _batch_members(following["id"])
        await _hold_pending(
            row, {Cue.planned_duration_s: batch_duration_s(len(members), photo=bool(row["photo"]))}
        )
        await _hold_pending(following, {Cue.planned_duration_s: 0})
        await _place(cue_id, members)
        await Cue.delete().where(Cue.id == following["id"])
        await _renumber(await _ordered_ids(event_id))
    await audit.record("runsheet.merge", by=by, event_id=event_id, target=str(cue_id))
    _publish(event_id, "edit", cue_id=cue_id)


async def move_recipient(
    event_id: int,
    recipient_id: int,
    cue_id: int,
    *,
    capacity: int,
    by: Any = None,
) -> None:
    """Move a recipient to the end of another batch of their award (pending or live).

    This is how a place left by an absentee is filled from the next batch, or a
    latecomer is called later. The move is one conditional UPDATE: it happens only
    while the recipient's batch and the target are both still pending or live.
    Raise NotFound; InvalidInput for a batch of another award or a full stage;
    Conflict when either batch is over.
    """
    recipient = await awards.get_recipient(event_id, recipient_id)
    target = await _cue_row(event_id, cue_id)
    if target["kind"] != CueKind.batch or target["award_form"] != recipient["award_form"]:
        raise InvalidInput(
            N_("%(name)s can only move to a batch of the same award."), name=recipient["name"]
        )
    if recipient["cue"] == cue_id:
        return
    if recipient["presence"] != Presence.absent and await _on_stage(cue_id) + 1 > capacity:
        raise InvalidInput(
            N_("That batch is full: the stage holds %(capacity)s."), capacity=capacity
        )
    open_cues = Cue.select(Cue.id).where(
        (Cue.event == event_id) & Cue.state.is_in([CueState.pending, CueState.live])
    )
    last = (
        await AwardRecipient.select(AwardRecipient.cue_position)
        .where(AwardRecipient.cue == cue_id)
        .order_by(AwardRecipient.cue_position, ascending=False)
        .first()
    )
    moved = (
        await AwardRecipient.update(
            {
                AwardRecipient.cue: cue_id,
                AwardRecipient.cue_position: (last["cue_position"] + 1) if last else 1,
            }
        )
        .where(
            (AwardRecipient.id == recipient_id)
            & (AwardRecipient.cue.is_null() | AwardRecipient.cue.is_in(open_cues))
            & AwardRecipient.award_form.is_in(
                Cue.select(Cue.award_form).where(
                    (Cue.id == cue_id) & Cue.state.is_in([CueState.pending, CueState.live])
                )
            )
        )
        .returning(AwardRecipient.id)
    )
    if not moved:
        raise Conflict(
            N_("%(name)s's batch or the chosen one is over: nothing was moved."),
            name=recipient["name"],
        )
    await audit.record(
        "runsheet.move_recipient", by=by, event_id=event_id, target=recipient["name"], cue=cue_id
    )
    _publish(event_id, "edit", cue_id=cue_id)


async def move_in_batch(event_id: int, recipient_id: int, offset: int, *, by: Any = None) -> None:
    """Move a recipient ``offset`` places left (-) or right (+) on the stage line."""
    recipient = await awards.get_recipient(event_id, recipient_id)
    if recipient["cue"] is None:
        raise InvalidInput(N_("%(name)s is in no batch yet."), name=recipient["name"])
    row = await _cue_row(event_id, recipient["cue"])
    _must_be_pending(row)
    members = await _batch_members(row["id"])
    index = members.index(recipient_id)
    target = max(0, min(len(members) - 1, index + offset))
    if target == index:
        return
    members.insert(target, members.pop(index))
    await _place(row["id"], members)
    await audit.record("runsheet.stage_order", by=by, event_id=event_id, target=recipient["name"])
    _publish(event_id, "edit", cue_id=row["id"])


def _duration(seconds: int) -> int:
    if not 0 <= seconds <= MAX_DURATION_S:
        raise InvalidInput(N_("The planned duration is from 0 to 240 minutes."))
    return seconds


async def add_custom_cue(
    event_id: int,
    title: str,
    text: str,
    *,
    planned_duration_s: int = CUSTOM_S,
    after_cue_id: int | None = None,
    by: Any = None,
) -> int:
    """Add a cue of the organizer's own (a speech, a performance) with its script.

    It goes after ``after_cue_id``, or at the end. Raise InvalidInput without a
    title; Conflict when a cue after that place has already been live (what
    happened stays in order).
    """
    title = nfc(title)
    if not title:
        raise InvalidInput(N_("Give the cue a title."))
    duration = _duration(planned_duration_s)
    item = await awards_item(event_id)
    async with _transaction():
        ids = await _ordered_ids(event_id)
        states = await _states(event_id)
        place = len(ids) if after_cue_id is None else None
        if after_cue_id is not None:
            if after_cue_id not in states:
                raise NotFound(N_("This cue is not on the run sheet."))
            place = ids.index(after_cue_id) + 1
        assert place is not None
        if any(states[i] != CueState.pending for i in ids[place:]):
            raise Conflict(
                N_("New cues go after the live one: what has happened stays in order."),
                code="cue_not_pending",
            )
        cue = Cue(
            event=event_id,
            kind=CueKind.custom,
            title=title,
            script=text.replace("\r\n", "\n").strip(),
            script_edited=True,
            programme_item=item["id"] if item else None,
            planned_duration_s=duration,
        )
        await cue.save()
        ids.insert(place, int(cue.id))
        await _renumber(ids)
    await audit.record("runsheet.add_cue", by=by, event_id=event_id, target=title)
    _publish(event_id, "edit", cue_id=int(cue.id))
    return int(cue.id)


@dataclass(frozen=True)
class CueEdit:
    """What the stage manager may change in any cue, even live (a typo in the script)."""

    title: str
    script: str
    planned_duration_s: int
    music: str = ""
    photo: str = ""
    regenerate: bool = False  # drop the hand-edited script, generate it again


async def update_cue(event: dict[str, Any], cue_id: int, data: CueEdit, *, by: Any = None) -> None:
    """Change a cue's title, duration, music, photo or script.

    A script that differs from the generated one is kept as written from then on
    (``script_edited``); ``regenerate`` goes back to the generated one.
    Raise NotFound or InvalidInput.
    """
    event_id = event["id"]
    row = await _cue_row(event_id, cue_id)
    title = nfc(data.title) or row["title"]
    text = data.script.replace("\r\n", "\n").strip()
    values: dict[Any, Any] = {
        Cue.title: title,
        Cue.planned_duration_s: _duration(data.planned_duration_s),
        Cue.music: nfc(data.music),
        Cue.photo: nfc(data.photo),
    }
    if row["kind"] == CueKind.custom:
        values[Cue.script] = text
    elif data.regenerate:
        values[Cue.script] = ""
        values[Cue.script_edited] = False
    else:
        generated = (await load(event)).cue(cue_id).script if not row["script_edited"] else None
        if row["script_edited"] or text != (generated or "").strip():
            values[Cue.script] = text
            values[Cue.script_edited] = True
    await Cue.update(values).where(Cue.id == cue_id)
    await audit.record("runsheet.edit_cue", by=by, event_id=event_id, target=title)
    _publish(event_id, "edit", cue_id=cue_id)


async def delete_cue(event_id: int, cue_id: int, *, by: Any = None) -> None:
    """Remove a pending cue. A batch must be emptied first (merge it or move its people).

    Raise NotFound; Conflict for a cue on stage or over, or a batch with recipients.
    """
    async with _transaction():
        row = await _cue_row(event_id, cue_id)
        _must_be_pending(row)
        if await AwardRecipient.exists().where(AwardRecipient.cue == cue_id):
            raise Conflict(
                N_("This batch still has recipients: merge it or move them first."),
                code="batch_not_empty",
            )
        await Cue.delete().where((Cue.id == cue_id) & (Cue.state == CueState.pending))
        await _renumber(await _ordered_ids(event_id))
    await audit.record("runsheet.delete_cue", by=by, event_id=event_id, target=row["title"])
    _publish(event_id, "edit", cue_id=cue_id)


async def set_presenters(
    event_id: int, cue_id: int, delegate_ids: Sequence[int], *, by: Any = None
) -> None:
    """Choose who hands out a batch's certificates, in order (the first named first).

    Raise NotFound, or InvalidInput for someone not on the event's delegate list.
    """
    await _cue_row(event_id, cue_id)
    wanted = list(dict.fromkeys(delegate_ids))
    found = {
        row["id"]: row
        for row in await Delegate.select(Delegate.id, Delegate.full_name).where(
            (Delegate.event == event_id) & Delegate.id.is_in(wanted or [0])
        )
    }
    if len(found) != len(wanted):
        raise InvalidInput(N_("This delegate is not on the event's list."))
    async with _transaction():
        await CuePresenter.delete().where(CuePresenter.cue == cue_id)
        for position, delegate_id in enumerate(wanted, start=1):
            await CuePresenter(
                cue=cue_id,
                delegate=delegate_id,
                name=found[delegate_id]["full_name"],
                position=position,
            ).save()
    await audit.record("runsheet.presenters", by=by, event_id=event_id, target=str(cue_id))
    _publish(event_id, "edit", cue_id=cue_id)


async def set_skipped(event_id: int, cue_id: int, skipped: bool, *, by: Any = None) -> None:
    """Mark a coming cue to be passed over by Next, or to be played after all.

    One conditional UPDATE: a cue that went live meanwhile is not touched (Conflict).
    """
    row = await _cue_row(event_id, cue_id)
    before, after = (
        (CueState.pending, CueState.skipped) if skipped else (CueState.skipped, CueState.pending)
    )
    changed = (
        await Cue.update({Cue.state: after})
        .where((Cue.id == cue_id) & (Cue.state == before))
        .returning(Cue.id)
    )
    if not changed:
        raise _not_pending(row)
    await audit.record(
        "runsheet.skip" if skipped else "runsheet.unskip",
        by=by,
        event_id=event_id,
        target=row["title"],
    )
    _publish(event_id, "edit", cue_id=cue_id)


# --------------------------------------------------------------------------- presence


async def set_presence(
    event_id: int,
    recipient_id: int,
    presence: str,
    *,
    stand_in_name: str = "",
    stand_in_delegate_id: int | None = None,
    by: Any = None,
) -> None:
    """Mark a recipient expected, received by a stand-in (nhận thay), or absent (deliver later).

    A stand-in is named, or chosen from the delegates. The batch's generated script
    follows at once. Raise NotFound or InvalidInput.
    """
    recipient = await awards.get_recipient(event_id, recipient_id)
    if presence not in {p.value for p in Presence}:
        raise InvalidInput(N_("Choose expected, stand-in or absent."))
    name = nfc(stand_in_name)
    if presence == Presence.stand_in:
        if stand_in_delegate_id is not None:
            if not await Delegate.exists().where(
                (Delegate.id == stand_in_delegate_id) & (Delegate.event == event_id)
            ):
                raise InvalidInput(N_("This delegate is not on the event's list."))
        elif not name:
            raise InvalidInput(N_("Give the name of whoever receives in their place."))
    else:
        name, stand_in_delegate_id = "", None
    await AwardRecipient.update(
        {
            AwardRecipient.presence: presence,
            AwardRecipient.stand_in_name: name,
            AwardRecipient.stand_in_delegate: stand_in_delegate_id,
        }
    ).where(AwardRecipient.id == recipient_id)
    await audit.record(
        "runsheet.presence",
        by=by,
        event_id=event_id,
        target=recipient["name"],
        presence=presence,
        stand_in=name,
    )
    _publish(event_id, "presence", recipient_id=recipient_id, cue_id=recipient["cue"])


# --------------------------------------------------------------------------- live


async def _live_row(event_id: int) -> dict[str, Any] | None:
    return await (
        Cue.select(Cue.id, Cue.position, Cue.programme_item)
        .where((Cue.event == event_id) & (Cue.state == CueState.live))
        .first()
    )


def _check_from(live_row: dict[str, Any] | None, expected: int | Any | None) -> None:
    if expected is UNSET:
        return
    current = live_row["id"] if live_row else None
    if current != expected:
        raise StaleMove(
            N_("The run sheet has moved on meanwhile: the live cue is no longer the one you saw.")
        )


async def _go_live(cue_id: int, now: datetime, *, from_states: Sequence[str]) -> bool:
    """Make a cue live if it is still in one of ``from_states``; return whether it did."""
    changed = (
        await Cue.update({Cue.state: CueState.live, Cue.ended_at: None})
        .where((Cue.id == cue_id) & Cue.state.is_in(list(from_states)))
        .returning(Cue.id)
    )
    if changed:
        # The first start is kept when a cue is reopened by Back.
        await Cue.update({Cue.started_at: now}).where((Cue.id == cue_id) & Cue.started_at.is_null())
    return bool(changed)


def _is_unique_violation(error: Exception) -> bool:
    if isinstance(error, asyncpg.UniqueViolationError):
        return True
    return isinstance(error, sqlite3.IntegrityError) and "UNIQUE" in str(error)


async def _moved(event: dict[str, Any], change: str) -> RunSheet:
    _publish(event["id"], change)
    return await load(event)


async def next_cue(
    event: dict[str, Any], *, expected: int | Any | None = UNSET, skip: bool = False, by: Any = None
) -> RunSheet:
    """Make the next pending cue live; the live one becomes done (or skipped with ``skip``).

    With ``expected`` (the cue the user saw live, or None for "nothing live"), the
    move happens only if that is still so: StaleMove otherwise, and nothing moves.
    On the last cue, Next ends the ceremony (nothing live, the award item's end
    recorded); Next once more is refused with RunSheetEnd, as is a run sheet
    without cues. The first cue going live records the award item's start.
    """
    event_id = event["id"]
    now = datetime.now(UTC)
    started_item: int | None = None
    ended_item: int | None = None
    try:
        async with _transaction():
            current = await _live_row(event_id)
            _check_from(current, expected)
            if skip and current is None:
                raise RunSheetEnd(N_("No cue is live: there is nothing to skip."))
            after = current["position"] if current else None
            query = Cue.select(Cue.id, Cue.programme_item).where(
                (Cue.event == event_id) & (Cue.state == CueState.pending)
            )
            if after is not None:
                query = query.where(Cue.position > after)
            following = await query.order_by(Cue.position).order_by(Cue.id).first()
            if current is None and following is None:
                raise _end_error(event_id, await Cue.exists().where(Cue.event == event_id))
            if current is not None:
                values: dict[Any, Any]
                if skip:
                    values = {Cue.state: CueState.skipped, Cue.started_at: None, Cue.ended_at: None}
                else:
                    values = {Cue.state: CueState.done, Cue.ended_at: now}
                left = (
                    await Cue.update(values)
                    .where((Cue.id == current["id"]) & (Cue.state == CueState.live))
                    .returning(Cue.id)
                )
                if not left:
                    raise StaleMove(N_("Someone else moved the run sheet at the same moment."))
                if following is None:
                    ended_item = current["programme_item"]
            if following is not None:
                if not await _go_live(following["id"], now, from_states=[CueState.pending]):
                    raise StaleMove(N_("Someone else moved the run sheet at the same moment."))
                if current is None:
                    started_item = following["programme_item"]
    except DomainError:
        raise
    except Exception as error:
        # The index that allows one live cue per event caught a simultaneous move.
        if _is_unique_violation(error):
            raise StaleMove(N_("Someone else moved the run sheet at the same moment.")) from error
        raise
    if started_item is not None:
        await mark_item_started(event_id, started_item, at=now)
    if ended_item is not None:
        await mark_item_ended(event_id, ended_item, at=now)
    await audit.record("runsheet.skip_live" if skip else "runsheet.next", by=by, event_id=event_id)
    return await _moved(event, "skip" if skip else "next")


def _end_error(event_id: int, has_cues: bool) -> RunSheetEnd:
    if not has_cues:
        return RunSheetEnd(N_("The run sheet is empty: generate it from the award list first."))
    return RunSheetEnd(
        N_(
            "The award presentation is over: the last cue has ended and there is no cue "
            "after it. Back reopens the last cue."
        )
    )


async def previous_cue(
    event: dict[str, Any], *, expected: int | Any | None = UNSET, by: Any = None
) -> RunSheet:
    """Go back one cue: the live one becomes pending again, the one before it live.

    When the ceremony has ended, Back reopens the last cue. With ``expected`` the
    move is conditional, as for ``next_cue``. Raise StaleMove, or RunSheetEnd on the
    first cue or before anything has started.
    """
    event_id = event["id"]
    now = datetime.now(UTC)
    try:
        async with _transaction():
            current = await _live_row(event_id)
            _check_from(current, expected)
            query = Cue.select(Cue.id).where(
                (Cue.event == event_id) & Cue.state.is_in([CueState.done, CueState.skipped])
            )
            if current is not None:
                query = query.where(Cue.position < current["position"])
            before = await query.order_by(Cue.position, ascending=False).first()
            if current is None and not await Cue.exists().where(
                (Cue.event == event_id) & (Cue.state == CueState.done)
            ):
                # Only cues left out beforehand: the ceremony has not started.
                before = None
            if before is None:
                raise RunSheetEnd(
                    N_("This is the first cue: there is nothing before it.")
                    if current is not None
                    else N_("The ceremony has not started: there is nothing to go back to.")
                )
            if current is not None:
                left = (
                    await Cue.update(
                        {Cue.state: CueState.pending, Cue.started_at: None, Cue.ended_at: None}
                    )
                    .where((Cue.id == current["id"]) & (Cue.state == CueState.live))
                    .returning(Cue.id)
                )
                if not left:
                    raise StaleMove(N_("Someone else moved the run sheet at the same moment."))
            if not await _go_live(before["id"], now, from_states=[CueState.done, CueState.skipped]):
                raise StaleMove(N_("Someone else moved the run sheet at the same moment."))
    except DomainError:
        raise
    except Exception as error:
        if _is_unique_violation(error):
            raise StaleMove(N_("Someone else moved the run sheet at the same moment.")) from error
        raise
    await audit.record("runsheet.previous", by=by, event_id=event_id)
    return await _moved(event, "previous")


async def skip_cue(
    event: dict[str, Any], *, expected: int | Any | None = UNSET, by: Any = None
) -> RunSheet:
    """Pass over the live cue (it did not happen) and make the next one live.

    Raise RunSheetEnd when no cue is live, StaleMove as ``next_cue`` does.
    """
    return await next_cue(event, expected=expected, skip=True, by=by)


# --------------------------------------------------------------------------- after the ceremony


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


async def reconciliation(event: dict[str, Any]) -> Reconciliation:
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
