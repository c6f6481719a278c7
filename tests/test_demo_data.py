"""The demo conference data: deterministic, consistent, and faithful to the seed article."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from conference import demo_data
from conference.demo_data import (
    AWARD_FORMS,
    EVENT,
    OFFICIALS,
    PROGRAMME,
    SLUG,
    DemoDelegate,
    delegates,
)

GROUPS = {"Lãnh đạo", "Khách mời", "Đại biểu", "Khen thưởng", "Báo chí"}
KINDS = {
    "reception",
    "performance",
    "opening",
    "report",
    "contribution",
    "directive",
    "awards",
    "break",
    "photo",
    "closing",
    "other",
}
ROLES = {"báo cáo", "phát biểu chỉ đạo", "chủ trì", "tham luận", "biểu diễn", "dẫn chương trình"}
PHONE = re.compile(r"^09\d{2} \d{3} \d{3}$")
SEAT = re.compile(r"^[A-Z]\d{1,2}$")


def _by_code() -> dict[str, DemoDelegate]:
    return {d.code: d for d in delegates()}


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _strings(getattr(value, field.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _strings(item)


def _at(start: time) -> datetime:
    return datetime.combine(EVENT.date, start)


# --------------------------------------------------------------------------- the event


def test_event_is_the_seed_conference() -> None:
    assert SLUG == EVENT.slug == "nguoi-tot-viec-tot-2022"
    assert EVENT.title == (
        'Hội nghị Tổng kết 30 năm phát động phong trào thi đua "Người tốt, việc tốt" ngành Xây dựng'
    )
    assert EVENT.organizer_name == "Sở Xây dựng Hà Nội"
    assert EVENT.co_organizer_name == "Công đoàn ngành Xây dựng Hà Nội"
    assert EVENT.date == date(2022, 9, 12)
    assert (EVENT.starts_at, EVENT.ends_at) == (time(7, 30), time(11, 30))
    assert EVENT.timezone == "Asia/Ho_Chi_Minh"
    assert EVENT.signer_name == "Hoàng Cao Thắng"
    assert EVENT.signer_title in OFFICIALS[1].position
    assert EVENT.document_number.endswith("/GM-SXD")
    assert (EVENT.stage_capacity, EVENT.vip_rank_threshold) == (10, 5)
    assert "Hà Nội" in EVENT.address


# --------------------------------------------------------------------------- delegates


def test_delegates_are_the_same_on_every_call() -> None:
    assert delegates() == delegates()


def test_delegates_number_between_150_and_160_with_officials_first() -> None:
    people = delegates()
    assert 150 <= len(people) <= 160
    assert people[: len(OFFICIALS)] == OFFICIALS


def test_officials_match_the_seed_table_verbatim() -> None:
    expected = [
        (
            "LD001",
            "Bà",
            "Nguyễn Thị Thủy Lệ",
            "Ủy viên Ban cán sự Đảng Bộ Xây dựng, Phó Chủ tịch Hội đồng Thi đua khen thưởng"
            " Bộ Xây dựng, Chủ tịch Công đoàn Xây dựng Việt Nam",
            1,
        ),
        (
            "LD002",
            "Ông",
            "Hoàng Cao Thắng",
            "Phó Bí thư Đảng ủy, Phó Giám đốc Sở Xây dựng Hà Nội",
            2,
        ),
        ("LD003", "Bà", "Nguyễn Thị Thanh", "Chủ tịch Công đoàn ngành Xây dựng Hà Nội", 3),
    ]
    actual = [(o.code, o.honorific, o.full_name, o.position, o.protocol_rank) for o in OFFICIALS]
    assert actual == expected
    assert all(o.group == "Lãnh đạo" for o in OFFICIALS)


def test_codes_emails_and_names_are_unique() -> None:
    people = delegates()
    for values in (
        [d.code for d in people],
        [d.email for d in people if d.email is not None],
        [d.full_name for d in people],
    ):
        duplicates = [value for value, n in Counter(values).items() if n > 1]
        assert duplicates == []


def test_most_but_not_all_delegates_have_an_ascii_email() -> None:
    people = delegates()
    emails = [d.email for d in people if d.email is not None]
    assert 0.75 <= len(emails) / len(people) <= 0.95
    for email in emails:
        assert email.isascii()
        assert re.fullmatch(r"[a-z0-9._]+@[a-z0-9.-]+\.[a-z]+", email), email


def test_phones_are_vietnamese_mobile_numbers_or_empty() -> None:
    phones = [d.phone for d in delegates()]
    assert "" in phones
    assert all(PHONE.match(phone) for phone in phones if phone)


def test_groups_honorifics_and_seats_are_well_formed() -> None:
    people = delegates()
    assert {d.group for d in people} == GROUPS
    assert {d.honorific for d in people} == {"Ông", "Bà"}
    for d in people:
        assert d.seat == "" or SEAT.match(d.seat), d
    seats = [d.seat for d in people if d.seat]
    assert len(seats) == len(set(seats))
    assert "" in {d.seat for d in people}


def test_female_middle_name_thi_goes_with_ba() -> None:
    for d in delegates():
        words = d.full_name.split()
        if "Thị" in words[1:-1]:
            assert d.honorific == "Bà", d
        if "Văn" in words[1:-1]:
            assert d.honorific == "Ông", d


def test_leaders_hold_ranks_one_to_twelve_in_the_front_row() -> None:
    ranked = sorted(
        (d for d in delegates() if d.protocol_rank is not None), key=lambda d: d.protocol_rank or 0
    )
    assert [d.protocol_rank for d in ranked] == list(range(1, len(ranked) + 1))
    assert 10 <= len(ranked) <= 14
    assert all(d.seat == f"A{d.protocol_rank}" for d in ranked)
    assert {d.group for d in ranked} <= {"Lãnh đạo", "Khách mời"}


def test_names_are_vietnamese_with_some_d_stroke_and_some_four_words() -> None:
    names = [d.full_name for d in delegates()]
    assert sum("Đ" in name or "đ" in name for name in names) >= 5
    assert any(len(name.split()) == 4 for name in names)
    assert all(2 <= len(name.split()) <= 4 for name in names)


def test_the_reporter_of_the_article_is_among_the_press() -> None:
    press = [d for d in delegates() if d.group == "Báo chí"]
    assert any(d.full_name == "Thảo Phương" and d.honorific == "Bà" for d in press)
    assert all(d.protocol_rank is None for d in press)


def test_front_desk_notes_exist_for_a_few_people() -> None:
    noted = [d for d in delegates() if d.notes]
    assert 2 <= len(noted) <= 15


# --------------------------------------------------------------------------- programme


def test_programme_starts_at_half_past_seven_and_is_contiguous() -> None:
    assert PROGRAMME[0].start == EVENT.starts_at == time(7, 30)
    for before, after in pairwise(PROGRAMME):
        end = _at(before.start) + timedelta(minutes=before.duration_min)
        assert end == _at(after.start), (before.title, after.title)
    last = PROGRAMME[-1]
    end = _at(last.start) + timedelta(minutes=last.duration_min)
    assert end.time() == EVENT.ends_at


def test_programme_kinds_and_roles_are_from_the_allowed_lists() -> None:
    assert {item.kind for item in PROGRAMME} <= KINDS
    assert all(item.duration_min > 0 and item.room for item in PROGRAMME)
    for item in PROGRAMME:
        for speaker in item.speakers:
            assert speaker.role in ROLES, speaker


def test_programme_follows_the_article_order() -> None:
    kinds = [item.kind for item in PROGRAMME]
    assert kinds[0] == "reception"
    assert kinds[-1] == "closing"
    order = ["report", "directive", "awards", "photo"]
    assert [k for k in kinds if k in order] == [
        "report",
        "directive",
        "directive",
        "awards",
        "photo",
    ]
    awards = next(item for item in PROGRAMME if item.kind == "awards")
    assert 40 <= awards.duration_min <= 50


def test_programme_speakers_link_to_existing_delegates_by_name() -> None:
    by_code = _by_code()
    for item in PROGRAMME:
        for speaker in item.speakers:
            if speaker.delegate_code is not None:
                assert speaker.delegate_code in by_code, speaker
                assert speaker.name == by_code[speaker.delegate_code].full_name


def test_programme_names_the_seed_speakers_in_their_roles() -> None:
    roles = {(s.delegate_code, s.role, item.kind) for item in PROGRAMME for s in item.speakers}
    assert ("LD003", "báo cáo", "report") in roles
    assert ("LD001", "phát biểu chỉ đạo", "directive") in roles
    assert ("LD002", "phát biểu chỉ đạo", "directive") in roles
    assert ("LD002", "chủ trì", "opening") in roles
    assert any(code is None and role == "dẫn chương trình" for code, role, _ in roles)
    directives = [s.delegate_code for i in PROGRAMME if i.kind == "directive" for s in i.speakers]
    assert directives == ["LD001", "LD002"]


# --------------------------------------------------------------------------- awards


def test_three_award_forms_from_highest_to_lowest() -> None:
    assert [form.rank for form in AWARD_FORMS] == [1, 2, 3]
    assert [form.title for form in AWARD_FORMS] == [
        "Bằng khen của Bộ trưởng Bộ Xây dựng",
        "Bằng khen của Chủ tịch UBND Thành phố Hà Nội",
        "Giấy khen của Giám đốc Sở Xây dựng Hà Nội",
    ]
    suffixes = ["/QĐ-BXD", "/QĐ-UBND", "/QĐ-SXD"]
    for form, suffix in zip(AWARD_FORMS, suffixes, strict=True):
        assert form.decision_number.endswith(suffix)
        assert date(2022, 8, 1) <= form.decision_date < EVENT.date
        assert form.issuer


def test_about_forty_recipients_mixing_collectives_and_individuals() -> None:
    recipients = [r for form in AWARD_FORMS for r in form.recipients]
    assert 36 <= len(recipients) <= 44
    kinds = Counter(r.kind for r in recipients)
    assert set(kinds) == {"individual", "collective"}
    assert kinds["collective"] >= 8
    for r in recipients:
        assert r.citation
        if r.kind == "collective":
            assert r.honorific == ""
        else:
            assert r.honorific in {"Ông", "Bà"}


def test_every_recipient_code_exists_among_the_delegates() -> None:
    by_code = _by_code()
    recipients = [r for form in AWARD_FORMS for r in form.recipients]
    unlinked = [r for r in recipients if r.delegate_code is None]
    assert 2 <= len(unlinked) <= 3
    for r in recipients:
        if r.delegate_code is None:
            continue
        assert r.delegate_code in by_code, r
        person = by_code[r.delegate_code]
        if r.kind == "individual":
            assert (person.full_name, person.honorific) == (r.name, r.honorific)
            assert person.group == "Khen thưởng"


def test_unlinked_individuals_are_not_on_the_delegate_list() -> None:
    names = {d.full_name for d in delegates()}
    for form in AWARD_FORMS:
        for r in form.recipients:
            if r.delegate_code is None:
                assert r.name not in names


def test_no_recipient_appears_twice_within_one_form() -> None:
    for form in AWARD_FORMS:
        names = [r.name for r in form.recipients]
        assert len(names) == len(set(names)), form.title


# --------------------------------------------------------------------------- text


def test_all_text_is_nfc() -> None:
    everything = (EVENT, OFFICIALS, delegates(), PROGRAMME, AWARD_FORMS)
    strings = list(_strings(everything))
    assert len(strings) > 1000
    for text in strings:
        assert unicodedata.normalize("NFC", text) == text, text
        assert text == text.strip(), text


def test_module_uses_only_the_standard_library() -> None:
    source = demo_data.__file__
    assert source is not None
    with open(source, encoding="utf-8") as handle:
        imports = [line for line in handle if line.startswith(("import ", "from "))]
    modules = {line.split()[1].split(".")[0] for line in imports}
    assert modules <= {"__future__", "random", "unicodedata", "dataclasses", "datetime"}
