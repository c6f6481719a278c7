"""Substitutes (cử người dự thay): named on the invitation page, admitted by the same QR code,
greeted, listed and introduced in the invited delegate's place, and kept in their history."""

from __future__ import annotations

import csv
import importlib
import io

import pytest

from conference import auth
from conference.invitations import importing, services, substitutes
from conference.tables import Delegate, Role, Substitution
from tests.conftest import CSRF_FIELD, log_in
from tests.invitations.helpers import make_event

BASE = "http://127.0.0.1:8000"
API = "/api/events/hn-2022"
BINH = {"honorific": "Ông", "full_name": "Trần Văn Bình", "position": "Chánh Văn phòng Sở"}


async def _token(delegate_id: int) -> str:
    row = await Delegate.select(Delegate.token).where(Delegate.id == delegate_id).first()
    return row["token"]


async def _post_substitute(client, token: str, **fields: str):
    page = await client.get(f"/i/{token}")
    csrf = CSRF_FIELD.search(page.text).group(1)
    return await client.post(f"/i/{token}/substitute", data={**fields, "_csrf_token": csrf})


@pytest.fixture
async def organizer(client, sample_password):
    await auth.create_user("btc", sample_password, Role.organizer)
    await log_in(client, "btc", sample_password)
    return client


@pytest.fixture
async def bearer(organizer) -> dict[str, str]:
    return {"authorization": f"Bearer {await auth.create_token('btc')}"}


async def test_a_substitute_named_on_the_invitation_is_admitted_greeted_listed_and_introduced(
    organizer, bearer
):
    client = organizer
    _, ids = await make_event()
    thang = ids[1]  # Ông Hoàng Cao Thắng, rank 2, of the organizing Sở
    token = await _token(thang)

    # The invitation page: he names who comes in his place.
    assert "Cử người dự thay" in (await client.get(f"/i/{token}")).text
    answer = await _post_substitute(client, token, **BINH)
    assert answer.status_code == 302 and answer.headers["location"] == f"/i/{token}#substitute"
    row = await Delegate.select().where(Delegate.id == thang).first()
    assert (row["substitute_honorific"], row["substitute_name"], row["substitute_position"]) == (
        "Ông",
        "Trần Văn Bình",
        "Chánh Văn phòng Sở",
    )
    assert row["rsvp"] == "accepted" and row["rsvp_at"] is not None  # it will be attended
    page = (await client.get(f"/i/{token}")).text
    assert "Ông Trần Văn Bình, Chánh Văn phòng Sở sẽ dự thay Quý đại biểu." in page

    # The organizer sees it: a marker in the list, the delegate's page, the API.
    listing = (await client.get("/events/hn-2022/delegates/")).text
    assert "Cử người dự thay: Ông Trần Văn Bình" in listing
    story = (await client.get(f"/events/hn-2022/delegates/{thang}")).text
    assert "<strong>Ông Trần Văn Bình</strong>, Chánh Văn phòng Sở" in story
    assert "do đại biểu cử trên trang giấy mời" in story  # the history says who named him
    found = (
        await client.get(f"{API}/delegates", params={"q": "hoang cao thang"}, headers=bearer)
    ).json()
    assert found["delegates"][0]["substitute"] == BINH

    # The same QR code admits him, and the desk greets him in his leader's place.
    scan = await client.post(f"{API}/checkins", json={"code": f"{BASE}/i/{token}"}, headers=bearer)
    assert scan.status_code == 200
    body = scan.json()
    assert body["result"] == "ok"
    assert body["delegate"]["id"] == thang and body["delegate"]["substitute"] == BINH
    assert body["message"] == "Kính chào Ông Trần Văn Bình, dự thay Ông Hoàng Cao Thắng."
    again = (await client.post(f"{API}/checkins", json={"code": token}, headers=bearer)).json()
    assert again["result"] == "already_checked_in"
    assert again["delegate"]["substitute"] == BINH

    # Offline, the desk's snapshot greets him the same way.
    snapshot = (await client.get(f"{API}/desk/snapshot", headers=bearer)).json()
    shown = {d["id"]: d for d in snapshot["delegates"]}
    assert shown[thang]["substitute"] == BINH
    assert "substitute" not in shown[ids[0]]

    # The arrivals page and its export name him.
    arrivals = (await client.get("/events/hn-2022/arrivals/")).text
    assert "Ông Trần Văn Bình, dự thay Ông Hoàng Cao Thắng" in arrivals
    export = await client.get("/events/hn-2022/arrivals/export.csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"), newline="")))
    assert rows[0][-1] == "Người dự thay"
    assert (
        rows[1][2] == "Hoàng Cao Thắng" and rows[1][-1] == "Ông Trần Văn Bình, Chánh Văn phòng Sở"
    )

    # The MC introduces him, on his own, in his leader's place.
    intro = (await client.get(f"{API}/introduction", headers=bearer)).json()
    assert (
        "có đồng chí Trần Văn Bình, Chánh Văn phòng Sở, dự thay đồng chí Hoàng Cao Thắng, "
        "Phó Bí thư Đảng ủy, Phó Giám đốc Sở Xây dựng Hà Nội." in intro["script"]
    )
    assert [(i["delegate_id"], i["full_name"], i["by_name"]) for i in intro["introduced"]] == [
        (thang, "Trần Văn Bình", True)
    ]


