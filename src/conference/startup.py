"""What one server start does once, however many processes serve.

`conference serve --workers N` does it in the parent and tells the workers so (an
environment variable they inherit); a single process does it in its own lifespan.
"""

from __future__ import annotations

import os

from conference import database
from conference.store import DatabaseStore

STARTED_BY_PARENT = "CONFERENCE_STARTED_BY_PARENT"


async def start_up_once() -> None:
    """Migrate the database and sweep what expired (sessions and login counters are also
    dropped when read)."""
    await database.migrate()
    await DatabaseStore().delete_expired()


def done_by_parent() -> bool:
    """True in a worker whose parent has run ``start_up_once``."""
    return os.environ.get(STARTED_BY_PARENT) == "1"


def tell_workers() -> None:
    """Say to the workers about to be started that ``start_up_once`` is done."""
    os.environ[STARTED_BY_PARENT] = "1"
