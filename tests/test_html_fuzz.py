"""A seeded random walk over the HTML pages and forms, as the demo's organizer: no answer is
a server error, whatever the path, the query or the form holds.

The OpenAPI lists the HTML routes, but their forms only as "an object of strings", so a
schema-driven fuzzer never finds the real field names; this walk reads them from the
pages instead. It crawls from the organizer's pages (every link and every form it
finds), adds every registered route with its path ids filled in (real ones, and ones out
of range), then sends each form several times with its fields mixed from the page's own
values and hostile ones (over-long, out of range, malformed dates, template code, NUL
and control characters, files that are not spreadsheets), and each page with random
query values. Destructive forms go last. A fixed seed an engine: the same requests every run.
"""

from __future__ import annotations

import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import httpx
from litestar import Litestar
from litestar.routes import HTTPRoute

from conference import demo, demo_data
from tests.conftest import Backend, log_in

# One seed an engine: the two runs send different values, which keeps each run short
# (about 8 s on the busy 2-core machine) and the two together cover twice as much.
SEEDS = {"sqlite": 20261204, "postgres": 20261205}
SLUG = demo_data.SLUG
MAX_PAGES = 70
FORM_VARIANTS = 1
# Never followed: signing out or in, the language switch, streams that never end, the
# send (a background run of its own), static files, the API (tests/test_openapi_fuzz.py),
# and the prints of every delegate, seconds each (tests/test_print_off_loop.py).
SKIPPED = re.compile(
    r"^/(logout|login|lang/|static/|schema|api/)|/live$|/send$|/i/|/badges$|/invitations/print$"
)
LAST = re.compile(r"delete|remove|revoke|active|withdraw|clear|reset|password")
HOSTILE = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "2147483648",
    "-9223372036854775809",
    "18446744073709551617",
    "1e309",
    "NaN",
    "abc",
    "Nguyễn Thị Thủy Lệ",
    "x" * 300,
    "Đ" * 60_000,
    "2022-09-12",
    "2022-02-30",
    "99999-01-01",
    "25:61",
    "07:30",
    "<script>alert(1)</script>",
    "{{ 7 * 7 }}",
    "{% for i in range(10**9) %}x{% endfor %}",
    "{{ 10**5000 }}",
    "'; DROP TABLE delegate; --",
    "a\x00b",
    "line\x1bbreak",
    "\u202eabc",
    "🙂" * 50,
    "on",
    "1,2,3",
    "CT-1",
    "A-1",
    "right",
    "accepted",
]
QUERY_LIMIT = 2_000  # characters of a query value: a longer address no client sends
QUERY_KEYS = ["q", "page", "group", "rsvp", "order", "seat", "all", "blocks", "ids", "sign"]


@dataclass
class Form:
    action: str
    method: str
    multipart: bool
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (name, type, value)
    options: dict[str, list[str]] = field(default_factory=dict)


