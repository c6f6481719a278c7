"""Accounts that belong to events: organizers manage their own events' staff only, and
a password reset, a disable or a membership change ends the account's sessions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from conference import auth
from conference.accounts import services
from conference.errors import InvalidInput, NotFound
from conference.events import event_id_of
from conference.tables import ApiToken, Delegate, Membership, Role, User
from tests.conftest import csrf_token, log_in
from tests.invitations.helpers import make_event


def _browser(app) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50003))
    return httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000")


@pytest.fixture
async def two_events(db):
    await make_event("hn-2022")
    await make_event("hcm-2022")
    return {slug: await event_id_of(slug) for slug in ("hn-2022", "hcm-2022")}


async def _post(client, path, data):
    token = await csrf_token(client, "/accounts/")
    return await client.post(path, data={**data, "_csrf_token": token}, follow_redirects=False)


async def _signed_in(client) -> bool:
    response = await client.get("/", headers={"accept": "text/html"}, follow_redirects=False)
    return response.status_code == 200


async def test_an_organizer_sees_and_manages_only_their_events_staff(
    app, client, two_events, sample_password
):
    await auth.create_user("boss", sample_password, Role.organizer)
    await auth.create_user("btc", sample_password, Role.organizer, events=[two_events["hn-2022"]])
    ours = await auth.create_user(
        "letan", sample_password, Role.desk, events=[two_events["hn-2022"]]
    )
    theirs = await auth.create_user(
        "letan-hcm", sample_password, Role.desk, events=[two_events["hcm-2022"]]
    )
    wide = await auth.create_user("letan-so", sample_password, Role.desk)
    await log_in(client, "btc", sample_password)
    page = await client.get("/accounts/")
    assert "letan" in page.text
    assert "letan-hcm" not in page.text and "letan-so" not in page.text and "boss" not in page.text
    ok = await _post(client, f"/accounts/{ours.id}/password", {"password": "mật khẩu mới 1"})
    assert ok.status_code in (302, 303)
    for other in (theirs, wide):
        for path, data in (
            (f"/accounts/{other.id}/password", {"password": "mật khẩu mới 1"}),
            (f"/accounts/{other.id}/active", {"active": "0"}),
            (f"/accounts/{other.id}/memberships", {"event": "1", "role": "desk"}),
            ("/accounts/tokens", {"account": str(other.id), "name": "x"}),
        ):
            assert (await _post(client, path, data)).status_code == 404, path
    assert await auth.authenticate("letan-hcm", sample_password) is not None
    # Staff for their own event, never for another.
    made = await _post(
        client,
        "/accounts/",
        {
            "username": "mc2",
            "role": "mc",
            "password": sample_password,
            "event": str(two_events["hn-2022"]),
        },
    )
    assert made.status_code in (302, 303)
    mc2 = await auth.authenticate("mc2", sample_password)
    assert mc2 is not None and mc2.events == frozenset({two_events["hn-2022"]})
    refused = await _post(
        client,
        "/accounts/",
        {
            "username": "mc3",
            "role": "mc",
            "password": sample_password,
            "event": str(two_events["hcm-2022"]),
        },
    )
    assert refused.status_code == 404
    nowhere = await _post(
        client, "/accounts/", {"username": "mc4", "role": "mc", "password": sample_password}
    )
    assert nowhere.status_code in (302, 303)
    assert await User.count().where(User.username.is_in(["mc3", "mc4"])) == 0


async def test_the_event_list_shows_only_ones_events(client, two_events, sample_password):
    await auth.create_user("btc", sample_password, Role.organizer, events=[two_events["hn-2022"]])
    await log_in(client, "btc", sample_password)
    page = await client.get("/")
    assert "/events/hn-2022" in page.text and "/events/hcm-2022" not in page.text
    assert "/events/new" not in page.text  # only administrators create events
    assert (await client.get("/events/hcm-2022")).status_code == 404


async def test_a_password_reset_ends_every_session_and_token_for_good(
    app, client, two_events, sample_password
):
    boss = await auth.create_user("boss", sample_password, Role.organizer)
    desk = await auth.create_user(
        "letan", sample_password, Role.desk, events=[two_events["hn-2022"]]
    )
    token = await auth.create_token("letan")
    await log_in(client, "letan", sample_password)
    assert await _signed_in(client)
    await services.reset_password(boss, desk.id, "mật khẩu mới 2022")
    assert not await _signed_in(client)
    bearer = {"authorization": f"Bearer {token}"}
    assert (await client.get("/", headers=bearer)).status_code == 401
    await log_in(client, "letan", "mật khẩu mới 2022")
    assert await _signed_in(client)


async def test_a_disabled_accounts_sessions_stay_ended_when_it_is_enabled_again(
    app, client, two_events, sample_password
):
    boss = await auth.create_user("boss", sample_password, Role.organizer)
    desk = await auth.create_user(
        "letan", sample_password, Role.desk, events=[two_events["hn-2022"]]
    )
    await log_in(client, "letan", sample_password)
    planted = client.cookies.get("conference_session", domain="127.0.0.1")
    await services.set_account_active(boss, desk.id, False)
    await services.set_account_active(boss, desk.id, True)
    async with _browser(app) as other:
        other.cookies.set("conference_session", planted, domain="127.0.0.1", path="/")
        assert not await _signed_in(other)
    assert await ApiToken.count().where(ApiToken.revoked_at.is_null()) == 0


async def test_a_membership_change_ends_that_accounts_sessions(client, two_events, sample_password):
    boss = await auth.create_user("boss", sample_password, Role.organizer)
    desk = await auth.create_user(
        "letan", sample_password, Role.desk, events=[two_events["hn-2022"]]
    )
    token = await auth.create_token("letan")
    await log_in(client, "letan", sample_password)
    assert (await client.get("/events/hcm-2022/desk/")).status_code == 404
    await services.add_membership(boss, desk.id, two_events["hcm-2022"], Role.desk)
    assert not await _signed_in(client)
    await log_in(client, "letan", sample_password)
    assert (await client.get("/events/hcm-2022/desk/")).status_code == 200
    # Its token keeps working, with the new membership (a scanner is not cut off).
    bearer = {"authorization": f"Bearer {token}"}
    assert (await client.get("/events/hcm-2022/desk/", headers=bearer)).status_code == 200
    await services.remove_membership(boss, desk.id, two_events["hcm-2022"])
    assert not await _signed_in(client)
    assert (await client.get("/events/hcm-2022/desk/", headers=bearer)).status_code == 404


async def test_an_expired_or_revoked_token_is_refused(client, sample_password):
    await auth.create_user("scanner", sample_password, Role.desk)
    expiring = await auth.create_token("scanner", "Bàn 1", expires_days=1)
    revoked = await auth.create_token("scanner", "Bàn 2")
    headers = {"authorization": f"Bearer {expiring}"}
    assert (await client.get("/", headers=headers)).status_code == 200
    await ApiToken.update({ApiToken.expires_at: datetime.now(UTC) - timedelta(seconds=1)}).where(
        ApiToken.name == "Bàn 1"
    )
    auth.forget_remembered_users()
    assert (await client.get("/", headers=headers)).status_code == 401
    [row] = await ApiToken.select(ApiToken.id).where(ApiToken.name == "Bàn 2")
    await auth.revoke_token(row["id"])
    assert (
        await client.get("/", headers={"authorization": f"Bearer {revoked}"})
    ).status_code == 401
    listed = {t["name"]: t["working"] for t in await auth.list_tokens()}
    assert listed == {"Bàn 1": False, "Bàn 2": False}


async def test_tokens_are_made_listed_and_revoked_on_the_accounts_page(
    client, two_events, sample_password
):
    await auth.create_user("btc", sample_password, Role.organizer, events=[two_events["hn-2022"]])
    desk = await auth.create_user(
        "letan", sample_password, Role.desk, events=[two_events["hn-2022"]]
    )
    await log_in(client, "btc", sample_password)
    page = await _post(
        client, "/accounts/tokens", {"account": str(desk.id), "name": "Bàn 1", "expires_days": "7"}
    )
    assert page.status_code == 200 and "Bàn 1" in page.text
    token = page.text.split('<code id="new-token">')[1].split("</code>")[0]
    assert (await client.get("/", headers={"authorization": f"Bearer {token}"})).status_code == 200
    [row] = await ApiToken.select(ApiToken.id, ApiToken.expires_at)
    assert row["expires_at"] is not None
    revoked = await _post(client, f"/accounts/tokens/{row['id']}/revoke", {})
    assert revoked.status_code in (302, 303)
    bearer = {"authorization": f"Bearer {token}"}
    assert (await client.get("/", headers=bearer)).status_code == 401


async def test_the_last_administrator_stays_one(db, sample_password):
    boss = await auth.create_user("boss", sample_password, Role.organizer)
    with pytest.raises(InvalidInput) as refused:
        await services.set_administrator(boss, boss.id, False)
    assert refused.value.code == "last_administrator"
    second = await auth.create_user("boss2", sample_password, Role.organizer)
    await services.set_account_active(second, boss.id, False)  # boss2 is left
    with pytest.raises(InvalidInput) as refused:
        await services.set_administrator(second, second.id, False)
    assert refused.value.code == "last_administrator"
    await services.set_account_active(second, boss.id, True)
    await services.set_administrator(second, boss.id, False)
    row = await User.select(User.administrator).where(User.id == boss.id).first()
    assert not row["administrator"]


async def test_an_organizer_cannot_make_administrators_or_reach_them(
    db, two_events, sample_password
):
    boss = await auth.create_user("boss", sample_password, Role.organizer)
    btc = await auth.create_user(
        "btc", sample_password, Role.organizer, events=[two_events["hn-2022"]]
    )
    organizer = await auth.authenticate("btc", sample_password)
    assert organizer is not None and not organizer.administrator
    with pytest.raises(NotFound):
        await services.set_administrator(organizer, btc.id, True)
    with pytest.raises(NotFound):
        await services.reset_password(organizer, boss.id, "mật khẩu mới 2022")


async def test_a_members_scan_costs_no_extra_query(db, client, sample_password, monkeypatch):
    """Membership travels with the remembered account: a member's scan makes the
    same queries as a department-wide account's (tests/checkin/test_redeem.py)."""
    await make_event("hn-2022")
    await auth.create_user(
        "letan", sample_password, Role.desk, events=[await event_id_of("hn-2022")]
    )
    headers = {"authorization": f"Bearer {await auth.create_token('letan')}"}
    await client.post(
        "/api/events/hn-2022/checkins", json={"code": "warm-up-x" * 3}, headers=headers
    )
    [token] = [r["token"] for r in await Delegate.select(Delegate.token).limit(1)]
    queries: list[str] = []
    engine_class = type(Delegate._meta.db)
    original = engine_class.run_querystring

    async def counting(self, querystring, in_pool=True):
        queries.append(str(querystring))
        return await original(self, querystring, in_pool=in_pool)

    monkeypatch.setattr(engine_class, "run_querystring", counting)
    answer = await client.post(
        "/api/events/hn-2022/checkins", json={"code": token}, headers=headers
    )
    refused = await client.post(
        "/api/events/hn-2022/checkins", json={"code": token}, headers=headers
    )
    monkeypatch.setattr(engine_class, "run_querystring", original)
    assert answer.json()["result"] == "ok" and refused.json()["result"] == "already_checked_in"
    checked_in, refused_queries = (1, 2) if db.name == "postgres" else (2, 3)
    assert len(queries) == checked_in + refused_queries, queries


async def test_memberships_are_unique_per_account_and_event(db, two_events, sample_password):
    boss = await auth.create_user("boss", sample_password, Role.organizer)
    desk = await auth.create_user(
        "letan", sample_password, Role.desk, events=[two_events["hn-2022"]]
    )
    await services.add_membership(boss, desk.id, two_events["hn-2022"], Role.mc)
    rows = await Membership.select(Membership.role).where(Membership.user == desk.id)
    assert rows == [{"role": "mc"}]


async def test_ones_own_new_password_keeps_this_session_under_a_new_id_and_ends_the_others(
    app, client, sample_password
):
    me = await auth.create_user("boss", sample_password, Role.organizer)
    async with _browser(app) as elsewhere:
        await log_in(elsewhere, "boss", sample_password)
        await log_in(client, "boss", sample_password)
        before = client.cookies.get("conference_session", domain="127.0.0.1")
        changed = await _post(client, f"/accounts/{me.id}/password", {"password": "mật khẩu mới 9"})
        assert changed.status_code in (302, 303)
        assert client.cookies.get("conference_session", domain="127.0.0.1") != before
        assert await _signed_in(client)
        assert not await _signed_in(elsewhere)
