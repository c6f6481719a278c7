"""Shared fixtures: every database test runs on a temp-file SQLite and on PostgreSQL.

PostgreSQL is the one named by CONFERENCE_TEST_DATABASE_URL; its tables are
dropped and migrated afresh at the start of the session, so point it at a
database kept for tests. Without it the PostgreSQL variants are skipped with a
reason, except under CI=true, where they fail.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from litestar import Litestar
from piccolo.engine.base import Engine

from conference import database
from conference.app import create_app
from conference.auth import forget_remembered_users
from conference.events.services import forget_events
from conference.settings import DatabaseURL, Settings
from conference.tables import ALL_TABLES
from tests.worker_services import create_database_if_missing, worker_database_url, worker_redis_url

IN_CI = os.environ.get("CI", "").lower() == "true"
REPOSITORY = Path(__file__).resolve().parent.parent
# Under pytest-xdist (`make test` runs two workers) each worker has its own
# PostgreSQL database and Redis number, named after the one given: no worker empties
# the tables another is using.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
PG_URL = worker_database_url(os.environ.get("CONFERENCE_TEST_DATABASE_URL", ""), WORKER)
REDIS_URL = worker_redis_url(os.environ.get("CONFERENCE_TEST_REDIS_URL", ""), WORKER)


def require(available: bool, reason: str) -> None:
    """Skip a test whose service is missing; under CI=true that is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this test must run)")
    pytest.skip(reason)


@dataclass
class Backend:
    name: str
    url: str
    engine: Engine

    def settings(self, tmp_path: Path, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "database": DatabaseURL.parse(self.url),
            "secret_key": "test-secret-key-" + "x" * 32,
            "environment": "test",
            "instance_dir": tmp_path / "instance",
            "outbox_dir": tmp_path / "outbox",
        }
        values.update(overrides)
        return Settings(**values)


async def _reset_postgres(url: str) -> None:
    await create_database_if_missing(url)
    connection = await asyncpg.connect(url)
    try:
        await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()


@pytest.fixture(scope="session")
async def sqlite_backend(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Backend]:
    path = tmp_path_factory.mktemp("db") / "test.sqlite3"
    url = f"sqlite:///{path}"
    settings = Settings(database=DatabaseURL.parse(url), secret_key="x", environment="test")
    engine = database.configure(settings)
    await database.migrate()
    yield Backend("sqlite", url, engine)
    await database.close_pool(engine)  # the long-lived connection's thread must end


@pytest.fixture(scope="session")
async def postgres_backend() -> AsyncIterator[Backend | None]:
    if not PG_URL:
        yield None
        return
    await _reset_postgres(PG_URL)
    engine = database.make_engine(DatabaseURL.parse(PG_URL))
    database.use_engine(engine)
    await database.open_pool(engine)
    await database.migrate()
    yield Backend("postgres", PG_URL, engine)
    await database.close_pool(engine)


def _empty_postgres_tables(names: list[str]) -> str:
    """One statement deleting every row and restarting the tables' ids at 1.

    TRUNCATE gives each table new files and took 0.5-1 s for these tables, before every
    PostgreSQL test; deleting the few rows a test leaves takes milliseconds.
    """
    deletes = " ".join(f"DELETE FROM {name};" for name in reversed(names))
    tables = ", ".join(f"'{name}'" for name in names)
    return f"""DO $$ BEGIN {deletes}
        PERFORM setval(sequence.oid, 1, false)
        FROM pg_class sequence
        JOIN pg_depend owned ON owned.objid = sequence.oid AND owned.deptype = 'a'
        JOIN pg_class owner ON owner.oid = owned.refobjid
        WHERE sequence.relkind = 'S' AND owner.relname IN ({tables});
    END $$"""


async def empty_tables(backend: Backend) -> None:
    names = [table._meta.tablename for table in ALL_TABLES]
    if backend.name == "postgres":
        await backend.engine.run_ddl(_empty_postgres_tables(names))
    else:
        async with backend.engine.transaction():
            for name in reversed(names):
                await backend.engine.run_ddl(f"DELETE FROM {name}")


@pytest.fixture(params=["sqlite", "postgres"])
async def db(
    request: pytest.FixtureRequest, sqlite_backend: Backend, postgres_backend: Backend | None
) -> AsyncIterator[Backend]:
    """An empty, migrated database, bound to every table: SQLite, then PostgreSQL."""
    if request.param == "postgres":
        require(postgres_backend is not None, "CONFERENCE_TEST_DATABASE_URL is not set")
        assert postgres_backend is not None
        backend = postgres_backend
    else:
        backend = sqlite_backend
    database.use_engine(backend.engine)
    await empty_tables(backend)
    forget_remembered_users()  # ids start again at 1: yesterday's answers are wrong
    forget_events()
    yield backend


