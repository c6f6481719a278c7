"""The substitutions' history carried with its event: a stable id (``uid``) on each naming
and clearing of a substitute, so a naming made on the venue laptop comes back in the
delegate's history on the central server."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine

ID = "2026-12-04T01:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "substitutions: a stable id"


async def _add_uid():
    engine = engine_finder()
    # 32 hex digits, as tables.new_uid writes them.
    fresh = (
        "replace(gen_random_uuid()::text, '-', '')"
        if isinstance(engine, PostgresEngine)
        else "lower(hex(randomblob(16)))"
    )
    await engine.run_ddl("ALTER TABLE substitution ADD COLUMN uid VARCHAR(32)")
    await engine.run_ddl(f"UPDATE substitution SET uid = {fresh} WHERE uid IS NULL")  # noqa: S608 (our own names)
    await engine.run_ddl("CREATE UNIQUE INDEX substitution_uid_once ON substitution (uid)")


async def _drop_uid():
    engine = engine_finder()
    await engine.run_ddl("DROP INDEX IF EXISTS substitution_uid_once")
    await engine.run_ddl("ALTER TABLE substitution DROP COLUMN uid")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="conference", description=DESCRIPTION)
    manager.add_raw(_add_uid)
    manager.add_raw_backwards(_drop_uid)
    return manager
