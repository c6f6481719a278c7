"""Seating: a seat's label names one seat of its event (unique index hall_seat_label_once)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T12:01:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "seating: one seat a label in each event"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="conference", description=DESCRIPTION)

    async def create_index():
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS hall_seat_label_once ON hall_seat (event, label)"
        )

    async def drop_index():
        await engine_finder().run_ddl("DROP INDEX IF EXISTS hall_seat_label_once")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
