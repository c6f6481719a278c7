"""Server-side sessions: kept in the database, or in Redis when several servers run."""

from __future__ import annotations

import httpx
import pytest
from litestar import Litestar

from conference.accounts.services import LoginThrottle, TooManyAttempts
from conference.app import create_app
from conference.auth import create_user
from conference.store import DatabaseStore
from conference.tables import Role, StoreEntry
from tests.conftest import REDIS_URL, csrf_token, require


def _client(app: Litestar) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 50001)),
        base_url="http://127.0.0.1:8000",
    )


async def _login_and_move_the_cookie(first: Litestar, second: Litestar, password: str) -> int:
    async with _client(first) as a, _client(second) as b:
        token = await csrf_token(a)
        response = await a.post(
            "/login", data={"username": "btc", "password": password, "_csrf_token": token}
        )
        assert response.status_code == 302
        b.cookies.update(a.cookies)
        return (await b.get("/accounts/", headers={"accept": "application/json"})).status_code


async def test_a_session_lives_in_the_database_and_serves_every_instance(
    db, tmp_path, sample_password
):
    await create_user("btc", sample_password, Role.organizer)
    first = create_app(db.settings(tmp_path), engine=db.engine)
    second = create_app(db.settings(tmp_path), engine=db.engine)
    assert await _login_and_move_the_cookie(first, second, sample_password) == 200
    assert await StoreEntry.count().where(StoreEntry.key.like("conference:sessions:%")) == 1


async def test_a_session_in_redis_serves_a_second_instance(db, tmp_path, sample_password):
    require(bool(REDIS_URL), "CONFERENCE_TEST_REDIS_URL is not set")
    await create_user("btc", sample_password, Role.organizer)
    settings = db.settings(tmp_path, redis_url=REDIS_URL)
    first = create_app(settings, engine=db.engine)
    second = create_app(settings, engine=db.engine)
    assert await _login_and_move_the_cookie(first, second, sample_password) == 200
    # Written through to the database too, which serves it while Redis is away.
    assert await StoreEntry.count().where(StoreEntry.key.like("conference:sessions:%")) == 1


async def test_the_database_store_expires_and_renews_entries(db):
    store = DatabaseStore().with_namespace("t")
    await store.set("a", b"1", expires_in=60)
    assert await store.get("a") == b"1"
    assert 0 < (await store.expires_in("a") or 0) <= 60
    await store.set("a", "2", expires_in=-1)  # already expired: gone on read
    assert await store.get("a") is None
    await store.set("b", b"x")
    assert await store.expires_in("b") is None
    await store.delete_all()
    assert not await store.exists("b")


async def test_login_throttling_counts_each_address_apart(db):
    throttle = LoginThrottle(DatabaseStore().with_namespace("throttle"), pair_limit=2)
    await throttle.admit("btc", "10.0.0.1")
    await throttle.admit("btc", "10.0.0.1")
    assert (await throttle.failures("btc", "10.0.0.1"))["pair"] == 2
    assert (await throttle.failures("btc", "10.0.0.2"))["pair"] == 0
    with pytest.raises(TooManyAttempts):
        await throttle.admit("btc", "10.0.0.1")
    await throttle.admit("btc", "10.0.0.2")


async def test_requests_that_do_not_change_the_session_do_not_write_it(
    client, sample_password, monkeypatch
):
    from conference.tables import StoreEntry as Entry

    await create_user("btc", sample_password, Role.organizer)
    queries: list[str] = []
    engine_class = type(Entry._meta.db)
    original = engine_class.run_querystring

    async def counting(self, querystring, in_pool=True):
        queries.append(str(querystring))
        return await original(self, querystring, in_pool=in_pool)

    monkeypatch.setattr(engine_class, "run_querystring", counting)
    await client.get("/healthz")
    assert queries == ["SELECT 1"]  # its own question to the database; no session, no store
    from tests.conftest import log_in

    await log_in(client, "btc", sample_password)
    queries.clear()
    await client.get("/accounts/")
    assert not [q for q in queries if "store_entry" in q and not q.startswith("SELECT")]


async def test_expired_entries_of_every_namespace_are_swept(db):
    sessions, throttle = (
        DatabaseStore().with_namespace("sessions"),
        DatabaseStore().with_namespace("t"),
    )
    await sessions.set("old", b"x", expires_in=-1)
    await throttle.set("old", b"x", expires_in=-1)
    await sessions.set("live", b"y", expires_in=60)
    await DatabaseStore().delete_expired()
    assert [row["key"] for row in await StoreEntry.select(StoreEntry.key)] == [
        "conference:sessions:live"
    ]
