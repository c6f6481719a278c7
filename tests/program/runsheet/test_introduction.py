"""The MC's introduction of delegates, built from who has checked in (demo conference)."""

from __future__ import annotations

from datetime import UTC, datetime

from conference import demo
from conference.checkin.services import check_in_delegate
from conference.program import agenda
from conference.program.runsheet import introduction as intro
from conference.tables import Delegate, Event, ItemKind, ProgrammeItem

SLUG = "nguoi-tot-viec-tot-2022"


async def _event():
    return await Event.select().where(Event.slug == SLUG).first()


async def _arrive(event, *names: str) -> list[int]:
    ids = []
    for name in names:
        row = await Delegate.select(Delegate.id).where(Delegate.full_name == name).first()
        await check_in_delegate(event, row["id"])
        ids.append(row["id"])
    return ids


async def test_the_highest_ranking_arrival_is_addressed_and_each_is_named_under_their_delegation(
    db,
):
    await demo.load()
    event = await _event()
    thang, le = await _arrive(event, "Hoàng Cao Thắng", "Nguyễn Thị Thủy Lệ")
    view = await intro.load_introduction(event)
    lines = view.script.splitlines()
    assert view.addressed == le
    assert lines[0] == (
        "Kính thưa đồng chí Nguyễn Thị Thủy Lệ, Ủy viên Ban cán sự Đảng Bộ Xây dựng, "
        "Phó Chủ tịch Hội đồng Thi đua khen thưởng Bộ Xây dựng, "
        "Chủ tịch Công đoàn Xây dựng Việt Nam;"
    )
    assert lines[1] == "Kính thưa các đồng chí đại biểu, khách quý; thưa toàn thể hội nghị!"
    union = lines.index(
        "Về phía Công đoàn Xây dựng Việt Nam, có đồng chí Nguyễn Thị Thủy Lệ, Ủy viên Ban cán sự"
        " Đảng Bộ Xây dựng, Phó Chủ tịch Hội đồng Thi đua khen thưởng Bộ Xây dựng, Chủ tịch"
        " Công đoàn Xây dựng Việt Nam."
    )
    host = lines.index(
        "Về phía Sở Xây dựng Hà Nội, đơn vị tổ chức, có đồng chí Hoàng Cao Thắng, "
        "Phó Bí thư Đảng ủy, Phó Giám đốc Sở Xây dựng Hà Nội."
    )
    assert union < host  # protocol order: rank 1's delegation first
    assert [(i.delegate_id, i.by_name) for i in view.introduced] == [(le, True), (thang, True)]
    # Leaders who have not checked in are not introduced.
    for absent in ("Nguyễn Thị Thanh", "Đặng Quốc Hưng", "Nguyễn Đức Toàn"):
        assert absent not in view.script
    assert view.late == [] and not view.edited and not view.read


async def test_a_leader_arriving_after_it_was_read_gets_a_line_of_their_own(db):
    await demo.load()
    event = await _event()
    await _arrive(event, "Nguyễn Thị Thủy Lệ", "Hoàng Cao Thắng")
    await intro.mark_read(event["id"], True)
    read = await intro.load_introduction(event)
    (hung,) = await _arrive(event, "Đặng Quốc Hưng")
    await _arrive(event, "Ngô Trọng Hiếu")  # not a leader: nothing to read for him
    view = await intro.load_introduction(event)
    assert view.script == read.script  # the script stays as it was read
    assert [(late.delegate_id, late.line) for late in view.late] == [
        (
            hung,
            "Xin trân trọng giới thiệu đồng chí Đặng Quốc Hưng, Phó Chủ tịch Liên đoàn Lao động"
            " Thành phố Hà Nội vừa đến dự hội nghị.",
        )
    ]
    assert hung not in [i.delegate_id for i in view.introduced]
    await intro.mark_read(event["id"], False)
    assert (
        "Về phía Liên đoàn Lao động Thành phố Hà Nội, có đồng chí Đặng Quốc Hưng"
        in (await intro.load_introduction(event)).script
    )


