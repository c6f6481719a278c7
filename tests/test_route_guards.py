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
    event that does not exist, every route a desk may not use is refused."""
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
        if Role.desk not in roles:
            assert response.status_code == 403, f"{method} {path} -> {response.status_code}"
        elif "{slug:str}" in path:
            assert response.status_code == 404, f"{method} {path} -> {response.status_code}"
            assert response.json()["code"] == "not_found"
            outside += 1
        else:  # no event in the address (the event list, the API schema): the role decides
            assert response.status_code not in (401, 403), f"{method} {path} refused"
            inside += 1
    assert outside >= 8 and inside >= 1
    assert (await client.get("/events/hn-2022/desk/")).status_code == 200
