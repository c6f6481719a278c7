"""What the server writes holds contacts and tokens: readable by its own user only, whatever
the umask it was started with."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.invitations.helpers import make_event
from tests.test_cli import conference


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The usual umask of a login shell (022): new files readable by everyone."""
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


def _others_can_read(path: Path) -> bool:
    return bool(stat.S_IMODE(path.stat().st_mode) & 0o077)


def test_the_sqlite_database_and_its_journal_are_private(tmp_path, open_umask):
    database = tmp_path / "data" / "conference.sqlite3"
    env = {
        "CONFERENCE_DATABASE_URL": f"sqlite:///{database}",
        "CONFERENCE_INSTANCE_DIR": str(tmp_path / "instance"),
    }
    assert conference("demo", env=env).returncode == 0
    written = [p for p in database.parent.iterdir() if p.name.startswith(database.name)]
    assert database in written
    assert [p.name for p in written if _others_can_read(p)] == []
    assert not _others_can_read(tmp_path / "instance" / "secret_key")


async def test_the_outbox_and_its_messages_are_private(db, tmp_path, open_umask):
    await make_event()
    outbox = tmp_path / "outbox"
    sent = conference(
        "invitations",
        "send",
        "hn-2022",
        env={
            "CONFERENCE_DATABASE_URL": db.url,
            "CONFERENCE_INSTANCE_DIR": str(tmp_path / "instance"),
            "CONFERENCE_OUTBOX_DIR": str(outbox),
            "CONFERENCE_MAIL_RATE": "0",
        },
    )
    assert sent.returncode == 0, sent.stderr
    messages = list(outbox.glob("*.eml"))
    assert messages and not _others_can_read(outbox)
    assert [m.name for m in messages if _others_can_read(m)] == []
