"""WCAG 2.1 AA over every page as each role sees it, checked by tools nobody here wrote:
axe-core (vendored under tests/vendor/axe-core, injected by Playwright into Chromium) finds
no serious or critical violation, and the Nu HTML checker (vnu-jar from npm, installed by
.ci/run under .ci/node) finds no error in the HTML the server sent. On SQLite: the pages
are the same on both databases."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from conference import demo
from conference.tables import (
    AwardForm,
    AwardRecipient,
    Cue,
    CueState,
    Delegate,
    DeliveryState,
    InvitationDelivery,
    ProgrammeItem,
    Rsvp,
)
from tests.conftest import require, servers_of

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
VNU = ROOT / ".ci" / "node" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
S = "/events/nguoi-tot-viec-tot-2022"
PASSWORD = "hoinghi2022"  # the demo accounts'
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


async def _ids() -> dict[str, Any]:
    delegate = await Delegate.select(Delegate.id, Delegate.token).order_by(Delegate.id).first()
    item = await ProgrammeItem.select(ProgrammeItem.id).first()
    form = await AwardForm.select(AwardForm.id).first()
    recipient = await AwardRecipient.select(AwardRecipient.id).first()
    cue = await Cue.select(Cue.id).first()
    return {
        "delegate": delegate["id"],
        "token": delegate["token"],
        "item": item["id"],
        "form": form["id"],
        "recipient": recipient["id"],
        "cue": cue["id"],
    }


async def _some_answers_arrivals_and_a_live_cue() -> None:
    """Every state a page colours: accepted, declined, arrived, sent, failed, live."""
    rows = await Delegate.select(Delegate.id, Delegate.token, Delegate.email).order_by(Delegate.id)
    now = datetime.now(UTC)
    first = [row["id"] for row in rows[:6]]
    await Delegate.update({Delegate.rsvp: Rsvp.accepted, Delegate.rsvp_at: now}).where(
        Delegate.id.is_in(first[:4])
    )
    await Delegate.update({Delegate.rsvp: Rsvp.declined, Delegate.rsvp_at: now}).where(
        Delegate.id.is_in(first[4:])
    )
    await Delegate.update({Delegate.checked_in_at: now}).where(Delegate.id.is_in(first[:3]))
    event = rows and (await Delegate.select(Delegate.event).first())["event"]
    for row, state in zip(
        [r for r in rows if r["email"]][:3],
        (DeliveryState.sent, DeliveryState.failed, DeliveryState.queued),
        strict=False,
    ):
        await InvitationDelivery(
            event=event,
            delegate=row["id"],
            channel="email",
            token=row["token"],
            recipient=row["email"],
            state=state,
        ).save()
    cue = await Cue.select(Cue.id).order_by(Cue.position).first()
    await Cue.update({Cue.state: CueState.live, Cue.started_at: now}).where(Cue.id == cue["id"])


def _pages(ids: dict[str, Any]) -> dict[str | None, list[str]]:
    """The pages each role opens (None: nobody logged in)."""
    shared = ["/", S]
    return {
        "bantochuc": [
            *shared,
            "/accounts",
            f"{S}/edit",
            f"{S}/delegates",
            f"{S}/delegates/new",
            f"{S}/delegates/{ids['delegate']}",
            f"{S}/delegates/import",
            f"{S}/desk",
            f"{S}/desk/devices",
            f"{S}/arrivals",
            f"{S}/invitations",
            f"{S}/invitations/wording",
            f"{S}/invitations/print?ids={ids['delegate']}",
            f"{S}/programme",
            f"{S}/programme/items/{ids['item']}",
            f"{S}/programme/print",
            f"{S}/awards",
            f"{S}/awards/import",
            f"{S}/awards/forms/{ids['form']}",
            f"{S}/awards/forms/{ids['form']}/recipients/new",
            f"{S}/awards/recipients/{ids['recipient']}",
            f"{S}/runsheet",
            f"{S}/runsheet/cues/{ids['cue']}",
            f"{S}/runsheet/mc",
            f"{S}/runsheet/print",
            f"{S}/runsheet/reconciliation",
            f"{S}/runsheet/introduction",
            f"{S}/runsheet/introduction/print",
            f"{S}/seating/",
            f"{S}/delegates/print",
        ],
        # Only a department administrator creates events.
        "quantri": ["/events/new"],
        "letan": [*shared, f"{S}/desk"],
        "mc": [
            *shared,
            f"{S}/programme",
            f"{S}/runsheet",
            f"{S}/runsheet/mc",
            f"{S}/runsheet/reconciliation",
        ],
        None: ["/login", f"/i/{ids['token']}", f"{S}/screen", f"{S}/timer", "/no-such-page"],
    }


async def _axe(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now."""
    # The pages' CSP forbids inline scripts; the context bypasses it for the injection.
    await page.add_script_tag(path=str(AXE))
    assert await page.evaluate("typeof window.axe === 'object'"), "axe-core was not injected"
    result = await page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


async def test_every_page_meets_wcag_21_aa_for_axe_and_the_nu_checker(
    sqlite_db, chromium_browser, tmp_path
):
    # The pages are the same on PostgreSQL: checked once, on SQLite.
    with servers_of(sqlite_db, tmp_path) as start:
        await _check_every_page(start(), chromium_browser, tmp_path)


async def _check_every_page(live_server: Any, chromium_browser: Any, tmp_path: Path) -> None:
    require(AXE.exists(), f"{AXE} is missing")
    require(VNU.exists(), "vnu-jar is not installed (.ci/run installs it under .ci/node)")
    require(shutil.which("java") is not None, "Java is not installed (the Nu checker needs it)")
    await demo.load()
    await _some_answers_arrivals_and_a_live_cue()
    ids = await _ids()
    found: dict[str, list[dict[str, Any]]] = {}
    saved: dict[Path, str] = {}
    for username, paths in _pages(ids).items():
        context = await chromium_browser.new_context(bypass_csp=True, locale="vi-VN")
        page = await context.new_page()
        if username:
            await page.goto(f"{live_server.url}/login")
            await page.fill("input[name=username]", username)
            await page.fill("input[name=password]", PASSWORD)
            await page.click("button[type=submit]")
            await page.wait_for_load_state()
        for path in paths:
            response = await page.goto(f"{live_server.url}{path}")
            assert response is not None
            assert response.ok or path == "/no-such-page", (username, path, response.status)
            await page.wait_for_load_state("networkidle")
            label = f"{username or 'anonymous'} {path}"
            violations = await _axe(page)
            if violations:
                found[label] = violations
            html = tmp_path / f"page-{len(saved):03d}.html"
            html.write_bytes(await response.body())
            saved[html] = label
        await context.close()
    # The Nu checker once over every page the server sent: one Java start.
    checked = await asyncio.to_thread(
        subprocess.run,
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, saved)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(checked.stderr or checked.stdout or '{"messages": []}')["messages"]
    errors = [
        f"{saved[Path(m['url'].removeprefix('file:'))]}: line {m.get('lastLine')}: {m['message']}"
        for m in messages
        if m.get("type") == "error"
    ]
    assert not found and not errors, (
        json.dumps(found, ensure_ascii=False, indent=1) + "\n" + "\n".join(errors)
    )
