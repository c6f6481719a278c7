"""The run sheet generated from the demo award list: order, batches, presenters, wording."""

from __future__ import annotations

import pytest

from conference import demo
from conference.errors import Conflict, InvalidInput
from conference.events import get_event
from conference.program import runsheet
from conference.program.runsheet import script
from conference.program.runsheet.script import Called, Person
from conference.tables import AwardRecipient, Cue, Delegate, Event

SLUG = "nguoi-tot-viec-tot-2022"


@pytest.fixture
async def event(db):
    await demo.load()  # loads the award list and generates the run sheet
    return await get_event(SLUG)


async def test_each_award_form_in_rank_order_gets_its_announcement_then_even_batches(event):
    sheet = await runsheet.load(event)
    assert [c.kind for c in sheet.cues] == [
        "announcement",
        "batch",
        "announcement",
        "batch",
        "batch",
        "announcement",
        "batch",
        "batch",
    ]
    assert [c.position for c in sheet.cues] == list(range(1, 9))
    # 8, 14 and 18 recipients on a stage of 10: 8, then 7 + 7, then 9 + 9.
    assert [len(c.recipients) for c in sheet.cues if c.kind == "batch"] == [8, 7, 7, 9, 9]
    assert all(c.state == "pending" for c in sheet.cues)
    # Recipients keep the calling order of the award list, forms highest first.
    called = [r.name for c in sheet.cues for r in c.recipients]
    assert called == [r.name for r in sheet.recipients]
    assert called[0] == "Phòng Quản lý xây dựng công trình"
    assert called[-1] == "Phạm Hữu Lộc"
    assert [r.stage_position for r in sheet.cues[1].recipients] == list(range(1, 9))


async def test_presenters_are_the_leaders_in_protocol_order(event):
    sheet = await runsheet.load(event)
    presenters = [c.presenters[0].person.name for c in sheet.cues if c.kind == "batch"]
    ranked = (
        await Delegate.select(Delegate.full_name)
        .where(Delegate.protocol_rank.is_not_null())
        .order_by(Delegate.protocol_rank)
    )
    assert presenters == [d["full_name"] for d in ranked[:5]]
    assert presenters[:3] == ["Nguyễn Thị Thủy Lệ", "Hoàng Cao Thắng", "Nguyễn Thị Thanh"]


async def test_the_mc_reads_the_decision_and_calls_each_batch_in_vietnamese(event):
    sheet = await runsheet.load(event)
    assert sheet.cues[0].script == (
        "Xin trân trọng công bố Quyết định số 1069/QĐ-BXD ngày 26/8/2022 của Bộ trưởng"
        " Bộ Xây dựng về việc tặng Bằng khen của Bộ trưởng Bộ Xây dựng cho 3 tập thể và"
        " 5 cá nhân đã có thành tích xuất sắc."
    )
    second_form_first_batch = sheet.cues[3].script.splitlines()
    assert second_form_first_batch[0] == (
        "Kính mời Ông Hoàng Cao Thắng, Phó Bí thư Đảng ủy, Phó Giám đốc Sở Xây dựng Hà Nội"
        " lên trao Bằng khen cho các tập thể và cá nhân:"
    )
    # A collective is named with the person receiving for it, titles from the delegate list.
    assert second_form_first_batch[1] == (
        "1. Thanh tra Sở Xây dựng Hà Nội, Ông Dương Đức Mạnh, Đội trưởng Đội Thanh tra xây"
        " dựng số 2, Thanh tra Sở Xây dựng Hà Nội đại diện nhận;"
    )
    assert "6. Bà Nguyễn Thị Hương, Chuyên viên Văn phòng Sở" in sheet.cues[3].script
    assert sheet.cues[3].script.endswith(script.PHOTO_LINE)
    # The demo's absent Ông Trương Công Hậu is received by Ông Ngô Văn Thành.
    assert "7. Ông Trương Công Hậu, Ông Ngô Văn Thành nhận thay." in sheet.cues[4].script
    assert "Giấy khen cho các tập thể và cá nhân:" in sheet.cues[6].script


