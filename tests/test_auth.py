"""Logging in and out, wrong passwords, throttling, CSRF and API tokens."""

from __future__ import annotations

from conference import auth
from conference.tables import ApiToken, Role, User
from tests.conftest import csrf_token, log_in


async def _post_login(client, username, password, **extra):
    token = await csrf_token(client)
    return await client.post(
        "/login",
        data={"username": username, "password": password, "_csrf_token": token, **extra},
        follow_redirects=False,
    )


async def test_passwords_are_stored_as_argon2_hashes(db, sample_password):
    await auth.create_user("btc", sample_password, Role.organizer)
    stored = await User.select(User.password_hash).where(User.username == "btc").first()
    assert stored["password_hash"].startswith("$argon2id$")
    assert sample_password not in stored["password_hash"]


async def test_login_opens_a_session_and_logout_closes_it(client, sample_password):
    await auth.create_user("btc", sample_password, Role.organizer)
    await log_in(client, "btc", sample_password)
    assert (await client.get("/accounts/")).status_code == 200
    token = await csrf_token(client, "/accounts/")
    response = await client.post("/logout", data={"_csrf_token": token}, follow_redirects=False)
    assert response.status_code == 302
    after = await client.get("/accounts/", headers={"accept": "text/html"}, follow_redirects=False)
    assert after.status_code == 302


