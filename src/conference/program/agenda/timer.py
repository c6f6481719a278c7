"""The speaker timer (đồng hồ bấm giờ): each speaker's slot counted down, live, on every page.

One timer an event (``SpeechTimer``). The stage manager or the MC starts it on a
speaker of an item, pauses it, resumes it and extends it; the lectern screen, the MC's
and the stage views show it. The server's clock is the reference: a state says what
remained at ``server_time``, and each page works out the server's clock from its own
(``static/timer.js``), so every page shows the same second.

The length of each speech (the time the timer ran for that speaker, pauses left out)
is kept on the speaker (``Speaker.spoke_s``) when the timer pauses, moves to another
speaker or stops; the programme's page and CSV show it.

Every change is one conditional UPDATE on the row's ``version``: of two presses at
once, the second is applied to what the first left, never over it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from conference import audit, live
from conference.actors import Actor, EventRow
from conference.errors import N_, Conflict, InvalidInput, NotFound
from conference.program.agenda.items import Day, Item, in_order, slot_seconds
from conference.program.agenda.timing import as_planned_off_the_day, now_and_next
from conference.tables import ProgrammeItem, Speaker, SpeechTimer

IDLE = "idle"
RUNNING = "running"
PAUSED = "paused"
WARNING = "warning"
OVERTIME = "overtime"

WARNING_S = 120  # amber two minutes before the end, unless the event says otherwise
# One extension adds at most a quarter of an hour; a negative one only takes back
# what was added (a slip of the finger), never cuts into the speaker's own slot.
MAX_ADD_S = 15 * 60
MAX_WARNING_S = 30 * 60
_RETRIES = 5


@dataclass(frozen=True)
class SpeakerSlot:
    id: int
    name: str
    planned_s: int
    spoke_s: int | None


@dataclass(frozen=True)
class TimerState:
    """What the timer shows at ``server_time``: ``remaining_s`` negative in overtime."""

    item_id: int | None
    item_title: str
    speaker_id: int | None
    speaker: str
    planned_s: int
    remaining_s: float
    phase: str
    server_time: datetime
    warning_s: int
    running: bool
    speakers: list[SpeakerSlot] = field(default_factory=list)  # of the item shown
    items: list[tuple[int, str]] = field(default_factory=list)  # with speakers: id, title

    def as_dict(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "item_title": self.item_title,
            "speaker_id": self.speaker_id,
            "speaker": self.speaker,
            "planned_s": self.planned_s,
            "remaining_s": self.remaining_s,
            "phase": self.phase,
            "server_time": self.server_time.isoformat(),
            "warning_s": self.warning_s,
            "speakers": [
                {"id": s.id, "name": s.name, "planned_s": s.planned_s, "spoke_s": s.spoke_s}
                for s in self.speakers
            ],
            "items": [{"id": i, "title": t} for i, t in self.items],
        }


def phase_of(*, has_speaker: bool, running: bool, remaining_s: float, warning_s: int) -> str:
    """idle without a speaker, paused when stopped; running, then warning, then overtime."""
    if not has_speaker:
        return IDLE
    if not running:
        return PAUSED
    if remaining_s <= 0:
        return OVERTIME
    if remaining_s <= warning_s:
        return WARNING
    return RUNNING


def elapsed_ms(row: dict[str, Any], now: datetime) -> int:
    since = row["running_since"]
    running = 0 if since is None else int((now - since).total_seconds() * 1000)
    return int(row["elapsed_ms"]) + max(running, 0)


# ------------------------------------------------------------------ reading


async def _row(event_id: int) -> dict[str, Any]:
    row = await SpeechTimer.select().where(SpeechTimer.event == event_id).first()
    if row is None:
        await SpeechTimer.insert(SpeechTimer(event=event_id)).on_conflict(action="DO NOTHING")
        row = await SpeechTimer.select().where(SpeechTimer.event == event_id).first()
    assert row is not None
    return row


async def _items(event_id: int) -> list[dict[str, Any]]:
    return await ProgrammeItem.select(
        ProgrammeItem.id,
        ProgrammeItem.position,
        ProgrammeItem.starts_at,
        ProgrammeItem.duration_min,
        ProgrammeItem.title,
        ProgrammeItem.room,
        ProgrammeItem.actual_start,
        ProgrammeItem.actual_end,
    ).where(ProgrammeItem.event == event_id)


async def _speakers(item_id: int) -> list[dict[str, Any]]:
    return await (
        Speaker.select(
            Speaker.id,
            Speaker.item,
            Speaker.name,
            Speaker.slot_min,
            Speaker.spoke_s,
            Speaker.delegate.full_name.as_alias("d_name"),
            Speaker.delegate.honorific.as_alias("d_honorific"),
        )
        .where(Speaker.item == item_id)
        .order_by(Speaker.position)
        .order_by(Speaker.id)
    )


def _name(row: dict[str, Any]) -> str:
    name = row["d_name"] or row["name"]
    return " ".join(part for part in (row["d_honorific"] or "", name) if part)


def slot_s(speaker: dict[str, Any], item: dict[str, Any], speakers: int) -> int:
    """A speaker's planned slot: their own minutes, else an equal share of the item."""
    return slot_seconds(speaker["slot_min"], item["duration_min"], speakers)