async def test_the_opening_item_starting_counts_as_read(db):
    await demo.load()
    event = await _event()
    await _arrive(event, "Nguyễn Thị Thủy Lệ")
    opening = (
        await ProgrammeItem.select(ProgrammeItem.id)
        .where(ProgrammeItem.kind == ItemKind.opening)
        .first()
    )
    # Started at a rehearsal the day before: not read on the day itself.
    await agenda.mark_item_started(event["id"], opening["id"], datetime(2022, 9, 11, 9, tzinfo=UTC))
    assert not (await intro.load_introduction(event)).read
    await ProgrammeItem.update({ProgrammeItem.actual_start: None}).where(
        ProgrammeItem.id == opening["id"]
    )
    # Started on the event's day (its arrivals were before, in the demo's morning).
    await agenda.mark_item_started(event["id"], opening["id"], datetime(2022, 9, 12, 1, tzinfo=UTC))
    await Delegate.update({Delegate.checked_in_at: datetime(2022, 9, 12, 0, 50, tzinfo=UTC)}).where(
        Delegate.checked_in_at.is_not_null()
    )
    (thang,) = await _arrive(event, "Hoàng Cao Thắng")  # now: long after the start
    view = await intro.load_introduction(event)
    assert view.read and [late.delegate_id for late in view.late] == [thang]
    assert "Nguyễn Thị Thủy Lệ" in view.script


async def test_others_of_a_delegation_are_introduced_together_and_a_stand_in_as_such(db):
    await demo.load()
    event = await _event()
    toan, hai = await _arrive(event, "Nguyễn Đức Toàn", "Nguyễn Văn Hải")
    await _arrive(event, "Phạm Đức Thịnh")  # Sở Xây dựng Hà Nội, unranked
    await intro.mark_delegate(
        event["id"], toan, named=None, stands_in_for="Giám đốc Sở Xây dựng Hà Nội"
    )
    view = await intro.load_introduction(event)
    assert (
        "Về phía Sở Xây dựng Hà Nội, đơn vị tổ chức, có đồng chí Nguyễn Đức Toàn, Phó Giám đốc"
        " Sở Xây dựng Hà Nội, dự thay đồng chí Giám đốc Sở Xây dựng Hà Nội; cùng các đồng chí"
        " lãnh đạo các phòng, ban, đơn vị." in view.script
    )
    assert "Nguyễn Văn Hải" not in view.script  # a delegation with nobody named
    assert "Cùng các đồng chí đại biểu đại diện các cơ quan, đơn vị." in view.script
    await intro.mark_delegate(event["id"], hai, named=True, stands_in_for="")
    assert (
        "Về phía Công ty TNHH MTV Thoát nước Hà Nội, có đồng chí Nguyễn Văn Hải"
        in (await intro.load_introduction(event)).script
    )


async def test_address_by_honorific_when_the_event_chooses_it(db):
    await demo.load()
    event = await _event()
    await _arrive(event, "Nguyễn Thị Thủy Lệ", "Hoàng Cao Thắng")
    await intro.set_address_form(event["id"], "honorific")
    script = (await intro.load_introduction(event)).script
    assert script.startswith("Kính thưa Bà Nguyễn Thị Thủy Lệ, ")
    assert "Kính thưa các quý vị đại biểu, khách quý; thưa toàn thể hội nghị!" in script
    assert "có Ông Hoàng Cao Thắng, Phó Bí thư Đảng ủy" in script


async def test_a_delegate_without_title_or_organization_is_still_introduced(db):
    await demo.load()
    event = await _event()
    plain = Delegate(event=event["id"], full_name="Trần Văn An", token="t" * 40, protocol_rank=1)
    await plain.save()
    await check_in_delegate(event, plain.id)
    view = await intro.load_introduction(event)
    assert view.addressed == plain.id
    assert view.script.splitlines()[0] == "Kính thưa đồng chí Trần Văn An;"
    assert "Về phía khách mời, có đồng chí Trần Văn An." in view.script


async def test_equal_ranks_keep_one_order(db):
    await demo.load()
    event = await _event()
    for name in ("Vũ Mạnh Cường", "Nguyễn Đức Toàn"):
        await Delegate.update({Delegate.protocol_rank: 4}).where(Delegate.full_name == name)
    await _arrive(event, "Nguyễn Đức Toàn", "Vũ Mạnh Cường")
    first = await intro.load_introduction(event)
    again = await intro.load_introduction(event)
    names = [i.full_name for i in first.introduced]
    # Vietnamese name order (given name first: Cường before Toàn), whoever came first.
    assert names == [i.full_name for i in again.introduced] == ["Vũ Mạnh Cường", "Nguyễn Đức Toàn"]
    assert first.script.index("Vũ Mạnh Cường,") < first.script.index("Nguyễn Đức Toàn,")


