"""Rehearsals that leave no trace (tổng duyệt): the day run for practice, then put back.

A rehearsal runs the programme, the run sheet and the timer exactly as on the day. At
its start the live records are kept (``Rehearsal.snapshot``): the cues' states and
times, the award recipients' presence marked at the stage, the introduction's "read",
and the programme's own (actual starts and ends, speeches, the timer; see
``conference.program.agenda.records``). Its end writes them all back and deletes the
row, in one transaction: everything the rehearsal recorded is gone, as if it had not
happened. Check-ins at the desk are real and stay (the desk does not rehearse).

One rehearsal an event at a time: the row is unique per event, so a second start is
refused by the database. A Next in the event's own hours while a rehearsal runs is
refused: it would be the day's real start, and the rehearsal's end would wipe it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from conference import audit, live
from conference.actors import Actor, EventRow
from conference.errors import N_, Conflict
from conference.formatting import hour
from conference.program import agenda
from conference.program.runsheet._shared import _is_unique_violation, _transaction
from conference.tables import AwardRecipient, Cue, CueState, Introduction, Rehearsal


class RehearsalRefused(Conflict):
    """A rehearsal started twice, ended when none runs, or a real Next during one."""

    code = "rehearsal"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


async def _records(event_id: int) -> dict[str, Any]:
    cues = await Cue.select(Cue.id, Cue.state, Cue.started_at, Cue.ended_at).where(
        Cue.event == event_id
    )
    recipients = await AwardRecipient.select(
        AwardRecipient.id,
        AwardRecipient.presence,
        AwardRecipient.stand_in_name,
        AwardRecipient.stand_in_delegate,
        AwardRecipient.delivered_at,
    ).where(AwardRecipient.award_form.event == event_id)
    intro = (
        await Introduction.select(Introduction.read_at)
        .where(Introduction.event == event_id)
        .first()
    )
    return {
        "cues": {
            str(c["id"]): [c["state"], _iso(c["started_at"]), _iso(c["ended_at"])] for c in cues
        },
        "recipients": {
            str(r["id"]): [
                r["presence"],
                r["stand_in_name"],
                r["stand_in_delegate"],
                _iso(r["delivered_at"]),
            ]
            for r in recipients
        },
        "introduction_read_at": _iso(intro["read_at"]) if intro else None,
        "programme": await agenda.live_records(event_id),
    }


async def _restore_cues(event_id: int, cues: dict[str, list[Any]]) -> None:
    # One live cue at a time (index cue_one_live): every cue is put back first as it was,
    # the one that was live last, so no statement ever leaves two live.
    rows = await Cue.select(Cue.id, Cue.state, Cue.started_at, Cue.ended_at).where(
        Cue.event == event_id
    )
    was_live = None
    for row in rows:
        # A cue added during the rehearsal has recorded nothing before it: pending.
        state, started, ended = cues.get(str(row["id"]), [CueState.pending, None, None])
        if state == CueState.live:
            was_live = (row["id"], started, ended)
            state = CueState.pending
        if [row["state"], _iso(row["started_at"]), _iso(row["ended_at"])] != [
            state,
            started,
            ended,
        ]:
            await Cue.update(
                {Cue.state: state, Cue.started_at: _moment(started), Cue.ended_at: _moment(ended)}
            ).where(Cue.id == row["id"])
    if was_live is not None:
        cue_id, started, ended = was_live
        await Cue.update(
            {
                Cue.state: CueState.live,
                Cue.started_at: _moment(started),
                Cue.ended_at: _moment(ended),
            }
        ).where(Cue.id == cue_id)


async def _restore_recipients(event_id: int, marks: dict[str, list[Any]]) -> None:
    rows = await AwardRecipient.select(
        AwardRecipient.id,
        AwardRecipient.presence,
        AwardRecipient.stand_in_name,
        AwardRecipient.stand_in_delegate,
        AwardRecipient.delivered_at,
    ).where(AwardRecipient.award_form.event == event_id)
    for row in rows:
        before = marks.get(str(row["id"]), ["expected", "", None, None])
        now = [
            row["presence"],
            row["stand_in_name"],
            row["stand_in_delegate"],
            _iso(row["delivered_at"]),
        ]
        if now != before:
            await AwardRecipient.update(
                {
                    AwardRecipient.presence: before[0],
                    AwardRecipient.stand_in_name: before[1],
                    AwardRecipient.stand_in_delegate: before[2],
                    AwardRecipient.delivered_at: _moment(before[3]),
                }
            ).where(AwardRecipient.id == row["id"])


def _local(event: EventRow, moment: datetime) -> str:
    return hour(moment.astimezone(ZoneInfo(event["timezone"])))


def _publish(event_id: int, active: bool) -> None:
    live.publish(event_id, "rehearsal", {"active": active})
    live.publish(event_id, "cue", {"change": "rehearsal"})


async def rehearsal_started_at(event_id: int) -> datetime | None:
    """When the rehearsal under way began; None when none runs."""
    row = await Rehearsal.select(Rehearsal.started_at).where(Rehearsal.event == event_id).first()
    return row["started_at"] if row else None


async def start_rehearsal(event: EventRow, *, by: Actor | None = None) -> datetime:
    """Start a rehearsal: keep every live record as it is now, to be put back at its end.

    Returns when it started. Raise RehearsalRefused ``rehearsal_running`` when one runs.
    """
    event_id = event["id"]
    now = datetime.now(UTC)
    running = N_("A rehearsal is already under way (since %(time)s): end it before starting one.")
    try:
        async with _transaction():
            since = await rehearsal_started_at(event_id)
            if since is not None:
                raise RehearsalRefused(running, code="rehearsal_running", time=_local(event, since))
            await Rehearsal.insert(
                Rehearsal(
                    event=event_id,
                    started_at=now,
                    started_by=by.id if by else None,
                    snapshot=await _records(event_id),
                )
            )
    except RehearsalRefused:
        raise
    except Exception as error:
        if _is_unique_violation(error):  # two starts at the same moment: one wins
            raise RehearsalRefused(
                running, code="rehearsal_running", time=_local(event, now)
            ) from error
        raise
    await audit.record("rehearsal.start", by=by, event_id=event_id)
    _publish(event_id, True)
    return now


async def end_rehearsal(event: EventRow, *, by: Actor | None = None) -> None:
    """End the rehearsal: every live record back as it was at its start, in one transaction.

    Raise RehearsalRefused ``rehearsal_not_running`` when no rehearsal runs.
    """
    event_id = event["id"]
    async with _transaction():
        row = await Rehearsal.select().where(Rehearsal.event == event_id).first()
        if row is None:
            raise RehearsalRefused(
                N_("No rehearsal is under way: there is nothing to end."),
                code="rehearsal_not_running",
            )
        snapshot = row["snapshot"]
        if isinstance(snapshot, str):
            snapshot = json.loads(snapshot)
        await _restore_cues(event_id, snapshot.get("cues", {}))
        await _restore_recipients(event_id, snapshot.get("recipients", {}))
        await Introduction.update(
            {Introduction.read_at: _moment(snapshot.get("introduction_read_at"))}
        ).where(Introduction.event == event_id)
        await agenda.restore_live_records(event_id, snapshot.get("programme", {}))
        deleted = await Rehearsal.delete().where(Rehearsal.id == row["id"]).returning(Rehearsal.id)
        if not deleted:
            raise RehearsalRefused(
                N_("No rehearsal is under way: there is nothing to end."),
                code="rehearsal_not_running",
            )
    await audit.record("rehearsal.end", by=by, event_id=event_id)
    agenda.restored(event_id)
    live.publish(event_id, "introduction", {"change": "rehearsal"})
    _publish(event_id, False)


async def refuse_a_real_next(event: EventRow, now: datetime) -> None:
    """Refuse a Next in the event's own hours while a rehearsal runs: it would be the day's
    real start, and the rehearsal's end would wipe it."""
    if not agenda.under_way(event, now):
        return
    if await rehearsal_started_at(event["id"]) is None:
        return
    raise RehearsalRefused(
        N_(
            "A rehearsal is still under way and the conference's time has come: what is "
            "pressed now would be wiped when the rehearsal ends. End the rehearsal first, "
            "then press Next."
        ),
        code="rehearsal_during_the_event",
    )
