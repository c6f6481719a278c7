"""Delegate search by trigrams: a name nobody has is answered without reading every delegate.

The search matches each folded word anywhere in ``search_key`` (LIKE '%word%'). Walking
the ``delegate_search`` index in protocol order stops at a screenful when many match,
but a name that matches almost nobody read all 10,000 entries (p99 28 ms). Both engines
index trigrams, so a word of three letters or more finds its few delegates at once:

- SQLite: ``delegate_trigram``, an FTS5 table with the trigram tokenizer over
  ``delegate.search_key`` (external content: the text is not stored twice), kept by
  three triggers, so every write of a delegate, whatever its door, keeps it right.
- PostgreSQL: nothing. A pg_trgm GIN index was tried: its planner did not choose it for
  these searches (the ordered walk answers "nobody" in about 6 ms at p99 over 10,000),
  every check-in's UPDATE would have written it too, and ``CREATE EXTENSION`` needs a
  privilege an application's role may not have, which would stop the server at start-up.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T19:21:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "delegate search by trigrams: FTS5 on SQLite"

SQLITE_UP = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS delegate_trigram USING fts5("
    "search_key, content='delegate', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS delegate_trigram_insert AFTER INSERT ON delegate BEGIN "
    "INSERT INTO delegate_trigram (rowid, search_key) VALUES (new.id, new.search_key); END",
    "CREATE TRIGGER IF NOT EXISTS delegate_trigram_delete AFTER DELETE ON delegate BEGIN "
    "INSERT INTO delegate_trigram (delegate_trigram, rowid, search_key) "
    "VALUES ('delete', old.id, old.search_key); END",
    "CREATE TRIGGER IF NOT EXISTS delegate_trigram_update AFTER UPDATE OF search_key "
    "ON delegate BEGIN "
    "INSERT INTO delegate_trigram (delegate_trigram, rowid, search_key) "
    "VALUES ('delete', old.id, old.search_key); "
    "INSERT INTO delegate_trigram (rowid, search_key) VALUES (new.id, new.search_key); END",
    "INSERT INTO delegate_trigram (delegate_trigram) VALUES ('rebuild')",
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS delegate_trigram_insert",
    "DROP TRIGGER IF EXISTS delegate_trigram_delete",
    "DROP TRIGGER IF EXISTS delegate_trigram_update",
    "DROP TABLE IF EXISTS delegate_trigram",
)
POSTGRES_UP: tuple[str, ...] = ()
POSTGRES_DOWN: tuple[str, ...] = ()


async def _run(sqlite: tuple[str, ...], postgres: tuple[str, ...]) -> None:
    # The engine is looked up when the step runs (one process may migrate several).
    engine = engine_finder()
    for statement in postgres if engine.engine_type == "postgres" else sqlite:
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="conference", description=DESCRIPTION)

    async def upgrade():
        await _run(SQLITE_UP, POSTGRES_UP)

    async def downgrade():
        await _run(SQLITE_DOWN, POSTGRES_DOWN)

    manager.add_raw(upgrade)
    manager.add_raw_backwards(downgrade)
    return manager
