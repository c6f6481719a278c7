"""What the run-sheet API takes and answers (DESIGN.md: /api/events/{slug}/runsheet)."""

from __future__ import annotations

from datetime import datetime

import msgspec

from conference.program.runsheet import CueView, RecipientView, RunSheet
from conference.program.runsheet.introduction import IntroductionView


class MoveIn(msgspec.Struct, forbid_unknown_fields=False):
    """``{"from": cue_id}`` makes a move conditional; ``null`` means "while nothing is live"."""

    from_: int | msgspec.UnsetType | None = msgspec.field(default=msgspec.UNSET, name="from")


class PresenterOut(msgspec.Struct):
    name: str  # as the MC says it: honorific, name, title
    delegate_id: int | None
    full_name: str
    presence: str  # arrived | not_arrived


class RecipientOut(msgspec.Struct):
    name: str
    kind: str  # individual | collective
    delegate_id: int | None  # who receives: the individual, or the collective's representative
    presence: str  # arrived | not_arrived | stand_in | absent
    id: int
    honorific: str
    line: str  # how the MC calls them
    stand_in: str  # whoever receives in their place, when presence is stand_in
    stage_position: int | None  # 1.. from the left, seen from the hall
    on_delegate_list: bool


class CueOut(msgspec.Struct):
    id: int
    position: int
    kind: str  # announcement | batch | custom
    title: str
    script: str
    state: str  # pending | live | done | skipped
    presenters: list[PresenterOut]
    recipients: list[RecipientOut]
    planned_duration_s: int
    started_at: datetime | None
    ended_at: datetime | None
    music: str
    photo: str
    script_edited: bool


class RunSheetOut(msgspec.Struct):
    current: int | None
    cues: list[CueOut]
    status: str  # not_started | running | finished
    next: int | None  # the cue Next makes live
    rehearsal: bool = False  # a rehearsal runs: what it records is discarded at its end


class RunSheetConflictOut(RunSheetOut):
    """409: nothing moved; the state as it is now, and why."""

    code: str = "stale"
    detail: str = ""


def recipient_out(r: RecipientView) -> RecipientOut:
    return RecipientOut(
        name=r.name,
        kind=r.kind,
        delegate_id=r.delegate_id,
        presence=r.presence,
        id=r.id,
        honorific=r.receiver.honorific if r.receiver else "",
        line=r.line,
        stand_in=r.stand_in,
        stage_position=r.stage_position,
        on_delegate_list=r.linked,
    )


def cue_out(cue: CueView) -> CueOut:
    return CueOut(
        id=cue.id,
        position=cue.position,
        kind=cue.kind,
        title=cue.title,
        script=cue.script,
        state=cue.state,
        presenters=[
            PresenterOut(
                name=p.person.described(),
                delegate_id=p.delegate_id,
                full_name=p.person.name,
                presence="arrived" if p.arrived else "not_arrived",
            )
            for p in cue.presenters
        ],
        recipients=[recipient_out(r) for r in cue.recipients],
        planned_duration_s=cue.planned_duration_s,
        started_at=cue.started_at,
        ended_at=cue.ended_at,
        music=cue.music,
        photo=cue.photo,
        script_edited=cue.script_edited,
    )


def runsheet_out(sheet: RunSheet) -> RunSheetOut:
    current, following = sheet.current, sheet.next
    return RunSheetOut(
        current=current.id if current else None,
        cues=[cue_out(cue) for cue in sheet.cues],
        status=sheet.status,
        next=following.id if following else None,
        rehearsal=sheet.rehearsal,
    )


def conflict_out(sheet: RunSheet, code: str, detail: str) -> RunSheetConflictOut:
    state = runsheet_out(sheet)
    return RunSheetConflictOut(
        current=state.current,
        cues=state.cues,
        status=state.status,
        next=state.next,
        rehearsal=state.rehearsal,
        code=code,
        detail=detail,
    )


class IntroducedOut(msgspec.Struct):
    delegate_id: int
    full_name: str
    by_name: bool  # named on their own; otherwise with their delegation


class LateOut(msgspec.Struct):
    delegate_id: int
    full_name: str
    line: str  # what the MC reads for them ("giới thiệu bổ sung")


class IntroductionOut(msgspec.Struct):
    """``GET /api/events/{slug}/introduction``: the MC's "giới thiệu đại biểu"."""

    script: str
    addressed: int | None
    introduced: list[IntroducedOut]
    late: list[LateOut]
    edited: bool


def introduction_out(view: IntroductionView) -> IntroductionOut:
    return IntroductionOut(
        script=view.script,
        addressed=view.addressed,
        introduced=[IntroducedOut(i.delegate_id, i.full_name, i.by_name) for i in view.introduced],
        late=[LateOut(late.delegate_id, late.full_name, late.line) for late in view.late],
        edited=view.edited,
    )


class RehearsalOut(msgspec.Struct):
    """``POST …/rehearsal/start`` and ``/end``: whether a rehearsal now runs, since when."""

    rehearsal: bool
    started_at: datetime | None
