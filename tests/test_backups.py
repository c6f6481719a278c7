"""`conference backup` while the server runs, `conference restore` into an empty database:
the restored database serves the same figures and the same check-in answers."""

from __future__ import annotations

import stat
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest

from conference.tables import Delegate
from tests.conftest import log_in
from tests.test_cli import assert_one_line_error, conference

DEMO = "nguoi-tot-viec-tot-2022"
SCANS = f"/api/events/{DEMO}/checkins"
STATS = f"/api/events/{DEMO}/stats"


def _env(url: str, tmp_path: Path) -> dict[str, str]:
    return {"CONFERENCE_DATABASE_URL": url, "CONFERENCE_INSTANCE_DIR": str(tmp_path / "instance")}


@pytest.fixture
async def empty_target(db, tmp_path) -> AsyncIterator[str]:
    """A second database of the same kind, empty, to restore into."""
    if db.name == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    parts = urlsplit(db.url)
    admin = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
    name = f"{parts.path.strip('/')}_restored"
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield urlunsplit(parts._replace(path=f"/{name}"))
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def _scan(server_url: str, token: str, bearer: str) -> str:
    async with httpx.AsyncClient(
        base_url=server_url, headers={"Authorization": f"Bearer {bearer}"}
    ) as desk:
        answer = await desk.post(SCANS, json={"code": token})
        assert answer.status_code == 200, answer.text
        return str(answer.json()["result"])


async def _stats(server_url: str) -> dict:
    async with httpx.AsyncClient(base_url=server_url) as organizer:
        await log_in(organizer, "bantochuc", "hoinghi2022")
        return (await organizer.get(STATS)).json()


async def test_a_backup_taken_while_serving_restores_the_same_figures_and_answers(
    db, tmp_path, start_server, empty_target
):
    assert conference("demo", env=_env(db.url, tmp_path)).returncode == 0
    bearer = conference("token", "create", "letan", env=_env(db.url, tmp_path)).stdout.strip()
    first, second = [
        row["token"] for row in await Delegate.select(Delegate.token).order_by(Delegate.id).limit(2)
    ]
    served = start_server()
    assert await _scan(served.url, first, bearer) == "ok"
    file = tmp_path / "backups" / "before-the-day.backup"
    file.parent.mkdir()

    made = conference("backup", str(file), env=_env(db.url, tmp_path))  # the server still runs
    assert made.returncode == 0, made.stderr
    assert stat.S_IMODE(file.stat().st_mode) == 0o600  # contacts and tokens: the owner's only
    assert list(file.parent.iterdir()) == [file]  # no partial file left beside it

    restored = conference("restore", str(file), env=_env(empty_target, tmp_path))
    assert restored.returncode == 0, restored.stderr
    again = start_server(CONFERENCE_DATABASE_URL=empty_target)
    assert await _stats(again.url) == await _stats(served.url)
    assert await _scan(again.url, first, bearer) == "already_checked_in"
    assert await _scan(again.url, second, bearer) == "ok"


async def test_a_restore_into_a_database_in_use_is_refused_unless_asked(db, tmp_path):
    env = _env(db.url, tmp_path)
    assert conference("demo", env=env).returncode == 0
    file = tmp_path / "copy.backup"
    assert conference("backup", str(file), env=env).returncode == 0
    refused = conference("restore", str(file), env=env)
    assert_one_line_error(refused)
    assert "--replace" in refused.stderr
    replaced = conference("restore", str(file), "--replace", env=env)
    assert replaced.returncode == 0, replaced.stderr
    assert await Delegate.count() > 100  # the demo's delegates, once


async def test_a_backup_never_overwrites_and_a_restore_reads_only_backups(db, tmp_path):
    env = _env(db.url, tmp_path)
    assert conference("init", env=env).returncode == 0
    taken = tmp_path / "taken.backup"
    taken.write_text("an older backup")
    assert_one_line_error(conference("backup", str(taken), env=env))
    assert taken.read_text() == "an older backup"
    assert_one_line_error(conference("backup", str(tmp_path / "no" / "such.backup"), env=env))
    for refused in (
        conference("restore", str(taken), env=env),  # not a backup
        conference("restore", str(tmp_path / "missing.backup"), env=env),
    ):
        assert_one_line_error(refused)


async def test_a_backup_of_one_kind_of_database_is_not_restored_into_the_other(db, tmp_path):
    env = _env(db.url, tmp_path)
    assert conference("init", env=env).returncode == 0
    mine = tmp_path / "mine.backup"
    assert conference("backup", str(mine), env=env).returncode == 0
    # The other kind: a SQLite file beside a PostgreSQL test, or the PostgreSQL dump's
    # magic in front of a SQLite test (a real dump needs the other server).
    if db.name == "postgres":
        other_env = _env(f"sqlite:///{tmp_path / 'other.sqlite3'}", tmp_path)
        refused = conference("restore", str(mine), env=other_env)
    else:
        dump = tmp_path / "from-postgres.backup"
        dump.write_bytes(b"PGDMP" + bytes(100))
        refused = conference("restore", str(dump), env=env)
    assert_one_line_error(refused)
    assert "PostgreSQL" in refused.stderr and "SQLite" in refused.stderr
