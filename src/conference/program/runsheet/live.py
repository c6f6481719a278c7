"""Driving the run sheet live: Next, Back and Skip.

The live state is the cues' ``state``. At most one cue of an event is live (a
partial unique index), and the live cue moves by conditional UPDATEs inside one
transaction: ``… WHERE id = :from AND state = 'live'``. So two people pressing Next
at the same moment move it one step; the second is told the state has moved on.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from conference import audit
from conference.actors import Actor, EventRow
from conference.errors import N_, DomainError
from conference.program.agenda import mark_item_ended, mark_item_started
from conference.program.runsheet._shared import (
    UNSET,
    RunSheetEnd,
    StaleMove,
    _is_unique_violation,
    _publish,
    _transaction,
)
from conference.program.runsheet.rehearsal import refuse_a_real_next
from conference.program.runsheet.view import RunSheet, load
from conference.tables import Cue, CueState


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


async def _moved(event: EventRow, change: str) -> RunSheet:
    _publish(event["id"], change)
    return await load(event)


async def next_cue(
    event: EventRow,
    *,
    expected: int | Any | None = UNSET,
    skip: bool = False,
    by: Actor | None = None,
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
    await refuse_a_real_next(event, now)
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
    event: EventRow, *, expected: int | Any | None = UNSET, by: Actor | None = None
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
    event: EventRow, *, expected: int | Any | None = UNSET, by: Actor | None = None
) -> RunSheet:
    """Pass over the live cue (it did not happen) and make the next one live.

    Raise RunSheetEnd when no cue is live, StaleMove as ``next_cue`` does.
    """
    return await next_cue(event, expected=expected, skip=True, by=by)
