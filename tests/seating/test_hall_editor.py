"""The hall drawn on the page: blocks added and removed, the presidium, seats blocked or kept
for a group by clicking them on the plan; every result checked by the hall's schema."""

from __future__ import annotations

from conference import auth, demo, demo_data, seating
from conference.tables import HallSeat, Role, SeatingHall
from tests.conftest import csrf_token, log_in
from tests.invitations.helpers import make_event

PAGE = "/events/hn-2022/seating/"


async def _labels(event_id: int) -> list[str]:
    return [r["label"] for r in await seating.seats(event_id)]


async def test_an_organizer_draws_a_hall_block_by_block_and_marks_seats_by_clicking(client):
    event_id, _ = await make_event()
    await demo.load()  # its department administrator
    await log_in(client, "quantri", "hoinghi2022")
    token = await csrf_token(client, PAGE)
    post = lambda path, **data: client.post(PAGE + path, data={**data, "_csrf_token": token})  # noqa: E731
    assert (await post("hall/presidium", places="3")).status_code == 302
    added = await post(
        "hall/blocks", name="A", rows="2", seats="4", row_labels="I II", aisle_after="2"
    )
    assert added.status_code == 302
    added = await post("hall/blocks", name="B", rows="1", seats="3", reserved_for="Báo chí")
    assert added.status_code == 302
    assert await _labels(event_id) == [
        "CT-1", "CT-2", "CT-3",
        "A-I1", "A-I2", "A-I3", "A-I4", "B-A1", "B-A2", "B-A3",
        "A-II1", "A-II2", "A-II3", "A-II4",
    ]  # fmt: skip
    seats = {r["label"]: r for r in await seating.seats(event_id)}
    assert seats["A-I3"]["x"] - seats["A-I2"]["x"] > seats["A-I2"]["x"] - seats["A-I1"]["x"]
    assert seats["B-A2"]["reserved_for"] == "Báo chí"

    # A seat clicked on the plan offers to block it or keep it for a group.
    chosen = await client.get(PAGE + "?seat=A-I1")
    assert 'action="/events/hn-2022/seating/hall/seat"' in chosen.text
    assert (await post("hall/seat", seat="A-I1", blocked="1")).status_code == 302
    assert (await post("hall/seat", seat="A-I2", reserved_for="Lãnh đạo")).status_code == 302
    seats = {r["label"]: r for r in await seating.seats(event_id)}
    assert seats["A-I1"]["blocked"] and seats["A-I2"]["reserved_for"] == "Lãnh đạo"
    assert (await post("hall/seat", seat="A-I1")).status_code == 302  # unblocked again
    assert not {r["label"]: r for r in await seating.seats(event_id)}["A-I1"]["blocked"]

    # Refused, each with its reason, and the hall stays as it was.
    taken = await post("hall/blocks", name="A", rows="1", seats="1")
    assert taken.status_code == 400 and "A" in taken.text
    too_big = await post("hall/blocks", name="C", rows="1000", seats="1000")
    assert too_big.status_code == 400 and "tối đa" in too_big.text
    bad_aisle = await post("hall/blocks", name="C", rows="1", seats="3", aisle_after="x")
    assert bad_aisle.status_code == 400
    schema = await post("hall/blocks", name="C", rows="0", seats="3")
    assert schema.status_code == 400
    assert len(await _labels(event_id)) == 14

    removed = await post("hall/blocks/remove", name="A")
    assert removed.status_code == 302
    assert await _labels(event_id) == ["CT-1", "CT-2", "CT-3", "B-A1", "B-A2", "B-A3"]
    layout = (await SeatingHall.select().where(SeatingHall.event == event_id).first())["layout"]
    assert "reserved_seats" not in (layout if isinstance(layout, dict) else {})  # went with A


async def test_a_change_drawn_on_the_plan_that_drops_seated_people_names_them_first(client):
    await demo.load()
    await log_in(client, "bantochuc", "hoinghi2022")
    page = f"/events/{demo_data.SLUG}/seating/"
    token = await csrf_token(client, page)
    seated = await HallSeat.select(HallSeat.delegate.full_name).where(
        (HallSeat.block == "B") & HallSeat.delegate.is_not_null()
    )
    before = await HallSeat.count()
    refused = await client.post(
        page + "hall/blocks/remove", data={"name": "B", "_csrf_token": token}
    )
    assert refused.status_code == 400
    assert seated[0]["delegate.full_name"] in refused.text
    assert 'name="confirm"' in refused.text
    assert await HallSeat.count() == before
    leader = await HallSeat.select().where(HallSeat.label == "CT-4").first()
    blocked = await client.post(
        page + "hall/seat", data={"seat": "CT-4", "blocked": "1", "_csrf_token": token}
    )
    assert blocked.status_code == 400  # the leader would lose the presidium's centre
    confirmed = await client.post(
        page + "hall/blocks/remove", data={"name": "B", "confirm": "1", "_csrf_token": token}
    )
    assert confirmed.status_code == 302
    assert await HallSeat.count().where(HallSeat.block == "B") == 0
    assert (await HallSeat.select().where(HallSeat.label == "CT-4").first())["delegate"] == leader[
        "delegate"
    ]


async def test_an_organizer_of_one_event_copies_no_hall_from_an_event_not_theirs(
    client, sample_password
):
    event_id, _ = await make_event()
    await demo.load()
    await auth.create_user("btc2", sample_password, Role.organizer, events=[event_id])
    await log_in(client, "btc2", sample_password)
    demo_event = (await HallSeat.select(HallSeat.event).first())["event"]
    page = await client.get(PAGE)
    assert page.status_code == 200 and f'<option value="{demo_event}">' not in page.text
    token = await csrf_token(client, PAGE)
    refused = await client.post(
        PAGE + "copy", data={"from_event": demo_event, "_csrf_token": token}
    )
    assert refused.status_code == 400  # as if that event had no hall
    assert await HallSeat.count().where(HallSeat.event == event_id) == 0
