"""Login throttling per account, per address and per known device, with exponential
backoff, behind a NAT or a proxy."""

from __future__ import annotations

import httpx
import pytest
from litestar.stores.redis import RedisStore

from conference import auth
from conference.accounts import known_devices
from conference.accounts.addresses import client_address
from conference.accounts.services import (
    FORGET_S,
    MAX_WAIT_S,
    LoginThrottle,
    TooManyAttempts,
)
from conference.app import create_app
from conference.store import DatabaseStore
from conference.tables import Role
from tests.conftest import REDIS_URL, csrf_token, require

START = 1_900_000_000


class Clock:
    def __init__(self) -> None:
        self.now = float(START)

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["database", "redis"])
async def store(request, db):
    if request.param == "database":
        yield DatabaseStore().with_namespace("throttle")
        return
    require(bool(REDIS_URL), "CONFERENCE_TEST_REDIS_URL is not set")
    redis = RedisStore.with_client(url=REDIS_URL, namespace="test-throttle")
    await redis.delete_all()
    yield redis
    await redis.delete_all()
    await redis._redis.aclose()


async def _admitted(throttle: LoginThrottle, account: str, address: str, **kw) -> bool:
    try:
        await throttle.admit(account, address, **kw)
    except TooManyAttempts:
        return False
    return True


async def test_one_person_mistyping_behind_a_nat_stops_only_their_own_account(store):
    throttle = LoginThrottle(store, clock=Clock())
    for _ in range(5):
        assert await _admitted(throttle, "btc", "203.0.113.7")
    assert not await _admitted(throttle, "BTC ", "203.0.113.7")  # the same account
    # Every other staff member behind the same address, and btc elsewhere, still get in.
    assert await _admitted(throttle, "letan", "203.0.113.7")
    assert await _admitted(throttle, "btc", "198.51.100.1")


async def _refused_for(throttle: LoginThrottle, account: str, address: str, **kw) -> int:
    with pytest.raises(TooManyAttempts) as refused:
        await throttle.admit(account, address, **kw)
    return int(refused.value.params["seconds"])


async def test_each_further_failure_doubles_the_wait_up_to_a_cap(store):
    clock = Clock()
    throttle = LoginThrottle(store, clock=clock)
    for _ in range(5):
        await throttle.admit("btc", "203.0.113.7")
    waits = []
    for _ in range(8):
        wait = await _refused_for(throttle, "btc", "203.0.113.7")
        assert await _refused_for(throttle, "btc", "203.0.113.7") == wait  # not counted
        waits.append(wait)
        clock.now += wait - 1
        assert not await _admitted(throttle, "btc", "203.0.113.7")  # a second early
        clock.now += 1
        assert await _admitted(throttle, "btc", "203.0.113.7")  # then heard, and counted
    assert waits == [30, 60, 120, 240, 480, MAX_WAIT_S, MAX_WAIT_S, MAX_WAIT_S]
    clock.now += FORGET_S + 1  # a day without a failure: forgotten
    assert (await throttle.failures("btc", "203.0.113.7"))["pair"] == 0
    assert await _admitted(throttle, "btc", "203.0.113.7")


async def test_a_known_device_is_heard_while_its_address_and_account_wait(store):
    throttle = LoginThrottle(store, clock=Clock())
    await throttle.admit("letan", "203.0.113.7", device="desk-1")
    await throttle.succeeded("letan", "203.0.113.7", device="desk-1")
    for n in range(60):  # guesses at letan and at everyone from the venue's NAT
        await _admitted(throttle, "letan" if n % 2 else f"user{n}", "203.0.113.7")
    for n in range(30):
        await _admitted(throttle, "letan", f"10.9.0.{n}")
    assert not await _admitted(throttle, "letan", "203.0.113.7")
    assert not await _admitted(throttle, "letan", "10.9.0.3")  # the account waits too
    assert await _admitted(throttle, "letan", "203.0.113.7", device="desk-1")
    # A known device has its own count: guessing with a stolen cookie waits like a pair.
    for _ in range(4):
        assert await _admitted(throttle, "letan", "198.51.100.1", device="desk-1")
    assert await _refused_for(throttle, "letan", "198.51.100.1", device="desk-1") == 30


def test_a_known_device_cookie_names_its_account_and_cannot_be_forged():
    value = known_devices.issue("secret", "letan")
    device = known_devices.device_of("secret", value, " LETAN")
    assert device
    assert known_devices.issue("secret", "letan", device) == value  # kept at the next login
    assert known_devices.device_of("secret", value, "btc") is None
    assert known_devices.device_of("another secret", value, "letan") is None
    forged = value.replace("letan:", "btc:", 1)
    assert known_devices.device_of("secret", forged, "btc") is None
    assert known_devices.device_of("secret", None, "letan") is None
    assert known_devices.device_of("secret", "x" * 500, "letan") is None


async def test_a_successful_login_takes_back_only_its_own_attempt(store):
    throttle = LoginThrottle(store, clock=Clock())
    for _ in range(4):
        await throttle.admit("btc", "203.0.113.7")
    await throttle.admit("btc", "203.0.113.7")
    await throttle.succeeded("btc", "203.0.113.7")  # the owner logs in between guesses
    assert (await throttle.failures("btc", "203.0.113.7"))["pair"] == 4
    assert await _admitted(throttle, "btc", "203.0.113.7")
    assert not await _admitted(throttle, "btc", "203.0.113.7")
    # Another account's login from the address does not clear the address's guesses.
    for n in range(40):
        await throttle.admit(f"guess{n}", "203.0.113.7")
    await throttle.admit("letan", "203.0.113.7")
    await throttle.succeeded("letan", "203.0.113.7")
    assert (await throttle.failures("letan", "203.0.113.7"))["address"] == 45


