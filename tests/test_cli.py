"""The `conference` command, run as a user runs it: exit codes and one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conference.tables import (
    ApiToken,
    AwardForm,
    Delegate,
    Event,
    HallSeat,
    Membership,
    ProgrammeItem,
    Role,
    User,
)


def conference(*args: str, env: dict[str, str], stdin: str | None = None, cwd: Path | None = None):
    return subprocess.run(
        [sys.executable, "-m", "conference.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=cwd,
        timeout=120,
    )


@pytest.fixture
def env(db, tmp_path) -> dict[str, str]:
    return {
        "CONFERENCE_DATABASE_URL": db.url,
        "CONFERENCE_INSTANCE_DIR": str(tmp_path / "instance"),
    }


def assert_one_line_error(result) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("conference: ")


def test_init_migrates_and_is_idempotent(env):
    first = conference("init", env=env)
    assert first.returncode == 0, first.stderr
    second = conference("init", env=env)
    assert second.returncode == 0
    assert second.stdout == "Cơ sở dữ liệu đã được cập nhật đầy đủ.\n"


def test_demo_loads_once_and_prints_the_logins(env):
    first = conference("demo", env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Đã nạp: hội nghị mẫu nguoi-tot-viec-tot-2022 với ")
    assert "Tài khoản dùng thử (tên đăng nhập / mật khẩu):" in first.stdout
    assert "  organizer  bantochuc / hoinghi2022" in first.stdout.splitlines()
    again = conference("demo", env=env)
    assert again.returncode == 0 and again.stdout.startswith("Đã nạp từ trước:")
    reset = conference("demo", "--reset", env={**env, "CONFERENCE_LANGUAGE": "en"})
    assert reset.returncode == 0 and reset.stdout.startswith("Loaded: demo event")
    assert "Demo logins (username / password):" in reset.stdout


def test_demo_is_refused_in_production(env):
    result = conference(
        "demo", env={**env, "CONFERENCE_ENV": "production", "CONFERENCE_SECRET_KEY": "k" * 40}
    )
    assert_one_line_error(result)
    assert "production" in result.stderr


async def test_user_add_with_password_on_stdin(env):
    result = conference(
        "user",
        "add",
        "letan3",
        "--role",
        "desk",
        "--password-stdin",
        env=env,
        stdin="mật khẩu bàn 3\n",
    )
    assert result.returncode == 0, result.stderr
    row = await User.select(User.role).where(User.username == "letan3").first()
    assert row["role"] == "desk"
    again = conference(
        "user",
        "add",
        "letan3",
        "--role",
        "desk",
        "--password-stdin",
        env=env,
        stdin="mật khẩu bàn 3\n",
    )
    assert_one_line_error(again)


def test_user_add_without_a_terminal_or_stdin_flag_says_how(env):
    result = conference("user", "add", "x2", "--role", "mc", env=env, stdin="")
    assert_one_line_error(result)
    assert "--password-stdin" in result.stderr


def test_a_short_password_is_one_line(env):
    result = conference(
        "user", "add", "x2", "--role", "mc", "--password-stdin", env=env, stdin="123\n"
    )
    assert_one_line_error(result)


async def test_token_create_prints_a_token_that_is_stored_hashed(env):
    conference(
        "user",
        "add",
        "scanner",
        "--role",
        "desk",
        "--password-stdin",
        env=env,
        stdin="password123\n",
    )
    result = conference("token", "create", "scanner", env=env)
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert len(token) >= 40
    stored = await ApiToken.select(ApiToken.token_hash).first()
    assert token not in stored["token_hash"]
    assert_one_line_error(conference("token", "create", "nobody", env=env))


def test_a_malformed_database_url_is_one_line(tmp_path):
    result = conference(
        "init",
        env={
            "CONFERENCE_DATABASE_URL": "mysql://root@localhost/x",
            "CONFERENCE_INSTANCE_DIR": str(tmp_path),
        },
    )
    assert_one_line_error(result)
    assert "CONFERENCE_DATABASE_URL" in result.stderr


def test_production_without_a_secret_key_is_one_line(tmp_path):
    for command in (["init"], ["serve"]):
        result = conference(
            *command,
            env={
                "CONFERENCE_ENV": "production",
                "CONFERENCE_DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
            },
        )
        assert_one_line_error(result)
        assert "CONFERENCE_SECRET_KEY" in result.stderr


def test_an_unreachable_database_is_one_line(tmp_path):
    result = conference(
        "init",
        env={
            "CONFERENCE_DATABASE_URL": "postgresql://u@127.0.0.1:9/db",
            "CONFERENCE_INSTANCE_DIR": str(tmp_path),
        },
    )
    assert_one_line_error(result)
    # What failed and what to do, in Vietnamese.
    assert result.stderr.startswith("conference: Không kết nối được cơ sở dữ liệu (")
    assert "kiểm tra CONFERENCE_DATABASE_URL" in result.stderr


async def test_user_add_with_events_makes_a_member_and_without_says_department_wide(env):
    from tests.invitations.helpers import make_event

    await make_event("hn-2022")
    await make_event("hcm-2022")
    member = conference(
        "user",
        "add",
        "letan4",
        "--role",
        "desk",
        "--event",
        "hn-2022",
        "--event",
        "hcm-2022",
        "--password-stdin",
        env=env,
        stdin="mật khẩu bàn 4\n",
    )
    assert member.returncode == 0, member.stderr
    row = await User.select(User.id, User.every_event).where(User.username == "letan4").first()
    assert not row["every_event"]
    assert await Membership.count().where(Membership.user == row["id"]) == 2
    wide = conference(
        "user", "add", "letan", "--role", "desk", "--password-stdin", env=env, stdin="hoinghi2022\n"
    )
    assert wide.returncode == 0, wide.stderr
    assert "--event" in wide.stdout  # says it reaches every event, and how to restrict it
    boss = conference(
        "user",
        "add",
        "boss",
        "--role",
        "organizer",
        "--password-stdin",
        env=env,
        stdin="hoinghi2022\n",
    )
    assert boss.returncode == 0, boss.stderr
    assert (await User.select(User.administrator).where(User.username == "boss").first())[
        "administrator"
    ]


async def test_user_add_refuses_an_unknown_event_or_role_in_one_line(env):
    unknown = conference(
        "user",
        "add",
        "x3",
        "--role",
        "desk",
        "--event",
        "khong-co",
        "--password-stdin",
        env=env,
        stdin="password123\n",
    )
    assert_one_line_error(unknown)
    assert "khong-co" in unknown.stderr
    bad_role = conference(
        "user", "add", "x3", "--role", "boss", "--password-stdin", env=env, stdin="password123\n"
    )
    assert_one_line_error(bad_role)
    assert "boss" in bad_role.stderr
    assert await User.count().where(User.username == "x3") == 0


def _create_2023_copying_2022(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`conference event create hn-2023 … --copy-from hn-2022`."""
    return conference(
        "event",
        "create",
        "hn-2023",
        "--title",
        "Hội nghị 2023",
        "--date",
        "2023-09-12",
        "--copy-from",
        "hn-2022",
        env=env,
    )


