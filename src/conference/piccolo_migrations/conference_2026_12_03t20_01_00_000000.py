"""Event transfers: a file is recorded once an event and direction (event_transfer_once)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T20:01:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "event transfers: one record a file, event and direction"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="conference", description=DESCRIPTION)

    async def create_index():
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS event_transfer_once "
            "ON event_transfer (event, direction, file_id)"
        )

    async def drop_index():
        await engine_finder().run_ddl("DROP INDEX IF EXISTS event_transfer_once")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