async def test_named_twice_the_latest_stands_the_history_keeps_both_and_the_organizer_can_clear(
    organizer,
):
    client = organizer
    _, ids = await make_event()
    token = await _token(ids[0])
    await _post_substitute(client, token, **BINH)
    await _post_substitute(client, token, **BINH)  # the form sent twice: one naming
    markup = '<script>alert("x")</script> Lê <b>An</b>'
    await _post_substitute(
        client, token, honorific="Bà", full_name=markup, position="Phó Vụ trưởng"
    )
    row = await Delegate.select().where(Delegate.id == ids[0]).first()
    assert row["substitute_name"] == markup and row["substitute_honorific"] == "Bà"
    history = await substitutes.history(ids[0])
    assert [h["full_name"] for h in history] == ["Trần Văn Bình", markup]

    # Markup is shown as text everywhere: the invitation, the list, the delegate's page.
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Lê &lt;b&gt;An&lt;/b&gt;"
    for path in (
        f"/i/{token}",
        "/events/hn-2022/delegates/",
        f"/events/hn-2022/delegates/{ids[0]}",
    ):
        text = (await client.get(path)).text
        assert escaped in text, path
        assert "<script>alert" not in text and "<b>An</b>" not in text, path
    story = (await client.get(f"/events/hn-2022/delegates/{ids[0]}")).text
    assert "Ông Trần Văn Bình, Chánh Văn phòng Sở" in story  # the earlier one, in the history
    assert story.count('data-action="substitute.name"') == 2
    # The organizer sets one for another delegate, then clears it: the trail says who.
    page = (await client.get(f"/events/hn-2022/delegates/{ids[2]}")).text
    csrf = CSRF_FIELD.search(page).group(1)
    url = f"/events/hn-2022/delegates/{ids[2]}/substitute"
    saved = await client.post(url, data={**BINH, "_csrf_token": csrf})
    assert saved.status_code == 302
    assert (await Delegate.select().where(Delegate.id == ids[2]).first())["substitute_name"] == (
        "Trần Văn Bình"
    )
    cleared = await client.post(url, data={"clear": "1", "_csrf_token": csrf})
    assert cleared.status_code == 302
    row = await Delegate.select().where(Delegate.id == ids[2]).first()
    assert row["substitute_name"] == "" and row["rsvp"] == "accepted"  # clearing keeps the answer
    # The delegate's page tells every change of its story, the signer's mark too.
    await services.mark_signer(row["event"], ids[2], True)
    story = (await client.get(f"/events/hn-2022/delegates/{ids[2]}")).text
    assert "Chưa cử người dự thay" in story
    assert "Đánh dấu hoặc bỏ đánh dấu người ký giấy mời" in story
    assert 'data-action="substitute.clear"' in story and "· btc</li>" in story
    assert await Substitution.count().where(Substitution.delegate == ids[2]) == 2