async def test_event_create_copies_settings_programme_and_award_forms_never_people(env):
    from tests.invitations.helpers import make_event

    await make_event("hn-2022")
    await AwardForm.insert(AwardForm(event=1, rank=1, title="Bằng khen của Bộ trưởng"))
    result = _create_2023_copying_2022(env)
    assert result.returncode == 0, result.stderr
    new = await Event.select().where(Event.slug == "hn-2023").first()
    old = await Event.select().where(Event.slug == "hn-2022").first()
    assert new["title"] == "Hội nghị 2023" and str(new["date"]) == "2023-09-12"
    assert new["venue"] == old["venue"] and new["signer_name"] == old["signer_name"]
    items = await ProgrammeItem.select().where(ProgrammeItem.event == new["id"])
    assert [i["title"] for i in items] == ["Phát biểu chỉ đạo"]
    assert items[0]["starts_at"].astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date() == date(
        2023, 9, 12
    )
    assert await AwardForm.count().where(AwardForm.event == new["id"]) == 1
    assert await Delegate.count().where(Delegate.event == new["id"]) == 0
    plain = conference(
        "event", "create", "hn-2024", "--title", "Hội nghị 2024", "--date", "2024-09-12", env=env
    )
    assert plain.returncode == 0, plain.stderr
    assert_one_line_error(
        conference("event", "create", "hn-2024", "--title", "T", "--date", "2024-09-12", env=env)
    )
    assert_one_line_error(
        conference(
            "event",
            "create",
            "hn-2025",
            "--title",
            "T",
            "--date",
            "2025-01-01",
            "--copy-from",
            "khong-co",
            env=env,
        )
    )


