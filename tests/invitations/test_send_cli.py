"""`conference invitations send`: every delegate once, even when the server or the process dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from conference.invitations import DelegateInput, add_delegates
from conference.invitations.sending import outbox_status
from conference.tables import AuditEntry, DelegateSource, DeliveryState, InvitationDelivery
from tests.invitations.helpers import make_event
from tests.test_cli import assert_one_line_error, conference


@pytest.fixture
def env(db, tmp_path, smtp_server) -> dict[str, str]:
    return {
        "CONFERENCE_DATABASE_URL": db.url,
        "CONFERENCE_INSTANCE_DIR": str(tmp_path / "instance"),
        "CONFERENCE_SMTP_URL": smtp_server.url,
        "CONFERENCE_MAIL_RATE": "0",
        "CONFERENCE_BASE_URL": "https://hoinghi.example.vn",
    }


async def test_send_delivers_each_invitation_and_says_what_it_did(env, smtp_server):
    await make_event()
    result = conference("invitations", "send", "hn-2022", env=env)
    assert result.returncode == 0, result.stderr
    assert "Đã gửi: 4; lỗi: 0." in result.stdout
    assert "1 đại biểu không có email" in result.stdout
    assert sorted(smtp_server.mailbox.recipients()) == sorted(
        ["le@example.vn", "thang@example.vn", "duc@example.vn", "mai@example.vn"]
    )
    again = conference("invitations", "send", "hn-2022", "--only-unsent", env=env)
    assert again.returncode == 0 and "Không còn gì để gửi" in again.stdout
    assert len(smtp_server.mailbox.messages) == 4


async def test_a_server_that_stops_halfway_then_running_again_sends_each_once(env, smtp_server):
    await make_event()
    smtp_server.mailbox.fail_after = 2
    first = conference("invitations", "send", "hn-2022", env=env)
    assert_one_line_error(first)
    assert "421" in first.stderr
    smtp_server.mailbox.fail_after = None
    second = conference("invitations", "send", "hn-2022", env=env)  # not even --only-unsent
    assert second.returncode == 0, second.stderr
    recipients = smtp_server.mailbox.recipients()
    assert len(recipients) == len(set(recipients)) == 4


async def test_a_process_killed_while_sending_is_resumed_without_a_second_message(
    env, smtp_server, db
):
    event_id, _ = await make_event()
    # The server takes two messages, then holds the third before answering.
    smtp_server.mailbox.hold_at = 2
    # Started and killed from the test's own thread on purpose: the test is the operator.
    process = subprocess.Popen(  # noqa: ASYNC220
        [sys.executable, "-m", "conference.cli", "invitations", "send", "hn-2022"],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert smtp_server.mailbox.holding.wait(timeout=60), (
        "the sender never reached the third message"
    )
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    # The server never answered 250 for the third message: a real server drops it.
    smtp_server.mailbox.hold_at = None
    smtp_server.mailbox.release.set()
    status = await outbox_status(event_id)
    assert status.sent == 2 and status.sending == 1
    result = conference("invitations", "send", "hn-2022", env=env)
    assert result.returncode == 0, result.stderr
    recipients = smtp_server.mailbox.recipients()
    assert len(recipients) == len(set(recipients)) == 4
    rows = await InvitationDelivery.select(InvitationDelivery.state)
    assert {row["state"] for row in rows} == {DeliveryState.sent}
    # The one message in flight is said and recorded, not silently sent again.
    assert "1 thư" in result.stdout, result.stdout
    recorded = await AuditEntry.select(AuditEntry.details).where(
        AuditEntry.action == "invitations.uncertain"
    )
    assert len(recorded) == 1
    # And the rerun after it sends nothing more.
    assert "Không còn gì để gửi" in conference("invitations", "send", "hn-2022", env=env).stdout
    assert len(smtp_server.mailbox.recipients()) == 4


def test_an_unknown_event_or_a_bad_smtp_url_is_one_line(env):
    assert_one_line_error(conference("invitations", "send", "khong-co", env=env))
    bad = conference(
        "invitations", "send", "khong-co", env={**env, "CONFERENCE_SMTP_URL": "mail://x"}
    )
    assert_one_line_error(bad)


async def test_without_smtp_the_messages_are_written_to_the_outbox_folder(env, tmp_path):
    await make_event()
    outbox = tmp_path / "outbox-cli"
    result = conference(
        "invitations",
        "send",
        "hn-2022",
        env={**env, "CONFERENCE_SMTP_URL": "", "CONFERENCE_OUTBOX_DIR": str(outbox)},
    )
    assert result.returncode == 0, result.stderr
    assert len(list(outbox.glob("*.eml"))) == 4


async def test_a_second_plain_run_sends_nobody_a_second_message(env, smtp_server, db):
    event_id, _ = await make_event()
    first = conference("invitations", "send", "hn-2022", env=env)
    assert first.returncode == 0, first.stderr
    assert len(smtp_server.mailbox.messages) == 4
    second = conference("invitations", "send", "hn-2022", env=env)
    assert second.returncode == 0, second.stderr
    assert "Không còn gì để gửi" in second.stdout
    assert len(smtp_server.mailbox.messages) == 4
    # Someone added later is the only one a third run sends to.
    await add_delegates(
        event_id,
        [DelegateInput(full_name="Trần Thị Hoa", email="hoa@example.vn")],
        source=DelegateSource.manual,
    )
    third = conference("invitations", "send", "hn-2022", env=env)
    assert third.returncode == 0, third.stderr
    recipients = smtp_server.mailbox.recipients()
    assert len(recipients) == len(set(recipients)) == 5


async def test_again_sends_everyone_once_more_only_when_confirmed(env, smtp_server):
    await make_event()
    assert conference("invitations", "send", "hn-2022", env=env).returncode == 0
    declined = conference("invitations", "send", "hn-2022", "--again", env=env, stdin="n\n")
    assert declined.returncode != 0
    assert len(smtp_server.mailbox.messages) == 4
    confirmed = conference("invitations", "send", "hn-2022", "--again", env=env, stdin="y\n")
    assert confirmed.returncode == 0, confirmed.stderr
    assert len(smtp_server.mailbox.messages) == 8
    assert len(set(smtp_server.mailbox.recipients())) == 4
    both = conference("invitations", "send", "hn-2022", "--again", "--only-unsent", env=env)
    assert_one_line_error(both)