async def test_an_edited_introduction_is_kept_until_reverted(db):
    await demo.load()
    event = await _event()
    await _arrive(event, "Nguyễn Thị Thủy Lệ")
    generated = (await intro.load_introduction(event)).script
    await intro.edit_introduction(event, generated)  # unchanged: not an edit
    assert not (await intro.load_introduction(event)).edited
    await intro.edit_introduction(event, "Kính thưa toàn thể hội nghị!\r\nLời của tôi.")
    await _arrive(event, "Hoàng Cao Thắng")
    view = await intro.load_introduction(event)
    assert view.edited and view.script == "Kính thưa toàn thể hội nghị!\nLời của tôi."
    assert "Hoàng Cao Thắng" in view.generated
    await intro.edit_introduction(event, "", revert=True)
    view = await intro.load_introduction(event)
    assert not view.edited and "Hoàng Cao Thắng" in view.script


async def test_nobody_checked_in_gives_the_greeting_only(db):
    await demo.load()
    view = await intro.load_introduction(await _event())
    assert view.addressed is None and view.introduced == []
    assert view.script == "Kính thưa các đồng chí đại biểu, khách quý; thưa toàn thể hội nghị!"


# ---------------------------------------------------------------- over HTTP


async def _staff(client, sample_password):
    from conference import auth
    from conference.tables import Role

    await auth.create_user("dct", sample_password, Role.mc)
    await auth.create_user("btc", sample_password, Role.organizer)
    mc = {"authorization": f"Bearer {await auth.create_token('dct')}"}
    organizer = {"authorization": f"Bearer {await auth.create_token('btc')}"}
    return mc, organizer


async def test_the_api_answers_as_design_says_with_checked_in_delegates_only(
    client, db, sample_password
):
    await demo.load()
    mc, _ = await _staff(client, sample_password)
    event = await _event()
    le, thang = await _arrive(event, "Nguyễn Thị Thủy Lệ", "Hoàng Cao Thắng")
    response = await client.get(f"/api/events/{SLUG}/introduction", headers=mc)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"script", "addressed", "introduced", "late", "edited"}
    assert body["addressed"] == le and body["edited"] is False and body["late"] == []
    assert body["introduced"] == [
        {"delegate_id": le, "full_name": "Nguyễn Thị Thủy Lệ", "by_name": True},
        {"delegate_id": thang, "full_name": "Hoàng Cao Thắng", "by_name": True},
    ]
    assert body["script"].startswith("Kính thưa đồng chí Nguyễn Thị Thủy Lệ")


async def test_only_an_organizer_edits_the_introduction_and_the_mc_marks_it_read(
    client, db, sample_password
):
    await demo.load()
    mc, organizer = await _staff(client, sample_password)
    event = await _event()
    await _arrive(event, "Nguyễn Thị Thủy Lệ")
    page = f"/events/{SLUG}/runsheet/introduction/"
    assert (await client.get(page, headers=mc)).status_code == 403
    assert (await client.get(page, headers=organizer)).status_code == 200
    refused = await client.post(page, data={"script": "x"}, headers=mc)
    assert refused.status_code == 403
    saved = await client.post(
        page,
        data={"script": "Lời giới thiệu của BTC"},
        headers={**organizer, "accept": "application/json"},
    )
    assert saved.status_code == 200, saved.text
    assert (await intro.load_introduction(event)).script == "Lời giới thiệu của BTC"
    read = await client.post(
        f"/events/{SLUG}/runsheet/introduction/read",
        data={"read": "1"},
        headers={**mc, "accept": "application/json"},
    )
    assert read.status_code == 200 and (await intro.load_introduction(event)).read
    printed = await client.get(f"/events/{SLUG}/runsheet/introduction/print", headers=mc)
    assert printed.status_code == 200 and "Lời giới thiệu của BTC" in printed.text


async def test_a_hostile_name_is_escaped_on_the_mc_page(client, db, sample_password):
    await demo.load()
    mc, organizer = await _staff(client, sample_password)
    event = await _event()
    hostile = Delegate(
        event=event["id"],
        full_name='<script>alert("x")</script>',
        position="<b>Giám đốc</b>",
        token="h" * 40,
        protocol_rank=1,
    )
    await hostile.save()
    await check_in_delegate(event, hostile.id)
    for path, headers in (
        (f"/events/{SLUG}/runsheet/mc", mc),
        (f"/events/{SLUG}/runsheet/panel?view=mc", mc),
        (f"/events/{SLUG}/runsheet/introduction/", organizer),
        (f"/events/{SLUG}/runsheet/introduction/print", mc),
    ):
        text = (await client.get(path, headers=headers)).text
        assert "<script>alert" not in text and "<b>Giám đốc" not in text, path
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in text, path
