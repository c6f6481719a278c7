"""The statements of a scan, written out once: the hot path of the day.

Every delegate passes the desk in about half an hour, several desks at once. Piccolo
builds each query anew from its column objects, which costs more Python than SQLite
spends running it; these statements are composed once, at import, from the
tables' own metadata (so a renamed column still renames them), and each scan only
binds its values. They run on both databases: Piccolo turns ``{}`` into ``?`` or
``$n``. ``tests/checkin/test_redeem.py`` counts them: at most three a scan (four for
an offline scan that meets an earlier check-in: the conflict is recorded too). On
PostgreSQL the claim, its log line and, when it fails, the lookup that explains why
are one statement (a data-modifying ``WITH``): a scan that checks someone in is one
round trip, a refused one two (the lookup, then its log line).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from piccolo.columns import Column
from piccolo.engine.postgres import PostgresEngine

from conference.tables import CheckInAttempt, CheckInConflict, Delegate, RevokedToken, ScanResult


def _name(column: Column) -> str:
    return f'"{column._meta.db_column_name}"'


def _names(*columns: Column) -> str:
    return ", ".join(_name(column) for column in columns)


SHOWN = (
    Delegate.id,
    Delegate.event,
    Delegate.honorific,
    Delegate.full_name,
    Delegate.position,
    Delegate.organization,
    Delegate.group_name,
    Delegate.seat,
    Delegate.notes,
    Delegate.protocol_rank,
    Delegate.notify_on_arrival,
    Delegate.checked_in_at,
    Delegate.checked_in_desk,
    Delegate.rsvp,
    Delegate.rsvp_note,
    Delegate.substitute_honorific,
    Delegate.substitute_name,
    Delegate.substitute_position,
)
"""What a scan tells the desk about the delegate (never e-mail or phone)."""

_DELEGATE = f'"{Delegate._meta.tablename}"'

_FOUND_COLUMNS = (*SHOWN, Delegate.token, Delegate.revoked_at, Delegate.checked_in_nonce)

# The once-only rule: only the first UPDATE finds checked_in_at still NULL.
_CLAIM = (
    f"UPDATE {_DELEGATE} SET {_name(Delegate.checked_in_at)} = {{}}, "
    f"{_name(Delegate.checked_in_desk)} = {{}}, {_name(Delegate.checked_in_by)} = {{}}, "
    f"{_name(Delegate.checked_in_nonce)} = {{}}, {_name(Delegate.updated_at)} = {{}} "
    f"WHERE {_name(Delegate.token)} = {{}} AND {_name(Delegate.event)} = {{}} "
    f"AND {_name(Delegate.checked_in_at)} IS NULL AND {_name(Delegate.revoked_at)} IS NULL "
    f"RETURNING {_names(*_FOUND_COLUMNS)}"
)

_FOUND = ", ".join(f"{_DELEGATE}.{_name(column)}" for column in _FOUND_COLUMNS)
_REVOKED = f'"{RevokedToken._meta.tablename}"'

# Why a claim failed: the delegate of the token it replaced (with when it was replaced),
# or the token's own delegate, or (``swapped``) the delegate of the token with its
# letters' case swapped, as a scanner types it with Caps Lock on; each branch a lookup
# by a unique index, at most one of them matching. The replaced branch comes first so
# that SQLite types ``replaced_at`` from its column (a compound SELECT takes its
# columns' declared types from the first one).
_FIND = (
    f"SELECT {_FOUND}, {_REVOKED}.{_name(RevokedToken.revoked_at)} AS replaced_at, "
    f"0 AS swapped FROM {_REVOKED} JOIN {_DELEGATE} "
    f"ON {_DELEGATE}.{_name(Delegate.id)} = {_REVOKED}.{_name(RevokedToken.delegate)} "
    f"WHERE {_REVOKED}.{_name(RevokedToken.token)} = {{}} "
    f"UNION ALL SELECT {_FOUND}, NULL, 0 FROM {_DELEGATE} "
    f"WHERE {_DELEGATE}.{_name(Delegate.token)} = {{}} "
    f"UNION ALL SELECT {_FOUND}, NULL, 1 FROM {_DELEGATE} "
    f"WHERE {_DELEGATE}.{_name(Delegate.token)} = {{}} LIMIT 1"
)

# A retried scan (the same nonce) is logged once: index check_in_attempt_once.
_LOGGED = (
    CheckInAttempt.event,
    CheckInAttempt.delegate,
    CheckInAttempt.scanned_text,
    CheckInAttempt.result,
    CheckInAttempt.desk,
    CheckInAttempt.user,
    CheckInAttempt.nonce,
    CheckInAttempt.at,
    CheckInAttempt.scanned_at,
    CheckInAttempt.offline,
)
_LOG_INTO = f'INSERT INTO "{CheckInAttempt._meta.tablename}" ({_names(*_LOGGED)}) '
_LOG = _LOG_INTO + "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}) ON CONFLICT DO NOTHING"

# PostgreSQL, in one statement: the claim; for the row it checked in, the log line; and
# when it checked nobody in, the lookup of ``_FIND``. ``checked_in_now`` tells which.
# The log's values are typed here (without a length: a cast would cut, not refuse):
# PostgreSQL cannot infer a parameter's type from a SELECT list.
_CLAIM_OR_FIND = (
    f"WITH claimed AS ({_CLAIM}), logged AS ({_LOG_INTO}SELECT "
    + ", ".join(
        "claimed." + _name(Delegate.id)
        if column is CheckInAttempt.delegate
        else f"CAST({{}} AS {column.column_type.split('(')[0]})"
        for column in _LOGGED
    )
    + " FROM claimed ON CONFLICT DO NOTHING) "
    "SELECT claimed.*, NULL AS replaced_at, 0 AS swapped, 1 AS checked_in_now FROM claimed "
    f"UNION ALL SELECT found.*, 0 FROM ({_FIND}) AS found "
    "WHERE NOT EXISTS (SELECT 1 FROM claimed) LIMIT 1"
)

# A conflict is recorded once per scan: its nonce is unique.
_CONFLICT = (
    f'INSERT INTO "{CheckInConflict._meta.tablename}" ('
    + _names(
        CheckInConflict.event,
        CheckInConflict.delegate,
        CheckInConflict.nonce,
        CheckInConflict.desk,
        CheckInConflict.user,
        CheckInConflict.scanned_at,
        CheckInConflict.first_checked_in_at,
        CheckInConflict.first_desk,
        CheckInConflict.recorded_at,
    )
    + ") VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}) ON CONFLICT DO NOTHING"
)


@dataclass(frozen=True)
class Attempt:
    """One scan as the log keeps it, whatever its result."""

    event_id: int
    scanned: str  # what the scanner read, cut to LOGGED_TEXT
    desk: str
    user_id: int | None
    nonce: str | None
    at: datetime  # when the server received it
    scanned_at: datetime | None = None  # when the desk made it, if it said
    offline: bool = False

    def values(self, result: ScanResult, delegate_id: int | None) -> tuple[Any, ...]:
        """The log line's values, in the order of ``_LOGGED``."""
        return (
            self.event_id,
            delegate_id,
            self.scanned,
            result.value,
            self.desk,
            self.user_id,
            self.nonce,
            self.at,
            self.scanned_at,
            self.offline,
        )


