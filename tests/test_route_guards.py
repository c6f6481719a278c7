"""Every registered route declares who may use it, and refuses everyone else.

The test walks the application's routes, so a route added later without a
declaration, or with one that lets the wrong role in, fails here.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.routes import HTTPRoute

from conference.auth import create_token, create_user, declared_roles
from conference.tables import Role

# Routes anyone may open. Adding one here is a decision, reviewed as such.
PUBLIC_ROUTES = {
    ("GET", "/healthz"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("GET", "/lang/{locale:str}"),
    ("GET", "/static/{file_path:path}"),
    ("HEAD", "/static/{file_path:path}"),
    # The delegate's own invitation: the token in the address is the credential.
    ("GET", "/i/{token:str}"),
    ("GET", "/i/{token:str}/qr.svg"),
    ("GET", "/i/{token:str}/qr.png"),
    ("POST", "/i/{token:str}/rsvp"),
    ("POST", "/i/{token:str}/substitute"),
    # A desk device's pairing link: its secret, used once, is the credential.
    ("GET", "/pair/{secret:str}"),
    # The programme is public: the hall screen and its stream (programme and cue changes
    # only), and the exports that calendars and other programs subscribe to.
    ("GET", "/events/{slug:str}/screen"),
    ("GET", "/events/{slug:str}/screen/panel"),
    ("GET", "/events/{slug:str}/screen/live"),
    # The speaker timer's lectern screen and its state (speakers' names, as on the programme).
    ("GET", "/events/{slug:str}/timer"),
    ("GET", "/api/events/{slug:str}/timer"),
    ("GET", "/api/events/{slug:str}/program.json"),
    ("GET", "/api/events/{slug:str}/program.ics"),
    ("GET", "/api/events/{slug:str}/program/{name:str}"),
}

_PARAM = re.compile(r"{(\w+):(\w+)}")
_SAMPLE = {"int": "1", "str": "x", "path": "/x", "uuid": "00000000-0000-0000-0000-000000000000"}


def _sample_path(path: str) -> str:
    return _PARAM.sub(lambda m: _SAMPLE.get(m.group(2), "x"), path)


def registered_routes(app: Litestar) -> list[tuple[str, str, HTTPRouteHandler]]:
    routes = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            for method in sorted(handler.http_methods):
                if method == "OPTIONS":
                    continue
                routes.append((method, route.path, handler))
    return routes


async def _anonymous_headers(client: httpx.AsyncClient) -> dict[str, str]:
    # A valid CSRF pair, so what refuses a POST is the guard, not the CSRF check.
    await client.get("/login")
    token = client.cookies.get("conference_csrf", "")
    return {"x-csrftoken": token, "accept": "application/json"}


def test_every_route_declares_its_roles_or_is_public(app):
    undeclared = []
    public = set()
    for method, path, handler in registered_routes(app):
        roles = declared_roles(handler)
        if roles is None:
            public.add((method, path))
        elif not roles:
            undeclared.append(f"{method} {path}")
    assert not undeclared, f"routes that declare no roles: {undeclared}"
    assert public == PUBLIC_ROUTES


async def test_anonymous_requests_to_protected_routes_are_refused(app, client):
    headers = await _anonymous_headers(client)
    checked = 0
    for method, path, handler in registered_routes(app):
        if declared_roles(handler) is None:
            continue
        response = await client.request(method, _sample_path(path), headers=headers)
        assert response.status_code == 401, f"{method} {path} answered {response.status_code}"
        checked += 1
    assert checked >= 10


async def test_anonymous_browser_is_sent_to_the_login_page(client):
    response = await client.get(
        "/accounts/", headers={"accept": "text/html"}, follow_redirects=False
    )
    assert response.status_code in (302, 303)
    assert response.headers["location"] == "/login?next=/accounts"


@pytest.mark.parametrize("role", list(Role))
async def test_each_wrong_role_is_refused_on_every_route(app, client, role, sample_password):
    await create_user(f"u{role.value}", sample_password, role)
    headers = {"authorization": f"Bearer {await create_token(f'u{role.value}')}"}
    refused = 0
    for method, path, handler in registered_routes(app):
        roles = declared_roles(handler)
        if roles is None or role in roles:
            continue
        response = await client.request(method, _sample_path(path), headers=headers)
        assert response.status_code == 403, (
            f"{role.value}: {method} {path} -> {response.status_code}"
        )
        refused += 1
    if role is not Role.organizer:
        assert refused > 0


async def test_allowed_role_gets_past_the_guard(client, sample_password):
    await create_user("desk1", sample_password, Role.desk)
    headers: dict[str, Any] = {"authorization": f"Bearer {await create_token('desk1')}"}
    assert (await client.get("/", headers=headers)).status_code == 200
    assert (await client.get("/accounts/", headers=headers)).status_code == 403


async def test_a_paired_device_reaches_its_event_only_on_every_route(app, client, sample_password):
    """A desk device of one event: every route of another event answers 404 as for an
    event that does not exist, whatever the role it needs; every other route a desk may
    not use is refused."""
    from tests.checkin.test_devices import create_device
    from tests.conftest import log_in
    from tests.invitations.helpers import make_event

    await make_event("hn-2022")
    await make_event("x")  # the routes' sample slug: another event than the device's
    await create_user("btc", sample_password, Role.organizer)
    await log_in(client, "btc", sample_password)
    url = await create_device(client)
    client.cookies.clear()
    assert (await client.get(url.removeprefix(str(client.base_url)))).status_code == 302
    headers = await _anonymous_headers(client)
    outside = inside = 0
    for method, path, handler in registered_routes(app):
        roles = declared_roles(handler)
        if roles is None:
            continue
        response = await client.request(method, _sample_path(path), headers=headers)
        if "{slug:str}" in path:
            assert response.status_code == 404, f"{method} {path} -> {response.status_code}"
            assert response.json()["code"] == "not_found"
            outside += 1
        elif Role.desk not in roles:
            assert response.status_code == 403, f"{method} {path} -> {response.status_code}"
        else:  # no event in the address (the event list, the API schema): the role decides
            assert response.status_code not in (401, 403), f"{method} {path} refused"
            inside += 1
    assert outside >= 30 and inside >= 1
    assert (await client.get("/events/hn-2022/desk/")).status_code == 200


async def _member_of(slug: str, username: str, role: Role, password: str) -> dict[str, str]:
    """Bearer headers of a new account that is a member of the event ``slug`` only."""
    from conference.events import event_id_of

    event_id = await event_id_of(slug)
    assert event_id is not None
    await create_user(username, password, role, events=[event_id])
    return {"authorization": f"Bearer {await create_token(username)}"}


@pytest.mark.parametrize("role", list(Role))
async def test_an_account_of_another_event_is_refused_on_every_route(
    app, client, role, sample_password
):
    """A member of one event: every route of another event answers 404 as for an event
    that does not exist; routes of no event let its role in, except what only a
    department administrator may do, and accounts it does not manage do not exist."""
    from tests.invitations.helpers import make_event

    await make_event("hn-2022")
    await make_event("x")  # the routes' sample slug: not the account's event
    # Id 1 of every sample address (an account, a token) is the administrator's.
    await create_user("boss", sample_password, Role.organizer)
    await create_token("boss")
    headers = await _member_of("hn-2022", f"m{role.value}", role, sample_password)
    outside = 0
    for method, path, handler in registered_routes(app):
        roles = declared_roles(handler)
        if roles is None:
            continue
        response = await client.request(method, _sample_path(path), headers=headers)
        answer = f"{role.value}: {method} {path} -> {response.status_code}"
        if "{slug:str}" in path:
            assert response.status_code == 404, answer
            assert response.json()["code"] == "not_found", answer
            outside += 1
        elif role not in roles or handler.opt.get("administrator"):
            assert response.status_code == 403, answer
        elif "{user_id:int}" in path or "{token_id:int}" in path or path == "/accounts/tokens":
            assert response.status_code == 404, answer  # the administrator's: not theirs
        else:  # past the guard: the page (or the schema's own 404 for a sample path)
            assert response.status_code not in (401, 403), answer
    assert outside >= 30
    # Its own event answers, as that role.
    own = "/events/hn-2022/desk/" if role is not Role.mc else "/events/hn-2022/runsheet/"
    assert (await client.get(own, headers=headers)).status_code == 200


@pytest.mark.parametrize("role", list(Role))
async def test_a_members_role_in_its_event_decides_every_route_of_it(
    app, client, role, sample_password
):
    from tests.invitations.helpers import make_event

    await make_event("x")
    headers = await _member_of("x", f"m{role.value}", role, sample_password)
    refused = 0
    for method, path, handler in registered_routes(app):
        roles = declared_roles(handler)
        if roles is None or "{slug:str}" not in path:
            continue
        if path.endswith("/live") and role in roles:
            continue  # a stream the role may open: it would not end (the guard let it in)
        response = await client.request(method, _sample_path(path), headers=headers)
        answer = f"{role.value}: {method} {path} -> {response.status_code}"
        if role in roles:
            assert response.status_code not in (401, 403), answer
        else:
            assert response.status_code == 403, answer
            refused += 1
    if role is not Role.organizer:
        assert refused > 0


async def test_a_role_per_event_holds_in_that_event_only(client, sample_password):
    """An organizer of one event who is a desk at another organizes the first only."""
    from conference.events import event_id_of
    from tests.invitations.helpers import make_event

    await make_event("hn-2022")
    await make_event("hcm-2022")
    user = await create_user("both", sample_password, Role.organizer, events=[])
    from conference.tables import Membership

    await Membership.insert(
        Membership(user=user.id, event=await event_id_of("hn-2022"), role=Role.organizer),
        Membership(user=user.id, event=await event_id_of("hcm-2022"), role=Role.desk),
    )
    headers = {"authorization": f"Bearer {await create_token('both')}"}
    assert (await client.get("/events/hn-2022/edit", headers=headers)).status_code == 200
    assert (await client.get("/events/hcm-2022/edit", headers=headers)).status_code == 403
    assert (await client.get("/events/hcm-2022/desk/", headers=headers)).status_code == 200
    page = await client.get("/", headers=headers)
    assert "hn-2022" in page.text and "hcm-2022" in page.text


async def test_only_a_department_administrator_creates_events(client, sample_password):
    from tests.invitations.helpers import make_event

    await make_event("hn-2022")
    organizer = await _member_of("hn-2022", "btc", Role.organizer, sample_password)
    assert (await client.get("/events/new", headers=organizer)).status_code == 403
    await create_user("boss", sample_password, Role.organizer)
    boss = {"authorization": f"Bearer {await create_token('boss')}"}
    assert (await client.get("/events/new", headers=boss)).status_code == 200
