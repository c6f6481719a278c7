"""The limits of what a text or number field takes, declared once: the database's own.

A ``Varchar`` column's length is its limit; a ``Text`` column has ``TEXT_LIMIT`` unless
it is named in ``LONG_TEXT`` (wording, scripts, citations) or is written by the program
itself (``DERIVED``). Integer columns take what PostgreSQL's ``integer`` takes. No text
takes NUL or another control character except tab and line breaks.

SQLite enforces none of this (a 1 MB string fits its ``varchar(32)``) and PostgreSQL
answers a violation with an error that would be a 500, so every write is checked here,
before the query is built: ``guard_writes`` wraps each table's ``insert`` and ``update``,
the two doors every row goes through (``save()`` and ``objects().create()`` use them).
A value over its limit is an ``InvalidInput`` naming the column and the limit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from piccolo.columns import BigInt, Column, ForeignKey, Integer, Serial, SmallInt, Text, Varchar
from piccolo.table import Table

from conference.errors import N_, InvalidInput
from conference.i18n import gettext
from conference.tables import (
    AwardRecipient,
    CheckInAttempt,
    Cue,
    Delegate,
    Event,
    Introduction,
    InvitationDelivery,
    ProgrammeItem,
    User,
)

TEXT_LIMIT = 2_000
LONG_TEXT_LIMIT = 50_000


def _key(column: Column) -> tuple[str, str]:
    # A column compares by building a WHERE clause and hashes by its bare name: sets of
    # columns would mix up tables, so they are kept by table and name.
    return (column._meta.table._meta.tablename, column._meta.name)


# Paragraphs people write: the invitation's wording, scripts, citations, notes.
LONG_TEXT = frozenset(
    _key(column)
    for column in (
        Event.invitation_body,
        Event.recipients_note,
        Delegate.notes,
        ProgrammeItem.description,
        Cue.script,
        AwardRecipient.citation,
        Introduction.script,
    )
)
# Written by the program from checked values (a hash, folded keys, an error's text).
DERIVED = frozenset(
    _key(column)
    for column in (
        User.password_hash,
        Delegate.search_key,
        Delegate.name_sort_key,
        InvitationDelivery.last_error,
        CheckInAttempt.scanned_text,
    )
)
SMALLINT_RANGE = range(-(2**15), 2**15)
INTEGER_RANGE = range(-(2**31), 2**31)
BIGINT_RANGE = range(-(2**63), 2**63)
# C0 controls but tab, line feed and carriage return; DEL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# What a refusal calls a column, by its name (others are called by their name).
FIELD_LABELS = {
    "full_name": N_("full name"),
    "honorific": N_("honorific"),
    "position": N_("position"),
    "organization": N_("organization"),
    "email": N_("e-mail"),
    "phone": N_("phone"),
    "group_name": N_("group"),
    "seat": N_("seat"),
    "notes": N_("notes"),
    "code": N_("code"),
    "rsvp_note": N_("note to the organizers"),
    "title": N_("title"),
    "name": N_("name"),
    "desk": N_("desk"),
    "checked_in_desk": N_("desk"),
    "nonce": N_("scan id"),
    "checked_in_nonce": N_("scan id"),
    "label": N_("label"),
    "venue": N_("venue"),
    "address": N_("address"),
    "organizer_name": N_("organizing body"),
    "co_organizer_name": N_("co-organizer"),
    "signer_name": N_("signer"),
    "signer_title": N_("signer's title"),
    "document_number": N_("document number"),
    "parent_agency": N_("parent agency"),
    "place_of_issue": N_("place of issue"),
    "recipients_note": N_("recipients"),
    "invitation_subject": N_("invitation subject"),
    "invitation_body": N_("invitation wording"),
    "room": N_("room"),
    "description": N_("description"),
    "decision_number": N_("decision number"),
    "issuer": N_("issuer"),
    "script": N_("script"),
    "citation": N_("citation"),
    "stand_in_name": N_("stand-in"),
    "representative_name": N_("representative"),
    "stands_in_for": N_("standing in for"),
    "reserved_for": N_("reserved for"),
    "block": N_("block"),
    "row": N_("row"),
    "username": N_("username"),
    "display_name": N_("display name"),
    "protocol_rank": N_("protocol rank"),
}


class FieldName:
    """A column's name in a refusal, translated when the message is put together (in the
    language of the request that shows it)."""

    def __init__(self, column: Column) -> None:
        self.name = column._meta.name

    def __str__(self) -> str:
        label = FIELD_LABELS.get(self.name)
        return gettext(label) if label else self.name


def max_length(column: Column) -> int | None:
    """How many characters ``column`` takes; None for a column that holds no text."""
    if isinstance(column, Varchar):
        return column.length or TEXT_LIMIT
    if isinstance(column, Text):
        return LONG_TEXT_LIMIT if _key(column) in LONG_TEXT else TEXT_LIMIT
    return None


def limit_of(column: Column) -> int:
    """``max_length`` of a text column, for a schema's ``max_length`` (TypeError for others)."""
    limit = max_length(column)
    if limit is None:
        raise TypeError(f"{column._meta.name} holds no text")
    return limit


