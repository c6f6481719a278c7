"""Litestar's key-value store kept in the database, for sessions and login throttling.

On PostgreSQL every server process shares it, so a login made on one instance is
valid on all; with CONFERENCE_REDIS_URL set, Redis takes this role instead.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from litestar.stores.base import NamespacedStore

from conference.tables import StoreEntry


def _expiry(expires_in: int | timedelta | None) -> datetime | None:
    if expires_in is None:
        return None
    seconds = expires_in.total_seconds() if isinstance(expires_in, timedelta) else expires_in
    return datetime.now(UTC) + timedelta(seconds=seconds)


class DatabaseStore(NamespacedStore):
    """A :class:`litestar.stores.base.NamespacedStore` on the ``store_entry`` table."""

    def __init__(self, namespace: str = "conference") -> None:
        self.namespace = namespace

    def with_namespace(self, namespace: str) -> DatabaseStore:
        return DatabaseStore(f"{self.namespace}:{namespace}")

    def _key(self, key: str) -> str:
        return f"{self.namespace}:{key}"

    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        data = value.encode() if isinstance(value, str) else value
        expires_at = _expiry(expires_in)
        await StoreEntry.insert(
            StoreEntry(key=self._key(key), value=data, expires_at=expires_at)
        ).on_conflict(
            target=StoreEntry.key,
            action="DO UPDATE",
            values=[StoreEntry.value, StoreEntry.expires_at],
        )

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        row = (
            await StoreEntry.select(StoreEntry.value, StoreEntry.expires_at)
            .where(StoreEntry.key == self._key(key))
            .first()
        )
        if row is None:
            return None
        if row["expires_at"] is not None and row["expires_at"] <= datetime.now(UTC):
            await self.delete(key)
            return None
        if renew_for is not None and row["expires_at"] is not None:
            await StoreEntry.update({StoreEntry.expires_at: _expiry(renew_for)}).where(
                StoreEntry.key == self._key(key)
            )
        return bytes(row["value"])

    async def pop(self, key: str) -> bytes | None:
        """The value of ``key``, deleted by the same statement: of two callers, one gets it."""
        rows = (
            await StoreEntry.delete()
            .where(StoreEntry.key == self._key(key))
            .returning(StoreEntry.value, StoreEntry.expires_at)
        )
        if not rows:
            return None
        expires_at = rows[0]["expires_at"]
        if expires_at is not None and expires_at <= datetime.now(UTC):
            return None
        return bytes(rows[0]["value"])

    async def delete(self, key: str) -> None:
        await StoreEntry.delete().where(StoreEntry.key == self._key(key))

    async def delete_all(self) -> None:
        await StoreEntry.delete().where(StoreEntry.key.like(f"{self.namespace}:%"))

    async def delete_expired(self) -> None:
        """Remove every expired entry, of every namespace."""
        await StoreEntry.delete().where(StoreEntry.expires_at < datetime.now(UTC))

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def keys(self) -> list[str]:
        """The keys of this namespace not yet expired (its own names, without the prefix)."""
        prefix = self._key("")
        rows = await StoreEntry.select(StoreEntry.key, StoreEntry.expires_at).where(
            StoreEntry.key.like(f"{prefix}%")
        )
        now = datetime.now(UTC)
        return [
            row["key"][len(prefix) :]
            for row in rows
            if row["expires_at"] is None or row["expires_at"] > now
        ]

    async def delete_many(self, keys: list[str]) -> None:
        if keys:
            await StoreEntry.delete().where(StoreEntry.key.is_in([self._key(k) for k in keys]))

    async def expires_in(self, key: str) -> int | None:
        row = (
            await StoreEntry.select(StoreEntry.expires_at)
            .where(StoreEntry.key == self._key(key))
            .first()
        )
        if row is None or row["expires_at"] is None:
            return None
        return max(0, int((row["expires_at"] - datetime.now(UTC)).total_seconds()))
