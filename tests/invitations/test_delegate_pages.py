"""The organizer's delegate pages: list, search, filters, the form, withdraw and reissue."""

from __future__ import annotations

import re

import pytest

from conference import auth
from conference.tables import Delegate, RevokedToken, Role
from conference.text import collation_key
from tests.conftest import csrf_token, log_in
from tests.invitations.helpers import make_event


@pytest.fixture
async def organizer(client, sample_password):
    await auth.create_user("btc", sample_password, Role.organizer)
    await log_in(client, "btc", sample_password)
    return client


def names_in(html: str) -> list[str]:
    return re.findall(r'<a href="/events/hn-2022/delegates/\d+">(?:Ông |Bà )?([^<]+)</a>', html)


async def test_the_list_is_in_protocol_order_then_vietnamese_name_order(organizer):
    await make_event()
    page = await organizer.get("/events/hn-2022/delegates/")
    assert page.status_code == 200
    names = [n for n in names_in(page.text) if "&lt;" not in n]  # leave out the markup test name
    # Ranked leaders first; then by given name: Đức before Hùng.
    assert names == ["Nguyễn Thị Thủy Lệ", "Hoàng Cao Thắng", "Đặng Văn Đức", "Lê Văn Hùng"]
    by_name = names_in((await organizer.get("/events/hn-2022/delegates/?order=name")).text)
    by_name = [n for n in by_name if "&lt;" not in n]
    # Đức, Hùng, Lệ, Thắng: by the last word of the name.
    assert by_name == ["Đặng Văn Đức", "Lê Văn Hùng", "Nguyễn Thị Thủy Lệ", "Hoàng Cao Thắng"]


@pytest.mark.parametrize("query", ["hoang cao thang", "HOÀNG", "thang so xay dung", "Phó Bí thư"])
async def test_search_ignores_case_and_diacritics(organizer, query):
    await make_event()
    page = await organizer.get("/events/hn-2022/delegates/", params={"q": query})
    assert names_in(page.text) == ["Hoàng Cao Thắng"]


@pytest.mark.parametrize("query", ["đức", "ĐỨC", "duc"])
async def test_search_folds_d_with_stroke(organizer, query):
    await make_event()
    page = await organizer.get("/events/hn-2022/delegates/", params={"q": query})
    assert names_in(page.text) == ["Đặng Văn Đức"]


async def test_wildcards_in_a_search_match_nothing_special(organizer):
    await make_event()
    page = await organizer.get("/events/hn-2022/delegates/", params={"q": "%"})
    assert len(names_in(page.text)) == 5  # "%" is dropped, not a wildcard for everything else


async def test_filters_by_group_answer_invitation_and_arrival(organizer):
    _, ids = await make_event()
    await Delegate.update({Delegate.rsvp: "declined"}).where(Delegate.id == ids[2])
    assert names_in((await organizer.get("/events/hn-2022/delegates/?group=Lãnh đạo")).text) == [
        "Nguyễn Thị Thủy Lệ",
        "Hoàng Cao Thắng",
    ]
    assert names_in((await organizer.get("/events/hn-2022/delegates/?rsvp=declined")).text) == [
        "Đặng Văn Đức"
    ]
    assert names_in(
        (await organizer.get("/events/hn-2022/delegates/?invitation=no_email")).text
    ) == ["Lê Văn Hùng"]
    assert names_in((await organizer.get("/events/hn-2022/delegates/?arrival=arrived")).text) == []


async def _post(client, path, data):
    token = await csrf_token(client, "/events/hn-2022/delegates/new")
    return await client.post(path, data={**data, "_csrf_token": token}, follow_redirects=True)


async def test_organizer_adds_a_delegate_in_nfc_with_keys(organizer):
    await make_event()
    decomposed = "Ngô Thị Hương".encode().decode()
    import unicodedata

    page = await _post(
        organizer,
        "/events/hn-2022/delegates/new",
        {
            "full_name": unicodedata.normalize("NFD", decomposed),
            "honorific": "Bà",
            "email": "Huong@Example.VN",
            "protocol_rank": "7",
            "group": "Khách mời",
        },
    )
    assert page.status_code == 200 and "Đã thêm đại biểu" in page.text
    row = await Delegate.select().where(Delegate.email == "huong@example.vn").first()
    assert row["full_name"] == "Ngô Thị Hương" and row["protocol_rank"] == 7
    assert "ngo thi huong" in row["search_key"]
    assert row["name_sort_key"] == collation_key("Hương Thị Ngô")


async def test_a_bad_delegate_form_names_each_problem_and_saves_nothing(organizer):
    await make_event()
    page = await _post(
        organizer,
        "/events/hn-2022/delegates/new",
        {"full_name": " ", "email": "not-an-email", "protocol_rank": "-2"},
    )
    assert page.status_code == 400
    assert "Nhập họ và tên đại biểu" in page.text
    assert "Địa chỉ email không hợp lệ" in page.text
    assert "Thứ tự lễ tân là số nguyên từ 1" in page.text
    assert await Delegate.count() == 5


