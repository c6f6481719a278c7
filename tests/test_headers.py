"""Security headers on every answer, no inline script in any template, and no page that
the Content-Security-Policy breaks (Chromium walks the organizer's pages)."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest

from conference import demo
from conference.auth import create_user
from conference.errors import ConfigurationError
from conference.headers import CONTENT_SECURITY_POLICY
from conference.settings import Settings
from conference.tables import Role
from tests.conftest import REPOSITORY

DEMO = "/events/nguoi-tot-viec-tot-2022"
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")")
# Pages the walk does not open: downloads, sign-out, and one-time or changing actions.
NOT_WALKED = re.compile(r"(\.(csv|xlsx|ics|json|pdf|png|svg|zip)$|/logout|/live$|/export)")


async def test_every_answer_carries_the_security_headers(client):
    for path in ("/login", "/healthz", "/static/app.css", "/no-such-page"):
        answer = await client.get(path)
        assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert "strict-transport-security" not in answer.headers  # not in production
    assert (await client.get("/login")).headers["cache-control"] == "no-store"
    assert (await client.get("/static/app.css")).headers.get("cache-control") != "no-store"


async def test_an_export_with_personal_data_is_kept_by_no_cache(client, db, sample_password):
    from tests.conftest import log_in

    await demo.load()
    await create_user("btc2", sample_password, Role.organizer)
    await log_in(client, "btc2", sample_password)
    export = await client.get(f"{DEMO}/delegates/export.csv")
    assert export.status_code == 200 and export.headers["cache-control"] == "no-store"


def test_no_template_holds_an_inline_script_or_handler():
    found = []
    for template in (REPOSITORY / "templates").rglob("*.html"):
        text = template.read_text()
        for pattern in (INLINE_HANDLER, INLINE_SCRIPT):
            found += [f"{template.name}: {m.group(0)[:60]}" for m in pattern.finditer(text)]
    assert found == []


def test_production_wants_a_long_secret_key():
    env = {
        "CONFERENCE_ENV": "production",
        "CONFERENCE_DATABASE_URL": "sqlite:///x.sqlite3",
        "CONFERENCE_SECRET_KEY": "x",
    }
    with pytest.raises(ConfigurationError):
        Settings.from_env(env)
    assert Settings.from_env({**env, "CONFERENCE_SECRET_KEY": "k" * 32}).production


async def test_the_organizers_pages_run_under_the_policy_in_chromium(
    db, live_server, chromium_browser, sample_password
):
    await demo.load()
    await create_user("btc2", sample_password, Role.organizer)
    context = await chromium_browser.new_context()
    await context.add_init_script(
        "window.__blocked = [];"
        "document.addEventListener('securitypolicyviolation',"
        " (e) => window.__blocked.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page = await context.new_page()
    await page.goto(f"{live_server.url}/login?next={DEMO}")
    await page.fill("input[name=username]", "btc2")
    await page.fill("input[name=password]", sample_password)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"**{DEMO}")
    # Every page the event's pages link to, breadth first, bounded.
    seen: set[str] = set()
    queue = [DEMO]
    blocked: dict[str, list[str]] = {}
    while queue and len(seen) < 60:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        answer = await page.goto(f"{live_server.url}{path}")
        assert answer is not None and answer.status < 500, path
        await page.wait_for_load_state("load")
        if found := await page.evaluate("window.__blocked"):
            blocked[path] = found
        for href in await page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            link = urlsplit(urljoin(f"{live_server.url}{path}", href))
            ours = link.netloc == urlsplit(live_server.url).netloc
            if ours and link.path.startswith(DEMO) and not NOT_WALKED.search(link.path):
                queue.append(link.path)
    await context.close()
    assert len(seen) >= 15, seen
    assert blocked == {}
