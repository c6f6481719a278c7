"""The delegate list in pages: cut by the database, filters and order kept, exports whole."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, time

import pytest

from conference.auth import create_user
from conference.invitations import DelegateInput, add_delegates
from conference.tables import DelegateSource, Event, Role
from conference.text import name_sort_key
from tests.conftest import log_in

BASE = "/events/hn-2022/delegates"


@pytest.fixture
async def organizer(client, db):
    event = Event(
        slug="hn-2022",
        title="Hội nghị",
        date=date(2022, 9, 12),
        starts_at=time(7, 30),
        ends_at=time(11, 30),
    )
    await event.save()
    people = [
        DelegateInput(
            full_name=f"{family} Văn {given}",
            group="Khách mời" if i % 5 else "Lãnh đạo",
            email=f"d{i}@example.vn",
        )
        for i, (family, given) in enumerate(
            (f, g)
            for f in ("Nguyễn", "Trần", "Lê", "Đỗ", "Phạm")
            for g in ("Thanh", "Thắng", "Thân", "Dũng", "Đức", "An", "Ánh", "Ân", "Hà", "Hải")
            for _ in range(5)
        )
    ]  # 250 delegates
    await add_delegates(event.id, people, source=DelegateSource.imported)
    await create_user("btc", "correct horse battery", Role.organizer)
    await log_in(client, "btc", "correct horse battery")
    return client


def _names(html: str) -> list[str]:
    return re.findall(r'/delegates/\d+">([^<]+)</a>', html)


async def test_the_list_comes_in_pages_in_vietnamese_order_keeping_its_filters(organizer):
    pages = [await organizer.get(BASE, params={"order": "name", "page": n}) for n in (1, 2, 3)]
    names = [_names(page.text) for page in pages]
    assert [len(n) for n in names] == [100, 100, 50]
    everyone = [name for page in names for name in page]
    assert everyone == sorted(everyone, key=name_sort_key)
    assert "Trang 2 / 3" in pages[1].text
    assert 'href="?order=name&amp;page=3"' in pages[1].text
    leaders = await organizer.get(BASE, params={"group": "Lãnh đạo", "order": "name"})
    assert len(_names(leaders.text)) == 50 and "Trang" not in leaders.text
    # Past the end: an empty page, not an error.
    assert _names((await organizer.get(BASE, params={"page": 9})).text) == []
    # A page number no database offset can hold: still an empty page.
    huge = await organizer.get(BASE, params={"page": str(10**20)})
    assert huge.status_code == 200 and _names(huge.text) == []


async def test_an_export_holds_the_whole_filter_whatever_page_is_shown(organizer):
    answer = await organizer.get(f"{BASE}/export.csv", params={"order": "name", "page": 2})
    rows = list(csv.reader(io.StringIO(answer.text.lstrip("\ufeff"))))
    assert len(rows) == 1 + 250


async def test_an_export_with_a_filter_value_nobody_has_is_its_header_alone(organizer):
    nobody = ({"group": "Không có nhóm này"}, {"rsvp": "maybe"}, {"invitation": "lost"})
    for query in (*nobody, {"arrival": "yesterday"}, {"q": "không ai tên này"}):
        answer = await organizer.get(f"{BASE}/export.csv", params=query)
        assert answer.status_code == 200
        rows = list(csv.reader(io.StringIO(answer.text.lstrip("\ufeff"))))
        assert len(rows) == 1 and "Họ và tên" in rows[0], query
