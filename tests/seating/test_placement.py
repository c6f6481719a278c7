"""Automatic placement on the demo hall: by protocol rank, groups in their seats, pins kept."""

from __future__ import annotations

import pytest

from conference import demo, demo_data
from conference.seating import services
from conference.seating.placement import honour_key
from conference.tables import Delegate, Event, HallSeat, Rsvp


async def _demo() -> int:
    await demo.load()
    event = await Event.select(Event.id).where(Event.slug == demo_data.SLUG).first()
    return event["id"]


async def _placed(event_id: int) -> dict[str, dict]:
    """label → the seat row, with its delegate's rank and group."""
    return {s["label"]: s for s in await services.seats(event_id)}


async def test_the_demo_ships_a_hall_with_its_placement(db):
    event_id = await _demo()
    seats = await services.seats(event_id)
    assert sum(s["presidium"] for s in seats) == 7
    assert 190 <= len(seats) <= 210
    coming = await services.coming_delegates(event_id, (await services.get_hall(event_id)).coming)
    assert sum(s["delegate"] is not None for s in seats) == len(coming)


async def test_the_highest_ranked_sits_at_the_presidium_centre_then_alternating_honour_side_first(
    db,
):
    event_id = await _demo()
    seats = await _placed(event_id)
    ranks = {f"CT-{n}": seats[f"CT-{n}"]["delegate.protocol_rank"] for n in range(1, 8)}
    # Seen from the hall: 4 is the centre, 5 on its right (the side of honour), 3 on its left…
    assert ranks == {"CT-4": 1, "CT-5": 2, "CT-3": 3, "CT-6": 4, "CT-2": 5, "CT-7": 6, "CT-1": 7}


async def test_the_highest_ranked_coming_delegate_takes_the_centre_when_rank_1_declines(db):
    event_id = await _demo()
    await Delegate.update({Delegate.rsvp: Rsvp.declined}).where(Delegate.protocol_rank == 1)
    await services.assign(event_id)
    seats = await _placed(event_id)
    assert seats["CT-4"]["delegate.protocol_rank"] == 2
    assert all(s["delegate.protocol_rank"] != 1 for s in seats.values())


async def test_ranks_fill_from_the_centre_outwards_on_the_side_of_honour_first(db):
    event_id = await _demo()
    seats = [s for s in await services.seats(event_id) if s["delegate"] is not None]
    ranked = sorted(
        (s for s in seats if not s["presidium"] and s["delegate.protocol_rank"] is not None),
        key=lambda s: s["delegate.protocol_rank"],
    )
    assert [s["delegate.protocol_rank"] for s in ranked] == [8, 9, 10, 11, 12]
    # All in the leaders' row, each rank further out than the one before, right before left.
    assert {s["label"][:3] for s in ranked} == {"B-A"}
    keys = [honour_key(s, honour_right=True) for s in ranked]
    assert keys == sorted(keys)
    assert [s["x"] for s in ranked][:2] == [4, -4]  # the two seats beside the centre aisle


async def test_the_left_as_side_of_honour_mirrors_the_presidium(db):
    event_id = await _demo()
    await services.save_hall(event_id, dict(demo_data.HALL), honour_side="left")
    await services.assign(event_id)
    seats = await _placed(event_id)
    assert seats["CT-4"]["delegate.protocol_rank"] == 1
    assert seats["CT-3"]["delegate.protocol_rank"] == 2
    assert seats["CT-5"]["delegate.protocol_rank"] == 3


async def test_reserved_seats_hold_only_their_group(db):
    event_id = await _demo()
    seats = await services.seats(event_id)
    reserved = [s for s in seats if s["reserved_for"] and s["delegate"] is not None]
    assert reserved
    assert all(s["delegate.group_name"] == s["reserved_for"] for s in reserved)
    press = [s for s in seats if s["delegate.group_name"] == "Báo chí"]
    assert press and all(s["reserved_for"] == "Báo chí" for s in press)


