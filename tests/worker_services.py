"""The services a pytest-xdist worker uses: its own PostgreSQL database and Redis number.

Without a worker id (a plain `pytest` run) the URLs are used as given. With one
("gw0", "gw1", …) the database gets the worker's suffix ("conference_test_gw1") and
Redis the numbered database 10 + n, so two workers never empty each other's tables
or read each other's keys.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import asyncpg

FIRST_WORKER_REDIS_DB = 10


def _worker_number(worker: str) -> int:
    return int(worker.removeprefix("gw"))


def worker_database_url(url: str, worker: str) -> str:
    """``url`` with the worker's own database name (unchanged outside xdist)."""
    if not url or not worker:
        return url
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"{parts.path}_{worker}"))


def worker_redis_url(url: str, worker: str) -> str:
    """``url`` pointing at the worker's own Redis database number (unchanged outside xdist)."""
    if not url or not worker:
        return url
    parts = urlsplit(url)
    number = FIRST_WORKER_REDIS_DB + _worker_number(worker)
    return urlunsplit(parts._replace(path=f"/{number}"))


async def create_database_if_missing(url: str) -> None:
    """Create the PostgreSQL database ``url`` names, through the server's `postgres` one."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