class _Page(HTMLParser):
    """The links and the forms of one page."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.url, a["href"]))
        elif tag == "form":
            self._form = Form(
                urljoin(self.url, a.get("action") or self.url),
                (a.get("method") or "get").lower(),
                "multipart" in a.get("enctype", ""),
            )
            self.forms.append(self._form)
        elif self._form is not None and tag in {"input", "textarea", "select", "button"}:
            name = a.get("name")
            if name:
                kind = a.get("type", tag)
                self._form.fields.append((name, kind, a.get("value", "")))
                if tag == "select":
                    self._select = name
        elif tag == "option" and self._form is not None and self._select:
            self._form.options.setdefault(self._select, []).append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _pattern(path: str) -> str:
    """A path with its ids as ``{id}``: one page or form of each kind is enough."""
    return re.sub(r"/\d+(?=/|$|\?)", "/{id}", path.split("?", 1)[0])


def _local(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.netloc not in {"", "127.0.0.1:8000"}:
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return None if SKIPPED.search(parts.path) else path


def _route_paths(app: Litestar, rng: random.Random) -> list[tuple[str, str]]:
    """(method, path) of every HTML route, its ids real, zero or past the range."""
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for method in ("GET", "POST"):
            if not any(method in handler.http_methods for handler in route.route_handlers):
                continue
            path = route.path_format
            for name in route.path_parameters:
                value = SLUG if name == "slug" else str(rng.choice([1, 2, 7, 0, 2**31 - 1]))
                path = path.replace("{" + name + "}", value)
            if not SKIPPED.search(path) and "{" not in path:
                found.append((method, path))
    return found


def _value(rng: random.Random, kind: str, original: str, options: list[str]) -> str:
    roll = rng.random()
    if roll < 0.35:
        return original
    if options and roll < 0.55:
        return rng.choice(options)
    return rng.choice(HOSTILE)


def _variant(form: Form, rng: random.Random) -> tuple[dict[str, str], dict[str, Any]]:
    data: dict[str, str] = {}
    files: dict[str, Any] = {}
    for name, kind, original in form.fields:
        if kind == "file":
            body = rng.choice([b"", b"\x00\xff" * 100, "Họ và tên\nA\n".encode(), b"PK\x03\x04"])
            files[name] = (rng.choice(["ds.csv", "ds.xlsx", "ds.txt"]), body)
        elif name == "_csrf_token" or rng.random() > 0.1:  # sometimes a field is left out
            data[name] = _value(rng, kind, original, form.options.get(name, []))
    if rng.random() < 0.3:
        data[rng.choice(["id", "seat", "position", "extra"])] = rng.choice(HOSTILE)
    return data, files


async def test_a_random_walk_over_the_html_forms_finds_no_server_error(
    db: Backend, app: Litestar, client: httpx.AsyncClient
) -> None:
    started = time.monotonic()
    rng = random.Random(SEEDS[db.name])  # noqa: S311 (a repeatable walk, not a secret)
    await demo.load()
    await log_in(client, "bantochuc", "hoinghi2022")
    headers = {"x-csrftoken": client.cookies.get("conference_csrf", "")}
    errors: list[str] = []
    requests = 0
    statuses: Counter[int] = Counter()

    async def send(method: str, path: str, **kwargs: Any) -> httpx.Response:
        nonlocal requests
        requests += 1
        response = await client.request(method, path, headers=headers, **kwargs)
        statuses[response.status_code] += 1
        if response.status_code >= 500:
            errors.append(f"{response.status_code} {method} {path} {kwargs}"[:400])
        return response

    # Crawl: every link and form reachable from the organizer's pages.
    queue = ["/", "/accounts/", f"/events/{SLUG}/"]
    seen: set[str] = set()  # page patterns
    forms: dict[tuple[str, str], Form] = {}  # (method, pattern) → one such form
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if _pattern(path) in seen and "?" not in path:
            continue
        seen.add(_pattern(path))
        response = await send("GET", path)
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        page = _Page(f"http://127.0.0.1:8000{path}")
        page.feed(response.text)
        queue += [p for link in page.links if (p := _local(link)) and _pattern(p) not in seen]
        for form in page.forms:
            action = _local(form.action)
            if action is not None:
                forms.setdefault((form.method, _pattern(action)), form)

    # Every route, ids filled in, with random query values (GET) or a random form (POST).
    for method, path in _route_paths(app, rng):
        query = {key: rng.choice(HOSTILE)[:QUERY_LIMIT] for key in rng.sample(QUERY_KEYS, 2)}
        if method == "GET":
            await send("GET", f"{path}?{urlencode(query)}")
        elif ("post", _pattern(path)) not in forms:
            await send("POST", path, data=query)

    # Every form found, a few times, its fields mixed with hostile values; destructive last.
    ordered = sorted(forms.items(), key=lambda item: bool(LAST.search(item[0][1])))
    for (method, _), form in ordered:
        path = urlsplit(form.action).path
        for _ in range(FORM_VARIANTS):
            data, files = _variant(form, rng)
            if method == "post":
                await send("POST", path, data=data, files=files or None)
            else:
                query = {key: value[:QUERY_LIMIT] for key, value in data.items()}
                await send("GET", f"{path}?{urlencode(query)}")

    print(
        f"html walk: {len(seen)} pages, {len(forms)} forms, {requests} requests, "
        f"{len(errors)} server errors, {time.monotonic() - started:.1f} s, "
        f"answers {dict(sorted(statuses.items()))}"
    )
    assert len(seen) > 30 and len(forms) > 30, (len(seen), len(forms))
    assert errors == []
