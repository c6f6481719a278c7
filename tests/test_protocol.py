"""Protocol order (thứ tự lễ tân) is one order: every list of delegates agrees, on both engines."""

from __future__ import annotations

import importlib
from datetime import UTC, date, datetime, time

import pytest

from conference import protocol
from conference.checkin.services import arrivals
from conference.events import get_event
from conference.invitations import DelegateInput, add_delegates
from conference.invitations.services import DelegateFilter, list_delegates, search_delegates
from conference.program.agenda.services import speaker_choices
from conference.program.awards import award_delegate_choices
from conference.tables import Delegate, DelegateSource, Event
from conference.text import fold, name_sort_key

# Entered in this order (so ids rise down the list). Equal ranks, equal names and
# names equal but for their marks, where the family name, the full name and the
# given name each give another order.
ENTERED = [
    ("Nguyễn Văn Tùng", 1),
    ("Phạm Thị Hà", 1),
    ("Lê Văn Hùng", 2),  # the first of two namesakes of the same rank
    ("Lê Văn Hùng", 2),
    ("Trần Anh", None),
    ("Nguyễn Văn Ân", None),  # entered first, shown after: a before â
    ("Nguyễn Văn An", None),
    ("Đặng Thị Đông", None),
    ("Bùi Minh Anh", None),
]

# Ranked first by rank; then given name, middle names, family name in Vietnamese
# collation (An, Anh, then Ân: a before â; Đ after every D); the namesakes as entered.
PROTOCOL_ORDER = [
    "Phạm Thị Hà",
    "Nguyễn Văn Tùng",
    "Lê Văn Hùng",
    "Lê Văn Hùng",
    "Nguyễn Văn An",
    "Bùi Minh Anh",
    "Trần Anh",
    "Nguyễn Văn Ân",
    "Đặng Thị Đông",
]


@pytest.fixture
async def event(db) -> dict:
    row = Event(
        slug="hn-2022",
        title="Hội nghị tổng kết",
        venue="Hội trường tầng 3",
        date=date(2022, 9, 12),
        starts_at=time(7, 30),
        ends_at=time(11, 30),
    )
    await row.save()
    ids = await add_delegates(
        row.id,
        [
            DelegateInput(
                full_name=name,
                protocol_rank=rank,
                position="Giám đốc",
                organization="Sở Xây dựng Hà Nội",
            )
            for name, rank in ENTERED
        ],
        source=DelegateSource.manual,
    )
    # Every one a VIP the arrivals page waits for, ranked or not.
    await Delegate.update({Delegate.notify_on_arrival: True}).where(Delegate.event == row.id)
    event = await get_event("hn-2022")
    event["delegate_ids"] = ids
    return event


async def test_every_list_shows_equal_ranks_and_the_unranked_in_one_order(event):
    namesakes = event["delegate_ids"][2:4]
    vips = (await arrivals(event)).vips_waiting
    speakers = await speaker_choices(event["id"], "so xay dung")
    presenters = await award_delegate_choices(event["id"])
    delegate_list = (await list_delegates(event["id"], DelegateFilter())).rows
    desk_search = await search_delegates(event["id"], "giam doc", limit=20)
    for shown in (vips, speakers, presenters, delegate_list, desk_search):
        assert [d["full_name"] for d in shown] == PROTOCOL_ORDER
        assert [d["id"] for d in shown][2:4] == namesakes


# Unranked names that differ only by a, ă, â and by tone, and by D and Đ: in
# Vietnamese order, letters first (a ă â b c d đ …), tones after (ngang, huyền, hỏi,
# ngã, sắc, nặng).
VIETNAMESE_ORDER = [
    "Nguyễn Dương",
    "Trần Đào",
    "Lê Thanh",
    "Lê Thành",
    "Lê Thạnh",
    "Lê Thăng",
    "Lê Thắng",
    "Lê Thân",
    "Lê Thận",
]


async def test_lists_sorted_by_name_follow_the_vietnamese_alphabet_and_tones(event):
    names = [DelegateInput(full_name=name) for name in reversed(VIETNAMESE_ORDER)]
    await add_delegates(event["id"], names, source=DelegateSource.manual)
    ranked = len([rank for _, rank in ENTERED if rank is not None])
    by_name = await list_delegates(event["id"], DelegateFilter(order="name"))
    in_order = [d["full_name"] for d in by_name.rows if d["full_name"] in VIETNAMESE_ORDER]
    assert in_order == VIETNAMESE_ORDER
    protocol_list = (await list_delegates(event["id"], DelegateFilter())).rows
    unranked = [d["full_name"] for d in protocol_list[ranked:]]
    assert [n for n in unranked if n in VIETNAMESE_ORDER] == VIETNAMESE_ORDER
    assert [d["full_name"] for d in await search_delegates(event["id"], "th", limit=20)] == [
        n for n in [d["full_name"] for d in protocol_list] if "th" in fold(n)
    ]


async def test_the_migration_writes_every_stored_sort_key_again(event):
    migration = importlib.import_module(
        "conference.piccolo_migrations.conference_2026_12_03t19_20_00_000000"
    )
    await Delegate.update({Delegate.name_sort_key: "stale"}, force=True)
    await migration._rewrite(name_sort_key)
    rows = await Delegate.select(Delegate.full_name, Delegate.name_sort_key)
    assert rows and all(r["name_sort_key"] == name_sort_key(r["full_name"]) for r in rows)


