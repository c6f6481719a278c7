"""Input an attacker or a slip of the hand sends is refused with a message, never a 500.

The list is issue #13's (item 9): each probe once, as the role that can send it, on
SQLite and on PostgreSQL (where a NUL, a varchar overflow or an id past ``integer``
used to raise in the database).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from conference import auth
from conference.tables import Delegate, Event, Role
from tests.conftest import csrf_token, log_in
from tests.invitations.helpers import make_event
from tests.test_route_guards import registered_routes

SLUG = "hn-2022"
API = f"/api/events/{SLUG}"
# Refused with a message: the JSON answer's detail or the page is Vietnamese.
REFUSED = (400, 422)


@dataclass(frozen=True)
class Probe:
    """One hostile request and the refusal it must get."""

    who: str  # desk, organizer (bearer tokens) or browser (the organizer's session, CSRF)
    method: str
    path: str
    arguments: dict[str, Any] = field(default_factory=dict)
    status: tuple[int, ...] = REFUSED
    says: str = ""  # what the answer must say (Vietnamese)


def _nested(depth: int) -> str:
    return '{"code": "x", "nonce": ' + "[" * depth + "]" * depth + "}"


def _form(path: str, says: str, **fields: str) -> Probe:
    return Probe("browser", "POST", path, {"data": fields}, (400,), says)


NEW = f"/events/{SLUG}/delegates/new"
WORDING = f"/events/{SLUG}/invitations/wording"
CONTROL = "ký tự điều khiển"
NAME = {"full_name": "Phạm Văn Khách", "honorific": "Ông"}
WORDING_REFUSED = "Nội dung giấy mời có lỗi"
# Issue #13, item 9: each probe that answered 500 (or stored what it should not).
PROBES = {
    "nul-in-invitation-address": Probe("anonymous", "GET", "/i/abc%00def", status=(404,)),
    "nul-in-qr-address": Probe("anonymous", "GET", "/i/abc%00def/qr.svg", status=(404,)),
    "nul-in-rsvp-note": Probe(
        "browser",
        "POST",
        "/i/{token}/rsvp",
        {"data": {"answer": "accepted", "note": "Đến\x00muộn"}},
        (400,),
        CONTROL,
    ),
    "walk-in-honorific-over-32": Probe(
        "desk", "POST", f"{API}/walk-ins", {"json": {"full_name": "Khách", "honorific": "Ô" * 33}}
    ),
    "walk-in-name-over-limit": Probe(
        "desk", "POST", f"{API}/walk-ins", {"json": {"full_name": "Khách" * 1_000}}
    ),
    "nul-in-walk-in-name": Probe(
        "desk", "POST", f"{API}/walk-ins", {"json": {"full_name": "Khách\x00mời"}}
    ),
    "nul-in-desk-name": Probe(
        "desk", "POST", f"{API}/checkins", {"json": {"code": "x", "desk": "Bàn\x001"}}
    ),
    "nul-in-nonce": Probe(
        "desk", "POST", f"{API}/checkins", {"json": {"code": "x", "nonce": "\x00"}}
    ),
    "desk-name-over-64": Probe(
        "desk", "POST", f"{API}/checkins", {"json": {"code": "x", "desk": "B" * 65}}
    ),
    "nonce-over-100": Probe(
        "desk", "POST", f"{API}/checkins", {"json": {"code": "x", "nonce": "n" * 101}}
    ),
    "deeply-nested-json": Probe(
        "desk",
        "POST",
        f"{API}/checkins",
        {"content": _nested(5000), "headers": {"content-type": "application/json"}},
    ),
    "deeply-nested-json-untyped": Probe(
        "desk", "POST", f"{API}/checkins", {"content": _nested(5000)}
    ),
    "nul-in-search": Probe("desk", "GET", f"{API}/delegates?q=%00"),
    "search-of-50000-characters": Probe(
        "desk", "GET", f"{API}/delegates", {"params": {"q": "x" * 50_000}}, (200,)
    ),
    "search-of-200-words": Probe(
        "desk",
        "GET",
        f"{API}/delegates",
        {"params": {"q": " ".join(f"từ{n}" for n in range(200))}},
        (200,),
    ),
    "form-honorific-over-32": _form(NEW, "tối đa 32 ký tự", **{**NAME, "honorific": "Ô" * 33}),
    "form-1mb-in-varchar-40": _form(NEW, "tối đa 40 ký tự", **NAME, phone="9" * 1_000_000),
    "form-nul-in-name": _form(NEW, CONTROL, full_name="Phạm\x00Văn Khách"),
    "form-bell-in-position": _form(NEW, CONTROL, **NAME, position="Phó\x07Giám đốc"),
    "form-rank-2^31": _form(NEW, "vượt quá giới hạn", **NAME, protocol_rank=str(2**31)),
    "form-nul-in-event-title": _form(f"/events/{SLUG}/edit", CONTROL, title="Hội\x00nghị"),
    "import-bell-and-overlong-name": Probe(
        "browser",
        "POST",
        f"/events/{SLUG}/delegates/import",
        {
            "data": {},
            "files": {
                "file": (
                    "ds.csv",
                    ("Họ và tên,Danh xưng\nKhách\x07A,Ông\n" + "Khách" * 500 + ",Bà\n").encode(),
                    "text/csv",
                )
            },
        },
        (400,),
        "Cột Họ và tên có ký tự điều khiển",
    ),
    "wording-import": _form(WORDING, WORDING_REFUSED, body="{% import 'base.html' as b %}"),
    "wording-from-import": _form(WORDING, WORDING_REFUSED, body="{% from 'base.html' import x %}"),
    "wording-include": _form(WORDING, WORDING_REFUSED, body="{% include 'base.html' %}"),
    "wording-extends": _form(WORDING, WORDING_REFUSED, body="{% extends 'base.html' %}"),
    # Refused by the wording's limits before Python is asked for the number.
    "wording-10**5000": _form(WORDING, "con số quá lớn", body="{{ 10**5000 }}"),
}


@pytest.fixture
async def tokens(db, sample_password) -> dict[str, dict[str, str]]:
    await auth.create_user("btc", sample_password, Role.organizer)
    await auth.create_user("letan", sample_password, Role.desk)
    return {
        "organizer": {"authorization": f"Bearer {await auth.create_token('btc')}"},
        "desk": {"authorization": f"Bearer {await auth.create_token('letan')}"},
        "anonymous": {},
    }


async def _send(client: httpx.AsyncClient, probe: Probe, headers: dict[str, str], **values: str):
    arguments = dict(probe.arguments)
    headers = {**headers, "accept": "text/html", **arguments.pop("headers", {})}
    if "data" in arguments:
        arguments["data"] = {**arguments["data"], "_csrf_token": values["csrf"]}
    path = probe.path.replace("{token}", values["token"])
    return await client.request(probe.method, path, headers=headers, **arguments)


async def test_every_hostile_input_of_the_list_is_refused_with_a_message(client, tokens):
    """Each probe answers its refusal (never a 500) and changes nothing."""
    _, ids = await make_event()
    token = (await Delegate.select(Delegate.token).where(Delegate.id == ids[0]).first())["token"]
    await log_in(client, "btc", "correct horse battery")
    csrf = await csrf_token(client, NEW)
    # The form says the limits the database keeps.
    form = (await client.get(NEW)).text
    assert 'name="honorific"' in form and 'maxlength="32"' in form and 'maxlength="40"' in form
    for name, probe in PROBES.items():
        headers = tokens.get(probe.who, {})
        answer = await _send(client, probe, headers, csrf=csrf, token=token)
        assert answer.status_code in probe.status, f"{name}: {answer.status_code}"
        assert probe.says in answer.text, f"{name}: {answer.text[:300]}"
    assert await Delegate.count().where(Delegate.full_name.like("%Khách%")) == 0
    event = await Event.select(Event.title, Event.invitation_body).first()
    assert event["invitation_body"] == "" and "\x00" not in event["title"]
    rsvp = await Delegate.select(Delegate.rsvp).where(Delegate.id == ids[0]).first()
    assert rsvp["rsvp"] == "pending"
    # A long search is answered from its first words.
    found = await client.get(
        f"{API}/delegates", params={"q": "nguyen " * 500}, headers=tokens["desk"]
    )
    assert [d["full_name"] for d in found.json()["delegates"]] == ["Nguyễn Thị Thủy Lệ"]
    # A method the route does not take: 405, saying which it does.
    wrong = await client.put(f"{API}/stats", headers=tokens["organizer"])
    assert wrong.status_code == 405 and "GET" in wrong.headers["allow"]


_ID = re.compile(r"{(\w+):int}")
_OUT_OF_RANGE = [str(2**31), str(2**63), str(2**64 + 1), "-1", "12abc"]


def _with_ids(path: str, value: str) -> str:
    return _ID.sub(value, path).replace("{slug:str}", SLUG).replace("{name:str}", "x")


async def test_an_id_out_of_range_is_not_found_on_every_route(app, client, tokens):
    """Every route with an id, every method, as the organizer: 2³¹, 2⁶³, a negative id and
    a non-number name no row (PostgreSQL raised on the first two)."""
    await make_event()
    headers = {**tokens["organizer"], "accept": "application/json"}
    checked = 0
    for method, path, _ in registered_routes(app):
        if not _ID.search(path):
            continue
        for value in _OUT_OF_RANGE:
            answer = await client.request(method, _with_ids(path, value), headers=headers)
            assert answer.status_code == 404, f"{method} {path} with {value}: {answer.status_code}"
            checked += 1
    assert checked >= 30 * len(_OUT_OF_RANGE)
