"""The plan page: an SVG of the hall drawn on the server, and its forms."""

from __future__ import annotations

from conference import auth, demo, demo_data
from conference.invitations import substitutes
from conference.invitations.services import name_substitute
from conference.tables import Delegate, HallSeat, Role, Rsvp
from tests.conftest import csrf_token, log_in

PAGE = f"/events/{demo_data.SLUG}/seating/"


async def test_the_plan_page_draws_every_seat_coloured_by_its_state(client):
    await demo.load()
    await log_in(client, "bantochuc", "hoinghi2022")
    page = await client.get(PAGE)
    assert page.status_code == 200
    assert page.text.count('class="seat ') == await HallSeat.count()
    assert 'class="seat waiting' in page.text and 'class="seat free' in page.text
    assert 'class="seat blocked' in page.text and 'class="seat reserved' in page.text
    assert "Nguyễn Thị Thủy Lệ" in page.text  # the front row not yet here


async def test_a_seat_is_moved_pinned_and_cleared_from_the_page(client):
    await demo.load()
    await log_in(client, "bantochuc", "hoinghi2022")
    leader = await Delegate.select(Delegate.id).where(Delegate.protocol_rank == 1).first()
    token = await csrf_token(client, PAGE + "?seat=CT-4")
    moved = await client.post(
        PAGE + "move",
        data={"seat": "CT-4", "delegate_id": leader["id"], "to": "B-H7", "_csrf_token": token},
    )
    assert moved.status_code == 302
    seat = await HallSeat.select().where(HallSeat.label == "B-H7").first()
    assert seat["delegate"] == leader["id"] and seat["pinned"]
    refused = await client.post(
        PAGE + "move",
        data={"seat": "B-H7", "delegate_id": leader["id"], "to": "A-H1", "_csrf_token": token},
    )
    assert refused.status_code == 400  # A-H1 is blocked (the camera)
    cleared = await client.post(PAGE + "clear", data={"seat": "B-H7", "_csrf_token": token})
    assert cleared.status_code == 302
    assert (await Delegate.select(Delegate.seat).where(Delegate.id == leader["id"]).first())[
        "seat"
    ] == ""
    placed = await client.post(PAGE + "assign", data={"keep_pinned": "1", "_csrf_token": token})
    assert placed.status_code == 302
    assert (await Delegate.select(Delegate.seat).where(Delegate.id == leader["id"]).first())[
        "seat"
    ] == "CT-4"


async def test_a_hall_typed_as_json_is_checked_and_saved(client):
    await demo.load()
    await log_in(client, "bantochuc", "hoinghi2022")
    token = await csrf_token(client, PAGE)
    bad = await client.post(PAGE + "hall", data={"hall": "{not json", "_csrf_token": token})
    assert bad.status_code == 400 and "JSON" in bad.text
    lost = await client.post(
        PAGE + "hall",
        data={"hall": '{"blocks": [{"name": "A", "rows": 1, "seats": 3}]}', "_csrf_token": token},
    )
    assert lost.status_code == 400 and "Nguyễn Thị Thủy Lệ" in lost.text


async def test_the_desk_may_read_the_plan_api_but_not_the_page(client, sample_password):
    await demo.load()
    await auth.create_user("letan2", sample_password, Role.desk)
    await log_in(client, "letan2", sample_password)
    assert (await client.get(f"/api/events/{demo_data.SLUG}/seating")).status_code == 200
    assert (await client.get(PAGE)).status_code == 403


async def test_a_hall_is_copied_from_another_event_without_its_people(client):
    await demo.load()
    from tests.invitations.helpers import make_event

    await make_event()
    # A department administrator: the demo's organizer is a member of the demo event only.
    await log_in(client, "quantri", "hoinghi2022")
    page = "/events/hn-2022/seating/"
    demo_event = (await HallSeat.select(HallSeat.event).first())["event"]
    before = await client.get(page)
    assert f'<option value="{demo_event}">' in before.text  # the demo's hall offered
    token = await csrf_token(client, page)
    copied = await client.post(page + "copy", data={"from_event": demo_event, "_csrf_token": token})
    assert copied.status_code == 302
    seats = await HallSeat.select().where(HallSeat.event != demo_event)
    assert len(seats) == await HallSeat.count().where(HallSeat.event == demo_event)
    assert all(s["delegate"] is None for s in seats)


async def test_table_cards_name_each_block_and_the_groups_kept_there(client):
    await demo.load()
    await log_in(client, "bantochuc", "hoinghi2022")
    page = await client.get(PAGE + "cards?blocks=1")
    assert page.status_code == 200
    assert page.text.count('class="card"') == 3
    assert "Khu B" in page.text and "Lãnh đạo, Khách mời" in page.text
    front = await client.get(PAGE + "cards")
    assert front.text.count('class="card"') == await HallSeat.count().where(
        (HallSeat.depth < 2) & HallSeat.delegate.is_not_null()
    )


async def test_name_cards_badges_and_the_chart_print_the_substitute_in_the_leaders_place(client):
    await demo.load()
    await log_in(client, "bantochuc", "hoinghi2022")
    leader = await Delegate.select().where(Delegate.protocol_rank == 1).first()
    invited = f"{leader['honorific']} {leader['full_name']}"
    wanted = substitutes.read_substitute("Trần Văn Bình", "Ông", "Chánh Văn phòng Sở")
    await name_substitute(leader["event"], leader["id"], wanted)
    in_place = f"dự thay {invited}"

    cards = (await client.get(PAGE + "cards")).text
    card = cards[cards.index(f'data-seat="{leader["seat"]}"') :].split("</section>")[0]
    assert card.count('<div class="name">Trần Văn Bình</div>') == 2  # both faces of the tent
    assert card.count("Chánh Văn phòng Sở") == 2 and card.count(in_place) == 2
    assert leader["full_name"] not in card.replace(in_place, "")
    assert cards.count("dự thay") == 2  # nobody else's card

    # Badges for the leader and the next in rank only (a QR code each takes time).
    await Delegate.update({Delegate.rsvp: Rsvp.declined}).where(
        Delegate.protocol_rank.is_null() | (Delegate.protocol_rank > 2)
    )
    badges = (await client.get(PAGE + "badges")).text
    assert badges.count('class="badge"') == 2
    assert '<div class="name">Ông Trần Văn Bình</div>' in badges
    badge = badges[badges.index("Ông Trần Văn Bình") :].split("</section>")[0]
    assert "Chánh Văn phòng Sở" in badge and in_place in badge
    assert leader["organization"] in badge  # he comes for the leader's organization
    assert badges.count("dự thay") == 1 and f'"name">{invited}<' not in badges

    chart = (await client.get(PAGE + "chart")).text
    assert "<strong>Trần Văn Bình</strong>" in chart and chart.count(in_place) == 1
    assert f"<strong>{leader['full_name']}</strong>" not in chart

    # Cleared, the leader is printed again.
    await name_substitute(leader["event"], leader["id"], substitutes.NOBODY)
    cards = (await client.get(PAGE + "cards")).text
    assert f'<div class="name">{leader["full_name"]}</div>' in cards and "dự thay" not in cards
