"""Conflicts between desks: listed for the organizer (API and arrivals page), marked reviewed."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from conference import auth
from conference.tables import CheckInConflict, Delegate, Role
from tests.conftest import csrf_token, log_in
from tests.invitations.helpers import make_event

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
SCAN = "/api/events/hn-2022/checkins"
CONFLICTS = "/api/events/hn-2022/checkins/conflicts"


@pytest.fixture
async def staff(db, sample_password) -> dict[str, dict[str, str]]:
    await auth.create_user("btc", sample_password, Role.organizer)
    await auth.create_user("letan", sample_password, Role.desk)
    return {
        name: {"authorization": f"Bearer {await auth.create_token(name)}"}
        for name in ("btc", "letan")
    }


async def _admit_twice(client, desk_headers) -> int:
    """Bàn 1 checks Hoàng Cao Thắng in online; Bàn 2, offline, admitted him at 07:52."""
    _, ids = await make_event()
    token = (await Delegate.select(Delegate.token).where(Delegate.id == ids[1]).first())["token"]
    first = await client.post(
        SCAN,
        json={"code": token, "desk": "Bàn 1", "scanned_at": "2022-09-12T07:45:00+07:00"},
        headers=desk_headers,
    )
    assert first.json()["result"] == "ok"
    for _ in range(2):  # the queue sends it again: still one conflict
        second = await client.post(
            SCAN,
            json={
                "code": token,
                "desk": "Bàn 2",
                "nonce": "ban2-17",
                "scanned_at": "2022-09-12T07:52:30+07:00",
                "offline": True,
            },
            headers=desk_headers,
        )
        assert second.json()["result"] == "already_checked_in"
        assert "Bàn 1" in second.json()["message"]
    return ids[1]


async def test_the_organizer_lists_who_was_admitted_twice_by_which_desks_when(client, staff):
    delegate_id = await _admit_twice(client, staff["letan"])
    answer = await client.get(CONFLICTS, headers=staff["btc"])
    assert answer.status_code == 200
    [conflict] = answer.json()["conflicts"]
    assert {
        key: conflict[key] for key in ("delegate_id", "full_name", "desk", "first_desk", "reviewed")
    } == {
        "delegate_id": delegate_id,
        "full_name": "Hoàng Cao Thắng",
        "desk": "Bàn 2",
        "first_desk": "Bàn 1",
        "reviewed": False,
    }
    assert datetime.fromisoformat(conflict["scanned_at"]) == datetime(
        2022, 9, 12, 7, 52, 30, tzinfo=HANOI
    )
    assert datetime.fromisoformat(conflict["first_checked_in_at"]) == datetime(
        2022, 9, 12, 7, 45, tzinfo=HANOI
    )


async def test_a_desk_may_not_read_the_conflicts(client, staff):
    await make_event()
    assert (await client.get(CONFLICTS, headers=staff["letan"])).status_code == 403


async def test_marking_a_conflict_reviewed_is_kept_and_another_events_is_not_found(client, staff):
    await _admit_twice(client, staff["letan"])
    [row] = await CheckInConflict.select(CheckInConflict.id)
    url = f"{CONFLICTS}/{row['id']}/review"
    assert (await client.post(url, headers=staff["letan"])).status_code == 403
    marked = await client.post(url, headers=staff["btc"])
    assert marked.status_code == 200 and marked.json() == {"id": row["id"], "reviewed": True}
    assert (await client.post(url, headers=staff["btc"])).status_code == 200  # again: harmless
    [conflict] = (await client.get(CONFLICTS, headers=staff["btc"])).json()["conflicts"]
    assert conflict["reviewed"] is True
    await make_event(slug="hn-2023")
    other = await client.post(
        f"/api/events/hn-2023/checkins/conflicts/{row['id']}/review", headers=staff["btc"]
    )
    assert other.status_code == 404


async def test_the_arrivals_page_lists_conflicts_in_vietnamese_with_a_review_button(
    client, staff, sample_password
):
    await _admit_twice(client, staff["letan"])
    await log_in(client, "btc", sample_password)
    page = (await client.get("/events/hn-2022/arrivals/")).text
    assert "Bị cho vào hai lần" in page and "Hoàng Cao Thắng" in page
    assert "07:45 · Bàn 1" in page and "07:52 · Bàn 2" in page
    [row] = await CheckInConflict.select(CheckInConflict.id)
    token = await csrf_token(client, "/events/hn-2022/arrivals/")
    marked = await client.post(
        f"/events/hn-2022/arrivals/conflicts/{row['id']}/review",
        data={"_csrf_token": token},
        follow_redirects=False,
    )
    assert marked.status_code in (302, 303)
    after = (await client.get("/events/hn-2022/arrivals/")).text
    assert "Đã xem xét" in after and "Đánh dấu đã xem xét" not in after
