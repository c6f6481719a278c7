"""Dates and times written the Vietnamese way: "Thứ Hai, ngày 12/9/2022", "08h00".

One time format a place: in prose (a sentence, a heading, a list, a clock) "14h25", the
way a Vietnamese programme writes times (``hour``, ``local_hour``, ``local_moment``); in a
table's cells "14:25" (``clock``, ``local_time``, ``local_datetime``). Every page, e-mail,
print and script takes its times from these functions (the desk's and the MC's scripts
write theirs the same way).
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from conference.i18n import current_locale

# Vietnam's zone: for times that belong to no event (logins, audit entries).
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
_WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def long_date(value: date, locale: str | None = None) -> str:
    """In Vietnamese "Thứ Hai, ngày 12/9/2022"; in English "Monday, 12/9/2022"."""
    if (locale or current_locale()) == "vi":
        return f"{_WEEKDAYS_VI[value.weekday()]}, ngày {short_date(value)}"
    return f"{_WEEKDAYS_EN[value.weekday()]}, {short_date(value)}"


def decimal(value: float, digits: int = 1, locale: str | None = None) -> str:
    """A number with at most ``digits`` decimals, in the language's way: "0,8" in
    Vietnamese, "0.8" in English; a whole number without decimals ("2")."""
    text = (
        f"{round(value, digits):.{digits}f}".rstrip("0").rstrip(".")
        if digits
        else str(round(value))
    )
    return text.replace(".", ",") if (locale or current_locale()) == "vi" else text


def short_date(value: date) -> str:
    """Written "12/9/2022": day and month without leading zeros, as official letters write them."""
    return f"{value.day}/{value.month}/{value.year}"


def hour(value: time | datetime) -> str:
    """In prose: "08h00", the way a Vietnamese programme writes times."""
    return f"{value.hour:02d}h{value.minute:02d}"


def clock(value: time | datetime) -> str:
    """In a table's cell: "08:00"."""
    return f"{value.hour:02d}:{value.minute:02d}"


def duration(seconds: int | float) -> str:
    """A length of time, not a time of day: "20:00" for twenty minutes, "1:05" for 65 s.
    Pages put it in ``<time datetime="PT…S">`` (``iso_duration``), which says what it is."""
    whole = int(seconds)
    sign = "-" if whole < 0 else ""
    return f"{sign}{abs(whole) // 60}:{abs(whole) % 60:02d}"


def iso_duration(seconds: int | float) -> str:
    """The ISO 8601 duration of ``<time datetime>``: "PT1200S"."""
    return f"PT{int(seconds)}S"


def local(value: datetime, timezone: str) -> datetime:
    """An aware datetime seen in the event's zone."""
    return value.astimezone(ZoneInfo(timezone))


def local_time(value: datetime | None, timezone: str) -> str:
    """In a table's cell (and an ``<input type="time">``): "08:12" in the event's zone."""
    if value is None:
        return ""
    return clock(local(value, timezone))


def local_datetime(value: datetime | None, timezone: str) -> str:
    """In a table's cell: "23/11/2026 08:12" in the event's (or the organization's) zone."""
    if value is None:
        return ""
    moment = local(value, timezone)
    return f"{short_date(moment.date())} {clock(moment)}"


def local_moment(value: datetime | None, timezone: str, locale: str | None = None) -> str:
    """In prose: "08h12 ngày 23/11/2026" ("08h12, 23/11/2026" in English) in the zone."""
    if value is None:
        return ""
    moment = local(value, timezone)
    if (locale or current_locale()) == "vi":
        return f"{hour(moment)} ngày {short_date(moment.date())}"
    return f"{hour(moment)}, {short_date(moment.date())}"


def local_hour(value: datetime | None, timezone: str) -> str:
    """Written "08h00" in the event's zone, whatever zone the server runs in."""
    return hour(local(value, timezone)) if value is not None else ""


def document_date(value: date) -> str:
    """The date of an official document (Nghị định 30/2020/NĐ-CP): "ngày 05 tháng 02 năm
    2022", the day below 10 and the months January and February written with a leading 0."""
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


_PLACE_PREFIXES = ("thành phố ", "tp. ", "tp ", "tỉnh ")


def place_of_issue(address: str) -> str:
    """The place name of a document's dateline from an address' last part:
    "52 Lê Đại Hành, Hà Nội" and "…, Thành phố Hà Nội" give "Hà Nội"."""
    place = " ".join(address.rsplit(",", 1)[-1].split())
    for prefix in _PLACE_PREFIXES:
        if place.casefold().startswith(prefix):
            place = place[len(prefix) :].strip()
            break
    if place.casefold() == "hồ chí minh":
        return "Thành phố Hồ Chí Minh"  # written in full, as the decree's own examples do
    return place