def test_batches_are_as_few_as_the_stage_allows_and_even():
    assert runsheet.batch_sizes(14, 10) == [7, 7]
    assert runsheet.batch_sizes(21, 10) == [7, 7, 7]
    assert runsheet.batch_sizes(10, 10) == [10]
    assert runsheet.batch_sizes(11, 10) == [6, 5]
    assert runsheet.batch_sizes(0, 10) == []
    assert runsheet.batch_sizes(3, 0) == [1, 1, 1]
    assert all(
        max(runsheet.batch_sizes(n, c)) <= max(c, 1) for n in range(1, 60) for c in (1, 4, 8, 12)
    )


def test_the_script_names_people_properly():
    thang = Person(
        "Hoàng Cao Thắng", "Ông", "Phó Giám đốc Sở Xây dựng Hà Nội", "Sở Xây dựng Hà Nội"
    )
    # The organization is not said twice when the title names it already.
    assert thang.described() == "Ông Hoàng Cao Thắng, Phó Giám đốc Sở Xây dựng Hà Nội"
    assert Person("Lê Văn A").addressed() == "đồng chí Lê Văn A"
    # Without an honorific the list line still opens with a capital, as written lists do.
    unnamed = Called("individual", "Lê Văn A", Person("Lê Văn A", title="Kỹ sư"))
    assert script.recipient_line(unnamed) == "Đồng chí Lê Văn A, Kỹ sư"
    stood_in = Called("individual", "Lê Văn A", Person("Lê Văn A", "Ông"), stand_in="Bà Hà")
    assert script.recipient_line(stood_in) == "Ông Lê Văn A, Bà Hà nhận thay"
    team = Called("collective", "Tổ duy trì", None, stand_in="Bà Nguyễn Thị Hà")
    assert script.recipient_line(team) == "Tổ duy trì, Bà Nguyễn Thị Hà nhận thay"
    text = script.batch(
        "Giấy khen của Giám đốc Sở",
        [],
        [
            Called("individual", "Lê Văn A", Person("Lê Văn A", "Ông"), absent=True),
            Called("individual", "Trần Thị B", Person("Trần Thị B", "Bà")),
        ],
        photo=False,
    )
    assert text == "Kính mời cá nhân sau lên nhận Giấy khen:\n1. Bà Trần Thị B."
    assert script.award_name("Bằng khen của Chủ tịch UBND Thành phố Hà Nội") == "Bằng khen"
    assert script.announcement("Giấy khen", collectives=2).startswith(
        "Sau đây là phần trao tặng Giấy khen cho 2 tập thể"
    )


async def test_generating_again_needs_consent_and_is_refused_once_the_ceremony_started(event):
    with pytest.raises(Conflict) as refused:
        await runsheet.generate(event)
    assert refused.value.code == "runsheet_exists"
    again = await runsheet.generate(event, replace=True)
    assert len(again.cues) == 8
    await runsheet.next_cue(event)
    with pytest.raises(Conflict) as started:
        await runsheet.generate(event, replace=True)
    assert started.value.code == "runsheet_started"
    assert len((await runsheet.load(event)).cues) == 8


