"""Protocol order (thứ tự lễ tân) and the delegate picker, written once for every list.

Ranked delegates come first, by rank (1 is the highest); everyone else follows in
Vietnamese name order (given name, middle names, family name, in Vietnamese collation:
``conference.text.name_sort_key``); two delegates
alike in both keep the order they were entered in (``id``), so no list shuffles them
from one reload to the next. ``ORDER_BY`` says it to the database, ``sort_key`` to
Python for rows already in memory, and the two agree: ``name_sort_key`` is compared by
code point on both engines (SQLite's binary collation; the "C" collation the column
has on PostgreSQL, whatever the database's locale), which is why the collation is a
key written with the name rather than the database's own. The ``delegate_search`` index is
in this very order, so a picker with a limit walks it and stops early.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from piccolo.columns import Column
from piccolo.query import OrderByRaw

from conference.database import insert_values
from conference.tables import Delegate
from conference.text import fold

ORDER_BY: tuple[Any, ...] = (
    OrderByRaw("protocol_rank IS NULL"),
    Delegate.protocol_rank,
    Delegate.name_sort_key,
    Delegate.id,
)
"""Protocol order for ``.order_by(*ORDER_BY)``: the ``delegate_search`` index's columns."""


PICKER_COLUMNS: tuple[Column, ...] = (
    Delegate.id,
    Delegate.full_name,
    Delegate.honorific,
    Delegate.position,
    Delegate.organization,
    Delegate.protocol_rank,
)
"""What a picker shows of a delegate to choose them by (never e-mail or phone)."""


def rank_key(rank: int | None) -> tuple[bool, int]:
    """The rank part of protocol order: ranked first, 1 the highest, the unranked after."""
    return (rank is None, rank or 0)


def sort_key(delegate: Mapping[str, Any]) -> tuple[bool, int, str, int]:
    """Protocol order for a delegate row in memory: the same order as ``ORDER_BY``.

    The row needs ``protocol_rank``, ``name_sort_key`` and ``id``.
    """
    return (*rank_key(delegate["protocol_rank"]), delegate["name_sort_key"], delegate["id"])


# LIKE wildcards mean nothing in a name; SQLite has no default escape character,
# so they are dropped rather than escaped.
_LIKE_SPECIAL = str.maketrans("", "", "%_\\")


# What a search reads of a query: enough for a full name and an organization, and no
# more (200 words made a condition too deep for the query builder).
MAX_SEARCH_CHARACTERS = 200
MAX_SEARCH_WORDS = 8


def search_words(query: str) -> list[str]:
    """The folded words of ``query`` a search looks for ("Nguyễn  VĂN" → nguyen, van):
    of its first MAX_SEARCH_CHARACTERS characters, the first MAX_SEARCH_WORDS words."""
    words = fold(query[:MAX_SEARCH_CHARACTERS]).translate(_LIKE_SPECIAL).split()
    return words[:MAX_SEARCH_WORDS]


def search_condition(query: str) -> Any:
    """Each folded word of ``query`` must appear in the delegate's search key; None: no words.

    Case and diacritics do not matter: "nguyen" finds "Nguyễn", "duc" finds "Đức".
    """
    condition: Any = None
    for word in search_words(query):
        clause = Delegate.search_key.like(f"%{word}%")
        condition = clause if condition is None else condition & clause
    return condition


# At most this many trigram candidates are sorted in protocol order; more, and the
# ordered index walk finds a screenful sooner.
TRIGRAM_CANDIDATES = 200
# Trigram indexes need three letters to narrow anything.
_TRIGRAM = 3


