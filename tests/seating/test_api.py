"""The seating API as DESIGN.md says, its refusals, concurrent moves, and the desk's answer."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from conference import auth, protocol
from conference.seating import MAX_SEATS, services
from conference.tables import Delegate, HallSeat, Role, SeatingHall
from tests.invitations.helpers import DelegateInput, make_event

HALL = {
    "presidium": {"places": 3},
    "blocks": [
        {"name": "A", "rows": 2, "seats": 4, "reserved_rows": {"B": "Báo chí"}},
        {"name": "B", "rows": 2, "seats": 4},
    ],
    "blocked": ["B-A4"],
}
SEATING = "/api/events/hn-2022/seating"
ONE_ROW_A = {"name": "A", "rows": 1, "seats": 2}
ONE_ROW_B = {"name": "B", "rows": 1, "seats": 2}


@pytest.fixture
async def organizer_headers(db, sample_password) -> dict[str, str]:
    await auth.create_user("btc", sample_password, Role.organizer)
    return {"authorization": f"Bearer {await auth.create_token('btc')}"}


@pytest.fixture
async def desk_headers(db, sample_password) -> dict[str, str]:
    await auth.create_user("letan", sample_password, Role.desk)
    return {"authorization": f"Bearer {await auth.create_token('letan')}"}


async def test_seating_answers_as_design_says_and_assign_places_by_rank(
    client, organizer_headers, desk_headers
):
    await make_event()
    put = await client.put(f"{SEATING}/hall", json={"hall": HALL}, headers=organizer_headers)
    assert put.status_code == 200, put.text
    answer = await client.post(f"{SEATING}/assign", json={}, headers=organizer_headers)
    assert answer.status_code == 200, answer.text
    seats = {s["label"]: s for s in answer.json()["seats"]}
    assert answer.json()["unplaced"] == []
    first = seats["CT-2"]
    assert set(first) >= {
        "label", "block", "row", "number", "presidium", "reserved_for", "delegate_id",
        "pinned", "arrived",
    }  # fmt: skip
    assert first["presidium"] and first["pinned"] is False and first["arrived"] is False
    rank_1 = await Delegate.select(Delegate.id).where(Delegate.protocol_rank == 1).first()
    assert first["delegate_id"] == rank_1["id"]
    assert seats["A-B1"]["reserved_for"] == "Báo chí" and seats["A-B1"]["delegate_id"] is None
    # The desk reads the same seats, with no contact in them.
    desk = await client.get(SEATING, headers=desk_headers)
    assert desk.status_code == 200
    assert (
        desk.json()["seats"]
        == (await client.get(SEATING, headers=organizer_headers)).json()["seats"]
    )
    assert "@" not in desk.text
    # …but may not place.
    refused = await client.post(f"{SEATING}/assign", json={}, headers=desk_headers)
    assert refused.status_code == 403


async def test_a_move_onto_a_blocked_or_taken_seat_is_refused(client, organizer_headers):
    _, ids = await make_event()
    await client.put(f"{SEATING}/hall", json={"hall": HALL}, headers=organizer_headers)
    await client.post(f"{SEATING}/assign", headers=organizer_headers)
    blocked = await client.post(
        f"{SEATING}/move", json={"delegate_id": ids[2], "seat": "B-A4"}, headers=organizer_headers
    )
    assert blocked.status_code == 400 and blocked.json()["code"] == "seat_blocked"
    taken = await client.post(
        f"{SEATING}/move", json={"delegate_id": ids[2], "seat": "CT-2"}, headers=organizer_headers
    )
    assert taken.status_code == 400 and taken.json()["code"] == "seat_taken"
    moved = await client.post(
        f"{SEATING}/move", json={"delegate_id": ids[2], "seat": "B-B3"}, headers=organizer_headers
    )
    assert moved.status_code == 200
    seat = next(s for s in (await client.get(SEATING, headers=organizer_headers)).json()["seats"]
                if s["label"] == "B-B3")  # fmt: skip
    assert seat["delegate_id"] == ids[2] and seat["pinned"]
    swap = await client.post(
        f"{SEATING}/swap", json={"first": "B-B3", "second": "CT-2"}, headers=organizer_headers
    )
    assert swap.status_code == 200
    row = await Delegate.select(Delegate.seat).where(Delegate.id == ids[2]).first()
    assert row["seat"] == "CT-2"
    cleared = await client.post(
        f"{SEATING}/clear", json={"seat": "CT-2"}, headers=organizer_headers
    )
    assert cleared.status_code == 200
    row = await Delegate.select(Delegate.seat).where(Delegate.id == ids[2]).first()
    assert row["seat"] == ""


@pytest.mark.parametrize(
    ("hall", "code"),
    [
        ({"blocks": []}, "hall_empty"),
        ({"presidium": {"places": 0}, "blocks": []}, "hall_empty"),
        ({"blocks": [{"name": "A", "rows": 100, "seats": 1000}]}, "hall_too_large"),
        ({"blocks": [{"name": "A", "rows": "ten", "seats": 4}]}, "hall_schema"),
        ({"blocks": [{"name": "A", "rows": 2}]}, "hall_schema"),
        ({"rooms": [], "blocks": []}, "hall_schema"),
        ({"label": "{row}{seat}", "blocks": [ONE_ROW_A, ONE_ROW_B]}, "seat_label_repeated"),
        ({"blocks": [ONE_ROW_A], "blocked": ["Z9"]}, "blocked_seat_unknown"),
    ],
    ids=[
        "no-blocks", "no-seats", "100000", "not-a-number", "missing", "unknown-key", "repeated",
        "blocked-unknown",
    ],
)  # fmt: skip
async def test_a_bad_hall_is_refused_with_its_reason(client, organizer_headers, hall, code):
    await make_event()
    from conference.errors import DomainError
    from conference.events import get_event

    event = await get_event("hn-2022")
    with pytest.raises(DomainError) as refused:
        await services.save_hall(event["id"], hall)
    assert refused.value.code == code
    answer = await client.put(f"{SEATING}/hall", json={"hall": hall}, headers=organizer_headers)
    assert answer.status_code == 400 and answer.json()["detail"]
    assert await HallSeat.count() == 0


async def test_the_seat_cap_is_named_and_a_hall_at_it_is_taken(client, organizer_headers):
    await make_event()
    at_cap = {"blocks": [{"name": "A", "rows": MAX_SEATS // 50, "seats": 50}]}
    answer = await client.put(f"{SEATING}/hall", json={"hall": at_cap}, headers=organizer_headers)
    assert answer.status_code == 200
    over = {
        "blocks": [{"name": "A", "rows": MAX_SEATS // 50, "seats": 50}],
        "presidium": {"places": 1},
    }
    answer = await client.put(f"{SEATING}/hall", json={"hall": over}, headers=organizer_headers)
    assert answer.status_code == 400 and str(MAX_SEATS) in answer.json()["detail"].replace(".", "")


async def test_a_new_hall_that_drops_assigned_seats_says_who_loses_them(client, organizer_headers):
    await make_event()
    await client.put(f"{SEATING}/hall", json={"hall": HALL}, headers=organizer_headers)
    await client.post(f"{SEATING}/assign", headers=organizer_headers)
    smaller = {"blocks": [{"name": "A", "rows": 2, "seats": 4}]}
    refused = await client.put(f"{SEATING}/hall", json={"hall": smaller}, headers=organizer_headers)
    assert refused.status_code == 400 and "Nguyễn Thị Thủy Lệ" in refused.json()["detail"]
    confirmed = await client.put(
        f"{SEATING}/hall", json={"hall": smaller, "confirm": True}, headers=organizer_headers
    )
    assert confirmed.status_code == 200
    row = await Delegate.select(Delegate.seat).where(Delegate.protocol_rank == 1).first()
    assert row["seat"] == ""


async def test_equal_ranks_keep_a_stable_order(client, organizer_headers):
    people = [
        DelegateInput(full_name=name, protocol_rank=5, organization="Sở")
        for name in ("Trần Văn Bình", "Lê Thị An", "Nguyễn Văn Bình", "Phạm An")
    ]
    await make_event(people=people)
    hall = {"blocks": [{"name": "A", "rows": 1, "seats": 5}]}
    await client.put(f"{SEATING}/hall", json={"hall": hall}, headers=organizer_headers)
    answers = [
        (await client.post(f"{SEATING}/assign", headers=organizer_headers)).json() for _ in range(3)
    ]
    assert answers[0] == answers[1] == answers[2]
    by_label = {s["label"]: s["delegate_id"] for s in answers[0]["seats"]}
    in_name_order = [
        r["id"] for r in await Delegate.select(Delegate.id).order_by(*protocol.ORDER_BY)
    ]
    # The project's name order (given name first: the An before the Bình), seated from
    # the centre outwards, the right first: A3, A4, A2, A5.
    assert [by_label[label] for label in ("A-A3", "A-A4", "A-A2", "A-A5")] == in_name_order
    assert by_label["A-A1"] is None


async def test_the_desks_scan_answer_carries_the_seat_label(
    client, organizer_headers, desk_headers
):
    await make_event()
    await client.put(f"{SEATING}/hall", json={"hall": HALL}, headers=organizer_headers)
    await client.post(f"{SEATING}/assign", headers=organizer_headers)
    row = await Delegate.select(Delegate.token).where(Delegate.protocol_rank == 2).first()
    answer = await client.post(
        "/api/events/hn-2022/checkins", json={"code": row["token"]}, headers=desk_headers
    )
    assert answer.json()["result"] == "ok"
    assert answer.json()["delegate"]["seat"] == "CT-3"  # rank 2: right of the centre
    seats = {
        s["label"]: s for s in (await client.get(SEATING, headers=desk_headers)).json()["seats"]
    }
    assert seats["CT-3"]["arrived"] is True and seats["CT-2"]["arrived"] is False


async def test_twenty_organizers_moving_at_once_keep_one_person_a_seat(
    live_server, organizer_headers
):
    """A real server in its own process; 20 clients move 20 people onto one free seat, then
    one person onto 20 free seats: one wins each time, and the database stays whole."""
    people = [DelegateInput(full_name=f"Đại biểu {i:02d}") for i in range(30)]
    await make_event(people=people)
    hall = {"blocks": [{"name": "A", "rows": 3, "seats": 20}]}
    url = f"{live_server.url}{SEATING}"
    async with httpx.AsyncClient(timeout=30, headers=organizer_headers) as http:
        assert (await http.put(f"{url}/hall", json={"hall": hall})).status_code == 200
        assert (await http.post(f"{url}/assign")).status_code == 200
        ids = [r["id"] for r in await Delegate.select(Delegate.id).order_by(Delegate.id)]
        answers = await asyncio.gather(
            *(http.post(f"{url}/move", json={"delegate_id": d, "seat": "A-C20"}) for d in ids[:20])
        )
        assert [a.status_code for a in answers].count(200) == 1, [a.text for a in answers]
        free = [f"A-C{n}" for n in range(1, 20)]
        answers = await asyncio.gather(
            *(http.post(f"{url}/move", json={"delegate_id": ids[25], "seat": s}) for s in free)
        )
        assert 200 in [a.status_code for a in answers]
        assert all(a.status_code in (200, 400) for a in answers), [a.text for a in answers]
    rows = await HallSeat.select(HallSeat.delegate).where(HallSeat.delegate.is_not_null())
    sitting = [r["delegate"] for r in rows]
    assert len(sitting) == len(set(sitting)) == 30
    labels = await Delegate.select(Delegate.seat).where(Delegate.id == ids[25])
    seat = await HallSeat.select(HallSeat.label).where(HallSeat.delegate == ids[25]).first()
    assert labels[0]["seat"] == seat["label"]


async def test_a_placement_reaches_the_desks_incremental_snapshot(
    client, organizer_headers, desk_headers
):
    await make_event()
    snapshot = "/api/events/hn-2022/desk/snapshot"
    yesterday = datetime.now(UTC) - timedelta(days=1)
    await Delegate.update({Delegate.updated_at: yesterday}).where(Delegate.id > 0)
    full = (await client.get(snapshot, headers=desk_headers)).json()
    await client.put(f"{SEATING}/hall", json={"hall": HALL}, headers=organizer_headers)
    await client.post(f"{SEATING}/assign", headers=organizer_headers)
    since = await client.get(snapshot, params={"since": full["cursor"]}, headers=desk_headers)
    seats = {d["full_name"]: d["seat"] for d in since.json()["delegates"]}
    assert seats["Nguyễn Thị Thủy Lệ"] == "CT-2" and seats["Hoàng Cao Thắng"] == "CT-3"


async def test_a_deleted_delegate_leaves_their_seat_free(client, organizer_headers):
    _, ids = await make_event()
    await client.put(f"{SEATING}/hall", json={"hall": HALL}, headers=organizer_headers)
    await client.post(f"{SEATING}/assign", headers=organizer_headers)
    assert await HallSeat.count().where(HallSeat.delegate == ids[0]) == 1
    await Delegate.delete().where(Delegate.id == ids[0])
    seat = await HallSeat.select().where(HallSeat.label == "CT-2").first()
    assert seat["delegate"] is None


async def test_the_desk_snapshot_carries_the_hall_for_its_small_map_and_again_when_it_changes(
    client, organizer_headers, desk_headers
):
    await make_event()
    snapshot = "/api/events/hn-2022/desk/snapshot"
    none = (await client.get(snapshot, headers=desk_headers)).json()
    assert none["hall"] is None  # no hall yet
    await client.put(f"{SEATING}/hall", json={"hall": HALL}, headers=organizer_headers)
    full = (await client.get(snapshot, headers=desk_headers)).json()
    where = {s[0]: s[1:] for s in full["hall"]["seats"]}
    api = (await client.get(SEATING, headers=desk_headers)).json()["seats"]
    assert len(where) == len(api)
    for seat in api:  # block, row, number, then x and depth for the drawing
        assert where[seat["label"]][:3] == [seat["block"], seat["row"], seat["number"]]
    assert where["CT-2"][4] == -1 and where["A-A1"][4] == 0
    await SeatingHall.update(
        {SeatingHall.updated_at: datetime.now(UTC) - timedelta(days=1)}, force=True
    )
    unchanged = await client.get(snapshot, params={"since": full["cursor"]}, headers=desk_headers)
    assert "hall" not in unchanged.json()  # the desk keeps the one it has
    bigger = {**HALL, "presidium": {"places": 5}}
    await client.put(f"{SEATING}/hall", json={"hall": bigger}, headers=organizer_headers)
    changed = await client.get(snapshot, params={"since": full["cursor"]}, headers=desk_headers)
    assert "CT-5" in {s[0] for s in changed.json()["hall"]["seats"]}
