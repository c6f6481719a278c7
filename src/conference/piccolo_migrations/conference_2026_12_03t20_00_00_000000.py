"""Event transfers: a stable id (``uid``) on every row an event export carries, given to
the rows there are, and the installation's id and its record of exports and imports."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import JSON, ForeignKey, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

ID = "2026-12-03T20:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "event transfers: stable row ids, the installation, exports and imports"

CARRIED = (
    "event",
    "audit_entry",
    "membership",
    "delegate",
    "check_in_attempt",
    "check_in_conflict",
    "programme_item",
    "speaker",
    "speech_timer",
    "award_form",
    "cue",
    "cue_presenter",
    "award_recipient",
    "introduction",
    "seating_hall",
    "hall_seat",
)


class Event(Table, tablename="event", schema=None):
    id = Serial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name="id",
        secret=False,
    )


def _params(**values):
    params = {
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
    }
    params.update(values)
    return params


async def _add_uids():
    engine = engine_finder()
    # 32 hex digits, as tables.new_uid writes them.
    fresh = (
        "replace(gen_random_uuid()::text, '-', '')"
        if isinstance(engine, PostgresEngine)
        else "lower(hex(randomblob(16)))"
    )
    for table in CARRIED:
        await engine.run_ddl(f"ALTER TABLE {table} ADD COLUMN uid VARCHAR(32)")
        await engine.run_ddl(f"UPDATE {table} SET uid = {fresh} WHERE uid IS NULL")  # noqa: S608 (names of our own)
        await engine.run_ddl(f"CREATE UNIQUE INDEX {table}_uid_once ON {table} (uid)")


async def _drop_uids():
    engine = engine_finder()
    for table in CARRIED:
        await engine.run_ddl(f"DROP INDEX IF EXISTS {table}_uid_once")
        await engine.run_ddl(f"ALTER TABLE {table} DROP COLUMN uid")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="conference", description=DESCRIPTION)

    def column(table_class, tablename, name, column_class, **params):
        manager.add_column(
            table_class_name=table_class,
            tablename=tablename,
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=_params(**params),
            schema=None,
        )

    manager.add_raw(_add_uids)
    manager.add_raw_backwards(_drop_uids)

    manager.add_table(
        class_name="Installation", tablename="installation", schema=None, columns=None
    )
    column("Installation", "installation", "uid", Varchar, length=32, default="")
    column("Installation", "installation", "created_at", Timestamptz, default=TimestamptzNow())

    manager.add_table(
        class_name="EventTransfer", tablename="event_transfer", schema=None, columns=None
    )
    transfer = ("EventTransfer", "event_transfer")
    column(
        *transfer,
        "event",
        ForeignKey,
        references=Event,
        on_delete=OnDelete.cascade,
        on_update=OnUpdate.cascade,
        target_column=None,
        index=True,
    )
    column(*transfer, "direction", Varchar, length=8, default="")
    column(*transfer, "file_id", Varchar, length=32, default="")
    column(*transfer, "installation", Varchar, length=32, default="")
    column(*transfer, "exported_at", Timestamptz, default=TimestamptzNow())
    column(*transfer, "recorded_at", Timestamptz, default=TimestamptzNow())
    column(*transfer, "row_hashes", JSON, default="{}")
    return manager
