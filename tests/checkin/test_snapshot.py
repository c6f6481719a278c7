"""The offline desk's snapshot: what it holds (no contacts, no tokens), what ``since`` returns."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from conference import auth
from conference.checkin.snapshot import SNAPSHOT_OVERLAP, make_cursor
from conference.invitations import services as invitations
from conference.invitations.services import DelegateInput
from conference.tables import Delegate, Role
from conference.text import name_sort_key
from tests.invitations.helpers import PEOPLE, make_event

SNAPSHOT = "/api/events/hn-2022/desk/snapshot"
SCAN = "/api/events/hn-2022/checkins"
FIELDS = {
    "id",
    "full_name",
    "honorific",
    "position",
    "organization",
    "group",
    "seat",
    "protocol_rank",
    "checked_in_at",
    "token_sha256",
}


@pytest.fixture
async def staff(db, sample_password) -> dict[str, dict[str, str]]:
    for name, role in (("btc", Role.organizer), ("letan", Role.desk), ("mc", Role.mc)):
        await auth.create_user(name, sample_password, role)
    return {
        name: {"authorization": f"Bearer {await auth.create_token(name)}"}
        for name in ("btc", "letan", "mc")
    }


async def _rows() -> list[dict]:
    return await Delegate.select(
        Delegate.id, Delegate.token, Delegate.phone, Delegate.full_name
    ).order_by(Delegate.id)


async def _age_everything() -> None:
    """As on the morning itself: the list was written days ago, not a moment ago."""
    await Delegate.update({Delegate.updated_at: datetime.now(UTC) - timedelta(days=2)}).where(
        Delegate.id > 0
    )


async def test_the_snapshot_holds_what_the_desk_shows_and_never_a_contact_or_a_token(client, staff):
    people = [*PEOPLE[:4], DelegateInput(full_name="Lê Văn Hùng", phone="0912 345 678")]
    await make_event(people=people)
    answer = await client.get(SNAPSHOT, headers=staff["letan"])
    assert answer.status_code == 200
    text = answer.text
    body = answer.json()
    assert set(body) >= {"cursor", "generated_at", "delegates"}
    assert len(body["delegates"]) == 5
    for delegate in body["delegates"]:
        assert set(delegate) >= FIELDS
        assert not {"email", "phone", "token", "invitation_url"} & set(delegate)
    rows = await _rows()
    for row in rows:
        assert row["token"] not in text
    assert "0912 345 678" not in text and "@example.vn" not in text
    by_id = {d["id"]: d for d in body["delegates"]}
    for row in rows:
        expected = hashlib.sha256(row["token"].encode()).hexdigest()
        assert by_id[row["id"]]["token_sha256"] == expected
    for row in rows:  # the server's name order, for the offline search to keep
        assert by_id[row["id"]]["name_sort_key"] == name_sort_key(row["full_name"])
    first = by_id[rows[0]["id"]]
    assert (first["full_name"], first["group"], first["protocol_rank"]) == (
        "Nguyễn Thị Thủy Lệ",
        "Lãnh đạo",
        1,
    )


async def test_the_snapshot_travels_gzipped_to_a_client_that_takes_it(client, staff):
    await make_event()
    answer = await client.get(SNAPSHOT, headers={**staff["letan"], "accept-encoding": "gzip"})
    assert answer.headers["content-encoding"] == "gzip"
    assert len(answer.json()["delegates"]) == 5  # httpx undid the gzip, as a browser does
    plain = await client.get(SNAPSHOT, headers={**staff["letan"], "accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.json() == answer.json() | {
        "cursor": plain.json()["cursor"],
        "generated_at": plain.json()["generated_at"],
    }


async def test_since_returns_only_what_changed_and_the_removed_as_removed(client, staff):
    event_id, ids = await make_event()
    await _age_everything()
    full = (await client.get(SNAPSHOT, headers=staff["letan"])).json()
    assert len(full["delegates"]) == 5
    nothing = await client.get(SNAPSHOT, params={"since": full["cursor"]}, headers=staff["letan"])
    assert nothing.json()["delegates"] == []
    rows = await _rows()
    # A desk checks one in, an organizer edits one, withdraws one, deletes one.
    scan = {"code": rows[0]["token"], "desk": "Bàn 1"}
    await client.post(SCAN, json=scan, headers=staff["letan"])
    await invitations.update_delegate(
        event_id, ids[1], DelegateInput(full_name="Hoàng Cao Thắng", honorific="Ông", seat="A-02")
    )
    await invitations.revoke_invitation(event_id, ids[2])
    await invitations.delete_delegate(event_id, ids[3])
    changed = await client.get(SNAPSHOT, params={"since": full["cursor"]}, headers=staff["letan"])
    body = changed.json()
    by_id = {d["id"]: d for d in body["delegates"]}
    assert set(by_id) == {ids[0], ids[1], ids[2], ids[3]}
    assert by_id[ids[0]]["checked_in_at"] is not None
    assert by_id[ids[1]]["seat"] == "A-02"
    assert by_id[ids[2]] == {"id": ids[2], "removed": True}
    assert by_id[ids[3]] == {"id": ids[3], "removed": True}
    # The next cursor goes on from here: an undo, and a reissued invitation comes back.
    await client.delete(f"/api/events/hn-2022/checkins/{ids[0]}", headers=staff["btc"])
    await invitations.reissue_invitation(event_id, ids[2])
    later = await client.get(SNAPSHOT, params={"since": body["cursor"]}, headers=staff["letan"])
    again = {d["id"]: d for d in later.json()["delegates"]}
    assert again[ids[0]]["checked_in_at"] is None
    reissued = await Delegate.select(Delegate.token).where(Delegate.id == ids[2]).first()
    new_token = reissued["token"]
    assert again[ids[2]]["token_sha256"] == hashlib.sha256(new_token.encode()).hexdigest()
    # The replaced code is known by its hash, so an offline desk can say whose it was.
    old_hash = hashlib.sha256(rows[2]["token"].encode()).hexdigest()
    assert again[ids[2]]["replaced_token_sha256"] == [old_hash]
    assert rows[2]["token"] not in later.text
    # A full snapshot leaves out the withdrawn and the deleted.
    await invitations.revoke_invitation(event_id, ids[4])
    now_full = (await client.get(SNAPSHOT, headers=staff["letan"])).json()
    assert {d["id"] for d in now_full["delegates"]} == {ids[0], ids[1], ids[2]}
    [reissued_row] = [d for d in now_full["delegates"] if d["id"] == ids[2]]
    assert reissued_row["replaced_token_sha256"] == [old_hash]


async def test_a_change_stamped_shortly_before_the_cursor_is_still_returned(client, staff):
    _, ids = await make_event()
    await _age_everything()
    cursor_time = datetime.now(UTC)
    # A write whose timestamp was taken just before the cursor but committed after it.
    late = cursor_time - SNAPSHOT_OVERLAP + timedelta(seconds=5)
    await Delegate.update({Delegate.seat: "B-07", Delegate.updated_at: late}).where(
        Delegate.id == ids[4]
    )
    answer = await client.get(
        SNAPSHOT, params={"since": make_cursor(cursor_time)}, headers=staff["letan"]
    )
    assert [d["id"] for d in answer.json()["delegates"]] == [ids[4]]


@pytest.mark.parametrize("cursor", ["", "abc", "c1-", "c1-12x", "c1-" + "9" * 30, "c2-1000"])
async def test_a_bad_cursor_is_a_clear_400(client, staff, cursor):
    await make_event()
    answer = await client.get(SNAPSHOT, params={"since": cursor}, headers=staff["letan"])
    assert answer.status_code == 400
    assert answer.json()["code"] == "bad_cursor"
    assert "không hợp lệ" in answer.json()["detail"]


async def test_an_mc_may_not_take_the_snapshot_and_an_organizer_may(client, staff):
    await make_event()
    assert (await client.get(SNAPSHOT, headers=staff["mc"])).status_code == 403
    assert (await client.get(SNAPSHOT, headers=staff["btc"])).status_code == 200
    assert (await client.get(SNAPSHOT)).status_code == 401