def _slots(item: dict[str, Any], rows: list[dict[str, Any]]) -> list[SpeakerSlot]:
    return [SpeakerSlot(r["id"], _name(r), slot_s(r, item, len(rows)), r["spoke_s"]) for r in rows]


async def _event_item(event_id: int, item_id: int) -> dict[str, Any]:
    item = next((i for i in await _items(event_id) if i["id"] == item_id), None)
    if item is None:
        raise NotFound(N_("This programme item does not exist (any more)."))
    return item


async def _with_speakers(event_id: int) -> list[dict[str, Any]]:
    """The event's items that have speakers, in programme order: those a timer can time."""
    items = {i["id"]: i for i in await _items(event_id)}
    having = {
        row["item"]
        for row in await Speaker.select(Speaker.item).where(Speaker.item.event == event_id)
    }
    ordered = sorted(
        (items[i] for i in having if i in items),
        key=lambda i: (i["starts_at"], i["position"], i["id"]),
    )
    return ordered


def _current_item(
    event: EventRow, items: list[dict[str, Any]], now: datetime, timed: list[dict[str, Any]]
) -> int | None:
    """The item a timer started without naming one times: the one under way (recorded
    started, not ended), else the one under way or next by the plan, else the first item
    with speakers (another day: a rehearsal, a test)."""
    running = [i for i in items if i["actual_start"] is not None and i["actual_end"] is None]
    if running:
        return int(max(running, key=lambda i: i["actual_start"])["id"])
    day = Day.of(event)
    ordered = in_order(
        [
            Item(
                id=i["id"],
                position=i["position"],
                starts_at=i["starts_at"],
                duration_min=i["duration_min"],
                title=i["title"],
                room=i["room"],
                actual_start=i["actual_start"],
                actual_end=i["actual_end"],
            )
            for i in items
        ]
    )
    view = now_and_next(as_planned_off_the_day(ordered, day), now)
    if view.current:
        return view.current[0].id
    if view.next is not None:
        return view.next.id
    return int(timed[0]["id"]) if timed else None


async def load_timer(event: EventRow, *, now: datetime | None = None) -> TimerState:
    """The timer as every page shows it now (a few small queries)."""
    now = now or datetime.now(UTC)
    row = await _row(event["id"])
    item_id = row["item"]
    timed = await _with_speakers(event["id"])
    if item_id is None:
        item_id = _current_item(event, await _items(event["id"]), now, timed)
    item = None
    if item_id is not None:
        item = next((i for i in await _items(event["id"]) if i["id"] == item_id), None)
    slots = _slots(item, await _speakers(item["id"])) if item else []
    speaker = next((s for s in slots if s.id == row["speaker"]), None)
    if speaker is None:
        # Idle: what a start would time, the item's first speaker not yet heard.
        waiting = next((s for s in slots if s.spoke_s is None), slots[0] if slots else None)
        return TimerState(
            item_id=item["id"] if item else None,
            item_title=item["title"] if item else "",
            speaker_id=None,
            speaker=waiting.name if waiting else "",
            planned_s=waiting.planned_s if waiting else 0,
            remaining_s=float(waiting.planned_s if waiting else 0),
            phase=IDLE,
            server_time=now,
            warning_s=row["warning_s"],
            running=False,
            speakers=slots,
            items=[(i["id"], i["title"]) for i in timed],
        )
    remaining = round(row["planned_s"] - elapsed_ms(row, now) / 1000, 3)
    running = row["running_since"] is not None
    return TimerState(
        item_id=item["id"] if item else None,
        item_title=item["title"] if item else "",
        speaker_id=speaker.id,
        speaker=speaker.name,
        planned_s=row["planned_s"],
        remaining_s=remaining,
        phase=phase_of(
            has_speaker=True, running=running, remaining_s=remaining, warning_s=row["warning_s"]
        ),
        server_time=now,
        warning_s=row["warning_s"],
        running=running,
        speakers=slots,
        items=[(i["id"], i["title"]) for i in timed],
    )


# ------------------------------------------------------------------ changing


