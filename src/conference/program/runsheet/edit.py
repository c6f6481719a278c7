"""Editing the run sheet before and during the ceremony, and marking who is present."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from conference import audit
from conference.actors import Actor, EventRow
from conference.errors import N_, Conflict, InvalidInput, NotFound
from conference.program import awards
from conference.program.runsheet._shared import (
    CUSTOM_S,
    MAX_DURATION_S,
    _place,
    _publish,
    _transaction,
    batch_duration_s,
)
from conference.program.runsheet.view import awards_item, load
from conference.tables import (
    AwardRecipient,
    Cue,
    CueKind,
    CuePresenter,
    CueState,
    Delegate,
    Presence,
)
from conference.text import nfc


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


async def move_cue(event_id: int, cue_id: int, offset: int, *, by: Actor | None = None) -> None:
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
    count: int = await AwardRecipient.count().where(
        (AwardRecipient.cue == cue_id) & (AwardRecipient.presence != Presence.absent)
    )
    return count


async def split_batch(event_id: int, cue_id: int, at: int, *, by: Actor | None = None) -> int:
    """Split a pending batch before its ``at``-th recipient (1-based); return the new batch.

    The new batch follows it, with the same award, presenters, music and photo.
    Raise NotFound, InvalidInput for a place that leaves one side empty, Conflict
    for a batch on stage or over.
    """
    async with _transaction():
        row = await _cue_row(event_id, cue_id)
        if row["kind"] != CueKind.batch:
            raise InvalidInput(
                N_("Only a batch of recipients can be split."), refusal="split_not_a_batch"
            )
        _must_be_pending(row)
        members = await _batch_members(cue_id)
        if not 1 < at <= len(members):
            raise InvalidInput(
                N_("Choose where to split: after the first and before the last recipient."),
                refusal="split_position",
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


async def merge_with_next(
    event_id: int, cue_id: int, *, capacity: int, by: Actor | None = None
) -> None:
    """Merge a pending batch with the next batch of the same award (its recipients follow).

    Raise NotFound; InvalidInput when there is no such batch or the stage would hold
    more than ``capacity``; Conflict for a batch on stage or over.
    """
    async with _transaction():
        row = await _cue_row(event_id, cue_id)
        if row["kind"] != CueKind.batch:
            raise InvalidInput(
                N_("Only batches of recipients can be merged."), refusal="merge_not_a_batch"
            )
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
            raise InvalidInput(
                N_("There is no next batch of the same award to merge with."),
                refusal="merge_no_next_batch",
            )
        _must_be_pending(following)
        together = await _on_stage(cue_id) + await _on_stage(following["id"])
        if together > capacity:
            raise InvalidInput(
                N_("Together they are %(count)s people on stage; the stage holds %(capacity)s."),
                count=together,
                capacity=capacity,
                refusal="stage_full",
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
    by: Actor | None = None,
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
            N_("%(name)s can only move to a batch of the same award."),
            name=recipient["name"],
            refusal="other_award_batch",
        )
    if recipient["cue"] == cue_id:
        return
    if recipient["presence"] != Presence.absent and await _on_stage(cue_id) + 1 > capacity:
        raise InvalidInput(
            N_("That batch is full: the stage holds %(capacity)s."),
            capacity=capacity,
            refusal="stage_full",
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
            refusal="batch_over",
        )
    await audit.record(
        "runsheet.move_recipient", by=by, event_id=event_id, target=recipient["name"], cue=cue_id
    )
    _publish(event_id, "edit", cue_id=cue_id)


async def move_in_batch(
    event_id: int, recipient_id: int, offset: int, *, by: Actor | None = None
) -> None:
    """Move a recipient ``offset`` places left (-) or right (+) on the stage line."""
    recipient = await awards.get_recipient(event_id, recipient_id)
    if recipient["cue"] is None:
        raise InvalidInput(
            N_("%(name)s is in no batch yet."), name=recipient["name"], refusal="not_in_batch"
        )
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
        raise InvalidInput(
            N_("The planned duration is from 0 to 240 minutes."), refusal="duration_out_of_range"
        )
    return seconds


async def add_custom_cue(
    event_id: int,
    title: str,
    text: str,
    *,
    planned_duration_s: int = CUSTOM_S,
    after_cue_id: int | None = None,
    by: Actor | None = None,
) -> int:
    """Add a cue of the organizer's own (a speech, a performance) with its script.

    It goes after ``after_cue_id``, or at the end. Raise InvalidInput without a
    title; Conflict when a cue after that place has already been live (what
    happened stays in order).
    """
    title = nfc(title)
    if not title:
        raise InvalidInput(N_("Give the cue a title."), refusal="cue_title_missing")
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
    presenters: Sequence[int] | None = None  # who hands out, in order; None leaves them


async def update_cue(
    event: EventRow, cue_id: int, data: CueEdit, *, by: Actor | None = None
) -> None:
    """Change a cue's title, duration, music, photo, script and presenters, all or nothing.

    A script that differs from the generated one is kept as written from then on
    (``script_edited``); ``regenerate`` goes back to the generated one.
    Raise NotFound, or InvalidInput for a presenter not on the event's list.
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
    presenters = None if data.presenters is None else await _listed(event_id, data.presenters)
    async with _transaction():
        await Cue.update(values).where(Cue.id == cue_id)
        if presenters is not None:
            await _replace_presenters(cue_id, presenters)
    await audit.record("runsheet.edit_cue", by=by, event_id=event_id, target=title)
    if presenters is not None:
        await audit.record("runsheet.presenters", by=by, event_id=event_id, target=str(cue_id))
    _publish(event_id, "edit", cue_id=cue_id)