async def test_a_limited_pick_is_the_first_rows_of_the_whole_order(event):
    # With a limit the picker walks the index and stops: it must stop at the same rows.
    for limit in range(1, len(ENTERED) + 1):
        picked = await speaker_choices(event["id"], "giam doc", limit=limit)
        assert [d["full_name"] for d in picked] == PROTOCOL_ORDER[:limit]


async def test_sorting_in_memory_gives_the_databases_order(event):
    more = [
        DelegateInput(full_name=name, protocol_rank=rank)
        for name, rank in [
            ("Vũ Anh Tuấn", 3),
            ("Vũ Anh Tuấn", None),
            ("Hoàng  Cao Thắng", 3),
            ("Ngô Thị Hương", 10),
            ("Ngô Hương", None),
            ("Lê An", None),
            ("Lê Ánh", None),
            ("Trịnh Thị Ánh Dương", None),
            ("Ông Ích Khiêm", None),
            ("Mai", None),  # one word: the given name alone
        ]
    ]
    await add_delegates(event["id"], more, source=DelegateSource.manual)
    columns = (Delegate.id, Delegate.full_name, Delegate.protocol_rank, Delegate.name_sort_key)
    in_database = await Delegate.select(*columns).order_by(*protocol.ORDER_BY)
    shuffled = sorted(in_database, key=lambda row: row["full_name"], reverse=True)
    assert sorted(shuffled, key=protocol.sort_key) == in_database
    assert await protocol.pick_delegates(
        event["id"], columns=columns, include_withdrawn=True
    ) == sorted(shuffled, key=protocol.sort_key)


async def test_the_database_walks_the_search_index_in_protocol_order_without_sorting(event, db):
    inner = (
        Delegate.select(Delegate.id)
        .where((Delegate.event == event["id"]) & protocol.search_condition("giam doc"))
        .order_by(*protocol.ORDER_BY)
        .limit(5)
    )
    if db.name == "sqlite":
        plan = " / ".join(
            row["detail"] for row in await Delegate.raw(f"EXPLAIN QUERY PLAN {inner}")
        )
        assert "INDEX delegate_search" in plan and "TEMP B-TREE" not in plan, plan
        return
    # A few rows: PostgreSQL would rather read the table; forbid that to see what it can do.
    async with Delegate._meta.db.transaction():
        await Delegate.raw("SET LOCAL enable_seqscan = off")
        await Delegate.raw("SET LOCAL enable_sort = off")
        plan = " / ".join(row["QUERY PLAN"] for row in await Delegate.raw(f"EXPLAIN {inner}"))
    assert "Index Only Scan using delegate_search" in plan and "Sort" not in plan, plan
    # And it compares the folded names by code point, as Python does, whatever the locale.
    collation = await Delegate.raw(
        "SELECT collation_name FROM information_schema.columns "
        "WHERE table_name = 'delegate' AND column_name = 'name_sort_key'"
    )
    assert collation == [{"collation_name": "C"}]


async def test_folded_search_finds_nguyen_by_nguyen(event):
    columns = (Delegate.full_name,)

    async def found(query: str) -> list[str]:
        rows = await protocol.pick_delegates(
            event["id"], query, columns=columns, include_withdrawn=True
        )
        return [row["full_name"] for row in rows]

    nguyens = ["Nguyễn Văn Tùng", "Nguyễn Văn An", "Nguyễn Văn Ân"]
    assert await found("nguyen") == nguyens
    assert await found("NGUYỄN") == nguyens
    assert await found("  TUNG   nguyen ") == ["Nguyễn Văn Tùng"]
    assert await found("dong") == ["Đặng Thị Đông"]
    assert await found("nguyen tran") == []
    # A wildcard is a character nobody's name holds, not "anything".
    assert await found("ngu%en") == await found("nguen") == []
    assert await speaker_choices(event["id"], " % ") == []


async def test_the_award_choices_leave_out_withdrawn_invitations(event):
    withdrawn = event["delegate_ids"][0]
    await Delegate.update({Delegate.revoked_at: datetime.now(UTC)}).where(Delegate.id == withdrawn)
    choices = await award_delegate_choices(event["id"])
    assert [d["full_name"] for d in choices] == [
        n for n in PROTOCOL_ORDER if n != "Nguyễn Văn Tùng"
    ]


async def test_a_large_insert_is_found_by_trigrams_and_keeps_the_index_up_for_later_ones(event):
    many = [DelegateInput(full_name=f"Vũ Hải {n:04d}x") for n in range(protocol.BULK_TRIGRAMS)]
    ids = await add_delegates(event["id"], many, source=DelegateSource.imported)
    [later] = await add_delegates(
        event["id"], [DelegateInput(full_name="Quách Tĩnh")], source=DelegateSource.manual
    )

    async def found(query: str) -> list[int]:
        rows = await search_delegates(event["id"], query, limit=20)
        return [row["id"] for row in rows]

    # Long words: on SQLite the trigram table answers (it must hold every new row).
    assert await found("vu hai 0042x") == [ids[42]]
    assert await found(f"{protocol.BULK_TRIGRAMS - 1:04d}x") == [ids[-1]]
    assert await found("quach tinh") == [later]  # the trigger is back for single rows
    if Delegate._meta.db.engine_type == "sqlite":
        matched = await Delegate.raw(
            "SELECT rowid FROM delegate_trigram WHERE delegate_trigram MATCH {}", '"hai 0"'
        )
        assert sorted(row["rowid"] for row in matched) == ids
        triggers = await Delegate.raw("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        assert "delegate_trigram_insert" in {row["name"] for row in triggers}
