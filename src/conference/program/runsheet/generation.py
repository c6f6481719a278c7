"""Generating the run sheet from the award list."""

from __future__ import annotations

import math
from typing import Any

from conference import audit
from conference.actors import Actor, EventRow
from conference.errors import N_, Conflict
from conference.program import awards
from conference.program.runsheet import script
from conference.program.runsheet._shared import (
    ANNOUNCEMENT_S,
    _place,
    _publish,
    _transaction,
    batch_duration_s,
)
from conference.program.runsheet.view import RunSheet, awards_item, load
from conference.tables import Cue, CueKind, CuePresenter, CueState
from conference.text import nfc


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


async def _presenter_candidates(event_id: int, exclude: set[int]) -> list[dict[str, Any]]:
    """Leaders who may hand out certificates: ranked delegates, highest first, not recipients."""
    return [
        d
        for d in await awards.award_delegate_choices(event_id)
        if d["protocol_rank"] is not None and d["id"] not in exclude
    ]


async def generate(event: EventRow, *, replace: bool = False, by: Actor | None = None) -> RunSheet:
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
