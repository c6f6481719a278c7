"""Keeping a previewed upload until the organizer confirms it: one way, one lifetime.

An import shows its plan first and imports only on confirmation, so the file waits
in between. It waits in the application's ``uploads`` store, the same kind as the
sessions': Redis when CONFERENCE_REDIS_URL is set, else the database's
``store_entry`` table. Either is shared by every server process (on PostgreSQL), so a
preview made by one process is confirmed by another; a folder on one machine's disk
would not be. A file is kept for ``KEPT_FOR`` (one hour: a preview is read in
minutes, and the file holds personal data), at most ``MAX_FILE_BYTES`` (5 MB, what
an import reads at all), and is taken in one step when confirmed, so a double click
imports it once. Expired files go by themselves in Redis; in the database they are
deleted when read, each time a new file is kept, and at start-up.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from litestar import Litestar
from litestar.stores.base import Store
from litestar.stores.redis import RedisStore

from conference.redis_fallback import FallbackStore
from conference.spreadsheets import check_size
from conference.store import DatabaseStore

KEPT_FOR = timedelta(hours=1)
STORE_NAME = "uploads"  # the name of the store in the application's registry

_UPLOAD_ID = re.compile(r"[A-Za-z0-9_-]{22}")  # what secrets.token_urlsafe(16) gives


class PreviewedUploads:
    """Files previewed and waiting for confirmation, each under an unguessable id.

    ``purpose`` (say ``delegates-12``) keeps the files of one import of one event
    apart: an id kept for one is not found by another.
    """

    def __init__(self, store: Store, *, kept_for: timedelta = KEPT_FOR) -> None:
        self.store = store
        self.kept_for = kept_for

    async def keep(self, data: bytes, *, purpose: str) -> str:
        """Keep ``data`` for ``kept_for`` and return its id.

        Raises ImportFileError when it is larger than an import reads.
        """
        check_size(len(data))
        if isinstance(self.store, DatabaseStore | FallbackStore):
            await self.store.delete_expired()
        upload_id = secrets.token_urlsafe(16)
        await self.store.set(upload_key(purpose, upload_id), data, expires_in=self.kept_for)
        return upload_id

    async def take(self, upload_id: str, *, purpose: str) -> bytes | None:
        """The file kept under ``upload_id`` for ``purpose``, no longer kept; None when none is.

        Taking is one step in the store, so of two confirmations sent at once (a double
        click) one gets the file and the other None: a file is never imported twice.
        """
        if not _UPLOAD_ID.fullmatch(upload_id):
            return None
        return await _pop(self.store, upload_key(purpose, upload_id))


async def _pop(store: Store, key: str) -> bytes | None:
    if isinstance(store, DatabaseStore | FallbackStore):
        return await store.pop(key)
    if isinstance(store, RedisStore):
        # Litestar's store has no "get and delete"; Redis has, as one command (6.2+).
        value: bytes | None = await store._redis.getdel(store._make_key(key))
        return value
    value = await store.get(key)  # a store of one process (MemoryStore): no one to race
    if value is not None:
        await store.delete(key)
    return value


def upload_key(purpose: str, upload_id: str) -> str:
    """The key in the store of the file kept under ``upload_id`` for ``purpose``."""
    return f"{purpose}:{upload_id}"


def previewed_uploads(app: Litestar) -> PreviewedUploads:
    """The previewed uploads of ``app``, in its ``uploads`` store."""
    return PreviewedUploads(app.stores.get(STORE_NAME))