async def _trigram_candidates(words: list[str]) -> list[int] | None:
    """Delegates (of any event) whose search key holds every word of three letters or
    more, found by SQLite's trigram table (``delegate_trigram``); None: more than
    ``TRIGRAM_CANDIDATES``, or no such word, or PostgreSQL, whose planner weighs its
    own trigram index against the ordered walk.

    They may still miss a shorter word of the query or be of another event: the
    caller keeps every condition.
    """
    long_words = [word for word in words if len(word) >= _TRIGRAM]
    if not long_words or Delegate._meta.db.engine_type != "sqlite":
        return None
    # A quoted phrase of the trigram tokenizer is a substring, as LIKE '%word%' is;
    # read in the index's order, it stops at the limit.
    phrases = " AND ".join('"' + word.replace('"', '""') + '"' for word in long_words)
    rows = await Delegate.raw(
        "SELECT rowid AS id FROM delegate_trigram WHERE delegate_trigram MATCH {} LIMIT {}",
        phrases,
        TRIGRAM_CANDIDATES + 1,
    )
    if len(rows) > TRIGRAM_CANDIDATES:
        return None
    return [row["id"] for row in rows]


# From this many new delegates on, SQLite's trigram table is written once for all of them.
BULK_TRIGRAMS = 100


async def insert_delegates(rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Insert new delegates (``database.insert_values`` rows); their ids, in order.

    On SQLite the trigram table (``delegate_trigram``) is kept by a trigger a row: for
    10,000 rows that was 0.7 s of the import, against 0.1 s for one INSERT … SELECT
    of them all. So a large insert drops the trigger, inserts, indexes the new rows
    at once and creates the trigger again as it was (its SQL read back from the
    schema), all in one transaction: no other writer can come between (SQLite has
    one writer at a time), readers see the old schema until the commit, and an error
    rolls the trigger back with the rows.
    """
    engine = Delegate._meta.db
    if engine.engine_type != "sqlite" or len(rows) < BULK_TRIGRAMS:
        inserted = await insert_values(Delegate, rows, returning=Delegate.id)
        return [row["id"] for row in inserted]
    async with engine.transaction():
        [trigger] = await Delegate.raw(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = {}", _TRIGRAM_INSERT
        )
        await engine.run_ddl(f"DROP TRIGGER {_TRIGRAM_INSERT}")
        inserted = await insert_values(Delegate, rows, returning=Delegate.id)
        ids = [row["id"] for row in inserted]
        await Delegate.raw(
            "INSERT INTO delegate_trigram (rowid, search_key) SELECT id, search_key "
            "FROM delegate WHERE id IN (SELECT value FROM json_each({}))",
            json.dumps(ids),
        )
        await engine.run_ddl(trigger["sql"])
    return ids


_TRIGRAM_INSERT = "delegate_trigram_insert"


async def pick_delegates(
    event_id: int,
    query: str = "",
    *,
    columns: Iterable[Column] = PICKER_COLUMNS,
    limit: int | None = None,
    include_withdrawn: bool,
) -> list[dict[str, Any]]:
    """The event's delegates matching ``query``, in protocol order.

    ``query`` is matched word by word ignoring case and diacritics (empty: everyone);
    at most ``limit`` rows come back (None: all), each with ``columns`` only (by
    default what a picker shows).
    ``include_withdrawn`` keeps delegates whose invitation was withdrawn.

    With a limit, a query few delegates match is answered from the trigram index
    (``_trigram_candidates``; on PostgreSQL the planner's own choice) without reading
    the others; otherwise the inner select walks the ``delegate_search`` index (in
    protocol order, holding the search key) and stops at ``limit`` matches. Either way
    only the rows picked are read.
    """
    condition: Any = Delegate.event == event_id
    words = search_condition(query)
    if words is not None:
        condition = condition & words
    if not include_withdrawn:
        condition = condition & Delegate.revoked_at.is_null()
    chosen = Delegate.select(*columns)
    if limit is None:
        return await chosen.where(condition).order_by(*ORDER_BY)
    candidates = await _trigram_candidates(search_words(query))
    if candidates is not None:
        if not candidates:
            return []
        condition = condition & Delegate.id.is_in(candidates)
    matches = Delegate.select(Delegate.id).where(condition).order_by(*ORDER_BY).limit(limit)
    return await chosen.where(Delegate.id.is_in(matches)).order_by(*ORDER_BY)