async def _apply(event_id: int, change: Any) -> None:
    """Run ``change(row, now) -> values`` as one conditional UPDATE, retried on a race."""
    for _ in range(_RETRIES):
        row = await _row(event_id)
        now = datetime.now(UTC)
        values = await change(row, now)
        if values is None:
            return
        values[SpeechTimer.version] = row["version"] + 1
        updated = (
            await SpeechTimer.update(values)
            .where((SpeechTimer.id == row["id"]) & (SpeechTimer.version == row["version"]))
            .returning(SpeechTimer.id)
        )
        if updated:
            return
    raise Conflict(N_("Someone else changed the timer at the same moment: try again."))


async def _record_speech(row: dict[str, Any], now: datetime) -> None:
    """Keep how long the timed speaker has spoken so far (pauses left out)."""
    if row["speaker"] is not None:
        await Speaker.update({Speaker.spoke_s: round(elapsed_ms(row, now) / 1000)}).where(
            Speaker.id == row["speaker"]
        )


def _changed(event: EventRow, state: TimerState, change: str) -> TimerState:
    live.publish(event["id"], "timer", {"change": change, **state.as_dict()})
    return state


async def _choose(event: EventRow, item_id: int | None, speaker_id: int | None) -> dict[str, Any]:
    """The speaker a start names, or the first not yet heard of the item (or the current one)."""
    event_id = event["id"]
    if speaker_id is not None:
        row = await (
            Speaker.select(Speaker.id, Speaker.item)
            .where((Speaker.id == speaker_id) & (Speaker.item.event == event_id))
            .first()
        )
        if row is None:
            raise NotFound(N_("This speaker is no longer on the programme."))
        item_id = row["item"]
    if item_id is None:
        item_id = _current_item(
            event, await _items(event_id), datetime.now(UTC), await _with_speakers(event_id)
        )
        if item_id is None:
            raise InvalidInput(
                N_("The programme has no items: there is nobody to time."), code="timer_no_items"
            )
    item = await _event_item(event_id, item_id)
    rows = await _speakers(item_id)
    if not rows:
        raise InvalidInput(
            N_(
                "“%(title)s” has no speakers: add its speakers in the programme "
                "(with their minutes) before starting the timer."
            ),
            code="timer_no_speakers",
            title=item["title"],
        )
    slots = _slots(item, rows)
    if speaker_id is not None:
        chosen = next(s for s in slots if s.id == speaker_id)
    else:
        chosen = next((s for s in slots if s.spoke_s is None), slots[0])
    return {"item": item_id, "speaker": chosen.id, "planned_s": chosen.planned_s}


async def start_timer(
    event: EventRow,
    *,
    item_id: int | None = None,
    speaker_id: int | None = None,
    by: Actor | None = None,
) -> TimerState:
    """Start (or resume) the timer.

    Without ``item_id`` or ``speaker_id``: a paused timer resumes; a running one goes on;
    an idle one starts on the current item's first speaker not yet heard. Naming a
    speaker (or an item: its first speaker not yet heard) other than the one timed ends
    that speech (its length is kept) and starts the new one from its full slot.
    Raise InvalidInput ``timer_no_speakers`` for an item without speakers, NotFound for
    an item or speaker not in the event.
    """
    target = None
    if item_id is not None or speaker_id is not None:
        target = await _choose(event, item_id, speaker_id)

    async def change(row: dict[str, Any], now: datetime) -> dict[Any, Any] | None:
        nonlocal target
        same = target is None or target["speaker"] == row["speaker"]
        if row["speaker"] is not None and same:
            if row["running_since"] is not None:
                return None  # already running: nothing to do
            return {SpeechTimer.running_since: now}
        if target is None:
            target = await _choose(event, None, None)
        await _record_speech(row, now)
        return {
            SpeechTimer.item: target["item"],
            SpeechTimer.speaker: target["speaker"],
            SpeechTimer.planned_s: target["planned_s"],
            SpeechTimer.elapsed_ms: 0,
            SpeechTimer.running_since: now,
        }

    await _apply(event["id"], change)
    state = await load_timer(event)
    await audit.record(
        "timer.start", by=by, event_id=event["id"], target=str(state.speaker_id or "")
    )
    return _changed(event, state, "start")


async def pause_timer(event: EventRow, *, by: Actor | None = None) -> TimerState:
    """Pause the running timer; the time spoken so far is kept on the speaker.

    Raise Conflict ``timer_idle`` when nobody is being timed, ``timer_paused`` when it
    is already paused.
    """

    async def change(row: dict[str, Any], now: datetime) -> dict[Any, Any] | None:
        if row["speaker"] is None:
            raise Conflict(
                N_("The timer is not running: nobody is being timed, there is nothing to pause."),
                code="timer_idle",
            )
        if row["running_since"] is None:
            raise Conflict(N_("The timer is already paused."), code="timer_paused")
        await _record_speech(row, now)
        return {SpeechTimer.elapsed_ms: elapsed_ms(row, now), SpeechTimer.running_since: None}

    await _apply(event["id"], change)
    await audit.record("timer.pause", by=by, event_id=event["id"])
    return _changed(event, await load_timer(event), "pause")