@pytest.fixture
async def sqlite_db(sqlite_backend: Backend) -> AsyncIterator[Backend]:
    """The SQLite test database alone, empty and bound: for checks of what every page
    shows, which do not depend on the database."""
    database.use_engine(sqlite_backend.engine)
    await empty_tables(sqlite_backend)
    forget_remembered_users()
    yield sqlite_backend


@pytest.fixture
async def postgres_db(postgres_backend: Backend | None) -> AsyncIterator[Backend]:
    """The PostgreSQL test database alone, empty and bound: for what only it can do."""
    require(postgres_backend is not None, "CONFERENCE_TEST_DATABASE_URL is not set")
    assert postgres_backend is not None
    database.use_engine(postgres_backend.engine)
    await empty_tables(postgres_backend)
    forget_remembered_users()
    yield postgres_backend


@pytest.fixture
def app(db: Backend, tmp_path: Path) -> Litestar:
    return create_app(db.settings(tmp_path), engine=db.engine)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client calling the app in this event loop (so it shares the database pool).

    The app's lifespan is not run: with the test's engine injected it has nothing to do.
    """
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 50000)),
        base_url="http://127.0.0.1:8000",
    ) as http_client:
        yield http_client


CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')


async def csrf_token(client: httpx.AsyncClient, path: str = "/login") -> str:
    """The CSRF token of a form page, as a browser would submit it."""
    response = await client.get(path)
    match = CSRF_FIELD.search(response.text)
    assert match, f"no CSRF field on {path}"
    return match.group(1)


async def log_in(client: httpx.AsyncClient, username: str, password: str) -> None:
    token = await csrf_token(client)
    response = await client.post(
        "/login",
        data={"username": username, "password": password, "_csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 302, response.text


@pytest.fixture
def sample_password() -> str:
    return "correct horse battery"


@pytest.fixture(autouse=True)
def _vietnamese_by_default() -> Iterator[None]:
    from conference.i18n import set_locale

    set_locale("vi")
    yield


# ---------------------------------------------------------------- a real server, a real browser

CHROMIUM = next(
    (path for path in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(path).exists()),
    None,
)
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]


def _start_server(
    db: Backend, folder: Path, extra_env: dict[str, str], arguments: tuple[str, ...] = ()
) -> LiveServer:
    port = _free_port()
    folder.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "CONFERENCE_DATABASE_URL": db.url,
        "CONFERENCE_SECRET_KEY": "live-server-secret-" + "y" * 32,
        "CONFERENCE_ENV": "test",
        "CONFERENCE_BASE_URL": f"http://127.0.0.1:{port}",
        "CONFERENCE_INSTANCE_DIR": str(folder / "instance"),
        "CONFERENCE_OUTBOX_DIR": str(folder / "outbox"),
        **extra_env,
    }
    log_path = folder / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "conference.cli", "serve", "--port", str(port), *arguments],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"{'https' if '--certfile' in arguments else 'http'}://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(log_path.read_text())
        try:
            # Up is up: whether its certificate is trusted is the test's own question.
            if httpx.get(f"{url}/healthz", timeout=1, verify=False).status_code == 200:  # noqa: S501
                return LiveServer(url, process)
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not start in 30 s")


def _stop_server(server: LiveServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@contextmanager
def servers_of(backend: Backend, tmp_path: Path) -> Iterator[Any]:
    """A function starting `conference serve` processes on ``backend``; all stopped after."""
    started: list[LiveServer] = []

    def start(*arguments: str, **extra_env: str) -> LiveServer:
        folder = tmp_path / f"server{len(started)}"
        server = _start_server(backend, folder, extra_env, arguments)
        started.append(server)
        return server

    try:
        yield start
    finally:
        for server in started:
            _stop_server(server)


@pytest.fixture
def start_server(db: Backend, tmp_path: Path) -> Iterator[Any]:
    """Start `conference serve` processes on the test's database; all stopped afterwards."""
    with servers_of(db, tmp_path) as start:
        yield start


@pytest.fixture
def live_server(start_server: Any) -> LiveServer:
    """`conference serve` in its own process, on the test's database."""
    return start_server()


@pytest.fixture(scope="session")
async def chromium_browser() -> AsyncIterator[Any]:
    """Debian's Chromium driven by Playwright's async API (no browser download)."""
    require(CHROMIUM is not None, "Chromium is not installed (apt-get install chromium)")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        await browser.close()
