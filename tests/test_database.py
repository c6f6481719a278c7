"""The migrated schema: constraints the database keeps, and aware timestamps."""

import asyncio
import sqlite3
from datetime import UTC, date, datetime, time

import pytest

from conference import database
from conference.errors import InvalidInput
from conference.invitations import DelegateInput, add_delegates
from conference.tables import ALL_TABLES, Delegate, DelegateSource, Event, InvitationDelivery
from tests.conftest import empty_tables


async def _event(slug="hn-2022"):
    event = Event(
        slug=slug,
        title="Hội nghị",
        date=date(2022, 9, 12),
        starts_at=time(7, 30),
        ends_at=time(11, 30),
    )
    await event.save()
    return event.id


async def test_migrating_again_applies_nothing(db):
    assert await database.migrate() == []


async def test_an_email_is_unique_within_an_event_but_not_across_events(db):
    first, second = await _event("a"), await _event("b")
    person = DelegateInput(full_name="Hoàng Cao Thắng", email="thang@example.vn")
    await add_delegates(first, [person], source=DelegateSource.manual)
    await add_delegates(second, [person], source=DelegateSource.manual)
    with pytest.raises(Exception, match=r"(?i)unique"):
        await add_delegates(first, [person], source=DelegateSource.manual)
    # Delegates without an e-mail do not collide with each other.
    await add_delegates(
        first,
        [DelegateInput(full_name="A"), DelegateInput(full_name="B")],
        source=DelegateSource.manual,
    )
    assert await Delegate.count().where(Delegate.event == first) == 3


async def test_the_organizers_code_is_unique_within_an_event(db):
    event = await _event()
    await add_delegates(
        event, [DelegateInput(full_name="A", code="DB1")], source=DelegateSource.manual
    )
    with pytest.raises(Exception, match=r"(?i)unique"):
        await add_delegates(
            event, [DelegateInput(full_name="B", code="DB1")], source=DelegateSource.manual
        )


async def test_one_delivery_per_delegate_channel_and_token(db):
    event = await _event()
    [delegate_id] = await add_delegates(
        event, [DelegateInput(full_name="A")], source=DelegateSource.manual
    )
    token = (await Delegate.select(Delegate.token).first())["token"]
    await InvitationDelivery(event=event, delegate=delegate_id, token=token).save()
    with pytest.raises(Exception, match=r"(?i)unique"):
        await InvitationDelivery(event=event, delegate=delegate_id, token=token).save()


async def test_timestamps_come_back_timezone_aware(db):
    event = await _event()
    moment = datetime(2022, 9, 12, 1, 12, tzinfo=UTC)
    [delegate_id] = await add_delegates(
        event, [DelegateInput(full_name="A")], source=DelegateSource.manual
    )
    await Delegate.update({Delegate.checked_in_at: moment}).where(Delegate.id == delegate_id)
    row = await Delegate.select(Delegate.checked_in_at, Delegate.created_at).first()
    assert row["checked_in_at"] == moment
    assert row["created_at"].tzinfo is not None


async def test_tokens_are_long_random_and_url_safe(db):
    event = await _event()
    await add_delegates(
        event,
        [DelegateInput(full_name=f"Người {i}") for i in range(50)],
        source=DelegateSource.manual,
    )
    tokens = [row["token"] for row in await Delegate.select(Delegate.token)]
    assert len(set(tokens)) == 50
    for token in tokens:
        assert len(token) >= 22  # 128 bits in URL-safe base64 is at least 22 characters
        assert all(c.isalnum() or c in "-_" for c in token)


async def test_deleting_an_event_removes_its_delegates(db):
    event = await _event()
    await add_delegates(event, [DelegateInput(full_name="A")], source=DelegateSource.manual)
    await Event.delete().where(Event.id == event)
    assert await Delegate.count() == 0


async def test_the_migrated_schema_has_every_column_of_tables_py(db):
    # A column added to tables.py without a migration fails here, on both databases.
    for table in ALL_TABLES:
        name = table._meta.tablename
        if db.name == "postgres":
            rows = await table.raw(
                "SELECT column_name AS name FROM information_schema.columns WHERE table_name = {}",
                name,
            )
        else:
            rows = await table.raw(f"SELECT name FROM pragma_table_info('{name}')")
        in_database = {row["name"] for row in rows}
        in_code = {column._meta.db_column_name for column in table._meta.columns}
        assert in_database == in_code, name


@pytest.fixture
async def sqlite_db(sqlite_backend):
    """The SQLite database alone: for what only its engine does."""
    database.use_engine(sqlite_backend.engine)
    await empty_tables(sqlite_backend)
    return sqlite_backend


async def test_sqlite_waits_off_the_loop_while_another_connection_holds_the_write_lock(
    sqlite_db,
):
    db = sqlite_db
    assert isinstance(db.engine, database.LongLivedSQLiteEngine)
    other = sqlite3.connect(db.engine.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # as an import in another process would
    try:
        saving = asyncio.create_task(_event("held"))
        # The loop goes on (the write waits in a thread), and the write has not happened.
        for _ in range(20):
            await asyncio.sleep(0.01)
        assert not saving.done()
    finally:
        other.execute("COMMIT")
        other.close()
    await asyncio.wait_for(saving, timeout=10)
    assert await Event.exists().where(Event.slug == "held")
    # Reads and writes go back to the loop's own connection afterwards.
    await _event("after")
    assert await Event.count() == 2


async def test_a_bulk_insert_gives_each_row_its_defaults_and_refuses_what_a_column_cannot_take(db):
    event = await _event()
    people = [DelegateInput(full_name=f"Người {i}", protocol_rank=i) for i in range(1, 1201)]
    ids = await add_delegates(event, people, source=DelegateSource.imported)
    assert len(ids) == 1200 and ids == sorted(ids)  # in order, across several statements
    rows = await Delegate.select().order_by(Delegate.id)
    assert [r["full_name"] for r in rows] == [p.full_name for p in people]
    assert len({r["uid"] for r in rows}) == 1200  # a callable default is called for each row
    first = rows[0]
    assert first["source"] == "imported" and first["rsvp"] == "pending"
    assert first["created_at"].tzinfo is not None and first["checked_in_at"] is None
    assert first["notify_on_arrival"] is False and first["protocol_rank"] == 1
    with pytest.raises(InvalidInput, match="control character"):
        await add_delegates(
            event, [DelegateInput(full_name="Lê\x00An")], source=DelegateSource.imported
        )
    with pytest.raises(InvalidInput, match="out of range"):
        await add_delegates(
            event,
            [DelegateInput(full_name="An", protocol_rank=2**40)],
            source=DelegateSource.manual,
        )
    assert await Delegate.count() == 1200
