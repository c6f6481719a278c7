"""The database engine, chosen by configuration, and the one migration history.

Piccolo finds its engine through the ``PICCOLO_CONF`` module; this module is that
module (``DB`` and ``APP_REGISTRY``), so the app, the command line and Piccolo's
own tools all use the engine named by ``CONFERENCE_DATABASE_URL``, or the one
``use_engine`` was given.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import sqlite3
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

import aiosqlite
import asyncpg
from piccolo.apps.migrations.commands.forwards import ForwardsMigrationManager
from piccolo.apps.migrations.tables import Migration
from piccolo.columns import Column
from piccolo.conf.apps import AppRegistry
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, dict_factory
from piccolo.table import Table
from piccolo.utils.sql_values import convert_to_sql_value

from conference.errors import ConfigurationError
from conference.settings import DEFAULT_DATABASE_URL, DatabaseURL

if TYPE_CHECKING:
    from conference.settings import Settings

os.environ.setdefault("PICCOLO_CONF", "conference.database")

# Writers on SQLite wait this long for the lock instead of failing at once.
SQLITE_BUSY_TIMEOUT_S = 30


class LongLivedSQLiteEngine(SQLiteEngine):
    """SQLite on connections kept open, each query run on the event loop's own thread.

    Piccolo's SQLiteEngine opens a connection (and a thread) for every query: at the
    front desk that made scans wait on each other, p99 above a second. Even one
    long-lived aiosqlite connection hands every call to its thread and back, and
    each hand-over can wait for the GIL (up to 5 ms) while the loop is busy: four
    queries a scan made that the bottleneck, not SQLite. A point query on an
    indexed column takes SQLite some tens of microseconds, far less than one
    hand-over, so here it runs right on the loop, through a plain ``sqlite3``
    connection that never waits for a lock (busy timeout 0).

    When another connection holds the write lock (a transaction, another process
    such as the command line), that query gives up at once and is run instead on
    an aiosqlite connection that waits up to ``SQLITE_BUSY_TIMEOUT_S`` in its own
    thread, so the loop never blocks on a lock. A transaction still gets a
    connection of its own, which WAL mode allows. ``close`` must be called before
    the loop ends (``close_pool`` does it).
    """

    def __init__(self, path: str, **connection_kwargs: Any) -> None:
        super().__init__(path=path, **connection_kwargs)
        self._inline: dict[asyncio.AbstractEventLoop, sqlite3.Connection] = {}
        self._waiting: dict[
            asyncio.AbstractEventLoop, tuple[aiosqlite.Connection, asyncio.Lock]
        ] = {}

    def _inline_connection(self) -> sqlite3.Connection:
        loop = asyncio.get_running_loop()
        connection = self._inline.get(loop)
        if connection is None:
            connection = sqlite3.connect(**{**self.connection_kwargs, "timeout": 0})
            connection.row_factory = dict_factory
            connection.execute("PRAGMA foreign_keys = 1")
            # With WAL, NORMAL syncs at checkpoints: a power cut may lose the last
            # moments, never corrupt the file; the app crashing loses nothing.
            connection.execute("PRAGMA synchronous = NORMAL")
            self._inline[loop] = connection
        return connection

    async def _waiting_connection(self) -> tuple[aiosqlite.Connection, asyncio.Lock]:
        loop = asyncio.get_running_loop()
        shared = self._waiting.get(loop)
        if shared is None:
            pending = aiosqlite.connect(**self.connection_kwargs)
            # A daemon thread: a connection someone forgot to close must not keep the
            # process alive at exit (every query has committed by then).
            thread = getattr(pending, "_thread", None)
            if thread is not None:
                thread.daemon = True
            connection = await pending
            connection.row_factory = dict_factory  # type: ignore[assignment]
            await connection.execute("PRAGMA foreign_keys = 1")
            await connection.execute("PRAGMA synchronous = NORMAL")
            shared = (connection, asyncio.Lock())
            self._waiting[loop] = shared
        return shared

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: type[Table] | None = None,
    ) -> list[dict[str, Any]]:
        connection = self._inline_connection()
        try:
            # Autocommit (isolation_level None): a statement that fails on the lock
            # has changed nothing and can be run again elsewhere.
            return connection.execute(query, args or []).fetchall()
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode & 0xFF not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                raise
        return await self._run_waiting(query, args or [])

    async def _run_waiting(self, query: str, args: list[Any]) -> list[dict[str, Any]]:
        connection, lock = await self._waiting_connection()
        async with lock, connection.execute(query, args) as cursor:
            rows = await cursor.fetchall()
        return list(rows)  # type: ignore[arg-type]

    async def close(self) -> None:
        loop = asyncio.get_running_loop()
        inline = self._inline.pop(loop, None)
        if inline is not None:
            inline.close()
        waiting = self._waiting.pop(loop, None)
        if waiting is not None:
            await waiting[0].close()


def make_engine(url: DatabaseURL, *, long_lived: bool = False) -> Engine[Any]:
    """An engine for a parsed database URL; ``long_lived`` keeps one SQLite connection open."""
    if url.backend == "sqlite":
        assert url.sqlite_path is not None
        engine_class = LongLivedSQLiteEngine if long_lived else SQLiteEngine
        return engine_class(path=str(url.sqlite_path), timeout=SQLITE_BUSY_TIMEOUT_S)
    # Piccolo asks the server's version when the engine is made and only warns when it
    # cannot; the first real query reports an unreachable server, in one line.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return PostgresEngine(config={"dsn": url.raw})


def _enable_wal(path: str) -> None:
    # WAL lets readers go on while one desk writes; the mode is stored in the
    # file, so setting it once when the engine is made is enough.
    connection = sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_S)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
    finally:
        connection.close()


def use_engine(engine: Engine[Any]) -> None:
    """Point every table, and Piccolo's migration runner, at ``engine``."""
    global _engine
    _engine = engine
    from conference.limits import guard_writes
    from conference.tables import ALL_TABLES

    tables: tuple[type[Table], ...] = (*ALL_TABLES, Migration)
    for table in tables:
        table._meta.db = engine
    guard_writes(ALL_TABLES)  # the columns' limits, on SQLite too