async def test_declining_clears_the_substitute_and_a_nameless_or_huge_one_is_refused(client):
    _, ids = await make_event()
    token = await _token(ids[3])
    csrf = CSRF_FIELD.search((await client.get(f"/i/{token}")).text).group(1)
    nameless = await _post_substitute(client, token, honorific="Ông", full_name="  ")
    assert nameless.status_code == 400
    assert "Vui lòng nhập họ và tên người dự thay." in nameless.text
    huge = await _post_substitute(client, token, full_name="A" * 201)
    assert huge.status_code == 400 and "quá dài" in huge.text
    assert await Substitution.count() == 0
    pasted = substitutes.read_substitute("Trần\tVăn\nBình\x00 ", " Ông")
    assert (pasted.full_name, pasted.honorific) == ("Trần Văn Bình", "Ông")
    await services.name_substitute_by_token(token, pasted)
    await services.record_rsvp(token, "declined", "Đơn vị bận công tác")
    row = await Delegate.select().where(Delegate.id == ids[3]).first()
    assert row["rsvp"] == "declined" and row["substitute_name"] == ""
    assert [h["full_name"] for h in await substitutes.history(ids[3])] == ["Trần Văn Bình", ""]
    # A withdrawn invitation names nobody.
    await services.revoke_invitation(row["event"], ids[3])
    gone = await client.post(f"/i/{token}/substitute", data={**BINH, "_csrf_token": csrf})
    assert gone.status_code == 404 and "Trần Văn Bình" not in gone.text


async def _found_by(client, bearer: dict[str, str], query: str) -> list[tuple[int, str]]:
    answer = await client.get(f"{API}/delegates", params={"q": query}, headers=bearer)
    assert answer.status_code == 200
    return [
        (d["id"], (d.get("substitute") or {}).get("full_name", ""))
        for d in answer.json()["delegates"]
    ]


async def test_the_desk_finds_a_delegate_by_the_substitutes_name_through_edits_and_imports(
    client, sample_password
):
    _, ids = await make_event()
    thang = ids[1]
    await auth.create_user("letan", sample_password, Role.desk)
    desk = {"authorization": f"Bearer {await auth.create_token('letan')}"}
    await services.name_substitute_by_token(await _token(thang), substitutes.from_form(BINH))
    binh = [(thang, "Trần Văn Bình")]

    # Diacritics and case ignored; a long word (SQLite's trigram table) and a short one.
    assert await _found_by(client, desk, "tran van binh") == binh
    assert await _found_by(client, desk, "TRẦN Bình") == binh
    assert await _found_by(client, desk, "van bi") == binh
    assert await _found_by(client, desk, "binh thang") == binh  # both names: the same record

    # The organizer edits the delegate, then an import changes him: still found.
    event_id = (await Delegate.select(Delegate.event).where(Delegate.id == thang).first())["event"]
    row = await services.get_delegate(event_id, thang)
    edited = services.DelegateInput(
        full_name=row["full_name"],
        honorific=row["honorific"],
        email=row["email"],
        position="Phó Giám đốc Sở",
        organization=row["organization"],
        protocol_rank=row["protocol_rank"],
        group=row["group_name"],
    )
    await services.update_delegate(event_id, thang, edited)
    assert await _found_by(client, desk, "tran van binh") == binh
    csv_file = "Họ và tên,Email,Đơn vị\nHoàng Cao Thắng,thang@example.vn,Sở Xây dựng\n"
    plan = await importing.plan_import(event_id, "ds.csv", csv_file.encode())
    assert len(plan.to_update) == 1 and not plan.problems
    await importing.apply_import(event_id, plan)
    assert await _found_by(client, desk, "tran van binh") == binh
    assert await _found_by(client, desk, "hoang cao thang") == binh  # his own name too

    # A database written before this search: the migration writes the key again.
    migration = importlib.import_module(
        "conference.piccolo_migrations.conference_2026_12_04t01_10_00_000000"
    )
    await Delegate.update({Delegate.search_key: "hoang cao thang"}).where(Delegate.id == thang)
    assert await _found_by(client, desk, "tran van binh") == []
    await migration._rewrite(with_substitute=True)
    assert await _found_by(client, desk, "tran van binh") == binh

    # Cleared, the substitute's name finds nobody; the delegate's own name still does.
    await services.name_substitute(event_id, thang, substitutes.NOBODY)
    assert await _found_by(client, desk, "tran van binh") == []
    assert await _found_by(client, desk, "hoang cao thang") == [(thang, "")]
