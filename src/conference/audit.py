"""The audit log: one call records who did what to which thing."""

from __future__ import annotations

from typing import Any

from conference.actors import Actor
from conference.tables import AuditEntry


async def record(
    action: str,
    *,
    by: Actor | None = None,
    event_id: int | None = None,
    target: str = "",
    **details: Any,
) -> None:
    """Append an entry; ``by`` is the acting user (or None for the system or the CLI)."""
    await AuditEntry(
        user=getattr(by, "id", None),
        event=event_id,
        action=action,
        target=target[:255],
        details=details,
    ).save()
