"""Protocol order, one for every list: the search index gains its tie-break, names sort by code point.

``conference.protocol.ORDER_BY`` breaks ties between delegates of the same rank and
name by ``id``; the ``delegate_search`` index gains it before ``search_key``, so
both engines still walk the index in order and stop at a screenful (without it,
SQLite sorts each run of equal names in a temporary B-tree: 1.5 ms instead of
0.9 ms for a search that matches nobody among 10,000 delegates).

On PostgreSQL ``name_sort_key`` takes the "C" collation, so the database compares
the folded names by code point as SQLite and Python do, whatever locale the
database was created with: under en_US, say, spaces are ignored and "Anh" would
come before "An", and a list sorted in memory (the VIPs not yet here) would
disagree with one sorted by the database (the speaker picker).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-02T14:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "protocol order: delegate_search index with id, name_sort_key in C collation"


async def _rebuild_index(*, tie_break: str, collation: str) -> None:
    # The engine is looked up when the step runs (one process may migrate several).
    engine = engine_finder()
    # Dropped first, so changing the collation does not rebuild it for nothing.
    await engine.run_ddl("DROP INDEX IF EXISTS delegate_search")
    if engine.engine_type == "postgres":
        await engine.run_ddl(
            f"ALTER TABLE delegate ALTER COLUMN name_sort_key TYPE TEXT COLLATE {collation}"
        )
    await engine.run_ddl(
        "CREATE INDEX IF NOT EXISTS delegate_search ON delegate "
        f"(event, (protocol_rank IS NULL), protocol_rank, name_sort_key{tie_break}, search_key)"
    )


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="conference", description=DESCRIPTION)

    async def upgrade():
        await _rebuild_index(tie_break=", id", collation='"C"')

    async def downgrade():
        await _rebuild_index(tie_break="", collation='"default"')

    manager.add_raw(upgrade)
    manager.add_raw_backwards(downgrade)
    return manager
