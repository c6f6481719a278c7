"""An event carried to a venue laptop and back: `conference event export` and `import`,
merging by stable ids, the arrivals exactly once, stale, foreign and damaged files refused."""

from __future__ import annotations

import gzip
import hashlib
import json
import stat
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from piccolo.engine.base import Engine

from conference import auth, database
from conference.checkin.services import redeem
from conference.errors import Conflict, InvalidInput
from conference.events import get_event
from conference.invitations import DelegateInput, add_delegates
from conference.program.runsheet import add_custom_cue, next_cue
from conference.settings import DatabaseURL
from conference.tables import (
    CheckInAttempt,
    Cue,
    Delegate,
    DelegateSource,
    Event,
    Membership,
    ProgrammeItem,
    Role,
    User,
)
from conference.transfer import export_event, import_event
from tests.invitations.helpers import PEOPLE, make_event
from tests.test_cli import assert_one_line_error, conference

SLUG = "hn-2022"


@contextmanager
def bound_to(engine: Engine) -> Iterator[None]:
    """Every table on ``engine`` for a while (the other installation), then back."""
    before = Event._meta.db
    database.use_engine(engine)
    try:
        yield
    finally:
        database.use_engine(before)


@pytest.fixture
async def laptop(db, tmp_path) -> AsyncIterator[Engine]:
    """A second installation: a SQLite file of its own, migrated, as on the venue laptop."""
    engine = database.make_engine(
        DatabaseURL.parse(f"sqlite:///{tmp_path / 'laptop.sqlite3'}"), long_lived=True
    )
    with bound_to(engine):
        await database.migrate()
    yield engine
    await database.close_pool(engine)


async def _central_event() -> tuple[int, list[str]]:
    event_id, _ = await make_event(SLUG)
    await auth.create_user("letan", "correct horse battery", Role.desk, events=[event_id])
    tokens = [
        row["token"]
        for row in await Delegate.select(Delegate.token)
        .where(Delegate.event == event_id)
        .order_by(Delegate.id)
    ]
    return event_id, tokens


async def _scan(token: str, desk: str) -> str:
    event = await get_event(SLUG)
    by = await auth.get_active_user(
        (await User.select(User.id).where(User.username == "letan").first())["id"]
    )
    return str((await redeem(event, token, by=by, desk=desk)).result.value)


async def _arrivals() -> dict[str, Any]:
    rows = await Delegate.select(Delegate.full_name, Delegate.checked_in_desk).where(
        Delegate.checked_in_at.is_not_null()
    )
    return {row["full_name"]: row["checked_in_desk"] for row in rows}


async def _everything() -> dict[str, Any]:
    """What an import could change, to compare before and after."""
    return {
        "delegates": await Delegate.select().order_by(Delegate.id),
        "log": await CheckInAttempt.count(),
        "cues": await Cue.select().order_by(Cue.id),
        "events": await Event.select().order_by(Event.id),
    }


async def test_arrivals_made_at_the_venue_come_back_to_the_central_database_exactly_once(
    db, laptop, tmp_path
):
    event_id, tokens = await _central_event()
    await add_delegates(
        event_id, [DelegateInput(full_name="Đại biểu Rút Tên")], source=DelegateSource.manual
    )
    assert await _scan(tokens[0], "Trung tâm") == "ok"  # arrived before the laptop left
    await export_event((await get_event(SLUG))["id"], tmp_path / "to-the-hall.json.gz")

    with bound_to(laptop):
        loaded = await import_event(tmp_path / "to-the-hall.json.gz")
        assert loaded.created and loaded.accounts_added == ["letan"]
        # The printed codes work on the laptop; the one who arrived already is known there.
        assert await _scan(tokens[0], "Bàn 1") == "already_checked_in"
        assert await _scan(tokens[1], "Bàn 1") == "ok"
        assert await _scan(tokens[2], "Bàn 2") == "ok"
        laptop_event = (await get_event(SLUG))["id"]
        [walk_in] = await add_delegates(
            laptop_event,
            [DelegateInput(full_name="Khách Vãng Lai", organization="Báo Xây dựng")],
            source=DelegateSource.walk_in,
        )
        walk_in_token = (await Delegate.select(Delegate.token).where(Delegate.id == walk_in))[0][
            "token"
        ]
        assert await _scan(walk_in_token, "Bàn 2") == "ok"
        await add_custom_cue(laptop_event, "Văn nghệ chào mừng", "Tiết mục mở màn")
        await next_cue(await get_event(SLUG))  # the cue goes live at the hall
        # The hall's desk moved someone; the central server changed someone else's title.
        await Delegate.update({Delegate.seat: "A-05"}).where(Delegate.token == tokens[3])
        laptop_log = await CheckInAttempt.count()
        await export_event(laptop_event, tmp_path / "back-from-the-hall.json.gz")

    # Meanwhile at the central server: the third delegate came to the side entrance too.
    assert await _scan(tokens[2], "Cổng phụ") == "ok"
    central_log = await CheckInAttempt.count()
    await Delegate.update({Delegate.position: "Chánh Văn phòng"}).where(Delegate.token == tokens[4])

    # …and removed a delegate the laptop still holds: the laptop's file does not bring
    # them (and their code) back.
    await Delegate.delete().where(Delegate.full_name == "Đại biểu Rút Tên")

    merged = await import_event(tmp_path / "back-from-the-hall.json.gz")
    assert await Delegate.count().where(Delegate.full_name == "Đại biểu Rút Tên") == 0
    # The second delegate's arrival, and the third's earlier one at the hall: the
    # earliest check-in stands, one for each.
    assert not merged.created and merged.arrivals == 2
    assert await _arrivals() == {
        PEOPLE[0].full_name: "Trung tâm",
        PEOPLE[1].full_name: "Bàn 1",
        PEOPLE[2].full_name: "Bàn 2",
        "Khách Vãng Lai": "Bàn 2",
    }
    assert await Delegate.count().where(Delegate.full_name == "Khách Vãng Lai") == 1
    # Each laptop scan is in the central log once (the one made there before the export too).
    assert await CheckInAttempt.count() == central_log + laptop_log - 1
    cue = await Cue.select(Cue.title, Cue.state, Cue.started_at).first()
    assert cue["title"] == "Văn nghệ chào mừng" and cue["state"] == "live"
    assert cue["started_at"] is not None
    # A change made on one side only stands, on either side.
    changed = {
        row["token"]: row
        for row in await Delegate.select(Delegate.token, Delegate.seat, Delegate.position)
    }
    assert changed[tokens[3]]["seat"] == "A-05"
    assert changed[tokens[4]]["position"] == "Chánh Văn phòng"
    # Accounts' memberships come along; an account here keeps its password.
    assert await Membership.count() == 1
    assert await auth.authenticate("letan", "correct horse battery") is not None

    before = await _everything()
    again = await import_event(tmp_path / "back-from-the-hall.json.gz")
    assert again.unchanged
    assert await _everything() == before


