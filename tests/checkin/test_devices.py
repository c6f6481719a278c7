"""Desk devices paired by QR: the link signs a phone in as that desk of that event only,
works once and not after it expires, and a revoked device is refused at its next request."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from litestar import Litestar

from conference import auth
from conference.checkin import devices
from conference.formatting import local_datetime
from conference.tables import AuditEntry, CheckInAttempt, Delegate, DeskDevice, Role, User
from tests.conftest import CSRF_FIELD, log_in
from tests.invitations.helpers import make_event

LABEL = "Bàn 2 – cửa chính"
DEVICES = "/events/hn-2022/desk/devices/"
PAIRING_URL = re.compile(r'<code id="pairing-url">([^<]+)</code>')
BASE = "http://127.0.0.1:8000"


def _client(app: Litestar, **kwargs: object) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 50001)),
        base_url=BASE,
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.fixture
async def organizer(app: Litestar, db, sample_password) -> AsyncIterator[httpx.AsyncClient]:
    """An organizer signed in, with two events: hn-2022 and another one."""
    await make_event("hn-2022")
    await make_event("other-2023")
    await auth.create_user("btc", sample_password, Role.organizer)
    async with _client(app) as client:
        await log_in(client, "btc", sample_password)
        yield client


@pytest.fixture
async def phone(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(app) as client:
        yield client


async def _post_form(client: httpx.AsyncClient, page: str, action: str, **fields: str):
    token = CSRF_FIELD.search((await client.get(page)).text)
    assert token, f"no form on {page}"
    return await client.post(
        action, data={"_csrf_token": token.group(1), **fields}, follow_redirects=False
    )


async def create_device(organizer: httpx.AsyncClient, label: str = LABEL) -> str:
    """Create a device on the organizer's page; the pairing URL its QR page shows."""
    response = await _post_form(organizer, DEVICES, DEVICES, label=label)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    match = PAIRING_URL.search(response.text)
    assert match, response.text
    assert "dùng được một lần" in response.text and "(30 phút)" in response.text
    return match.group(1)


async def _pair(phone: httpx.AsyncClient, url: str) -> httpx.Response:
    return await phone.get(url.removeprefix(BASE), follow_redirects=False)


async def _signed_out(client: httpx.AsyncClient) -> bool:
    """Whether the desk page sends this browser to the login page."""
    page = await client.get(
        "/events/hn-2022/desk/", headers={"accept": "text/html"}, follow_redirects=False
    )
    return page.status_code in (302, 303) and page.headers["location"].startswith("/login")


async def _api_post(client: httpx.AsyncClient, path: str, body: dict) -> httpx.Response:
    # As the desk page sends it: the session cookie and the CSRF header.
    await client.get("/login")
    return await client.post(
        path, json=body, headers={"x-csrftoken": client.cookies.get("conference_csrf", "")}
    )


async def test_the_link_signs_a_phone_in_as_that_desk_of_that_event_only(organizer, phone):
    url = await create_device(organizer)
    assert re.fullmatch(rf"{BASE}/pair/[A-Za-z0-9_-]{{43,}}", url)  # 256 bits, URL-safe
    secret = url.rsplit("/", 1)[1]
    stored = await DeskDevice.select().first()
    assert secret not in str(stored) and stored["label"] == LABEL  # only the digest is kept

    paired = await _pair(phone, url)
    assert paired.status_code == 302
    assert paired.headers["location"] == "/events/hn-2022/desk/"
    desk = await phone.get("/events/hn-2022/desk/")
    assert desk.status_code == 200 and f'data-desk="{LABEL}"' in desk.text

    token = (await Delegate.select(Delegate.token).order_by(Delegate.id).first())["token"]
    # Its check-ins carry its name, whatever desk name the page sends.
    scan = await _api_post(
        phone, "/api/events/hn-2022/checkins", {"code": token, "desk": "Bàn khác"}
    )
    assert scan.json()["result"] == "ok"
    row = await Delegate.select(Delegate.checked_in_desk).where(Delegate.token == token).first()
    assert row["checked_in_desk"] == LABEL

    # Another event answers exactly as an event that does not exist.
    for path in ("/events/{}/desk/", "/api/events/{}/stats", "/api/events/{}/delegates?q=a"):
        other = await phone.get(path.format("other-2023"), headers={"accept": "text/html"})
        missing = await phone.get(path.format("no-such-event"), headers={"accept": "text/html"})
        assert other.status_code == missing.status_code == 404, path
        # The same page, but for the address itself (the language links carry it).
        assert other.text.replace("other-2023", "?") == missing.text.replace("no-such-event", "?")
    foreign = await _api_post(phone, "/api/events/other-2023/checkins", {"code": token})
    assert foreign.status_code == 404
    # Organizer pages stay closed: a device is a desk.
    for path in (DEVICES, "/events/hn-2022/delegates/", "/accounts/", "/events/new"):
        assert (await phone.get(path)).status_code == 403, path
    # The event list shows its one event.
    start = await phone.get("/")
    assert "/events/hn-2022" in start.text and "/events/other-2023" not in start.text