async def add_time(event: EventRow, seconds: int, *, by: Actor | None = None) -> TimerState:
    """Give the speaker ``seconds`` more (a negative number takes an extension back).

    At most ``MAX_ADD_S`` at once; a negative number at most what was added to this
    speaker's slot. Raise InvalidInput ``timer_bad_extension``, Conflict ``timer_idle``.
    """
    if seconds == 0 or seconds > MAX_ADD_S:
        raise InvalidInput(
            N_("An extension is between 1 second and %(minutes)s minutes."),
            code="timer_bad_extension",
            minutes=MAX_ADD_S // 60,
        )

    async def change(row: dict[str, Any], now: datetime) -> dict[Any, Any] | None:
        if row["speaker"] is None:
            raise Conflict(
                N_("The timer is not running: start it on a speaker before extending."),
                code="timer_idle",
            )
        speaker = (
            await Speaker.select(Speaker.slot_min, Speaker.item)
            .where(Speaker.id == row["speaker"])
            .first()
        )
        item = await _event_item(event["id"], row["item"])
        slot = slot_s(speaker, item, len(await _speakers(row["item"]))) if speaker else 0
        added = row["planned_s"] - slot
        if seconds < 0 and -seconds > added:
            raise InvalidInput(
                N_(
                    "Only time that was added can be taken back (%(added)s s were added): "
                    "the speaker's own slot of %(minutes)s minutes cannot be shortened here."
                ),
                code="timer_bad_extension",
                added=max(added, 0),
                minutes=slot // 60,
            )
        return {SpeechTimer.planned_s: row["planned_s"] + seconds}

    await _apply(event["id"], change)
    await audit.record("timer.add", by=by, event_id=event["id"], seconds=seconds)
    return _changed(event, await load_timer(event), "add")


async def stop_timer(event: EventRow, *, by: Actor | None = None) -> TimerState:
    """End the speech being timed (its length is kept): the timer is idle again.

    Raise Conflict ``timer_idle`` when nobody is being timed.
    """

    async def change(row: dict[str, Any], now: datetime) -> dict[Any, Any] | None:
        if row["speaker"] is None:
            raise Conflict(
                N_("The timer is not running: there is nothing to stop."), code="timer_idle"
            )
        await _record_speech(row, now)
        return {
            SpeechTimer.speaker: None,
            SpeechTimer.elapsed_ms: 0,
            SpeechTimer.running_since: None,
            SpeechTimer.planned_s: 0,
        }

    await _apply(event["id"], change)
    await audit.record("timer.stop", by=by, event_id=event["id"])
    return _changed(event, await load_timer(event), "stop")


async def warning_s(event_id: int) -> int:
    """How long before the end of a slot the timer turns amber, in seconds."""
    return int((await _row(event_id))["warning_s"])


async def set_warning(event: EventRow, minutes: float, *, by: Actor | None = None) -> None:
    """Turn amber this many minutes before a slot ends (0 to 30). Raise InvalidInput."""
    seconds = round(minutes * 60)
    if not 0 <= seconds <= MAX_WARNING_S:
        raise InvalidInput(
            N_("The warning is between 0 and %(minutes)s minutes before the end."),
            code="timer_bad_warning",
            minutes=MAX_WARNING_S // 60,
        )
    await _row(event["id"])
    await SpeechTimer.update({SpeechTimer.warning_s: seconds}).where(
        SpeechTimer.event == event["id"]
    )
    await audit.record("timer.warning", by=by, event_id=event["id"], seconds=seconds)
    _changed(event, await load_timer(event), "warning")


async def set_slot(
    event_id: int, speaker_id: int, minutes: int | None, *, by: Actor | None = None
) -> int:
    """A speaker's planned slot in minutes (None: an equal share of the item); returns the
    item's id. Raise InvalidInput for less than 1 or more than 240, NotFound."""
    if minutes is not None and not 1 <= minutes <= 240:
        raise InvalidInput(
            N_("A speaker's slot is between 1 and 240 minutes."), code="timer_bad_slot"
        )
    row = await (
        Speaker.select(Speaker.id, Speaker.item)
        .where((Speaker.id == speaker_id) & (Speaker.item.event == event_id))
        .first()
    )
    if row is None:
        raise NotFound(N_("This speaker is no longer on the programme."))
    await Speaker.update({Speaker.slot_min: minutes}).where(Speaker.id == speaker_id)
    await audit.record(
        "programme.speaker.slot", by=by, event_id=event_id, target=str(speaker_id), minutes=minutes
    )
    live.publish(event_id, "programme", {"change": "speakers", "item_id": row["item"]})
    return int(row["item"])
