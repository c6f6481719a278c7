"""The server's logs hold no secret, and can be JSON lines; /healthz says what answers."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys

import httpx
from uvicorn.logging import AccessFormatter

from conference import auth, database
from conference.logs import AccessLines, mask_path
from conference.settings import DatabaseURL
from conference.tables import Delegate, Role
from tests.conftest import log_in
from tests.invitations.helpers import make_event

PASSWORD = "correct horse battery staple"


def test_a_path_keeps_its_shape_and_loses_its_secret():
    assert mask_path("/i/AbC-_123/qr.svg") == "/i/…/qr.svg"
    assert mask_path("/i/AbC-_123?lang=en") == "/i/…?lang=en"
    assert mask_path("/pair/s3cr3t") == "/pair/…"
    assert mask_path("/events/hn-2022/i/x") == "/events/hn-2022/i/x"


def _access_record(path: str, status: int) -> logging.LogRecord:
    return logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:50412", "POST", path, "1.1", status),
        None,
    )


def test_the_access_line_is_uvicorns_own_without_colours():
    uvicorns = AccessFormatter(
        '%(levelprefix)s %(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False
    )
    for status in (200, 404, 599):
        record = _access_record("/api/events/hn-2022/checkins?x=1", status)
        assert AccessLines().format(record) == uvicorns.format(record)
    assert AccessLines().format(_access_record("/", 200)) == (
        'INFO:     127.0.0.1:50412 - "POST / HTTP/1.1" 200 OK'
    )


async def test_a_served_days_log_holds_no_token_password_or_session(db, tmp_path, start_server):
    await make_event()
    await auth.create_user("letan", PASSWORD, Role.desk)
    bearer = await auth.create_token("letan")
    token = (await Delegate.select(Delegate.token).first())["token"]
    server = start_server()
    async with httpx.AsyncClient(base_url=server.url) as visitor:
        for path in (f"/i/{token}", f"/i/{token}/qr.svg", "/pair/a-one-time-secret"):
            await visitor.get(path)
        await log_in(visitor, "letan", PASSWORD)
        session = visitor.cookies["conference_session"]
        await visitor.get("/events/hn-2022/desk/")
    async with httpx.AsyncClient(
        base_url=server.url, headers={"Authorization": f"Bearer {bearer}"}
    ) as desk:
        await desk.post("/api/events/hn-2022/checkins", json={"code": token})
    server.process.terminate()
    server.process.wait(timeout=15)
    log = (tmp_path / "server0" / "server.log").read_text()
    assert "GET /i/…/qr.svg" in log and "/pair/…" in log  # the lines are there
    assert re.search(
        r'^INFO: +127\.0\.0\.1:\d+ - "POST /api/events/hn-2022/checkins HTTP/1\.1" 200 OK$',
        log,
        re.M,
    )
    for secret in (token, "a-one-time-secret", PASSWORD, bearer):
        assert secret not in log
    assert session not in log


async def test_json_lines_when_asked(db, tmp_path, start_server):
    await make_event()
    token = (await Delegate.select(Delegate.token).first())["token"]
    server = start_server(CONFERENCE_LOG_FORMAT="json")
    async with httpx.AsyncClient(base_url=server.url) as visitor:
        await visitor.get(f"/i/{token}")
    server.process.terminate()
    server.process.wait(timeout=15)
    lines = (tmp_path / "server0" / "server.log").read_text().splitlines()
    parsed = [json.loads(line) for line in lines if line.startswith("{")]
    assert len(parsed) == len([line for line in lines if line.strip()])  # every line JSON
    [visit] = [line for line in parsed if line.get("path", "").startswith("/i/")]
    assert visit["path"] == "/i/…" and visit["status"] == 200 and visit["method"] == "GET"


def test_an_unknown_log_format_is_refused_in_one_line(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "conference.cli", "serve", "--port", "1"],
        env={
            "CONFERENCE_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
            "CONFERENCE_INSTANCE_DIR": str(tmp_path),
            "CONFERENCE_LOG_FORMAT": "xml",
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0 and done.stderr.strip().count("\n") == 0
    assert "CONFERENCE_LOG_FORMAT" in done.stderr


async def test_healthz_says_the_database_answers_and_refuses_when_it_does_not(db, client):
    healthy = await client.get("/healthz")
    assert healthy.status_code == 200
    assert healthy.json()["database"] == "ok" and healthy.json()["status"] == "ok"
    unreachable = database.make_engine(DatabaseURL.parse("postgresql://nobody@127.0.0.1:1/none"))
    database.use_engine(unreachable)
    try:
        down = await client.get("/healthz")
    finally:
        database.use_engine(db.engine)
    assert down.status_code == 503
    assert down.json()["database"] == "unreachable" and down.json()["status"] == "unavailable"
