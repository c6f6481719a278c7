"""What the programme records on the day, kept and put back: for a rehearsal that leaves no trace.

The live records of the programme are the items' actual starts and ends, the speeches'
measured lengths and the speaker timer's state. ``live_records`` reads them as plain
JSON values; ``restore_live_records`` writes them back, and clears what was recorded
on items or speakers added since. The run sheet's rehearsal calls both, in its own
transaction. The plan (times, durations, speakers, slots, the warning) is not touched.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from conference import live
from conference.tables import ProgrammeItem, Rehearsal, Speaker, SpeechTimer


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


async def live_records(event_id: int) -> dict[str, Any]:
    """The programme's live records of the event, as JSON values (three queries)."""
    items = await ProgrammeItem.select(
        ProgrammeItem.id, ProgrammeItem.actual_start, ProgrammeItem.actual_end
    ).where(ProgrammeItem.event == event_id)
    speakers = await Speaker.select(Speaker.id, Speaker.spoke_s).where(
        Speaker.item.event == event_id
    )
    timer = await SpeechTimer.select().where(SpeechTimer.event == event_id).first()
    return {
        "items": {str(i["id"]): [_iso(i["actual_start"]), _iso(i["actual_end"])] for i in items},
        "speakers": {str(s["id"]): s["spoke_s"] for s in speakers},
        "timer": None
        if timer is None
        else {
            "item": timer["item"],
            "speaker": timer["speaker"],
            "planned_s": timer["planned_s"],
            "elapsed_ms": timer["elapsed_ms"],
            "running_since": _iso(timer["running_since"]),
        },
    }


async def restore_live_records(event_id: int, records: dict[str, Any]) -> None:
    """Put the live records back as ``live_records`` read them; call inside a transaction."""
    items = records.get("items", {})
    for row in await ProgrammeItem.select(
        ProgrammeItem.id, ProgrammeItem.actual_start, ProgrammeItem.actual_end
    ).where(ProgrammeItem.event == event_id):
        start, end = items.get(str(row["id"]), [None, None])
        if [_iso(row["actual_start"]), _iso(row["actual_end"])] == [start, end]:
            continue
        await ProgrammeItem.update(
            {ProgrammeItem.actual_start: _moment(start), ProgrammeItem.actual_end: _moment(end)}
        ).where(ProgrammeItem.id == row["id"])
    spoken = records.get("speakers", {})
    for row in await Speaker.select(Speaker.id, Speaker.spoke_s).where(
        Speaker.item.event == event_id
    ):
        before = spoken.get(str(row["id"]))
        if row["spoke_s"] != before:
            await Speaker.update({Speaker.spoke_s: before}).where(Speaker.id == row["id"])
    timer = records.get("timer") or {
        "item": None,
        "speaker": None,
        "planned_s": 0,
        "elapsed_ms": 0,
        "running_since": None,
    }
    await SpeechTimer.update(
        {
            SpeechTimer.item: timer["item"],
            SpeechTimer.speaker: timer["speaker"],
            SpeechTimer.planned_s: timer["planned_s"],
            SpeechTimer.elapsed_ms: timer["elapsed_ms"],
            SpeechTimer.running_since: _moment(timer["running_since"]),
            SpeechTimer.version: SpeechTimer.version + 1,
        }
    ).where(SpeechTimer.event == event_id)


def restored(event_id: int) -> None:
    """Tell the open pages that the programme's records and the timer are back as they were."""
    live.publish(event_id, "programme", {"change": "actual"})
    live.publish(event_id, "timer", {"change": "restored"})


async def rehearsal_under_way(event_id: int) -> bool:
    """Whether a rehearsal runs (the run sheet starts and ends it): the hall screen says so."""
    return bool(await Rehearsal.exists().where(Rehearsal.event == event_id))
