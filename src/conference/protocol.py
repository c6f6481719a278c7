"""Protocol order (thứ tự lễ tân) and the delegate picker, written once for every list.

Ranked delegates come first, by rank (1 is the highest); everyone else follows in
Vietnamese name order (given name, middle names, family name, folded); two delegates
alike in both keep the order they were entered in (``id``), so no list shuffles them
from one reload to the next. ``ORDER_BY`` says it to the database, ``sort_key`` to
Python for rows already in memory, and the two agree: ``name_sort_key`` is compared by
code point on both engines (SQLite's binary collation; the "C" collation the column
has on PostgreSQL, whatever the database's locale). The ``delegate_search`` index is
in this very order, so a picker with a limit walks it and stops early.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from piccolo.columns import Column
from piccolo.query import OrderByRaw

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


async def pick_delegates(
    event_id: int,
    query: str = "",
    *,
    columns: Iterable[Column] = PICKER_COLUMNS,
    limit: int | None = None,
    include_withdrawn: bool,
) -> list[dict[str, Any]]:
    """The event's delegates matching ``query``, in protocol order: one query.

    ``query`` is matched word by word ignoring case and diacritics (empty: everyone);
    at most ``limit`` rows come back (None: all), each with ``columns`` only (by
    default what a picker shows).
    ``include_withdrawn`` keeps delegates whose invitation was withdrawn.

    With a limit, the inner select walks the ``delegate_search`` index (in protocol
    order, holding the search key) and stops at ``limit`` matches; only the rows it
    picks are read.
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
    matches = Delegate.select(Delegate.id).where(condition).order_by(*ORDER_BY).limit(limit)
    return await chosen.where(Delegate.id.is_in(matches)).order_by(*ORDER_BY)