async def test_the_devices_page_lists_when_each_paired_and_last_scanned(organizer, phone):
    url = await create_device(organizer)
    listed = (await organizer.get(DEVICES)).text
    assert LABEL in listed and "Đang chờ ghép nối" in listed
    await _pair(phone, url)
    token = (await Delegate.select(Delegate.token).order_by(Delegate.id).first())["token"]
    await _api_post(phone, "/api/events/hn-2022/checkins", {"code": token})
    row = re.search(r'<tr data-device="\d+">(.*?)</tr>', (await organizer.get(DEVICES)).text, re.S)
    assert row
    cells = re.findall(r"<td>\s*(.*?)\s*</td>", row.group(1), re.S)
    paired_at = (await DeskDevice.select(DeskDevice.paired_at).first())["paired_at"]
    scanned_at = (await CheckInAttempt.select(CheckInAttempt.at).first())["at"]
    zone = "Asia/Ho_Chi_Minh"
    assert cells[:3] == [LABEL, local_datetime(paired_at, zone), local_datetime(scanned_at, zone)]
    # The device's own account is not one of the people's accounts.
    assert "device:" not in (await organizer.get("/accounts/")).text


async def test_a_replayed_pairing_link_is_refused_and_a_new_link_moves_the_device(
    app, organizer, phone
):
    url = await create_device(organizer)
    assert (await _pair(phone, url)).status_code == 302
    async with _client(app) as second:
        replay = await _pair(second, url)
        assert replay.status_code == 410
        assert "đã được dùng" in replay.text and "tạo mã ghép nối mới" in replay.text
        assert await _signed_out(second)
        assert (await phone.get("/events/hn-2022/desk/")).status_code == 200

        device_id = (await DeskDevice.select(DeskDevice.id).first())["id"]
        page = await _post_form(organizer, DEVICES, f"{DEVICES}{device_id}/link")
        new_url = PAIRING_URL.search(page.text).group(1)  # type: ignore[union-attr]
        assert new_url != url
        assert (await _pair(second, url)).status_code == 404  # the old link: replaced
        assert (await _pair(second, new_url)).status_code == 302
        assert (await second.get("/events/hn-2022/desk/")).status_code == 200
        # The phone paired before is signed out: one device, one phone.
        assert await _signed_out(phone)


async def test_an_expired_pairing_link_is_refused(organizer, phone):
    url = await create_device(organizer)
    await DeskDevice.update(
        {DeskDevice.pairing_expires_at: datetime.now(UTC) - timedelta(seconds=1)}
    ).where(DeskDevice.id > 0)
    refused = await _pair(phone, url)
    assert refused.status_code == 410 and "đã hết hạn" in refused.text
    assert await _signed_out(phone)


async def test_after_revocation_the_devices_next_request_is_refused(organizer, phone):
    url = await create_device(organizer)
    await _pair(phone, url)
    assert (await phone.get("/events/hn-2022/desk/")).status_code == 200  # now remembered
    api = await phone.get("/api/events/hn-2022/stats")
    assert api.status_code == 200
    device_id = (await DeskDevice.select(DeskDevice.id).first())["id"]
    revoked = await _post_form(organizer, DEVICES, f"{DEVICES}{device_id}/revoke")
    assert revoked.status_code in (302, 303)
    assert (await phone.get("/api/events/hn-2022/stats")).status_code == 401
    assert await _signed_out(phone)
    # Its link is dead too, and the list says it was revoked.
    assert (await _pair(phone, url)).status_code == 404
    assert "Đã thu hồi" in (await organizer.get(DEVICES)).text


async def test_revoking_in_the_service_forgets_the_remembered_device_at_once(organizer, phone):
    url = await create_device(organizer)
    await _pair(phone, url)
    assert (await phone.get("/api/events/hn-2022/stats")).status_code == 200
    event = {"id": (await DeskDevice.select(DeskDevice.event).first())["event"]}
    boss = await User.select(User.id, User.username).where(User.username == "btc").first()
    actor = auth.CurrentUser(boss["id"], boss["username"], "", Role.organizer)
    device_id = (await DeskDevice.select(DeskDevice.id).first())["id"]
    await devices.revoke_device(event, device_id, by=actor)  # type: ignore[arg-type]
    assert (await phone.get("/api/events/hn-2022/stats")).status_code == 401