def has_control_characters(text: str) -> bool:
    """Whether ``text`` holds NUL or another control character (tab and line breaks pass)."""
    return CONTROL_CHARACTERS.search(text) is not None


def check_text(column: Column, value: str) -> None:
    """Raise InvalidInput when ``value`` does not fit ``column`` (too long, a control character)."""
    field = FieldName(column)
    if has_control_characters(value):
        raise InvalidInput(
            N_("The field “%(field)s” contains a control character; remove it and try again."),
            code="control_character",
            field=field,
        )
    limit = max_length(column)
    if limit is not None and len(value) > limit:
        raise InvalidInput(
            N_("The field “%(field)s” is too long: at most %(limit)s characters."),
            code="too_long",
            field=field,
            limit=limit,
        )


def check_number(column: Column, value: int) -> None:
    """Raise InvalidInput when ``value`` is outside what the integer ``column`` takes."""
    allowed = (
        BIGINT_RANGE
        if isinstance(column, BigInt)
        else SMALLINT_RANGE
        if isinstance(column, SmallInt)
        else INTEGER_RANGE
    )
    if value not in allowed:
        raise InvalidInput(
            N_("The number in the field “%(field)s” is out of range."),
            code="number_out_of_range",
            field=FieldName(column),
        )


_NUMBERS = (Integer, Serial, ForeignKey)


def check_value(column: Column, value: object) -> None:
    """Raise InvalidInput unless ``value`` fits ``column``; values of other kinds pass."""
    if isinstance(value, str):
        if _key(column) not in DERIVED:
            check_text(column, value)
    elif isinstance(value, int) and not isinstance(value, bool) and isinstance(column, _NUMBERS):
        check_number(column, value)


def check_values(table: type[Table], values: Mapping[Column | str, Any]) -> None:
    """Check each value of an update (keyed by column or column name) against its column."""
    for key, value in values.items():
        column = key if isinstance(key, Column) else table._meta.get_column_by_name(key)
        check_value(column, value)


def check_row(row: Table) -> None:
    """Check each column's value of a row about to be inserted."""
    for column in row._meta.columns:
        check_value(column, getattr(row, column._meta.name, None))


def values_checker(table: type[Table], names: Sequence[str]) -> Callable[[Sequence[Any]], None]:
    """A check of many rows' values (each in the order of ``names``), as ``check_value``
    checks one: each column's limit is looked up once, not once a value, so a bulk
    insert of 10,000 rows checks them in milliseconds. Raises as ``check_value``."""
    columns = [table._meta.get_column_by_name(name) for name in names]
    texts = [
        (i, column, max_length(column) or LONG_TEXT_LIMIT)
        for i, column in enumerate(columns)
        if _key(column) not in DERIVED
    ]
    numbers = [(i, column) for i, column in enumerate(columns) if isinstance(column, _NUMBERS)]
    control = CONTROL_CHARACTERS.search

    def check(values: Sequence[Any]) -> None:
        for i, column, limit in texts:
            value = values[i]
            if isinstance(value, str) and (len(value) > limit or control(value)):
                check_text(column, value)
        for i, column in numbers:
            value = values[i]
            if isinstance(value, int) and not isinstance(value, bool):
                check_number(column, value)

    return check


def _guard(table: type[Table]) -> None:
    insert, update = table.insert, table.update  # bound to ``table``

    def checked_insert(cls: type[Table], *rows: Table) -> Any:
        for row in rows:
            check_row(row)
        return insert(*rows)

    def checked_update(
        cls: type[Table], values: dict[Column | str, Any] | None = None, *args: Any, **kw: Any
    ) -> Any:
        check_values(cls, values or {})
        names = {column._meta.name for column in cls._meta.columns}
        check_values(cls, {k: v for k, v in kw.items() if k in names})
        return update(values, *args, **kw)

    setattr(table, "insert", classmethod(checked_insert))  # noqa: B010 - a method replaced
    setattr(table, "update", classmethod(checked_update))  # noqa: B010


_guarded: set[type[Table]] = set()


def guard_writes(tables: Iterable[type[Table]]) -> None:
    """Make every insert and update of ``tables`` check its values first (once per table)."""
    for table in tables:
        if table not in _guarded:
            _guard(table)
            _guarded.add(table)
