"""`conference demo`: the seed conference, loaded once however often it runs."""

from __future__ import annotations

from conference import auth, demo
from conference.tables import (
    AwardForm,
    AwardRecipient,
    Delegate,
    Event,
    ProgrammeItem,
    Speaker,
    User,
)


async def test_the_demo_has_the_seed_event_and_its_three_officials(db):
    summary = await demo.load()
    assert summary.created
    event = await Event.select().where(Event.slug == "nguoi-tot-viec-tot-2022").first()
    assert event["title"].startswith("Hội nghị Tổng kết 30 năm phát động phong trào thi đua")
    assert str(event["date"]) == "2022-09-12" and event["timezone"] == "Asia/Ho_Chi_Minh"
    le = await Delegate.select().where(Delegate.full_name == "Nguyễn Thị Thủy Lệ").first()
    assert le["honorific"] == "Bà" and le["protocol_rank"] == 1
    assert le["position"] == (
        "Ủy viên Ban cán sự Đảng Bộ Xây dựng, Phó Chủ tịch Hội đồng Thi đua khen thưởng "
        "Bộ Xây dựng, Chủ tịch Công đoàn Xây dựng Việt Nam"
    )
    thang = await Delegate.select().where(Delegate.full_name == "Hoàng Cao Thắng").first()
    assert thang["position"] == "Phó Bí thư Đảng ủy, Phó Giám đốc Sở Xây dựng Hà Nội"
    thanh = await Delegate.select().where(Delegate.full_name == "Nguyễn Thị Thanh").first()
    assert thanh["position"] == "Chủ tịch Công đoàn ngành Xây dựng Hà Nội"


async def test_the_demo_programme_awards_and_accounts(db):
    await demo.load()
    assert 140 <= await Delegate.count() <= 170
    items = await ProgrammeItem.select().order_by(ProgrammeItem.starts_at)
    assert items[0]["kind"] == "reception"
    assert (
        items[0]["starts_at"].astimezone().isoformat().startswith("2022-09-12T00:30")
    )  # 07h30 UTC+7
    kinds = [item["kind"] for item in items]
    for kind in ("performance", "opening", "report", "directive", "awards", "photo", "closing"):
        assert kind in kinds
    directive_speakers = await Speaker.select(Speaker.name).where(Speaker.item.kind == "directive")
    assert {s["name"] for s in directive_speakers} == {"Nguyễn Thị Thủy Lệ", "Hoàng Cao Thắng"}
    forms = await AwardForm.select().order_by(AwardForm.rank)
    assert [f["rank"] for f in forms] == [1, 2, 3]
    assert 35 <= await AwardRecipient.count() <= 45
    assert await AwardRecipient.count().where(AwardRecipient.kind == "collective") > 0
    for account in demo.DEMO_ACCOUNTS:
        assert await auth.authenticate(account.username, account.password) is not None


async def test_loading_twice_changes_nothing(db):
    await demo.load()
    tokens = sorted(row["token"] for row in await Delegate.select(Delegate.token))
    again = await demo.load()
    assert not again.created
    assert await Event.count() == 1 and await User.count() == len(demo.DEMO_ACCOUNTS)
    assert sorted(row["token"] for row in await Delegate.select(Delegate.token)) == tokens


async def test_reset_loads_it_afresh_and_restores_demo_passwords(db):
    await demo.load()
    [letan] = await User.select(User.id).where(User.username == "letan")
    await auth.set_password(letan["id"], "changed password")
    summary = await demo.load(reset=True)
    assert summary.created and await Event.count() == 1
    assert await auth.authenticate("letan", "hoinghi2022") is not None


async def test_demo_search_keys_find_names_without_diacritics(db):
    await demo.load()
    found = await Delegate.select(Delegate.full_name).where(
        Delegate.search_key.like("%hoang cao thang%")
    )
    assert [row["full_name"] for row in found] == ["Hoàng Cao Thắng"]


async def test_the_demo_accounts_are_members_of_the_demo_event_and_quantri_administers(db):
    await demo.load(reset=True)
    event = await Event.select(Event.id).first()
    for account in demo.DEMO_ACCOUNTS:
        user = await auth.authenticate(account.username, account.password)
        assert user is not None
        if account.administrator:
            assert user.administrator and user.events is None
        else:
            assert user.events == frozenset({event["id"]})
            assert user.role_in(event["id"]) is account.role