async def test_pairing_gives_a_fresh_session_id(app, organizer):
    url = await create_device(organizer)
    planted = "a" * 64  # an id an attacker put in the victim's browser before pairing
    async with _client(app) as victim:
        victim.cookies.set("conference_session", planted, domain="127.0.0.1", path="/")
        paired = await _pair(victim, url)
        assert paired.status_code == 302
        given = paired.cookies["conference_session"]
        assert given and given != planted
        assert victim.cookies.get("conference_session", domain="127.0.0.1") == given
        assert not await _signed_out(victim)
    async with _client(app) as attacker:
        attacker.cookies.set("conference_session", planted, domain="127.0.0.1", path="/")
        assert await _signed_out(attacker)


async def test_create_pair_and_revoke_are_audited(organizer, phone):
    url = await create_device(organizer)
    await _pair(phone, url)
    device = await DeskDevice.select(DeskDevice.id, DeskDevice.user).first()
    await _post_form(organizer, DEVICES, f"{DEVICES}{device['id']}/revoke")
    boss = (await User.select(User.id).where(User.username == "btc").first())["id"]
    entries = await AuditEntry.select(AuditEntry.action, AuditEntry.user, AuditEntry.target).where(
        AuditEntry.action.like("device.%")
    )
    assert [(e["action"], e["user"]) for e in entries] == [
        ("device.create", boss),
        ("device.pair", device["user"]),
        ("device.revoke", boss),
    ]
    assert {e["target"] for e in entries} == {str(device["id"])}


async def test_a_bad_device_name_or_a_taken_one_is_refused_with_a_reason(organizer):
    await create_device(organizer)
    again = await _post_form(organizer, DEVICES, DEVICES, label=f"  {LABEL} ")
    assert again.status_code in (302, 303)
    page = await organizer.get(DEVICES)
    assert "đã có thiết bị lễ tân tên" in page.text
    empty = await _post_form(organizer, DEVICES, DEVICES, label="   ")
    assert empty.status_code in (302, 303)
    assert await DeskDevice.count() == 1


async def test_a_device_scan_costs_no_more_queries_than_an_accounts(
    app, organizer, phone, sample_password, monkeypatch
):
    await _pair(phone, await create_device(organizer))
    await auth.create_user("letan", sample_password, Role.desk)
    async with _client(app) as account:
        await log_in(account, "letan", sample_password)
        tokens = [r["token"] for r in await Delegate.select(Delegate.token).order_by(Delegate.id)]
        counts = []
        for client, token in ((phone, tokens[0]), (account, tokens[1])):
            await _api_post(client, "/api/events/hn-2022/checkins", {"code": "warm-up-x" * 3})
            queries: list[str] = []
            engine_class = type(Delegate._meta.db)
            original = engine_class.run_querystring

            async def counting(self, querystring, in_pool=True, _q=queries, _o=original):
                _q.append(str(querystring))
                return await _o(self, querystring, in_pool=in_pool)

            monkeypatch.setattr(engine_class, "run_querystring", counting)
            answer = await client.post(
                "/api/events/hn-2022/checkins",
                json={"code": token},
                headers={"x-csrftoken": client.cookies.get("conference_csrf", "")},
            )
            monkeypatch.setattr(engine_class, "run_querystring", original)
            assert answer.json()["result"] == "ok"
            counts.append(len(queries))
    assert counts[0] == counts[1], counts


async def test_two_phones_opening_one_link_at_once_pair_one(app, organizer):
    url = await create_device(organizer)
    clients = [_client(app) for _ in range(8)]
    try:
        answers = await asyncio.gather(*(_pair(c, url) for c in clients))
    finally:
        for c in clients:
            await c.aclose()
    assert sorted(a.status_code for a in answers) == [302] + [410] * 7
    assert (await DeskDevice.select(DeskDevice.pairings).first())["pairings"] == 1


async def test_a_paired_phone_shows_its_desk_name_read_only(organizer, phone):
    await _pair(phone, await create_device(organizer))
    desk = await phone.get("/events/hn-2022/desk/")
    field = re.search(r'<input id="desk-name"[^>]*>', desk.text)
    assert field and "readonly" in field.group(0)
    # An account's desk names itself: the field stays editable there.
    own = await organizer.get("/events/hn-2022/desk/")
    field = re.search(r'<input id="desk-name"[^>]*>', own.text)
    assert field and "readonly" not in field.group(0)
