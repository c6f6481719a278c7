"""The command line speaks Vietnamese by default, English with CONFERENCE_LANGUAGE=en."""

from __future__ import annotations

import os
import subprocess
import sys

from conference.cli import main
from conference.command_language import CLICK_WORDS, help_ids
from conference.i18n import translations


def conference(*args: str, language: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CONFERENCE_LANGUAGE"}
    if language:
        env["CONFERENCE_LANGUAGE"] = language
    return subprocess.run(
        [sys.executable, "-m", "conference.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_the_help_is_vietnamese_by_default_and_english_when_asked():
    vietnamese = conference("--help")
    assert vietnamese.returncode == 0, vietnamese.stderr
    assert vietnamese.stdout.startswith("Cách dùng: ")
    assert "Tùy chọn:" in vietnamese.stdout and "Các lệnh:" in vietnamese.stdout
    assert "Hiện hướng dẫn này rồi thoát." in vietnamese.stdout
    assert "Quản lý tài khoản." in vietnamese.stdout
    assert "Usage" not in vietnamese.stdout and "Manage accounts" not in vietnamese.stdout

    english = conference("--help", language="en")
    assert english.stdout.startswith("Usage: ")
    assert "Manage accounts." in english.stdout and "Show this message and exit." in english.stdout
    assert "Quản lý" not in english.stdout


def test_a_commands_options_are_explained_in_vietnamese():
    result = conference("invitations", "send", "--help")
    assert result.returncode == 0, result.stderr
    assert "Gửi giấy mời của hội nghị SLUG qua thư điện tử" in result.stdout
    assert "Gửi lại giấy mời cho tất cả" in result.stdout  # --again
    assert "--only-unsent" in result.stdout and "--again" in result.stdout  # option names kept


def test_a_mistyped_command_is_one_vietnamese_error():
    result = conference("nhap")
    assert result.returncode == 2
    assert "Lỗi: Không có lệnh 'nhap'." in result.stderr
    assert "Error" not in result.stderr


def test_every_help_text_and_click_word_has_a_vietnamese_translation():
    vietnamese = translations("vi")
    untranslated = [
        message
        for message in [*help_ids(main), *CLICK_WORDS]
        if vietnamese.gettext(message) == message
    ]
    assert untranslated == []