# Both SQLite (since 3.32) and PostgreSQL take at most 32,766 values in one statement.
MAX_PARAMETERS = 32_000


async def insert_rows(
    table: type[Table],
    rows: Sequence[Table],
    *,
    returning: Column | None = None,
    skip_existing: bool = False,
) -> list[dict[str, Any]]:
    """Insert many rows in as few statements as the parameter limit allows.

    ``skip_existing`` ignores rows a unique key already has (ON CONFLICT DO NOTHING).
    Returns the ``returning`` column of each inserted row, in order.
    """
    per_statement = max(1, MAX_PARAMETERS // len(table._meta.columns))
    inserted: list[dict[str, Any]] = []
    for start in range(0, len(rows), per_statement):
        query = table.insert(*rows[start : start + per_statement])
        if skip_existing:
            query = query.on_conflict(action="DO NOTHING")
        if returning is not None:
            inserted += await query.returning(returning)
        else:
            await query
    if len(rows) >= ANALYZE_AFTER_ROWS:
        await refresh_statistics(table)
    return inserted


async def insert_values(
    table: type[Table],
    rows: Sequence[Mapping[str, Any]],
    *,
    returning: Column | None = None,
) -> list[dict[str, Any]]:
    """Insert many rows given as ``{column name: value}`` (every row the same names), in
    as few statements as the parameter limit allows; returns ``returning`` of each row.

    For large lists (an import): building a Table instance and its query for each row
    took 0.6 ms a row, most of a 10,000-row import. A column the rows do not name takes
    its default, worked out once for the whole call (a time default: one moment for
    every row) unless it is a function (a uid), called for each row. Every value is
    checked against its column's limits first (``limits.values_checker``), as the
    guarded ``insert`` checks every other row; raises InvalidInput as it does.
    """
    from conference.limits import values_checker

    if not rows:
        return []
    given = list(rows[0])
    named = set(given)
    constant: dict[str, Any] = {}
    per_row: dict[str, Any] = {}
    for column in table._meta.columns:
        name = column._meta.name
        if name in named or column._meta.primary_key:
            continue
        default: Any = getattr(column, "default", None)
        if callable(default):
            per_row[name] = default
        elif hasattr(default, "python"):  # Piccolo's TimestamptzNow and the like
            constant[name] = convert_to_sql_value(default.python(), column)
        else:
            constant[name] = convert_to_sql_value(column.get_default_value(), column)
    names = [*given, *per_row, *constant]
    columns = [table._meta.get_column_by_name(name) for name in given]
    fixed = list(constant.values())
    makers = list(per_row.values())
    values = [
        [
            *(
                value if value is None or type(value) in _PLAIN else convert_to_sql_value(value, c)
                for value, c in zip((row[name] for name in given), columns, strict=True)
            ),
            *(make() for make in makers),
            *fixed,
        ]
        for row in rows
    ]
    check = values_checker(table, names)
    for row_values in values:
        check(row_values)
    engine = table._meta.db
    quoted = ", ".join(f'"{name}"' for name in names)
    tail = f' RETURNING "{returning._meta.name}"' if returning is not None else ""
    if isinstance(engine, PostgresEngine):
        # One statement, one array a column: PostgreSQL parses and plans it once
        # (11 statements of 32,000 parameters took it 3 s for 10,000 rows).
        arrays = ", ".join(
            f"${i}::{table._meta.get_column_by_name(name).column_type}[]"
            for i, name in enumerate(names, start=1)
        )
        sql = (
            f'INSERT INTO "{table._meta.tablename}" ({quoted}) '  # noqa: S608 - names from the table
            f"SELECT {quoted} FROM unnest({arrays}) WITH ORDINALITY AS v({quoted}, n) "
            f"ORDER BY n{tail}"
        )
        inserted = await _run_written(
            engine, sql, [list(column) for column in zip(*values, strict=True)]
        )
    else:
        inserted = []
        per_statement = max(1, MAX_PARAMETERS // len(names))
        one_row = "(" + ", ".join(["?"] * len(names)) + ")"
        for start in range(0, len(values), per_statement):
            chunk = values[start : start + per_statement]
            sql = (
                f'INSERT INTO "{table._meta.tablename}" ({quoted}) '  # noqa: S608 - names from the table
                f"VALUES {', '.join([one_row] * len(chunk))}{tail}"
            )
            args = [value for row_values in chunk for value in row_values]
            inserted += await _run_written(engine, sql, args)
    if len(rows) >= ANALYZE_AFTER_ROWS:
        await refresh_statistics(table)
    return inserted if returning is not None else []


async def _run_written(engine: Engine[Any], sql: str, args: list[Any]) -> list[dict[str, Any]]:
    """Run ``sql`` with its placeholders already written for the engine ("?" or "$1"),
    in the current transaction if there is one.

    Piccolo's own path (``table.raw``) looks at every argument twice to find nested
    queries: over a second for the 350,000 values of a 10,000-row import.
    """
    transaction = engine.current_transaction.get()
    if isinstance(engine, SQLiteEngine):
        if transaction is None:
            return cast(list[dict[str, Any]], await engine._run_in_new_connection(sql, args))
        connection = transaction.connection
        await connection.execute("PRAGMA foreign_keys = 1")
        connection.row_factory = dict_factory
        async with connection.execute(sql, args) as cursor:
            return list(await cursor.fetchall())
    assert isinstance(engine, PostgresEngine)
    if transaction is not None:
        records = await transaction.connection.fetch(sql, *args)
    elif engine.pool:
        records = await engine._run_in_pool(sql, args)
    else:
        records = await engine._run_in_new_connection(sql, args)
    return [dict(record) for record in records]


# Values a database driver takes as they are; others go through Piccolo's conversion.
_PLAIN = frozenset({str, int, float, bool})


# A bulk insert this large refreshes the planner's statistics of its table.
ANALYZE_AFTER_ROWS = 100


async def refresh_statistics(table: type[Table]) -> None:
    """Let the query planner see the table as it now is (ANALYZE, on both databases).

    Without statistics, right after a list is imported, PostgreSQL chose the event's
    index over the unique token index for a scan and read every delegate of the event
    (1.7 ms instead of 0.07). Autovacuum would get there later; the doors open now.
    """
    await table._meta.db.run_ddl(f'ANALYZE "{table._meta.tablename}"')


# asyncpg ships no type information, so its Connection is Any to mypy.
class PooledConnection(asyncpg.Connection):  # type: ignore[misc]
    """A PostgreSQL connection that goes back to the pool without a reset query.

    asyncpg resets a connection on its way back (RESET ALL, UNLISTEN *, unlock
    advisory locks): a round trip, and Piccolo takes a connection for every query,
    so it doubled the round trips of a scan. This app sets no session state, never
    LISTENs and takes no advisory lock, so there is nothing to reset; an open
    transaction is still rolled back by asyncpg whatever this says.
    """

    def get_reset_query(self) -> str:
        return ""


async def open_pool(engine: Engine[Any]) -> None:
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(
            min_size=2, max_size=20, connection_class=PooledConnection
        )


async def close_pool(engine: Engine[Any]) -> None:
    """Close what ``open_pool`` or a long-lived SQLite connection holds open."""
    if isinstance(engine, PostgresEngine):
        await engine.close_connection_pool()
    elif isinstance(engine, LongLivedSQLiteEngine):
        await engine.close()


async def migrate() -> list[str]:
    """Apply every migration not yet applied (idempotent); return their ids."""
    manager = ForwardsMigrationManager(app_name="conference", migration_id="all")
    await manager.create_migration_table()
    before = set(await Migration.get_migrations_which_ran(app_name="conference"))
    # Piccolo prints a line per step; callers say what matters themselves.
    with contextlib.redirect_stdout(io.StringIO()):
        result = await manager.run()
    if not result.success:
        raise RuntimeError(result.message)
    after = await Migration.get_migrations_which_ran(app_name="conference")
    return [m for m in after if m not in before]


# How long /healthz waits for the database to answer.
HEALTH_TIMEOUT_S = 2.0


async def answers() -> bool:
    """Whether the database answers a trivial query now (for /healthz)."""
    from conference.tables import Event

    try:
        await asyncio.wait_for(Event.raw("SELECT 1"), HEALTH_TIMEOUT_S)
    except Exception:
        return False
    return True


def configure(settings: Settings) -> Engine[Any]:
    """Make the engine the settings name, prepare its file, and bind every table to it."""
    engine = make_engine(settings.database, long_lived=True)
    if settings.database.sqlite_path is not None:
        settings.database.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        _enable_wal(str(settings.database.sqlite_path))
    use_engine(engine)
    return engine


_engine: Engine[Any] | None = None


def __getattr__(name: str) -> object:
    # ``DB`` is made on first use, not on import: a PostgreSQL engine connects
    # when it is made, and importing this module must not.
    global _engine
    if name != "DB":
        raise AttributeError(name)
    if _engine is None:
        try:
            url = os.environ.get("CONFERENCE_DATABASE_URL") or DEFAULT_DATABASE_URL
            _engine = make_engine(DatabaseURL.parse(url))
        except ConfigurationError:
            return None  # configure() reports a bad URL in one line when it is used
    return _engine


APP_REGISTRY = AppRegistry(apps=["conference.piccolo_app"])
