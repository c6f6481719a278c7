"""HTTP and housekeeping: one charset per Content-Type, a favicon on every page, `make
help` with real defaults, an outbox folder written without the SMTP rate."""

from __future__ import annotations

import subprocess
import time
from email.headerregistry import Address
from pathlib import Path

from conference import auth, demo
from conference.invitations.mail import FileMailer
from conference.invitations.sending import queue_invitations, send_pending
from conference.tables import Event, ProgrammeItem, Role
from tests.conftest import log_in

ROOT = Path(__file__).resolve().parent.parent
S = "nguoi-tot-viec-tot-2022"


async def test_each_download_names_one_charset(client, sample_password):
    await demo.load()
    await auth.create_user("btc", sample_password, Role.organizer)
    await log_in(client, "btc", sample_password)
    item = await ProgrammeItem.select(ProgrammeItem.id).first()
    paths = [
        f"/api/events/{S}/program.ics",
        f"/api/events/{S}/program.csv",
        f"/events/{S}/delegates/export.csv",
        f"/events/{S}/runsheet/reconciliation.csv",
    ]
    paths.append(f"/api/events/{S}/program/{item['id']}.ics")
    for path in paths:
        response = await client.get(path)
        assert response.status_code == 200, path
        content_type = response.headers["content-type"]
        assert content_type.lower().count("charset") == 1, (path, content_type)
        assert content_type.split(";")[0] in ("text/calendar", "text/csv"), path


async def test_every_page_links_a_favicon_that_is_served(client):
    login = (await client.get("/login")).text
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in login
    icon = await client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        if "<html" in text and "email" not in template.parts:
            assert 'rel="icon"' in text, template


def test_make_help_shows_the_real_defaults():
    shown = subprocess.run(
        ["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "http://127.0.0.1:8000" in shown and "$(" not in shown
    other = subprocess.run(
        ["make", "-s", "help", "HOST=0.0.0.0", "PORT=9000"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "http://0.0.0.0:9000" in other


async def test_the_outbox_folder_is_not_held_to_the_smtp_rate(db, tmp_path):
    await demo.load()
    event = await Event.select(Event.id).first()
    queued = await queue_invitations(event["id"], only_unsent=True)
    assert queued > 100
    started = time.monotonic()
    result = await send_pending(
        event["id"],
        FileMailer(tmp_path / "outbox"),
        base_url="https://hoinghi.example.vn",
        sender=Address("Ban tổ chức", addr_spec="hoinghi@example.vn"),
        rate=2,  # at 2 a second this would take a minute
    )
    assert result.sent == queued == len(list((tmp_path / "outbox").glob("*.eml")))
    assert time.monotonic() - started < queued / 2 / 2  # well under half the throttled time
