"""The whole database copied to one file while the server runs, and restored from one.

SQLite uses its online backup API: a consistent copy taken page by page while the desks
keep scanning. PostgreSQL uses ``pg_dump`` (custom format) and ``pg_restore``, which must
be on the machine (Debian: postgresql-client); when they are not, that is said in one
line. A backup holds every delegate's contacts and invitation tokens: it is written
readable by its owner only, under a temporary name first, so a backup cut short never
leaves a file that looks whole. A restore goes into an empty database only, unless the
caller says to replace what is there, and is migrated to this version afterwards.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from conference.errors import N_, InvalidInput
from conference.settings import DatabaseURL

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
# Pages copied per step of SQLite's online backup: the server's writes go on in between.
SQLITE_PAGES_A_STEP = 2048
# The tables whose rows make a database "not empty" for a restore.
OWNED_TABLES = ("event", "app_user")


@dataclass(frozen=True)
class BackupFile:
    path: Path
    backend: str  # "sqlite" | "postgres"
    size: int


def _refuse_existing(target: Path) -> None:
    if target.exists():
        raise InvalidInput(
            N_("The file %(file)s exists already: give the backup a new name."),
            code="backup_exists",
            file=str(target),
        )
    if not target.parent.is_dir():
        raise InvalidInput(
            N_("The folder %(folder)s does not exist."),
            code="backup_folder_missing",
            folder=str(target.parent),
        )


def _private_temporary(target: Path) -> Path:
    """An empty file beside ``target``, readable and writable by its owner only."""
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    return partial


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise InvalidInput(
            N_(
                "%(tool)s is not installed on this machine (Debian: apt install postgresql-client)."
            ),
            code="backup_tool_missing",
            tool=name,
        )
    return found


def _libpq(url: DatabaseURL) -> tuple[str, dict[str, str]]:
    """The DSN without its password, and the environment that carries the password, so it
    never shows in the list of processes."""
    parts = urlsplit(url.raw)
    env = {**os.environ}
    if parts.password:
        env["PGPASSWORD"] = parts.password
        host = parts.hostname or ""
        netloc = f"{parts.username}@{host}" if parts.username else host
        if parts.port:
            netloc += f":{parts.port}"
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts), env


def _run_tool(arguments: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(arguments, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        raise InvalidInput(
            N_("%(tool)s failed: %(reason)s"),
            code="backup_tool_failed",
            tool=Path(arguments[0]).name,
            reason=lines[-1] if lines else f"exit {done.returncode}",
        )


def _sqlite_copy(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as read, sqlite3.connect(target) as write:
        read.backup(write, pages=SQLITE_PAGES_A_STEP)
    read.close()
    write.close()


def _backup_now(url: DatabaseURL, target: Path) -> BackupFile:
    _refuse_existing(target)
    partial = _private_temporary(target)
    try:
        if url.backend == "sqlite":
            assert url.sqlite_path is not None
            if not url.sqlite_path.exists():
                raise InvalidInput(
                    N_("There is no database at %(file)s yet: run conference init first."),
                    code="backup_no_database",
                    file=str(url.sqlite_path),
                )
            _sqlite_copy(url.sqlite_path, partial)
        else:
            dsn, env = _libpq(url)
            _run_tool(
                [
                    _tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={partial}",
                    f"--dbname={dsn}",
                ],
                env,
            )
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return BackupFile(target, url.backend, target.stat().st_size)


async def backup(url: DatabaseURL, target: Path) -> BackupFile:
    """Copy the whole database to ``target`` (a new file), while the server keeps running.

    Raises InvalidInput ``backup_exists``, ``backup_folder_missing``,
    ``backup_no_database``, ``backup_tool_missing`` or ``backup_tool_failed``.
    """
    return await asyncio.to_thread(_backup_now, url, target)


def backup_kind(source: Path) -> str:
    """ "sqlite" or "postgres", read from the file's first bytes; InvalidInput otherwise."""
    try:
        with source.open("rb") as file:
            head = file.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        raise InvalidInput(
            N_("There is no file %(file)s."), code="backup_missing", file=str(source)
        ) from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgres"
    raise InvalidInput(
        N_("%(file)s is not a backup made by conference backup."),
        code="backup_unreadable",
        file=str(source),
    )


def _sqlite_rows(path: Path) -> int:
    if not path.exists():
        return 0
    with sqlite3.connect(path) as connection:
        present = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        total = sum(
            connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in OWNED_TABLES
            if table in present
        )
    connection.close()
    return int(total)


async def _postgres_rows() -> int:
    from conference.tables import Event, User

    rows = 0
    for table in (Event, User):
        found = await table.raw(
            "SELECT to_regclass({}) IS NOT NULL AS present", table._meta.tablename
        )
        if found and found[0]["present"]:
            rows += await table.count()
    return rows


async def database_rows(url: DatabaseURL) -> int:
    """How many events and accounts the configured database holds (0: empty)."""
    if url.backend == "sqlite":
        assert url.sqlite_path is not None
        return await asyncio.to_thread(_sqlite_rows, url.sqlite_path)
    return await _postgres_rows()


def _restore_now(url: DatabaseURL, source: Path) -> None:
    if url.backend == "sqlite":
        assert url.sqlite_path is not None
        _sqlite_copy(source, url.sqlite_path)
        url.sqlite_path.chmod(0o600)
        return
    dsn, env = _libpq(url)
    _run_tool(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={dsn}",
            str(source),
        ],
        env,
    )


async def restore(url: DatabaseURL, source: Path, *, replace: bool = False) -> None:
    """Load the backup ``source`` into the configured database, then migrate it.

    The database must be empty unless ``replace``. Raises InvalidInput
    ``backup_missing``, ``backup_unreadable``, ``backup_other_database`` (a SQLite backup
    into PostgreSQL or the reverse), ``restore_not_empty``, ``backup_tool_missing`` or
    ``backup_tool_failed``.
    """
    from conference import database

    kind = backup_kind(source)
    if kind != url.backend:
        raise InvalidInput(
            N_("%(file)s is a backup of a %(kind)s database; this server uses %(backend)s."),
            code="backup_other_database",
            file=str(source),
            kind="SQLite" if kind == "sqlite" else "PostgreSQL",
            backend="SQLite" if url.backend == "sqlite" else "PostgreSQL",
        )
    if not replace and await database_rows(url):
        raise InvalidInput(
            N_(
                "The database is not empty: restore into an empty one, or add --replace to "
                "replace everything in it."
            ),
            code="restore_not_empty",
        )
    await asyncio.to_thread(_restore_now, url, source)
    await database.migrate()
