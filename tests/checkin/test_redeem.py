"""The redeem service: every result code, exactly once, idempotent by nonce, logged, cheap."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from conference import auth
from conference.checkin.services import check_in_delegate, redeem, token_from_scan, undo_check_in
from conference.errors import InvalidInput, NotFound
from conference.events import get_event
from conference.invitations import services as invitations
from conference.tables import CheckInAttempt, Delegate, Role
from tests.invitations.helpers import make_event

BASE = "https://hoinghi.example.vn"


@pytest.fixture
async def event(db):
    _, ids = await make_event()
    row = await get_event("hn-2022")
    row["ids"] = ids
    return row


async def _token(delegate_id: int) -> str:
    row = await Delegate.select(Delegate.token).where(Delegate.id == delegate_id).first()
    return row["token"]


async def test_a_first_scan_checks_in_and_greets_the_delegate(event):
    token = await _token(event["ids"][1])
    answer = await redeem(event, token, desk="Bàn 2")
    assert answer.result == "ok"
    assert answer.delegate["full_name"] == "Hoàng Cao Thắng"
    assert answer.message == "Kính chào Ông Hoàng Cao Thắng."
    row = await Delegate.select().where(Delegate.id == event["ids"][1]).first()
    assert row["checked_in_at"] == answer.checked_in_at and row["checked_in_desk"] == "Bàn 2"


async def test_the_whole_invitation_url_works_as_well_as_the_bare_token(event):
    token = await _token(event["ids"][0])
    answer = await redeem(event, f"  {BASE}/i/{token}\n")
    assert answer.result == "ok"


async def test_a_second_scan_says_when_and_where(event):
    token = await _token(event["ids"][0])
    await redeem(event, token, desk="Bàn 2")
    again = await redeem(event, token, desk="Bàn 3")
    assert again.result == "already_checked_in"
    assert "tại Bàn 2" in again.message and again.message.startswith("Đã điểm danh lúc ")
    assert again.delegate["full_name"] == "Nguyễn Thị Thủy Lệ"


async def test_the_same_nonce_twice_is_one_check_in_answered_ok_twice(event):
    token = await _token(event["ids"][0])
    first = await redeem(event, token, nonce="scan-42")
    retry = await redeem(event, token, nonce="scan-42")
    other = await redeem(event, token, nonce="scan-43")
    assert (first.result, retry.result, other.result) == ("ok", "ok", "already_checked_in")
    assert retry.checked_in_at == first.checked_in_at


@pytest.mark.parametrize(
    "scanned",
    [
        "",
        " ",
        "x" * 1_000_000,
        "\x00\xff\x01binary",
        "'; DROP TABLE delegate; --",
        "https://evil.example/i/AbCdEfGhIjKlMnOpQrStUvWx12345678",
        "AbCdEfGhIjKlMnOpQrStUvWx12345678",
    ],
)
async def test_bad_scans_are_unknown_and_logged_never_an_error(event, scanned):
    answer = await redeem(event, scanned)
    assert answer.result == "unknown" and answer.delegate is None
    assert answer.message == "Mã này không phải giấy mời của hệ thống."
    [logged] = await CheckInAttempt.select().where(CheckInAttempt.result == "unknown")
    assert len(logged["scanned_text"]) <= 300
    assert await Delegate.count() == 5


async def test_a_url_of_any_host_or_port_is_read_by_its_token(event):
    token = await _token(event["ids"][0])
    answer = await redeem(event, f"http://192.168.1.20:8201/i/{token}")
    assert answer.result == "ok"
    other = await _token(event["ids"][1])
    assert (await redeem(event, f"https://evil.example/i/{other}/")).result == "ok"


async def test_a_withdrawn_or_replaced_invitation_is_revoked(event):
    first, second = event["ids"][0], event["ids"][1]
    old = await _token(second)
    await invitations.revoke_invitation(event["id"], first)
    await invitations.reissue_invitation(event["id"], second)
    assert (await redeem(event, await _token(first))).result == "revoked"
    assert (await redeem(event, old)).result == "revoked"
    assert (await redeem(event, await _token(second))).result == "ok"


async def test_a_code_of_another_event_says_so_and_names_nobody(event):
    _, other_ids = await make_event(slug="hn-2023")
    answer = await redeem(event, await _token(other_ids[0]))
    assert answer.result == "other_event" and answer.delegate is None
    assert (await Delegate.select().where(Delegate.id == other_ids[0]).first())[
        "checked_in_at"
    ] is None


async def test_every_attempt_is_logged_with_desk_user_and_result(event, sample_password):
    desk = await auth.create_user("letan", sample_password, Role.desk)
    token = await _token(event["ids"][2])
    await redeem(event, token, by=desk, desk="Bàn 1")
    await redeem(event, token, by=desk, desk="Bàn 1")
    await redeem(event, "rác", by=desk, desk="Bàn 1")
    rows = await CheckInAttempt.select().order_by(CheckInAttempt.id)
    assert [r["result"] for r in rows] == ["ok", "already_checked_in", "unknown"]
    assert {r["desk"] for r in rows} == {"Bàn 1"} and {r["user"] for r in rows} == {desk.id}


async def test_the_log_line_of_a_check_in_holds_the_whole_scan(event, sample_password):
    desk = await auth.create_user("letan", sample_password, Role.desk)
    token = await _token(event["ids"][2])
    before = datetime.now(UTC)
    answer = await redeem(event, f" {token} ", by=desk, desk="Bàn 4", nonce="n-7", offline=True)
    [line] = await CheckInAttempt.select()
    assert answer.result == "ok" and line["result"] == "ok"
    assert (line["event"], line["delegate"], line["user"]) == (
        event["id"],
        event["ids"][2],
        desk.id,
    )
    assert (line["scanned_text"], line["desk"], line["nonce"]) == (f" {token} ", "Bàn 4", "n-7")
    assert line["offline"] is True and line["scanned_at"] is None  # the desk gave no time
    assert before <= line["at"] <= datetime.now(UTC)
    # (A scan's own time in the log: tests/checkin/test_offline_scans.py.)


async def test_many_scans_of_one_code_at_once_check_in_exactly_once(event):
    token = await _token(event["ids"][3])
    answers = await asyncio.gather(*(redeem(event, token, desk=f"Bàn {i}") for i in range(20)))
    assert [a.result for a in answers].count("ok") == 1
    assert [a.result for a in answers].count("already_checked_in") == 19
    # Each desk that lost is told when the winner checked them in, and where.
    [winner] = [a for a in answers if a.ok]
    assert {a.checked_in_at for a in answers} == {winner.checked_in_at}
    assert all(a.delegate["checked_in_desk"] == winner.delegate["checked_in_desk"] for a in answers)


async def test_a_scan_makes_one_to_three_queries_by_database_and_result(db, event, monkeypatch):
    queries: list[str] = []
    engine_class = type(Delegate._meta.db)
    original = engine_class.run_querystring

    async def counting(self, querystring, in_pool=True):
        queries.append(str(querystring))
        return await original(self, querystring, in_pool=in_pool)

    monkeypatch.setattr(engine_class, "run_querystring", counting)
    token = await _token(event["ids"][0])
    # PostgreSQL claims, logs and looks up in one statement: a check-in is one query, a
    # refusal two (that statement, then the log); SQLite takes one query more for each.
    checked_in, refused = (1, 2) if db.name == "postgres" else (2, 3)
    for scanned, expected in (
        (token, checked_in),
        (token, refused),  # the same nonce again: answered ok, not checked in twice
        ("unknown-code-aaaaaaaaaaaa", refused),
        (f"{BASE}/i/{token}", refused),
    ):
        queries.clear()
        await redeem(event, scanned, nonce="n1")
        assert len(queries) == expected, queries
    assert await CheckInAttempt.count() == 2  # the retries of nonce n1 are logged once


async def test_a_desk_can_undo_its_own_recent_check_in_and_an_organizer_any(event, sample_password):
    desk = await auth.create_user("letan", sample_password, Role.desk)
    other = await auth.create_user("letan2", sample_password, Role.desk)
    organizer = await auth.create_user("btc", sample_password, Role.organizer)
    first, second = event["ids"][0], event["ids"][1]
    await check_in_delegate(event, first, by=desk)
    with pytest.raises(InvalidInput) as not_yours:
        await undo_check_in(event["id"], first, by=other)
    assert not_yours.value.code == "not_own_checkin"
    await undo_check_in(event["id"], first, by=desk)
    assert (await Delegate.select().where(Delegate.id == first).first())["checked_in_at"] is None
    await check_in_delegate(event, second, by=desk)
    old = datetime.now(UTC) - timedelta(minutes=11)
    await Delegate.update({Delegate.checked_in_at: old}).where(Delegate.id == second)
    with pytest.raises(InvalidInput) as too_old:
        await undo_check_in(event["id"], second, by=desk)
    assert too_old.value.code == "undo_too_late"
    await undo_check_in(event["id"], second, by=organizer)
    with pytest.raises(NotFound):
        await undo_check_in(event["id"], second, by=organizer)
    # Undone, the code checks in again.
    assert (await redeem(event, await _token(second))).result == "ok"


def test_tokens_are_read_from_bare_codes_and_from_the_path_of_any_url():
    assert token_from_scan("AbCdEfGhIjKlMnOpQrStUv_-12") == "AbCdEfGhIjKlMnOpQrStUv_-12"
    assert token_from_scan(f"{BASE}/i/AbCdEfGhIjKlMnOpQrStUv?x=1") == "AbCdEfGhIjKlMnOpQrStUv"
    assert token_from_scan("http://127.0.0.1:8201/i/AbCdEfGhIjKlMnOpQrStUv") == (
        "AbCdEfGhIjKlMnOpQrStUv"
    )
    assert token_from_scan("https://other.example/x/AbCdEfGhIjKlMnOpQrStUv") is None
    assert token_from_scan("https://other.example/i/short") is None
    assert token_from_scan("short") is None
