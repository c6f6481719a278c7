"""The statements of a scan, written out once: the hot path of the day.

Every delegate passes the desk in about half an hour, several desks at once. Piccolo
builds each query anew from its column objects, which costs more Python than SQLite
spends running it; these statements are composed once, at import, from the
tables' own metadata (so a renamed column still renames them), and each scan only
binds its values. They run on both databases: Piccolo turns ``{}`` into ``?`` or
``$n``. ``tests/checkin/test_redeem.py`` counts them: at most three a scan (four for
an offline scan that meets an earlier check-in: the conflict is recorded too).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from piccolo.columns import Column

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

# The once-only rule: only the first UPDATE finds checked_in_at still NULL.
_CLAIM = (
    f"UPDATE {_DELEGATE} SET {_name(Delegate.checked_in_at)} = {{}}, "
    f"{_name(Delegate.checked_in_desk)} = {{}}, {_name(Delegate.checked_in_by)} = {{}}, "
    f"{_name(Delegate.checked_in_nonce)} = {{}}, {_name(Delegate.updated_at)} = {{}} "
    f"WHERE {_name(Delegate.token)} = {{}} AND {_name(Delegate.event)} = {{}} "
    f"AND {_name(Delegate.checked_in_at)} IS NULL AND {_name(Delegate.revoked_at)} IS NULL "
    f"RETURNING {_names(*SHOWN)}"
)

_FOUND_COLUMNS = (*SHOWN, Delegate.token, Delegate.revoked_at, Delegate.checked_in_nonce)
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
_LOG = (
    f'INSERT INTO "{CheckInAttempt._meta.tablename}" '
    f"({_names(CheckInAttempt.event, CheckInAttempt.delegate, CheckInAttempt.scanned_text)}, "
    f"{_names(CheckInAttempt.result, CheckInAttempt.desk, CheckInAttempt.user)}, "
    f"{_names(CheckInAttempt.nonce, CheckInAttempt.at)}, "
    f"{_names(CheckInAttempt.scanned_at, CheckInAttempt.offline)}) "
    "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}) ON CONFLICT DO NOTHING"
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


async def claim(
    event_id: int,
    token: str,
    *,
    at: datetime,
    desk: str,
    user_id: int | None,
    nonce: str | None,
) -> dict[str, Any] | None:
    """Check in the delegate holding ``token`` unless already checked in; their row, or None.

    ``at`` is the arrival time (the scan's); the row's ``updated_at`` is the server's
    now, which the desks' incremental snapshot reads.
    """
    rows = await Delegate.raw(_CLAIM, at, desk, user_id, nonce, datetime.now(UTC), token, event_id)
    return rows[0] if rows else None


async def find(token: str) -> dict[str, Any] | None:
    """The delegate ``token`` belongs to or belonged to, in any event; None when unknown.

    ``replaced_at`` is when the token was replaced by a new one (None: it is theirs);
    ``swapped`` (1) means only the token with its letters' case swapped is known.
    """
    rows = await Delegate.raw(_FIND, token, token, token.swapcase())
    return rows[0] if rows else None


async def log_attempt(
    event_id: int,
    delegate_id: int | None,
    *,
    scanned: str,
    result: ScanResult,
    desk: str,
    user_id: int | None,
    nonce: str | None,
    at: datetime,
    scanned_at: datetime | None = None,
    offline: bool = False,
) -> None:
    await CheckInAttempt.raw(
        _LOG,
        event_id,
        delegate_id,
        scanned,
        result.value,
        desk,
        user_id,
        nonce,
        at,
        scanned_at,
        offline,
    )


async def record_conflict(
    event_id: int,
    delegate: dict[str, Any],
    *,
    nonce: str | None,
    desk: str,
    user_id: int | None,
    scanned_at: datetime,
) -> None:
    """Record that a desk admitted ``delegate`` offline after their check-in (once a nonce)."""
    await CheckInConflict.raw(
        _CONFLICT,
        event_id,
        delegate["id"],
        nonce,
        desk,
        user_id,
        scanned_at,
        delegate["checked_in_at"],
        delegate["checked_in_desk"],
        datetime.now(UTC),
    )