async def test_an_older_copy_is_refused_over_newer_data(db, laptop, tmp_path):
    _, tokens = await _central_event()
    first = tmp_path / "first.json.gz"
    await export_event((await get_event(SLUG))["id"], first)
    with bound_to(laptop):
        await import_event(first)
        laptop_event = (await get_event(SLUG))["id"]
        await export_event(laptop_event, tmp_path / "morning.json.gz")
        assert await _scan(tokens[1], "Bàn 1") == "ok"
        await export_event(laptop_event, tmp_path / "noon.json.gz")
    # The central server renamed an item meanwhile: the laptop's noon copy, which never
    # saw the change and made none to it, leaves it (its morning copy never came here).
    await ProgrammeItem.update(
        {ProgrammeItem.title: "Phát biểu chỉ đạo của Lãnh đạo Bộ"}, force=True
    )
    assert (await import_event(tmp_path / "noon.json.gz")).arrivals == 1
    assert (await ProgrammeItem.select(ProgrammeItem.title).first())["title"] == (
        "Phát biểu chỉ đạo của Lãnh đạo Bộ"
    )
    before = await _everything()
    # The laptop's morning copy, after its noon copy; the central server's own first copy.
    for older in ("morning.json.gz", "first.json.gz"):
        with pytest.raises(Conflict) as refused:
            await import_event(tmp_path / older)
        assert refused.value.code == "stale_export"
        assert "older copy" in str(refused.value)
    assert await _everything() == before


async def test_a_file_of_another_event_with_the_same_slug_is_refused(db, tmp_path):
    event_id, _ = await _central_event()
    await export_event(event_id, tmp_path / "old.json.gz")
    await Event.delete().where(Event.id == event_id)
    await make_event(SLUG)  # a new event at the same address
    before = await _everything()
    with pytest.raises(Conflict) as refused:
        await import_event(tmp_path / "old.json.gz")
    assert refused.value.code == "other_event"
    assert await _everything() == before


def _env(db, tmp_path: Path) -> dict[str, str]:
    return {
        "CONFERENCE_DATABASE_URL": db.url,
        "CONFERENCE_INSTANCE_DIR": str(tmp_path / "i"),
        "CONFERENCE_LANGUAGE": "en",
    }


async def test_a_cut_short_or_altered_file_is_refused_in_one_line_and_nothing_is_written(
    db, tmp_path
):
    event_id, _ = await _central_event()
    bearer = await auth.create_token("letan")
    made = conference(
        "event", "export", SLUG, str(tmp_path / "whole.json.gz"), env=_env(db, tmp_path)
    )
    assert made.returncode == 0, made.stderr
    assert "exported" in made.stdout
    assert stat.S_IMODE((tmp_path / "whole.json.gz").stat().st_mode) == 0o600  # it holds tokens
    whole = (tmp_path / "whole.json.gz").read_bytes()
    # Tokens of the invitations, never a password, an API token or its digest.
    text = gzip.decompress(whole).decode()
    assert "letan" in text and "$argon2" not in text and "password" not in text
    assert bearer not in text and hashlib.sha256(bearer.encode()).hexdigest() not in text
    (tmp_path / "cut.json.gz").write_bytes(whole[: len(whole) // 2])
    envelope = json.loads(gzip.decompress(whole))
    envelope["body"]["tables"]["delegate"][0]["seat"] = "A-01"  # a hand edit
    (tmp_path / "edited.json.gz").write_bytes(gzip.compress(json.dumps(envelope).encode()))
    await Event.delete().where(Event.id == event_id)  # each would create it, if read
    refused = conference(
        "event", "import", str(tmp_path / "edited.json.gz"), env=_env(db, tmp_path)
    )
    assert_one_line_error(refused)
    assert "changed after it was exported" in refused.stderr
    with pytest.raises(InvalidInput) as cut:  # the command prints it the same way
        await import_event(tmp_path / "cut.json.gz")
    assert cut.value.code == "export_damaged" and "cut short" in str(cut.value)
    assert await Event.count() == 0 and await Delegate.count() == 0