async def delete_cue(event_id: int, cue_id: int, *, by: Actor | None = None) -> None:
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


async def _listed(event_id: int, delegate_ids: Sequence[int]) -> dict[int, str]:
    """Each delegate's name, in the order given, once; InvalidInput for one not listed."""
    wanted = list(dict.fromkeys(delegate_ids))
    names = {
        row["id"]: row["full_name"]
        for row in await Delegate.select(Delegate.id, Delegate.full_name).where(
            (Delegate.event == event_id) & Delegate.id.is_in(wanted or [0])
        )
    }
    if len(names) != len(wanted):
        raise InvalidInput(
            N_("This delegate is not on the event's list."), refusal="delegate_not_listed"
        )
    return {delegate_id: names[delegate_id] for delegate_id in wanted}


async def _replace_presenters(cue_id: int, presenters: dict[int, str]) -> None:
    await CuePresenter.delete().where(CuePresenter.cue == cue_id)
    for position, (delegate_id, name) in enumerate(presenters.items(), start=1):
        await CuePresenter(cue=cue_id, delegate=delegate_id, name=name, position=position).save()


async def set_presenters(
    event_id: int, cue_id: int, delegate_ids: Sequence[int], *, by: Actor | None = None
) -> None:
    """Choose who hands out a batch's certificates, in order (the first named first).

    Raise NotFound, or InvalidInput for someone not on the event's delegate list.
    """
    await _cue_row(event_id, cue_id)
    presenters = await _listed(event_id, delegate_ids)
    async with _transaction():
        await _replace_presenters(cue_id, presenters)
    await audit.record("runsheet.presenters", by=by, event_id=event_id, target=str(cue_id))
    _publish(event_id, "edit", cue_id=cue_id)


async def set_skipped(
    event_id: int, cue_id: int, skipped: bool, *, by: Actor | None = None
) -> None:
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
    by: Actor | None = None,
) -> None:
    """Mark a recipient expected, present at the stage (có mặt), received by a stand-in
    (nhận thay), or absent (deliver later).

    A stand-in is named, or chosen from the delegates. The batch's generated script
    follows at once. Raise NotFound or InvalidInput.
    """
    recipient = await awards.get_recipient(event_id, recipient_id)
    if presence not in {p.value for p in Presence}:
        raise InvalidInput(
            N_("Choose present, expected, stand-in or absent."), refusal="attendance_choice"
        )
    name = nfc(stand_in_name)
    if presence == Presence.stand_in:
        if stand_in_delegate_id is not None:
            if not await Delegate.exists().where(
                (Delegate.id == stand_in_delegate_id) & (Delegate.event == event_id)
            ):
                raise InvalidInput(
                    N_("This delegate is not on the event's list."), refusal="delegate_not_listed"
                )
        elif not name:
            raise InvalidInput(
                N_("Give the name of whoever receives in their place."),
                refusal="stand_in_name_missing",
            )
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
