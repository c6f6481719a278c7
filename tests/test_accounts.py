"""An organizer creates desk and MC accounts, disables them and resets passwords."""

from __future__ import annotations

import pytest

from conference import auth
from conference.errors import Conflict, InvalidInput
from conference.tables import AuditEntry, Role, User
from tests.conftest import csrf_token, log_in


@pytest.fixture
async def organizer_client(client, sample_password):
    await auth.create_user("btc", sample_password, Role.organizer)
    await log_in(client, "btc", sample_password)
    return client


async def _post(client, path, data):
    token = await csrf_token(client, "/accounts/")
    return await client.post(path, data={**data, "_csrf_token": token}, follow_redirects=True)


async def test_organizer_creates_a_desk_account_that_can_log_in(organizer_client, sample_password):
    page = await _post(
        organizer_client,
        "/accounts/",
        {
            "username": "letan2",
            "display_name": "Bàn lễ tân 2",
            "role": "desk",
            "password": sample_password,
        },
    )
    assert page.status_code == 200
    assert "letan2" in page.text and "Bàn lễ tân 2" in page.text
    assert await auth.authenticate("letan2", sample_password) is not None
    entry = (
        await AuditEntry.select(AuditEntry.user.username.as_alias("by"))
        .where((AuditEntry.action == "user.create") & (AuditEntry.target == "letan2"))
        .first()
    )
    assert entry["by"] == "btc"


async def test_organizer_disables_and_enables_an_account(organizer_client, sample_password):
    desk = await auth.create_user("letan", sample_password, Role.desk)
    await _post(organizer_client, f"/accounts/{desk.id}/active", {"active": "0"})
    assert await auth.authenticate("letan", sample_password) is None
    await _post(organizer_client, f"/accounts/{desk.id}/active", {"active": "1"})
    assert await auth.authenticate("letan", sample_password) is not None


async def test_organizer_cannot_disable_their_own_account(organizer_client):
    me = await User.select(User.id).where(User.username == "btc").first()
    page = await _post(organizer_client, f"/accounts/{me['id']}/active", {"active": "0"})
    assert "Không thể khóa tài khoản của chính mình" in page.text
    assert (await User.select(User.active).where(User.id == me["id"]).first())["active"]


async def test_organizer_resets_a_password(organizer_client, sample_password):
    desk = await auth.create_user("letan", sample_password, Role.desk)
    await _post(
        organizer_client, f"/accounts/{desk.id}/password", {"password": "mật khẩu mới 2022"}
    )
    assert await auth.authenticate("letan", "mật khẩu mới 2022") is not None
    assert await auth.authenticate("letan", sample_password) is None


async def test_a_short_password_or_taken_name_is_refused_with_a_message(
    organizer_client, sample_password
):
    page = await _post(
        organizer_client, "/accounts/", {"username": "a1", "role": "mc", "password": "123"}
    )
    assert "ít nhất 8 ký tự" in page.text
    page = await _post(
        organizer_client,
        "/accounts/",
        {"username": "btc", "role": "mc", "password": sample_password},
    )
    assert "đã có người dùng" in page.text
    assert await User.count() == 1


async def test_usernames_are_case_insensitive_and_checked(db, sample_password):
    await auth.create_user("LeTan", sample_password, Role.desk)
    assert await auth.authenticate("letan", sample_password) is not None
    with pytest.raises(Conflict) as refused:
        await auth.create_user("letan", sample_password, Role.desk)
    assert refused.value.code == "username_taken"
    with pytest.raises(InvalidInput):
        await auth.create_user("lễ tân", sample_password, Role.desk)
