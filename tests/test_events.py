"""Organizers create and change events; everyone with a role sees the list and dashboard."""

from __future__ import annotations

from datetime import date, time

import pytest

from conference import auth, demo
from conference.errors import FormErrors
from conference.events import services
from conference.events.schemas import EventInput
from conference.tables import Delegate, Event, Role
from tests.conftest import csrf_token, log_in

VALID_FORM = {
    "title": "Hội nghị Tổng kết công tác Công đoàn năm 2023",
    "slug": "",
    "organizer_name": "Công đoàn ngành Xây dựng Hà Nội",
    "venue": "Hội trường tầng 3",
    "address": "52 Lê Đại Hành, Hà Nội",
    "date": "2023-12-20",
    "starts_at": "08:00",
    "ends_at": "11:30",
    "timezone": "Asia/Ho_Chi_Minh",
    "signer_name": "Nguyễn Thị Thanh",
    "signer_title": "Chủ tịch Công đoàn ngành Xây dựng Hà Nội",
    "document_number": "15/GM-CĐXD",
    "stage_capacity": "8",
    "vip_rank_threshold": "3",
}


@pytest.fixture
async def organizer(client, sample_password):
    await auth.create_user("btc", sample_password, Role.organizer)
    await log_in(client, "btc", sample_password)
    return client


async def _submit(client, path, form):
    token = await csrf_token(client, path)
    return await client.post(path, data={**form, "_csrf_token": token}, follow_redirects=True)


def test_the_form_is_parsed_with_a_slug_made_from_the_title():
    data = EventInput.from_form(VALID_FORM)
    assert data.slug == "hoi-nghi-tong-ket-cong-tac-cong-doan-nam-2023"
    assert data.date == date(2023, 12, 20) and data.starts_at == time(8, 0)
    assert data.stage_capacity == 8


def test_every_wrong_field_is_named_at_once():
    form = {
        **VALID_FORM,
        "title": " ",
        "date": "20/12/2023",
        "ends_at": "07:00",
        "timezone": "Mars/Olympus",
        "stage_capacity": "0",
    }
    with pytest.raises(FormErrors) as caught:
        EventInput.from_form(form)
    assert set(caught.value.fields) == {"title", "date", "ends_at", "timezone", "stage_capacity"}


async def test_organizer_creates_an_event_and_lands_on_its_dashboard(organizer):
    response = await _submit(organizer, "/events/new", VALID_FORM)
    assert response.status_code == 200
    assert str(response.url).endswith("/events/hoi-nghi-tong-ket-cong-tac-cong-doan-nam-2023")
    assert "Đã tạo hội nghị" in response.text
    assert "Thứ Tư, ngày 20/12/2023" in response.text
    row = await Event.select().first()
    assert row["signer_name"] == "Nguyễn Thị Thanh" and row["stage_capacity"] == 8


async def test_a_bad_form_comes_back_with_vietnamese_messages_and_keeps_the_input(organizer):
    response = await _submit(organizer, "/events/new", {**VALID_FORM, "ends_at": "07:00"})
    assert response.status_code == 400
    assert "Giờ kết thúc phải sau giờ bắt đầu" in response.text
    assert "Công đoàn ngành Xây dựng Hà Nội" in response.text
    assert await Event.count() == 0


async def test_a_taken_slug_is_refused(organizer):
    await _submit(organizer, "/events/new", {**VALID_FORM, "slug": "hn-2023"})
    response = await _submit(organizer, "/events/new", {**VALID_FORM, "slug": "hn-2023"})
    assert response.status_code == 400
    assert "hn-2023" in response.text and "đã được một hội nghị khác sử dụng" in response.text
    assert await Event.count() == 1


async def test_organizer_edits_an_event(organizer):
    await _submit(organizer, "/events/new", {**VALID_FORM, "slug": "hn-2023"})
    response = await _submit(
        organizer,
        "/events/hn-2023/edit",
        {**VALID_FORM, "slug": "hn-2023", "venue": "Cung Văn hóa Lao động"},
    )
    assert response.status_code == 200 and "Cung Văn hóa Lao động" in response.text
    assert (await services.get_event("hn-2023"))["venue"] == "Cung Văn hóa Lao động"


async def test_titles_with_markup_are_shown_as_text(organizer):
    await _submit(
        organizer, "/events/new", {**VALID_FORM, "slug": "x", "title": "<script>alert(1)</script>"}
    )
    page = await organizer.get("/events/x")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text


async def test_the_demo_dashboard_counts_delegates_programme_and_awards(client, sample_password):
    await demo.load()
    await auth.create_user("mc1", sample_password, Role.mc)
    await log_in(client, "mc1", sample_password)
    page = await client.get("/events/nguoi-tot-viec-tot-2022")
    assert page.status_code == 200
    assert 'data-stat="delegates">153<' in page.text
    assert 'data-stat="programme_items">12<' in page.text
    assert 'data-stat="award_recipients">40<' in page.text
    assert "07h30" in page.text  # the programme in the event's time zone
    assert "Bằng khen của Bộ trưởng Bộ Xây dựng" in page.text
    # An MC sees the dashboard but not the organizer's edit button.
    assert "/edit" not in page.text


async def test_an_unknown_event_is_a_clear_404(organizer):
    page = await organizer.get("/events/khong-co", headers={"accept": "text/html"})
    assert page.status_code == 404
    assert "Không có hội nghị nào ở địa chỉ này" in page.text


async def test_the_events_list_is_in_english_after_the_switch(organizer):
    await _submit(organizer, "/events/new", VALID_FORM)
    await organizer.get("/lang/en?next=/")
    page = await organizer.get("/")
    assert "New event" in page.text and "Wednesday, 20/12/2023" in page.text
    await organizer.get("/lang/vi")
    assert "Hội nghị mới" in (await organizer.get("/")).text


async def test_expected_attendance_leaves_out_declines_and_withdrawn_invitations(db):
    from conference.invitations import attendance
    from conference.invitations import services as delegates

    await demo.load()
    event = await services.get_event("nguoi-tot-viec-tot-2022")
    before = await attendance(event["id"])
    rows = await Delegate.select(Delegate.id, Delegate.token).limit(3)
    await delegates.record_rsvp(rows[0]["token"], "declined")
    await delegates.record_rsvp(rows[1]["token"], "accepted")
    await delegates.revoke_invitation(event["id"], rows[2]["id"])
    after = await attendance(event["id"])
    assert after.expected == before.expected - 2
    assert (after.accepted, after.declined, after.invited) == (1, 1, before.invited - 1)