async def test_colleagues_of_one_organization_sit_side_by_side(db):
    event_id = await _demo()
    seats = [s for s in await services.seats(event_id) if s["delegate"] is not None]
    unranked = [s for s in seats if s["delegate.protocol_rank"] is None and not s["reserved_for"]]
    unranked.sort(key=lambda s: (s["depth"], s["x"]))
    organizations = [s["delegate.organization"] for s in unranked]
    runs = [org for i, org in enumerate(organizations) if i == 0 or organizations[i - 1] != org]
    assert len(runs) == len(set(organizations))  # each organization in one run of seats


async def test_pinned_seats_stay_when_placing_again(db):
    event_id = await _demo()
    seats = await _placed(event_id)
    someone = seats["C-E3"]["delegate"]
    free = next(
        label
        for label, s in seats.items()
        if s["delegate"] is None and not s["blocked"] and not s["reserved_for"]
    )
    await services.move(event_id, someone, free)  # by hand: pinned
    await services.assign(event_id)
    after = await _placed(event_id)
    assert after[free]["delegate"] == someone and after[free]["pinned"]
    assert after["C-E3"]["delegate"] != someone
    await services.assign(event_id, keep_pinned=False)
    after = await _placed(event_id)
    assert after[free]["delegate"] != someone and not any(s["pinned"] for s in after.values())


async def test_nobody_has_two_seats_and_no_seat_two_people(db):
    event_id = await _demo()
    seats = await services.seats(event_id)
    sitting = [s["delegate"] for s in seats if s["delegate"] is not None]
    assert len(sitting) == len(set(sitting))
    assert len({s["label"] for s in seats}) == len(seats)
    # The database keeps it, not the code: a second seat for one person is refused.
    with pytest.raises(Exception, match=r"(?i)unique"):
        await HallSeat.update({HallSeat.delegate: sitting[0]}).where(
            HallSeat.id == next(s["id"] for s in seats if s["delegate"] != sitting[0])
        )


async def test_a_delegates_seat_is_its_seats_label(db):
    event_id = await _demo()
    for seat in await services.seats(event_id):
        if seat["delegate"] is not None:
            row = (
                await Delegate.select(Delegate.seat).where(Delegate.id == seat["delegate"]).first()
            )
            assert row["seat"] == seat["label"]
    unseated = await Delegate.select(Delegate.seat).where(
        Delegate.id.not_in([s["delegate"] for s in await services.seats(event_id) if s["delegate"]])
    )
    assert all(r["seat"] == "" for r in unseated)


async def test_placing_twice_gives_the_same_seats_equal_ranks_in_a_stable_order(db):
    event_id = await _demo()
    first = {s["label"]: s["delegate"] for s in await services.seats(event_id)}
    await services.assign(event_id)
    assert {s["label"]: s["delegate"] for s in await services.seats(event_id)} == first


async def test_more_delegates_than_seats_lists_the_rest_and_drops_nobody(db):
    event_id = await _demo()
    small = {"presidium": {"places": 3}, "blocks": [{"name": "A", "rows": 2, "seats": 10}]}
    await services.save_hall(event_id, small, confirm_lost=True)
    result = await services.assign(event_id)
    coming = await services.coming_delegates(event_id, (await services.get_hall(event_id)).coming)
    assert len(result.seats) == 23
    assert len(result.unplaced) == len(coming) - 23
    assert set(result.seats.values()) | set(result.unplaced) == {d["id"] for d in coming}


async def test_a_demo_loaded_before_halls_existed_gets_its_hall_when_loaded_again(db):
    event_id = await _demo()
    await HallSeat.delete().where(HallSeat.event == event_id)
    from conference.tables import SeatingHall

    await SeatingHall.delete().where(SeatingHall.event == event_id)
    tokens = sorted(r["token"] for r in await Delegate.select(Delegate.token))
    again = await demo.load()
    assert not again.created
    assert (await _placed(event_id))["CT-4"]["delegate.protocol_rank"] == 1
    assert sorted(r["token"] for r in await Delegate.select(Delegate.token)) == tokens
