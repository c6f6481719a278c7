"""Desk devices carried with their event: a stable id (``uid``) on each device, and the
digest of the key a paired phone keeps (``key_hash``, one device a key), so a phone paired
on one installation is recognised on another that imported the event."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine

ID = "2026-12-04T01:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "desk devices: a stable id and the digest of a paired phone's key"


async def _add_columns():
    engine = engine_finder()
    # 32 hex digits, as tables.new_uid writes them.
    fresh = (
        "replace(gen_random_uuid()::text, '-', '')"
        if isinstance(engine, PostgresEngine)
        else "lower(hex(randomblob(16)))"
    )
    await engine.run_ddl("ALTER TABLE desk_device ADD COLUMN uid VARCHAR(32)")
    await engine.run_ddl(f"UPDATE desk_device SET uid = {fresh} WHERE uid IS NULL")  # noqa: S608 (our own names)
    await engine.run_ddl("CREATE UNIQUE INDEX desk_device_uid_once ON desk_device (uid)")
    await engine.run_ddl("ALTER TABLE desk_device ADD COLUMN key_hash VARCHAR(64)")
    await engine.run_ddl("CREATE UNIQUE INDEX desk_device_key_once ON desk_device (key_hash)")


async def _drop_columns():
    engine = engine_finder()
    await engine.run_ddl("DROP INDEX IF EXISTS desk_device_key_once")
    await engine.run_ddl("DROP INDEX IF EXISTS desk_device_uid_once")
    await engine.run_ddl("ALTER TABLE desk_device DROP COLUMN key_hash")
    await engine.run_ddl("ALTER TABLE desk_device DROP COLUMN uid")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="conference", description=DESCRIPTION)
    manager.add_raw(_add_columns)
    manager.add_raw_backwards(_drop_columns)
    return manager
