"""Unique keys over several columns, as unique indexes.

SQLite cannot add a table constraint after CREATE TABLE, and Piccolo runs a
migration's raw steps before its table steps, so these come in their own
migration. A unique index means the same thing on SQLite and PostgreSQL.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T21:27:59:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique keys over several columns"

UNIQUE_INDEXES = {
    "delegate_event_code": "delegate (event, code)",
    "delegate_event_email": "delegate (event, email)",
    "delivery_once": "invitation_delivery (delegate, channel, token)",
    "cue_presenter_once": "cue_presenter (cue, delegate)",
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="conference", description=DESCRIPTION)

    # The engine is looked up when the step runs: a Table class would keep the
    # first engine it saw, and one process may migrate more than one database.
    async def create_indexes():
        engine = engine_finder()
        for name, target in UNIQUE_INDEXES.items():
            await engine.run_ddl(f"CREATE UNIQUE INDEX IF NOT EXISTS {name} ON {target}")

    async def drop_indexes():
        engine = engine_finder()
        for name in UNIQUE_INDEXES:
            await engine.run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