async def test_wrong_password_and_unknown_user_get_the_same_answer(client, sample_password):
    await auth.create_user("btc", sample_password, Role.organizer)
    wrong = await _post_login(client, "btc", "not the password")
    unknown = await _post_login(client, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu" in wrong.text
    assert "Sai tên đăng nhập hoặc mật khẩu" in unknown.text


async def test_disabled_account_cannot_log_in(client, sample_password):
    created = await auth.create_user("letan", sample_password, Role.desk)
    await User.update({User.active: False}).where(User.id == created.id)
    response = await _post_login(client, "letan", sample_password)
    assert response.status_code == 401


async def test_repeated_failures_from_one_address_are_slowed_down(client, sample_password):
    await auth.create_user("btc", sample_password, Role.organizer)
    for _ in range(5):
        assert (await _post_login(client, "btc", "guess")).status_code == 401
    # Now even the right password waits: the address is throttled.
    blocked = await _post_login(client, "btc", sample_password)
    assert blocked.status_code == 429
    assert "Thử lại sau" in blocked.text


async def test_a_successful_login_does_not_clear_the_failure_count(client, sample_password):
    await auth.create_user("btc", sample_password, Role.organizer)
    for _ in range(4):
        await _post_login(client, "btc", "guess")
    assert (await _post_login(client, "btc", sample_password)).status_code == 302
    # Four guesses and one own login, repeated, no longer buys unlimited guesses (for a
    # guesser without the owner's known-device cookie).
    client.cookies.clear()
    assert (await _post_login(client, "btc", "guess")).status_code == 401
    assert (await _post_login(client, "btc", "guess")).status_code == 429


async def test_another_account_still_logs_in_from_a_throttled_address(client, sample_password):
    await auth.create_user("btc", sample_password, Role.organizer)
    await auth.create_user("letan", sample_password, Role.desk)
    for _ in range(5):
        await _post_login(client, "btc", "guess")
    assert (await _post_login(client, "btc", sample_password)).status_code == 429
    assert (await _post_login(client, "letan", sample_password)).status_code == 302


async def test_login_only_redirects_to_local_pages(client, sample_password):
    await auth.create_user("btc", sample_password, Role.organizer)
    response = await _post_login(client, "btc", sample_password, next="https://evil.example/x")
    assert response.headers["location"] == "/"
    await log_in(client, "btc", sample_password)
    response = await _post_login(client, "btc", sample_password, next="/accounts/")
    assert response.headers["location"] == "/accounts/"


async def test_a_form_without_its_csrf_token_is_refused(client, sample_password):
    await auth.create_user("btc", sample_password, Role.organizer)
    await log_in(client, "btc", sample_password)
    response = await client.post(
        "/accounts/",
        data={"username": "x1", "password": "password1", "role": "desk"},
        headers={"accept": "text/html"},
    )
    assert response.status_code == 403
    assert await User.count().where(User.username == "x1") == 0


async def test_api_token_authenticates_and_only_its_hash_is_stored(client, sample_password):
    await auth.create_user("scanner", sample_password, Role.desk)
    token = await auth.create_token("scanner", "Bàn 1")
    stored = await ApiToken.select(ApiToken.token_hash).first()
    assert token not in stored["token_hash"] and len(stored["token_hash"]) == 64
    response = await client.get("/", headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 200
    bad = await client.get("/", headers={"authorization": "Bearer not-a-token"})
    assert bad.status_code == 401


async def test_a_disabled_users_token_is_refused_at_once_and_for_good(client, sample_password):
    boss = await auth.create_user("boss", sample_password, Role.organizer)
    created = await auth.create_user("scanner", sample_password, Role.desk)
    token = await auth.create_token("scanner")
    headers = {"authorization": f"Bearer {token}"}
    assert (await client.get("/", headers=headers)).status_code == 200  # now remembered
    await auth.set_active(created.id, False, by=boss)
    assert (await client.get("/", headers=headers)).status_code == 401
    # Enabled again, the account needs a new token: the old one was revoked with it.
    await auth.set_active(created.id, True, by=boss)
    assert (await client.get("/", headers=headers)).status_code == 401
    fresh = {"authorization": f"Bearer {await auth.create_token('scanner')}"}
    assert (await client.get("/", headers=fresh)).status_code == 200


async def test_a_token_revoked_elsewhere_is_refused_once_the_remembered_answer_expires(
    client, sample_password, monkeypatch
):
    await auth.create_user("scanner", sample_password, Role.desk)
    token = await auth.create_token("scanner")
    headers = {"authorization": f"Bearer {token}"}
    assert (await client.get("/", headers=headers)).status_code == 200
    # Another process (or a hand in the database) revokes it: this one does not know yet.
    await ApiToken.update({ApiToken.revoked_at: ApiToken.created_at}).where(ApiToken.id > 0)
    assert (await client.get("/", headers=headers)).status_code == 200
    later = auth._clock() + auth.AUTH_CACHE_S + 1
    monkeypatch.setattr(auth, "_clock", lambda: later)
    assert (await client.get("/", headers=headers)).status_code == 401


async def test_a_disabled_users_session_stops_working(client, sample_password):
    boss = await auth.create_user("boss", sample_password, Role.organizer)
    created = await auth.create_user("mc1", sample_password, Role.mc)
    await log_in(client, "mc1", sample_password)
    assert (await client.get("/")).status_code == 200
    await auth.set_active(created.id, False, by=boss)
    response = await client.get("/", headers={"accept": "text/html"}, follow_redirects=False)
    assert response.status_code == 302


async def test_logging_in_gives_a_fresh_session_id_not_the_one_planted(app, sample_password):
    """Session fixation: someone plants one of their own sessions' ids in a browser; the
    person who logs in there must not share it with them."""
    import httpx

    await auth.create_user("btc", sample_password, Role.organizer)
    await auth.create_user("planter", sample_password, Role.desk)

    def browser() -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50002))
        return httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000")

    async with browser() as planter:
        await log_in(planter, "planter", sample_password)
        planted = planter.cookies.get("conference_session", domain="127.0.0.1")
    async with browser() as victim:
        victim.cookies.set("conference_session", planted, domain="127.0.0.1", path="/")
        await log_in(victim, "btc", sample_password)
        assert victim.cookies.get("conference_session", domain="127.0.0.1") != planted
        assert (await victim.get("/accounts/")).status_code == 200
    async with browser() as planter:
        planter.cookies.set("conference_session", planted, domain="127.0.0.1", path="/")
        response = await planter.get("/accounts/", headers={"accept": "text/html"})
        assert response.status_code != 200  # the old id is gone, not the organizer's