async def test_an_email_taken_in_the_event_is_refused(organizer):
    await make_event()
    page = await _post(
        organizer,
        "/events/hn-2022/delegates/new",
        {"full_name": "Người Khác", "email": "THANG@example.vn"},
    )
    assert page.status_code == 400 and "thang@example.vn" in page.text.lower()


async def test_organizer_edits_and_removes_a_delegate(organizer):
    _, ids = await make_event()
    page = await _post(
        organizer,
        f"/events/hn-2022/delegates/{ids[2]}",
        {"full_name": "Đặng Văn Đức", "honorific": "Ông", "email": "duc@example.vn", "seat": "B12"},
    )
    assert page.status_code == 200
    assert (await Delegate.select(Delegate.seat).where(Delegate.id == ids[2]).first())[
        "seat"
    ] == "B12"
    await _post(organizer, f"/events/hn-2022/delegates/{ids[2]}/delete", {})
    assert await Delegate.count().where(Delegate.id == ids[2]) == 0


async def test_withdraw_and_reissue_from_the_delegate_page(organizer):
    _, ids = await make_event()
    old = (await Delegate.select(Delegate.token).where(Delegate.id == ids[0]).first())["token"]
    page = await _post(organizer, f"/events/hn-2022/delegates/{ids[0]}/revoke", {})
    assert "Đã thu hồi giấy mời" in page.text
    assert (await organizer.get(f"/i/{old}")).status_code == 404
    await _post(organizer, f"/events/hn-2022/delegates/{ids[0]}/reissue", {})
    row = await Delegate.select().where(Delegate.id == ids[0]).first()
    assert row["token"] != old and row["revoked_at"] is None
    assert await RevokedToken.count().where(RevokedToken.token == old) == 1
    assert (await organizer.get(f"/i/{row['token']}")).status_code == 200


async def test_the_print_view_has_one_a4_invitation_per_delegate(organizer):
    _, ids = await make_event()
    page = await organizer.get("/events/hn-2022/invitations/print")
    assert page.text.count('class="sheet"') == 5
    assert "print.css" in page.text
    chosen = await organizer.get(f"/events/hn-2022/invitations/print?ids={ids[0]},{ids[1]}")
    assert chosen.text.count('class="sheet"') == 2


async def test_the_api_search_hides_contacts_from_the_desk(client, sample_password):
    await make_event()
    await auth.create_user("btc", sample_password, Role.organizer)
    await auth.create_user("letan", sample_password, Role.desk)
    organizer = {"authorization": f"Bearer {await auth.create_token('btc')}"}
    desk = {"authorization": f"Bearer {await auth.create_token('letan')}"}
    seen = (
        await client.get("/api/events/hn-2022/delegates", params={"q": "thang"}, headers=organizer)
    ).json()
    [thang] = seen["delegates"]
    assert thang["email"] == "thang@example.vn" and thang["invitation_url"].startswith("http")
    seen = (
        await client.get("/api/events/hn-2022/delegates", params={"q": "thang"}, headers=desk)
    ).json()
    [thang] = seen["delegates"]
    assert thang["full_name"] == "Hoàng Cao Thắng" and thang["seat"] == ""
    assert "email" not in thang and "phone" not in thang and "invitation_url" not in thang


async def test_the_desk_cannot_open_the_organizers_delegate_pages(client, sample_password):
    await make_event()
    await auth.create_user("letan", sample_password, Role.desk)
    await log_in(client, "letan", sample_password)
    assert (await client.get("/events/hn-2022/delegates/")).status_code == 403
    assert (await client.get("/events/hn-2022/delegates/export.csv")).status_code == 403


async def test_the_api_search_returns_at_most_the_limit_and_says_there_are_more(
    client, sample_password
):
    await make_event()
    await auth.create_user("letan", sample_password, Role.desk)
    desk = {"authorization": f"Bearer {await auth.create_token('letan')}"}
    seen = (await client.get("/api/events/hn-2022/delegates?limit=2", headers=desk)).json()
    assert [d["full_name"] for d in seen["delegates"]] == ["Nguyễn Thị Thủy Lệ", "Hoàng Cao Thắng"]
    assert seen["more"] is True
    everyone = (await client.get("/api/events/hn-2022/delegates?limit=50", headers=desk)).json()
    assert len(everyone["delegates"]) == 5 and everyone["more"] is False


async def test_the_api_search_lists_the_matches_in_protocol_then_name_order(
    client, sample_password
):
    await make_event()
    await auth.create_user("letan", sample_password, Role.desk)
    desk = {"authorization": f"Bearer {await auth.create_token('letan')}"}
    seen = (await client.get("/api/events/hn-2022/delegates?q=van", headers=desk)).json()
    assert [d["full_name"] for d in seen["delegates"]] == ["Đặng Văn Đức", "Lê Văn Hùng"]
    seen = (await client.get("/api/events/hn-2022/delegates?q=van&limit=1", headers=desk)).json()
    assert [d["full_name"] for d in seen["delegates"]] == ["Đặng Văn Đức"] and seen["more"]