async def claim_or_find(
    token: str, *, arrived_at: datetime, attempt: Attempt
) -> tuple[bool, dict[str, Any] | None]:
    """Check in the delegate holding ``token`` unless already checked in.

    Returns (True, their row) when it did, ``attempt`` logged as ``ok`` with it; else
    (False, what ``find`` says of the token), with nothing logged: the caller logs why
    not. ``arrived_at`` is the arrival time (the scan's); the row's ``updated_at`` is
    the server's now, which the desks' incremental snapshot reads.
    """
    claimed = (
        arrived_at,
        attempt.desk,
        attempt.user_id,
        attempt.nonce,
        datetime.now(UTC),
        token,
        attempt.event_id,
    )
    if not isinstance(Delegate._meta.db, PostgresEngine):
        rows = await Delegate.raw(_CLAIM, *claimed)
        if rows:
            await log_attempt(attempt, ScanResult.ok, rows[0]["id"])
            return True, rows[0]
        return False, await find(token)
    # Every value of the log line but the delegate's id, which is the claimed row's.
    logged = (
        value
        for column, value in zip(_LOGGED, attempt.values(ScanResult.ok, None), strict=True)
        if column is not CheckInAttempt.delegate
    )
    rows = await Delegate.raw(_CLAIM_OR_FIND, *claimed, *logged, token, token, token.swapcase())
    row = rows[0] if rows else None
    if row is not None and row.pop("checked_in_now"):
        return True, row
    if _lost_a_race(row, token, attempt.event_id):
        # The lookup saw the database as the statement began: a desk that checked this
        # delegate in meanwhile (the claim waited for it) is seen by a lookup of its own.
        row = await find(token)
    return False, row


def _lost_a_race(row: dict[str, Any] | None, token: str, event_id: int) -> bool:
    """Whether ``row`` is a delegate the claim should have checked in: it failed only
    because another desk changed them while it ran."""
    return (
        row is not None
        and not row["swapped"]
        and row["token"] == token
        and row["event"] == event_id
        and row["checked_in_at"] is None
        and row["revoked_at"] is None
    )


async def find(token: str) -> dict[str, Any] | None:
    """The delegate ``token`` belongs to or belonged to, in any event; None when unknown.

    ``replaced_at`` is when the token was replaced by a new one (None: it is theirs);
    ``swapped`` (1) means only the token with its letters' case swapped is known.
    """
    rows = await Delegate.raw(_FIND, token, token, token.swapcase())
    return rows[0] if rows else None


async def log_attempt(attempt: Attempt, result: ScanResult, delegate_id: int | None) -> None:
    """Log ``attempt`` with its ``result`` and the delegate it showed (once a nonce)."""
    await CheckInAttempt.raw(_LOG, *attempt.values(result, delegate_id))


async def record_conflict(
    delegate: dict[str, Any], attempt: Attempt, *, scanned_at: datetime
) -> None:
    """Record that ``attempt``, made offline at ``scanned_at``, admitted ``delegate`` after
    their check-in (once a nonce)."""
    await CheckInConflict.raw(
        _CONFLICT,
        attempt.event_id,
        delegate["id"],
        attempt.nonce,
        attempt.desk,
        attempt.user_id,
        scanned_at,
        delegate["checked_in_at"],
        delegate["checked_in_desk"],
        datetime.now(UTC),
    )