async def test_event_create_copy_from_copies_the_hall_without_its_placements(env):
    from conference import seating
    from tests.invitations.helpers import make_event

    old_id, _ = await make_event("hn-2022")
    layout = {
        "name": "Hội trường tầng 3",
        "presidium": {"places": 3},
        "blocks": [{"name": "A", "rows": 2, "seats": 3, "reserved_rows": {"A": "Lãnh đạo"}}],
    }
    await seating.save_hall(old_id, layout, honour_side="left")
    await seating.assign(old_id)  # the old event's people in their seats
    placed = [r for r in await seating.seats(old_id) if r["delegate"] is not None]
    assert placed
    await HallSeat.update({HallSeat.pinned: True}).where(HallSeat.id == placed[0]["id"])
    result = _create_2023_copying_2022(env)
    assert result.returncode == 0, result.stderr
    new = await Event.select(Event.id).where(Event.slug == "hn-2023").first()
    old_hall, new_hall = await seating.get_hall(old_id), await seating.get_hall(new["id"])
    assert old_hall is not None and new_hall is not None
    assert new_hall.layout == old_hall.layout
    assert (new_hall.honour_side, new_hall.coming) == ("left", old_hall.coming)
    seats = await seating.seats(new["id"])
    assert [(r["label"], r["reserved_for"]) for r in seats] == [
        (r["label"], r["reserved_for"]) for r in await seating.seats(old_id)
    ]
    # The hall, not its people: nobody sits, nothing is pinned, the old placement stays.
    assert all(r["delegate"] is None and not r["pinned"] for r in seats)
    assert await Delegate.count().where(Delegate.event == new["id"]) == 0
    still = [r for r in await seating.seats(old_id) if r["delegate"] is not None]
    assert [r["label"] for r in still] == [r["label"] for r in placed]


async def test_tokens_are_named_listed_revoked_and_may_expire(env, client):
    from conference import auth

    await auth.create_user("scanner", "password123", Role.desk)
    made = conference(
        "token", "create", "scanner", "--label", "Bàn 2", "--expires-days", "30", env=env
    )
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    headers = {"authorization": f"Bearer {token}"}
    assert (await client.get("/", headers=headers)).status_code == 200
    listed = conference("token", "list", "scanner", env=env)
    assert listed.returncode == 0, listed.stderr
    [line] = listed.stdout.strip().splitlines()
    token_id, username, name, *_, state = line.split("\t")
    assert (username, name) == ("scanner", "Bàn 2") and state == "đang dùng"
    revoked = conference("token", "revoke", token_id, env=env)
    assert revoked.returncode == 0, revoked.stderr
    auth.forget_remembered_users()  # the revocation came from another process
    assert (await client.get("/", headers=headers)).status_code == 401
    assert conference("token", "list", env=env).stdout.strip().endswith("đã thu hồi")
    assert_one_line_error(conference("token", "revoke", "999", env=env))
    assert_one_line_error(conference("token", "list", "nobody", env=env))