async def test_split_merge_and_moves_keep_every_batch_within_the_stage(event):
    sheet = await runsheet.load(event)
    first, second = sheet.cues[3], sheet.cues[4]
    with pytest.raises(InvalidInput, match="stage holds") as refused:
        await runsheet.merge_with_next(event["id"], first.id, capacity=10)
    assert refused.value.code == "stage_full"
    new_id = await runsheet.split_batch(event["id"], first.id, 5)
    sheet = await runsheet.load(event)
    assert [len(c.recipients) for c in sheet.cues[3:6]] == [4, 3, 7]
    assert sheet.cues[4].id == new_id and sheet.cues[4].presenters
    await runsheet.merge_with_next(event["id"], first.id, capacity=10)
    sheet = await runsheet.load(event)
    assert [len(c.recipients) for c in sheet.cues[3:5]] == [7, 7]
    # A recipient moves to the end of another batch of the same award only.
    mover = second.recipients[0]
    await runsheet.move_recipient(event["id"], mover.id, first.id, capacity=10)
    sheet = await runsheet.load(event)
    assert sheet.cues[3].recipients[-1].id == mover.id and len(sheet.cues[4].recipients) == 6
    with pytest.raises(InvalidInput, match="same award") as refused:
        await runsheet.move_recipient(event["id"], mover.id, sheet.cues[1].id, capacity=10)
    assert refused.value.code == "other_award_batch"
    with pytest.raises(InvalidInput, match="full") as refused:
        await runsheet.move_recipient(
            event["id"], sheet.cues[4].recipients[0].id, first.id, capacity=8
        )

    assert refused.value.code == "stage_full"


async def test_a_batch_larger_than_the_stage_is_flagged_not_broken(event):
    await Event.update({Event.stage_capacity: 6}).where(Event.slug == SLUG)
    smaller = await get_event(SLUG)
    sheet = await runsheet.load(smaller)
    batch = sheet.cues[1]
    assert any("stage holds" in message for message, _ in batch.warnings)
    assert batch.warnings[0][1] == {"count": 8, "capacity": 6}


async def test_cues_can_be_reordered_added_edited_and_skipped_before_they_are_live(event):
    sheet = await runsheet.load(event)
    cue_id = await runsheet.add_custom_cue(
        event["id"],
        "Tiết mục văn nghệ",
        "Kính mời quý vị thưởng thức tiết mục “Hà Nội mùa thu”.",
        planned_duration_s=240,
        after_cue_id=sheet.cues[1].id,
    )
    sheet = await runsheet.load(event)
    assert sheet.cues[2].id == cue_id and sheet.cues[2].kind == "custom"
    await runsheet.move_cue(event["id"], cue_id, -1)
    sheet = await runsheet.load(event)
    assert sheet.cues[1].id == cue_id
    # A hand-edited script stays as written even when the batch changes.
    batch = sheet.cues[2]
    await runsheet.update_cue(
        event,
        batch.id,
        runsheet.CueEdit(title=batch.title, script="Lời dẫn riêng.", planned_duration_s=200),
    )
    await runsheet.set_presence(event["id"], batch.recipients[0].id, "absent")
    sheet = await runsheet.load(event)
    assert sheet.cues[2].script == "Lời dẫn riêng." and sheet.cues[2].script_edited
    await runsheet.update_cue(
        event,
        batch.id,
        runsheet.CueEdit(title=batch.title, script="", planned_duration_s=200, regenerate=True),
    )
    sheet = await runsheet.load(event)
    assert sheet.cues[2].script.startswith("Kính mời Bà Nguyễn Thị Thủy Lệ")
    await runsheet.set_skipped(event["id"], cue_id, True)
    await runsheet.next_cue(event)
    sheet = await runsheet.load(event)
    assert sheet.current.kind == "announcement"
    assert sheet.next.id == batch.id  # the skipped cue is passed over
    with pytest.raises(Conflict):
        await runsheet.move_cue(event["id"], sheet.current.id, 1)
    await runsheet.next_cue(event)
    with pytest.raises(Conflict, match="after the live one") as refused:
        await runsheet.add_custom_cue(event["id"], "Quá muộn", "", after_cue_id=sheet.cues[0].id)

    assert refused.value.code == "cue_not_pending"


async def test_names_and_scripts_keep_markup_as_text(event):
    row = await AwardRecipient.select().order_by(AwardRecipient.id).first()
    await AwardRecipient.update(
        {AwardRecipient.name: "<b>Tổ</b> <script>alert(1)</script>", AwardRecipient.delegate: None}
    ).where(AwardRecipient.id == row["id"])
    sheet = await runsheet.load(event)
    assert (
        "<script>alert(1)</script>" in sheet.cues[1].script
    )  # escaped when shown (see the page test)
    assert await Cue.count() == 8
