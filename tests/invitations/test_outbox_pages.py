"""Sending from the web page (in the background, with progress) and editing the wording."""

from __future__ import annotations

import asyncio

import pytest
from litestar import Litestar

from conference import auth
from conference.app import create_app
from conference.invitations.background import run_for
from conference.tables import Event, Role
from tests.conftest import csrf_token, log_in
from tests.invitations.helpers import make_event


@pytest.fixture
def app(db, tmp_path, smtp_server) -> Litestar:  # the app of these tests sends to the test server
    return create_app(
        db.settings(tmp_path, smtp_url=smtp_server.url, mail_rate=0), engine=db.engine
    )


@pytest.fixture
async def organizer(client, sample_password):
    await auth.create_user("btc", sample_password, Role.organizer)
    await log_in(client, "btc", sample_password)
    return client


async def _post(client, path, data):
    token = await csrf_token(client, "/events/hn-2022/invitations/")
    return await client.post(path, data={**data, "_csrf_token": token}, follow_redirects=True)


async def _wait_for_run(event_id: int) -> None:
    run = run_for(event_id)
    if run.task is not None:
        await asyncio.wait_for(run.task, timeout=30)


async def test_sending_from_the_page_runs_in_the_background_and_reports_progress(
    organizer, smtp_server
):
    event_id, _ = await make_event()
    page = await organizer.get("/events/hn-2022/invitations/")
    assert 'data-stat="without_email">1<' in page.text and "Lê Văn Hùng" in page.text
    await _post(organizer, "/events/hn-2022/invitations/send", {"mode": "unsent"})
    await _wait_for_run(event_id)
    status = (await organizer.get("/events/hn-2022/invitations/status")).json()
    assert status == {
        "queued": 0,
        "sending": 0,
        "sent": 4,
        "failed": 0,
        "without_email": 1,
        "running": False,
        "stopped_by": "",
        "stopped_message": "",
    }
    assert len(smtp_server.mailbox.messages) == 4
    listing = await organizer.get("/events/hn-2022/delegates/?invitation=sent")
    assert listing.text.count('class="state inv-sent"') == 4


async def test_pressing_send_again_sends_nobody_twice(organizer, smtp_server):
    event_id, _ = await make_event()
    await _post(organizer, "/events/hn-2022/invitations/send", {"mode": "unsent"})
    await _post(organizer, "/events/hn-2022/invitations/send", {"mode": "unsent"})
    await _wait_for_run(event_id)
    await _post(organizer, "/events/hn-2022/invitations/send", {"mode": "unsent"})
    await _wait_for_run(event_id)
    recipients = smtp_server.mailbox.recipients()
    assert len(recipients) == len(set(recipients)) == 4


async def test_a_server_failure_shows_why_and_sending_again_finishes(organizer, smtp_server):
    event_id, _ = await make_event()
    smtp_server.mailbox.fail_after = 1
    await _post(organizer, "/events/hn-2022/invitations/send", {"mode": "unsent"})
    await _wait_for_run(event_id)
    status = (await organizer.get("/events/hn-2022/invitations/status")).json()
    assert status["sent"] == 1 and status["queued"] == 3 and "421" in status["stopped_by"]
    # What stopped the run and what to do, as an error, not as grey text.
    assert status["stopped_message"].startswith("Đã dừng: Máy chủ thư trả lời 421")
    page = await organizer.get("/events/hn-2022/invitations/")
    assert '<p id="run-state" class="flash error" role="status">' in page.text
    assert "Đã dừng: Máy chủ thư trả lời 421" in page.text
    smtp_server.mailbox.fail_after = None
    await _post(organizer, "/events/hn-2022/invitations/send", {"mode": "unsent"})
    await _wait_for_run(event_id)
    recipients = smtp_server.mailbox.recipients()
    assert len(recipients) == len(set(recipients)) == 4


async def test_the_organizer_rewords_the_invitation_and_sees_a_preview(organizer, smtp_server):
    event_id, _ = await make_event()
    page = await _post(
        organizer,
        "/events/hn-2022/invitations/wording",
        {
            "subject": "Trân trọng kính mời {{ delegate.honorific }} {{ delegate.full_name }}",
            "body": "Kính mời {{ delegate.honorific }} dự hội nghị.\n\nĐề nghị đến trước 15 phút.",
        },
    )
    assert "Đã lưu nội dung giấy mời" in page.text
    assert "Trân trọng kính mời Ông Hoàng Cao Thắng" in page.text  # the preview
    await _post(organizer, "/events/hn-2022/invitations/send", {"mode": "unsent"})
    await _wait_for_run(event_id)
    [message] = [m for m in smtp_server.mailbox.messages if "le@" in str(m["To"])]
    assert message["Subject"] == "Trân trọng kính mời Bà Nguyễn Thị Thủy Lệ"
    assert "Đề nghị đến trước 15 phút." in message.get_body(preferencelist=("plain",)).get_content()


@pytest.mark.parametrize(
    "body",
    ["{{ delegate.nonexistent }}", "{% for %}", "{{ ''.__class__.__mro__ }}", "{{ event.title"],
)
async def test_wording_with_a_mistake_or_an_escape_attempt_is_refused(organizer, body):
    await make_event()
    page = await _post(
        organizer, "/events/hn-2022/invitations/wording", {"subject": "", "body": body}
    )
    assert page.status_code == 400 and "Nội dung giấy mời có lỗi" in page.text
    assert (await Event.select(Event.invitation_body).first())["invitation_body"] == ""
