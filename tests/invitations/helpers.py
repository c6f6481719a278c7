"""Building blocks for invitation tests: an event with delegates, and a QR decoder."""

from __future__ import annotations

import io
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import zxingcpp
from PIL import Image

from conference.invitations import DelegateInput, add_delegates
from conference.tables import DelegateSource, Event, ProgrammeItem, Speaker

__all__ = ["PEOPLE", "DelegateInput", "decode_qr", "make_event"]

PEOPLE = [
    DelegateInput(
        full_name="Nguyễn Thị Thủy Lệ",
        honorific="Bà",
        email="le@example.vn",
        position="Chủ tịch Công đoàn Xây dựng Việt Nam",
        organization="Bộ Xây dựng",
        protocol_rank=1,
        group="Lãnh đạo",
    ),
    DelegateInput(
        full_name="Hoàng Cao Thắng",
        honorific="Ông",
        email="thang@example.vn",
        position="Phó Bí thư Đảng ủy, Phó Giám đốc Sở Xây dựng Hà Nội",
        organization="Sở Xây dựng Hà Nội",
        protocol_rank=2,
        group="Lãnh đạo",
    ),
    DelegateInput(
        full_name="Đặng Văn Đức",
        honorific="Ông",
        email="duc@example.vn",
        organization="Công ty Xây dựng số 1",
        group="Đại biểu",
    ),
    DelegateInput(
        full_name="Trần Thị <b>Mai</b>",
        honorific="Bà",
        email="mai@example.vn",
        organization="Ban Quản lý dự án",
        group="Khen thưởng",
    ),
    DelegateInput(full_name="Lê Văn Hùng", honorific="Ông", email=None, group="Đại biểu"),
]


async def make_event(
    slug: str = "hn-2022", people: list[DelegateInput] | None = None
) -> tuple[int, list[int]]:
    event = Event(
        slug=slug,
        title='Hội nghị Tổng kết 30 năm phong trào "Người tốt, việc tốt"',
        organizer_name="Sở Xây dựng Hà Nội",
        venue="Hội trường tầng 3",
        address="52 Lê Đại Hành, Hà Nội",
        date=date(2022, 9, 12),
        starts_at=time(7, 30),
        ends_at=time(11, 30),
        signer_name="Hoàng Cao Thắng",
        signer_title="Phó Giám đốc Sở Xây dựng Hà Nội",
        document_number="125/GM-SXD",
        # The signer is one of PEOPLE: these tests send him his letter too (the rule that
        # he is not sent one unless asked is test_official_letter's).
        invite_signer=True,
    )
    await event.save()
    ids = await add_delegates(event.id, people or PEOPLE, source=DelegateSource.manual)
    item = ProgrammeItem(
        event=event.id,
        position=1,
        starts_at=datetime(2022, 9, 12, 9, 45, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
        duration_min=20,
        title="Phát biểu chỉ đạo",
        kind="directive",
    )
    await item.save()
    await Speaker(item=item.id, position=1, delegate=ids[1], name="Hoàng Cao Thắng").save()
    return event.id, ids


def decode_qr(png: bytes) -> str:
    """What a real decoder (zxing-cpp) reads from an image, or fails."""
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))
    assert len(results) == 1, f"expected one code, found {len(results)}"
    return results[0].text
