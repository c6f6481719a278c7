"""Shared by the run sheet's modules: errors, UNSET, durations, transactions, publishing."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

import asyncpg
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from conference import live
from conference.errors import Conflict
from conference.tables import AwardRecipient, Cue

ANNOUNCEMENT_S = 45
BATCH_BASE_S = 30  # walking up, the presenter's greeting
PER_RECIPIENT_S = 15
PHOTO_S = 30
CUSTOM_S = 300
MAX_DURATION_S = 4 * 3600


class StaleMove(Conflict):
    """The live cue is no longer the one the move started from, or cannot move that way."""

    code = "stale"


class RunSheetEnd(Conflict):
    """Nothing to move to: past the last cue, before the first, or no run sheet."""

    code = "runsheet_end"


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


# ``expected`` not given: the move is not conditional (None means "nothing live").
UNSET: Any = _Unset()


def batch_duration_s(recipients: int, *, photo: bool = True) -> int:
    return BATCH_BASE_S + PER_RECIPIENT_S * recipients + (PHOTO_S if photo else 0)


def _transaction() -> Any:
    # SQLite: take the write lock at BEGIN. A deferred transaction that reads first
    # cannot wait for the lock when another writer got in between; it fails at once.
    db = Cue._meta.db
    if isinstance(db, SQLiteEngine):
        return db.transaction(transaction_type=TransactionType.immediate)
    return db.transaction()


def _publish(event_id: int, change: str, **data: Any) -> None:
    live.publish(event_id, "cue", {"change": change, **data})


async def _place(cue_id: int, recipient_ids: Sequence[int]) -> None:
    """Put recipients in a batch, in this order from the left of the stage."""
    for order, recipient_id in enumerate(recipient_ids, start=1):
        await AwardRecipient.update(
            {AwardRecipient.cue: cue_id, AwardRecipient.cue_position: order}
        ).where(AwardRecipient.id == recipient_id)


def _is_unique_violation(error: Exception) -> bool:
    if isinstance(error, asyncpg.UniqueViolationError):
        return True
    return isinstance(error, sqlite3.IntegrityError) and "UNIQUE" in str(error)
