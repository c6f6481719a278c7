"""Desk devices travel with their event: a phone paired with the central server keeps
working on the venue laptop (known by its key's digest, never a secret in the file), and a
revocation made on either side holds on both after the return import."""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from litestar import Litestar

from conference import auth
from conference.app import create_app
from conference.checkin import devices
from conference.events import get_event
from conference.settings import DatabaseURL
from conference.tables import Delegate, DeskDevice, Role, User
from conference.transfer import export_event, import_event
from tests.checkin.test_devices import BASE, LABEL, _api_post, create_device
from tests.conftest import Backend, log_in, servers_of
from tests.test_event_transfer import SLUG, _central_event, bound_to, laptop

__all__ = ["laptop"]  # the fixture, used by name
DESK = "/events/hn-2022/desk/"


@asynccontextmanager
async def browser(
    app: Litestar, cookies: httpx.Cookies | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """A browser at the address the phones were paired on (whichever machine answers it)."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 50002)), base_url=BASE
    ) as client:
        if cookies is not None:
            client.cookies = cookies
        yield client


async def _works(phone: httpx.AsyncClient, token: str) -> bool:
    """Whether the phone opens the desk and its scan of ``token`` is taken as its desk's."""
    page = await phone.get(DESK, headers={"accept": "text/html"}, follow_redirects=False)
    if page.status_code != 200:
        return False
    return (await _api_post(phone, f"/api/events/{SLUG}/checkins", {"code": token})).json()[
        "result"
    ] == "ok"


async def _pair(app: Litestar, url: str) -> httpx.Cookies:
    async with browser(app) as phone:
        paired = await phone.get(url.removeprefix(BASE), follow_redirects=False)
        assert paired.status_code == 302, paired.text
        return phone.cookies


async def test_a_phone_paired_centrally_works_on_the_laptop_and_revocations_come_back(
    db, laptop, tmp_path, sample_password
):
    _, tokens = await _central_event()
    await auth.create_user("btc", sample_password, Role.organizer)
    central = create_app(db.settings(tmp_path / "central"), engine=db.engine)
    async with browser(central) as organizer:
        await log_in(organizer, "btc", sample_password)
        first = await _pair(central, await create_device(organizer))
        second = await _pair(central, await create_device(organizer, "Bàn 3 – cổng phụ"))
    async with browser(central, first) as phone:
        assert await _works(phone, tokens[0])
    await export_event((await get_event(SLUG))["id"], tmp_path / "to-the-hall.json.gz")
    carried = gzip.decompress((tmp_path / "to-the-hall.json.gz").read_bytes()).decode()
    # The file knows each phone by its key's digest; no key, no session, no pairing link.
    for jar in (first, second):
        for secret in (jar["conference_desk_device"], jar["conference_session"]):
            assert secret not in carried
    assert (await DeskDevice.select(DeskDevice.key_hash).first())["key_hash"] in carried

    with bound_to(laptop):
        loaded = await import_event(tmp_path / "to-the-hall.json.gz")
        assert sorted(loaded.accounts_added) == ["btc", "letan"]  # not the devices' own accounts
        await auth.create_user("quantri", sample_password, Role.organizer)
        hall = create_app(
            db.settings(
                tmp_path / "hall",
                database=DatabaseURL.parse(f"sqlite:///{tmp_path / 'laptop.sqlite3'}"),
                secret_key="the-laptop-has-a-secret-of-its-own-" + "z" * 16,
            ),
            engine=laptop,
        )
        # The same phones, at the same address, now answered by the laptop.
        async with browser(hall, first) as phone:
            assert await _works(phone, tokens[1])
        scanned = await Delegate.select(Delegate.checked_in_desk).where(Delegate.token == tokens[1])
        assert scanned[0]["checked_in_desk"] == LABEL
        event = await get_event(SLUG)
        quantri = await auth.get_active_user(
            (await User.select(User.id).where(User.username == "quantri"))[0]["id"]
        )
        ids = {
            row["label"]: row["id"]
            for row in await DeskDevice.select(DeskDevice.id, DeskDevice.label)
        }
        # The hall revokes the second phone, and pairs the first one again on a new phone.
        await devices.revoke_device(event, ids["Bàn 3 – cổng phụ"], by=quantri)
        async with browser(hall, second) as phone:
            assert not await _works(phone, tokens[2])
        link = await devices.new_pairing_link(event, ids[LABEL], by=quantri, base_url=BASE)
        again = await _pair(hall, link.url)
        await export_event(event["id"], tmp_path / "back.json.gz")

    # Meanwhile the central server revoked the first device (its phone was reported lost).
    event = await get_event(SLUG)
    btc = await auth.get_active_user(
        (await User.select(User.id).where(User.username == "btc"))[0]["id"]
    )
    [first_id] = await DeskDevice.select(DeskDevice.id).where(DeskDevice.label == LABEL)
    await devices.revoke_device(event, first_id["id"], by=btc)

    await import_event(tmp_path / "back.json.gz")
    auth._forget_here()  # as the import's broadcast does in a running server
    # Both stay revoked here: the hall's revocation came back, and the central one holds
    # although the hall changed that device too (paired it again).
    revoked = {row["label"]: row["revoked_at"] for row in await DeskDevice.select()}
    assert all(revoked.values()), revoked
    for jar in (first, second, again):
        async with browser(central, jar) as phone:
            assert not await _works(phone, tokens[3])
    assert await Delegate.count().where(Delegate.token == tokens[3]) == 1
    assert (await Delegate.select(Delegate.checked_in_at).where(Delegate.token == tokens[3]))[0][
        "checked_in_at"
    ] is None


async def test_a_phone_paired_with_the_running_central_server_scans_at_the_running_laptop(
    db, laptop, tmp_path, start_server, sample_password
):
    """The same with `conference serve` on each side, each with its own secret key, and a
    phone whose cookies go to both (one host: a browser ignores the port, as here)."""
    _, tokens = await _central_event()
    await auth.create_user("btc", sample_password, Role.organizer)
    central = start_server()
    async with httpx.AsyncClient(base_url=central.url) as organizer:
        await log_in(organizer, "btc", sample_password)
        url = await create_device(organizer)
    async with httpx.AsyncClient() as phone:
        assert (await phone.get(url, follow_redirects=False)).status_code == 302
        await export_event((await get_event(SLUG))["id"], tmp_path / "to-the-hall.json.gz")
        with bound_to(laptop):
            await import_event(tmp_path / "to-the-hall.json.gz")
        hall_db = Backend("sqlite", f"sqlite:///{tmp_path / 'laptop.sqlite3'}", laptop)
        with servers_of(hall_db, tmp_path / "hall") as start:
            hall = start(CONFERENCE_SECRET_KEY="the-laptop-has-a-secret-of-its-own-" + "z" * 16)
            desk = await phone.get(f"{hall.url}{DESK}", follow_redirects=False)
            assert desk.status_code == 200 and f'data-desk="{LABEL}"' in desk.text
            scan = await phone.post(
                f"{hall.url}/api/events/{SLUG}/checkins",
                json={"code": tokens[1]},
                headers={"x-csrftoken": phone.cookies["conference_csrf"]},
            )
            assert scan.json()["result"] == "ok", scan.text
    with bound_to(laptop):
        row = await Delegate.select(Delegate.checked_in_desk).where(Delegate.token == tokens[1])
        assert row[0]["checked_in_desk"] == LABEL