async def test_guesses_from_many_addresses_are_not_all_heard_but_a_clean_desk_is(store):
    throttle = LoginThrottle(store, clock=Clock())
    heard = 0
    for n in range(120):  # 120 guesses at one account from 30 addresses, in turn
        heard += await _admitted(throttle, "bantochuc", f"10.9.0.{n % 30}")
    # 20 for the account, then one more from each address that had not failed yet.
    assert heard == 30
    assert await _admitted(throttle, "bantochuc", "192.0.2.10")  # a desk that never failed
    assert not await _admitted(throttle, "bantochuc", "192.0.2.10")


async def test_a_sprayer_behind_the_nat_does_not_lock_out_staff_who_log_in_there(store):
    throttle = LoginThrottle(store, clock=Clock())
    await throttle.admit("letan", "203.0.113.7")
    await throttle.succeeded("letan", "203.0.113.7")  # letan works from the venue
    for n in range(50):
        await throttle.admit(f"user{n}", "203.0.113.7")
    assert not await _admitted(throttle, "someone", "203.0.113.7")
    assert await _admitted(throttle, "letan", "203.0.113.7")


# ------------------------------------------------------------------ addresses


def test_forwarded_for_is_believed_only_from_a_configured_proxy(db, tmp_path):
    none = db.settings(tmp_path)
    proxy = db.settings(tmp_path, trusted_proxies=("10.0.0.0/8",))
    header = ["198.51.100.9, 203.0.113.5, 10.0.0.2"]
    assert client_address("127.0.0.1", header, none) == "127.0.0.1"  # loopback too
    assert client_address("10.0.0.1", header, none) == "10.0.0.1"
    # From our proxy: the nearest hop that is not one of ours (the first may be forged).
    assert client_address("10.0.0.1", header, proxy) == "203.0.113.5"
    assert client_address("10.0.0.1", [], proxy) == "10.0.0.1"
    assert client_address("10.0.0.1", ["not an address"], proxy) == "10.0.0.1"
    assert client_address("198.51.100.9", header, proxy) == "198.51.100.9"


def test_trusted_proxies_are_read_from_the_environment():
    from conference.errors import ConfigurationError
    from conference.settings import Settings

    env = {"CONFERENCE_DATABASE_URL": "sqlite:///x.sqlite3", "CONFERENCE_SECRET_KEY": "k"}
    assert Settings.from_env(env).trusted_proxies == ()
    read = Settings.from_env({**env, "CONFERENCE_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8"})
    assert read.trusted_proxies == ("127.0.0.1/32", "10.0.0.0/8")
    with pytest.raises(ConfigurationError):
        Settings.from_env({**env, "CONFERENCE_TRUSTED_PROXIES": "localhost"})


async def _guess(app, forwarded_for: str) -> httpx.Response:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 50000)),
        base_url="http://127.0.0.1:8000",
    ) as client:
        token = await csrf_token(client)
        response = await client.post(
            "/login",
            data={"username": "btc", "password": "guess", "_csrf_token": token},
            headers={"x-forwarded-for": forwarded_for},
        )
        return response


async def test_a_loopback_client_cannot_change_its_address_with_a_header(
    db, tmp_path, sample_password
):
    await auth.create_user("btc", sample_password, Role.organizer)
    app = create_app(db.settings(tmp_path), engine=db.engine)
    answers = [await _guess(app, f"198.51.100.{n}") for n in range(6)]
    assert [answer.status_code for answer in answers] == [401] * 5 + [429]
    assert answers[-1].headers["retry-after"] == "30"
    assert "Thử lại sau 30 giây" in answers[-1].text


async def test_behind_a_configured_proxy_each_client_is_counted_apart(
    db, tmp_path, sample_password
):
    await auth.create_user("btc", sample_password, Role.organizer)
    settings = db.settings(tmp_path, trusted_proxies=("127.0.0.1/32",))
    app = create_app(settings, engine=db.engine)
    answers = [await _guess(app, f"198.51.100.{n}") for n in range(6)]
    assert [answer.status_code for answer in answers] == [401] * 6


async def _post_login(client: httpx.AsyncClient, username: str, password: str) -> int:
    token = await csrf_token(client)
    response = await client.post(
        "/login", data={"username": username, "password": password, "_csrf_token": token}
    )
    return response.status_code


async def test_a_staff_member_logs_in_from_a_known_device_while_the_address_is_locked_out(
    db, tmp_path, sample_password
):
    await auth.create_user("letan", sample_password, Role.desk)
    app = create_app(db.settings(tmp_path), engine=db.engine)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    base = "http://127.0.0.1:8000"
    async with (
        httpx.AsyncClient(transport=transport, base_url=base) as desk,
        httpx.AsyncClient(transport=transport, base_url=base) as guesser,
    ):
        assert await _post_login(desk, "letan", sample_password) == 302
        assert desk.cookies.get(known_devices.COOKIE, path="/login")
        desk.cookies.delete("conference_session")  # logged out, the device cookie kept
        # Someone behind the same address guesses at letan until it waits.
        answers = [await _post_login(guesser, "letan", "guess") for _ in range(6)]
        assert answers == [401] * 5 + [429]
        assert await _post_login(guesser, "letan", sample_password) == 429
        # The staff member's own browser is still let in with the right password.
        assert await _post_login(desk, "letan", sample_password) == 302
