"""The MC's Vietnamese wording for the run sheet: pure functions, no database.

The forms follow the usual practice of official ceremonies: the MC reads the
decision ("công bố Quyết định số … ngày … của …"), then calls each batch with its
presenter ("Kính mời Ông …, [chức vụ] lên trao Bằng khen cho các tập thể và cá
nhân: …"). People are named with their honorific and title; a collective with the
person who receives for it; a stand-in as "…, Bà X nhận thay". Absent recipients
are not called: their certificates are delivered later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from conference.formatting import short_date
from conference.text import fold, nfc

# Used when a record has no honorific: the formal address of official meetings.
DEFAULT_HONORIFIC = "đồng chí"
DEFAULT_MUSIC = "Nhạc trao thưởng khi các đại biểu lên sân khấu"
DEFAULT_PHOTO = "Chụp ảnh lưu niệm cùng lãnh đạo"
PHOTO_LINE = "Kính mời lãnh đạo cùng các tập thể, cá nhân chụp ảnh lưu niệm."


@dataclass(frozen=True)
class Person:
    """Someone the MC names: honorific, full name and official title (chức vụ, đơn vị)."""

    name: str
    honorific: str = ""
    title: str = ""
    organization: str = ""

    def addressed(self) -> str:
        """ "Ông Hoàng Cao Thắng": the honorific (or "đồng chí") and the name."""
        honorific = nfc(self.honorific) or DEFAULT_HONORIFIC
        return f"{honorific} {nfc(self.name)}"

    def described(self) -> str:
        """ "Ông Hoàng Cao Thắng, Phó Bí thư Đảng ủy, Phó Giám đốc Sở Xây dựng Hà Nội"."""
        parts = [self.addressed()]
        title, organization = nfc(self.title), nfc(self.organization)
        if title:
            parts.append(title)
        # "Phó Giám đốc Sở Xây dựng Hà Nội" already names its organization.
        if organization and fold(organization) not in fold(title):
            parts.append(organization)
        return ", ".join(parts)


@dataclass(frozen=True)
class Called:
    """A recipient as the MC calls them.

    ``receiver`` is the individual, or the person receiving for a collective (None
    when nobody is known); ``stand_in`` names whoever receives in their place.
    """

    kind: str  # individual | collective
    name: str  # the person, or the collective
    receiver: Person | None
    stand_in: str = ""
    absent: bool = False


def award_name(form_title: str) -> str:
    """ "Bằng khen của Bộ trưởng Bộ Xây dựng" → "Bằng khen": what is handed over."""
    title = nfc(form_title)
    head = title.split(" của ", 1)[0].strip()
    return head or title


def _counted(collectives: int, individuals: int) -> str:
    parts = []
    if collectives:
        parts.append(f"{collectives} tập thể")
    if individuals:
        parts.append(f"{individuals} cá nhân")
    return " và ".join(parts)


def announcement(
    title: str,
    *,
    decision_number: str = "",
    decision_date: date | None = None,
    issuer: str = "",
    collectives: int = 0,
    individuals: int = 0,
) -> str:
    """The MC reads the decision that confers an award form.

    "Xin trân trọng công bố Quyết định số 1069/QĐ-BXD ngày 26/8/2022 của Bộ trưởng
    Bộ Xây dựng về việc tặng Bằng khen của Bộ trưởng Bộ Xây dựng cho 3 tập thể và
    5 cá nhân đã có thành tích xuất sắc."
    """
    whom = _counted(collectives, individuals)
    recipients = f" cho {whom} đã có thành tích xuất sắc" if whom else ""
    number = nfc(decision_number)
    if not number:
        return f"Sau đây là phần trao tặng {nfc(title)}{recipients}."
    when = f" ngày {short_date(decision_date)}" if decision_date else ""
    by = f" của {nfc(issuer)}" if nfc(issuer) else ""
    return (
        f"Xin trân trọng công bố Quyết định số {number}{when}{by} "
        f"về việc tặng {nfc(title)}{recipients}."
    )


def recipient_line(called: Called) -> str:
    """One line of the call: who comes up, and for whom.

    "Ông Lê Minh Đức, Phó Chánh Thanh tra Sở, Thanh tra Sở Xây dựng Hà Nội";
    "Phòng Kinh tế xây dựng, Ông Nguyễn Quốc Trung, Phó Trưởng phòng … đại diện nhận";
    "Ông Trương Công Hậu, Ông Ngô Văn Thành nhận thay". A line opens with a capital,
    also when it starts with the default "đồng chí".
    """
    if called.kind == "collective":
        line = nfc(called.name)
        if called.stand_in:
            line += f", {nfc(called.stand_in)} nhận thay"
        elif called.receiver is not None:
            line += f", {called.receiver.described()} đại diện nhận"
    else:
        person = called.receiver or Person(name=called.name)
        if called.stand_in:
            line = f"{person.addressed()}, {nfc(called.stand_in)} nhận thay"
        else:
            line = person.described()
    return line[:1].upper() + line[1:]


def _whom(called: Sequence[Called]) -> str:
    collectives = any(c.kind == "collective" for c in called)
    individuals = any(c.kind != "collective" for c in called)
    if collectives and individuals:
        return "các tập thể và cá nhân"
    if collectives:
        return "các tập thể" if len(called) > 1 else "tập thể"
    return "các cá nhân" if len(called) > 1 else "cá nhân"


def batch(
    form_title: str,
    presenters: Sequence[Person],
    recipients: Sequence[Called],
    *,
    photo: bool = True,
) -> str:
    """The call of one batch: the presenter, then every recipient present, numbered.

    Absent recipients are left out (their certificates are delivered later).
    """
    called = [c for c in recipients if not c.absent]
    award = award_name(form_title)
    if not called:
        return (
            f"(Các tập thể, cá nhân của đợt này vắng mặt: {award} sẽ được trao sau.)"
            if recipients
            else ""
        )
    whom = _whom(called)
    if presenters:
        leaders = " và ".join(p.described() for p in presenters)
        opening = f"Kính mời {leaders} lên trao {award} cho {whom}:"
    else:
        opening = f"Kính mời {whom} sau lên nhận {award}:"
    lines = [opening]
    lines += [
        f"{number}. {recipient_line(c)}{';' if number < len(called) else '.'}"
        for number, c in enumerate(called, start=1)
    ]
    if photo:
        lines.append(PHOTO_LINE)
    return "\n".join(lines)
