"""The `conference` command, run as a user runs it: exit codes and one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conference.tables import ApiToken, User


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
    assert second.returncode == 0 and "up to date" in second.stdout


def test_demo_loads_once_and_prints_the_logins(env):
    first = conference("demo", env=env)
    assert first.returncode == 0, first.stderr
    assert "Loaded" in first.stdout and "bantochuc / hoinghi2022" in first.stdout
    again = conference("demo", env=env)
    assert again.returncode == 0 and "Already loaded" in again.stdout
    reset = conference("demo", "--reset", env=env)
    assert reset.returncode == 0 and reset.stdout.startswith("Loaded")


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
    assert "database" in result.stderr
