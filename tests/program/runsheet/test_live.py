"""Driving the run sheet live: Next, Back, Skip, the one-step rule, presence, reconciliation."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from conference import demo
from conference.checkin.services import check_in_delegate
from conference.errors import Conflict
from conference.events import get_event
from conference.program import runsheet
from conference.program.awards import services as awards
from conference.tables import AwardRecipient, Cue, Delegate, ProgrammeItem

SLUG = "nguoi-tot-viec-tot-2022"


@pytest.fixture
async def event(db):
    await demo.load()
    return await get_event(SLUG)


async def _awards_item():
    return await ProgrammeItem.select().where(ProgrammeItem.kind == "awards").first()


async def test_next_walks_the_run_sheet_and_records_actual_times(event):
    sheet = await runsheet.next_cue(event, expected=None)
    first = sheet.current
    assert first.position == 1 and first.started_at is not None
    item = await _awards_item()
    assert item["actual_start"] == first.started_at  # the programme's live delays start here
    sheet = await runsheet.next_cue(event, expected=first.id)
    assert sheet.current.position == 2
    done = sheet.cue(first.id)
    assert done.state == "done" and done.ended_at >= done.started_at
    for _ in range(6):
        sheet = await runsheet.next_cue(event)
    assert sheet.current.position == 8 and sheet.next is None
    # Next on the last cue ends the ceremony and records the award item's end...
    sheet = await runsheet.next_cue(event, expected=sheet.current.id)
    assert sheet.current is None and sheet.status == "finished"
    assert (await _awards_item())["actual_end"] == sheet.cues[-1].ended_at
    # ...and advancing past it is refused, nothing changed.
    with pytest.raises(runsheet.RunSheetEnd, match="no cue after it"):
        await runsheet.next_cue(event)
    assert [c.state for c in (await runsheet.load(event)).cues] == ["done"] * 8
    # Back reopens the last cue.
    sheet = await runsheet.previous_cue(event, expected=None)
    assert sheet.current.position == 8 and sheet.current.ended_at is None


async def test_a_move_from_a_cue_no_longer_live_changes_nothing(event):
    sheet = await runsheet.next_cue(event)
    live = sheet.current.id
    await runsheet.next_cue(event, expected=live)
    before = [(c.id, c.state) for c in (await runsheet.load(event)).cues]
    for move in (runsheet.next_cue, runsheet.previous_cue, runsheet.skip_cue):
        with pytest.raises(runsheet.StaleMove):
            await move(event, expected=live)
    with pytest.raises(runsheet.StaleMove):
        await runsheet.next_cue(event, expected=None)  # "nothing live" is no longer so
    assert [(c.id, c.state) for c in (await runsheet.load(event)).cues] == before


async def test_back_and_skip(event):
    with pytest.raises(runsheet.RunSheetEnd, match="not started"):
        await runsheet.previous_cue(event)
    sheet = await runsheet.next_cue(event)
    with pytest.raises(runsheet.RunSheetEnd, match="first cue"):
        await runsheet.previous_cue(event)
    sheet = await runsheet.skip_cue(event, expected=sheet.current.id)
    assert sheet.cues[0].state == "skipped" and sheet.current.position == 2
    sheet = await runsheet.previous_cue(event, expected=sheet.current.id)
    assert sheet.current.position == 1 and sheet.cues[1].state == "pending"
    assert sheet.cues[1].started_at is None


async def test_a_cue_left_out_beforehand_neither_starts_the_ceremony_nor_is_shown_next(event):
    sheet = await runsheet.load(event)
    left_out = sheet.cues[1]  # the first batch
    await runsheet.set_skipped(event["id"], left_out.id, True)
    sheet = await runsheet.load(event)
    assert sheet.status == "not_started"
    assert [b.id for b in sheet.batches_near_live()] == [sheet.cues[3].id, sheet.cues[4].id]
    with pytest.raises(runsheet.RunSheetEnd, match="not started"):
        await runsheet.previous_cue(event, expected=None)
    sheet = await runsheet.load(event)
    assert sheet.current is None and sheet.cue(left_out.id).state == "skipped"


async def test_ten_simultaneous_nexts_from_the_same_cue_move_one_step(event):
    sheet = await runsheet.next_cue(event)
    live = sheet.current.id
    results = await asyncio.gather(
        *(runsheet.next_cue(event, expected=live) for _ in range(10)), return_exceptions=True
    )
    moved = [r for r in results if isinstance(r, runsheet.RunSheet)]
    refused = [r for r in results if isinstance(r, runsheet.StaleMove)]
    assert len(moved) == 1 and len(refused) == 9, results
    sheet = await runsheet.load(event)
    assert sheet.current.position == 2
    assert [c.state for c in sheet.cues[:3]] == ["done", "live", "pending"]


async def test_the_database_allows_one_live_cue_per_event(event):
    first, second = await Cue.select(Cue.id).order_by(Cue.position).limit(2)
    await Cue.update({Cue.state: "live"}).where(Cue.id == first["id"])
    with pytest.raises(Exception, match=r"(?i)unique"):
        await Cue.update({Cue.state: "live"}).where(Cue.id == second["id"])


async def test_presence_follows_check_in_and_what_the_stage_manager_marks(event):
    sheet = await runsheet.load(event)
    batch = sheet.cues[1]
    first, second, third = batch.recipients[:3]
    assert {r.presence for r in batch.recipients} == {"not_arrived"}
    await Delegate.update({Delegate.checked_in_at: datetime.now(UTC)}).where(
        Delegate.id == first.delegate_id
    )
    await runsheet.set_presence(
        event["id"], second.id, "stand_in", stand_in_name="Bà Nguyễn Thị Hà"
    )
    await runsheet.set_presence(event["id"], third.id, "absent")
    sheet = await runsheet.load(event)
    batch = sheet.cues[1]
    by_id = {r.id: r for r in batch.recipients}
    assert by_id[first.id].presence == "arrived" and by_id[first.id].arrived_at is not None
    assert by_id[second.id].presence == "stand_in"
    assert by_id[third.id].presence == "absent" and by_id[third.id].stage_position is None
    # The script follows: the stand-in receives, the absent collective is not called.
    assert "Công ty TNHH MTV Thoát nước Hà Nội, Bà Nguyễn Thị Hà nhận thay;" in batch.script
    assert third.name not in batch.script
    # A free place is offered to the next batch of the same award only (none here).
    assert batch.suggestions == []
    with pytest.raises(Exception, match="name of whoever"):
        await runsheet.set_presence(event["id"], second.id, "stand_in")


async def test_absentees_free_places_that_arrived_people_of_the_next_batch_can_take(event):
    sheet = await runsheet.load(event)
    batch, following = sheet.cues[3], sheet.cues[4]
    await runsheet.set_presence(event["id"], batch.recipients[0].id, "absent")
    ready = following.recipients[2]
    await Delegate.update({Delegate.checked_in_at: datetime.now(UTC)}).where(
        Delegate.id == ready.delegate_id
    )
    sheet = await runsheet.load(event)
    assert [r.id for r in sheet.cues[3].suggestions] == [ready.id]
    await runsheet.move_recipient(event["id"], ready.id, batch.id, capacity=7)
    sheet = await runsheet.load(event)
    assert sheet.cues[3].recipients[-1].id == ready.id
    assert ready.id not in [r.id for r in sheet.cues[3].suggestions]
    assert ready.id not in [r.id for r in sheet.cues[4].recipients]


async def test_a_recipient_cannot_be_removed_while_their_batch_is_live(event):
    sheet = await runsheet.next_cue(event)
    sheet = await runsheet.next_cue(event, expected=sheet.current.id)
    on_stage = sheet.current.recipients[0]
    with pytest.raises(Conflict, match="Mark them absent") as refused:
        await awards.delete_recipient(event["id"], on_stage.id)
    assert refused.value.code == "recipient_on_stage"
    assert await AwardRecipient.exists().where(AwardRecipient.id == on_stage.id)
    later = sheet.cues[3].recipients[0]
    await awards.delete_recipient(event["id"], later.id)
    sheet = await runsheet.load(event)
    assert later.id not in [r.id for r in sheet.cues[3].recipients]
    assert sheet.current.id == sheet.cues[1].id  # the live cue is untouched


async def test_a_recipient_without_a_delegate_record_is_shown_as_unknown(event):
    sheet = await runsheet.load(event)
    loc = next(r for r in sheet.cues[-1].recipients if r.name == "Phạm Hữu Lộc")
    assert not loc.linked and loc.presence == "not_arrived" and loc.delegate_id is None
    assert "Ông Phạm Hữu Lộc." in sheet.cues[-1].script


async def test_the_reconciliation_after_the_ceremony(event):
    sheet = await runsheet.load(event)
    first_batch = sheet.cues[1]
    await runsheet.set_presence(event["id"], first_batch.recipients[0].id, "absent")
    await runsheet.set_presence(
        event["id"], first_batch.recipients[1].id, "stand_in", stand_in_name="Ông Lê Văn Nam"
    )
    await runsheet.set_presence(event["id"], first_batch.recipients[2].id, "present")
    here = first_batch.recipients[3]
    await check_in_delegate(event, here.delegate_id)  # arrives before the batch is called
    sheet = await runsheet.next_cue(event)
    sheet = await runsheet.next_cue(event, expected=sheet.current.id)
    sheet = await runsheet.next_cue(event, expected=sheet.current.id)  # the first batch is done
    late = first_batch.recipients[4]
    await check_in_delegate(event, late.delegate_id)  # arrives after it left the stage
    report = await runsheet.reconciliation(event)
    outcomes = {row.recipient.id: row.outcome for row in report.rows}
    assert len(report.rows) == 40
    assert report.count("stand_in") == 1
    # In person: the one marked present at the stage and the one checked in before the call.
    assert report.count("in_person") == 2
    assert outcomes[first_batch.recipients[2].id] == outcomes[here.id] == "in_person"
    assert outcomes[late.id] == "to_deliver"
    # The absent one and the three of the batch who never came; later batches are to come.
    assert report.count("to_deliver") == len(first_batch.recipients) - 3
    assert report.count("not_called") == 40 - len(first_batch.recipients)
    absent = report.rows[0].recipient
    await awards.mark_delivered(event["id"], absent.id, True)
    report = await runsheet.reconciliation(event)
    assert report.rows[0].outcome == "delivered"
    assert report.count("to_deliver") == len(first_batch.recipients) - 4


async def test_nobody_unseen_received_in_person_and_batches_to_come_are_not_absent(event):
    """The issue's case: Bà Nguyễn Thị Bích Ngọc never checked in nor was marked."""
    sheet = await runsheet.load(event)
    ngoc = next(
        r for r in sheet.recipients if r.receiver and r.receiver.name == "Nguyễn Thị Bích Ngọc"
    )
    batch = sheet.cue(ngoc.cue_id)
    later = [c for c in sheet.cues if c.kind == "batch" and c.position > batch.position]
    arrived = next(r for r in later[-1].recipients if r.delegate_id)
    await check_in_delegate(event, arrived.delegate_id)  # here already, their turn to come
    while (sheet.current is None or sheet.current.position <= batch.position) and sheet.next:
        sheet = await runsheet.next_cue(event)
    assert sheet.cue(batch.id).state == "done" and sheet.cue(later[0].id).state != "done"
    report = await runsheet.reconciliation(event)
    outcomes = {row.recipient.id: row.outcome for row in report.rows}
    assert outcomes[ngoc.id] == "to_deliver"
    pending = [c for c in later if sheet.cue(c.id).state == "pending"]
    assert pending
    for cue in pending:
        for recipient in cue.recipients:
            assert outcomes[recipient.id] == "not_called"
    assert outcomes[arrived.id] == "not_called"
    assert "in_person" not in {outcomes[r.id] for r in batch.recipients}
