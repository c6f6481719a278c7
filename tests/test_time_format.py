"""One time format a place: "14h25" in prose, "14:25" in a table's cells, everywhere."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time
from html.parser import HTMLParser

from conference import formatting

PROSE = re.compile(r"(?<![\d:/.])\d{1,2}h\d{2}(?!\d)")
TABLE = re.compile(r"(?<![\d:/.])\d{1,2}:\d{2}(?![\d:])")
_HIDDEN = {"script", "style", "code", "pre", "kbd", "template", "textarea"}
_VOID = {"br", "img", "input", "meta", "link", "hr", "col", "source", "wbr", "area", "base"}
_BLOCKS = {
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "nav",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "dl",
    "dd",
    "dt",
    "figure",
    "figcaption",
    "form",
    "fieldset",
    "details",
    "summary",
    "aside",
    "body",
}


class _Reader(HTMLParser):
    """Each visible run of text, and whether its nearest block is a table's cell (a layout
    cell holding paragraphs, as in an e-mail, is not: its paragraphs are prose)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, a duration: <time datetime="P…">)
        self.runs: list[tuple[bool, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        duration = tag == "time" and (dict(attrs).get("datetime") or "").startswith("P")
        self.stack.append((tag, duration))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if any(tag in _HIDDEN or duration for tag, duration in self.stack):
            return
        block = next(
            (tag for tag, _ in reversed(self.stack) if tag in _BLOCKS or tag in {"td", "th"}),
            "",
        )
        self.runs.append((block in {"td", "th"}, data))


def times_out_of_place(html: str) -> list[str]:
    """The times written the other way: "14:25" outside a table, "14h25" inside one
    (visible text only: no scripts, code samples, attributes, form values or durations)."""
    reader = _Reader()
    reader.feed(html)
    wrong: list[str] = []
    for in_cell, text in reader.runs:
        pattern, where = (PROSE, "in a table") if in_cell else (TABLE, "in prose")
        wrong += [
            f"{where}: {m[0]} ({' '.join(text.split())[:60]})" for m in pattern.finditer(text)
        ]
    return wrong


def text_times_out_of_place(text: str) -> list[str]:
    """A plain-text part is prose throughout."""
    return [m[0] for m in TABLE.finditer(text)]


def test_prose_and_tables_each_have_their_own_format():
    moment = datetime(2022, 9, 12, 7, 25, tzinfo=UTC)  # 14h25 in Hà Nội
    assert formatting.local_hour(moment, "Asia/Ho_Chi_Minh") == "14h25"
    assert formatting.local_time(moment, "Asia/Ho_Chi_Minh") == "14:25"
    assert formatting.local_datetime(moment, "Asia/Ho_Chi_Minh") == "12/9/2022 14:25"
    assert formatting.local_moment(moment, "Asia/Ho_Chi_Minh", "vi") == "14h25 ngày 12/9/2022"
    assert formatting.local_moment(moment, "Asia/Ho_Chi_Minh", "en") == "14h25, 12/9/2022"
    assert formatting.hour(time(8, 0)) == "08h00" and formatting.clock(time(8, 0)) == "08:00"


def test_the_check_fails_on_the_other_format():
    assert times_out_of_place("<p>Đã điểm danh lúc 14:25</p>") == [
        "in prose: 14:25 (Đã điểm danh lúc 14:25)"
    ]
    assert times_out_of_place("<table><tr><td>14h25</td></tr></table>") == [
        "in a table: 14h25 (14h25)"
    ]
    assert (
        times_out_of_place(
            '<p>Khai mạc lúc 08h00</p><table><tr><td class="time">08:00</td></tr></table>'
            '<input type="time" value="08:00"><script>"08:00"</script><code>08:00</code>'
            '<p>⏱ <time datetime="PT1200S">20:00</time></p>'
        )
        == []
    )
    # Not times: a port, a date, a version, a ratio inside a word.
    assert times_out_of_place("<p>http://127.0.0.1:8000 · 12/9/2022 · 1.12:30</p>") == []


async def test_the_invitation_email_writes_its_times_one_way_a_place(db):
    from email import message_from_bytes
    from email.headerregistry import Address
    from email.policy import default

    from conference import demo
    from conference.events import get_event
    from conference.invitations.rendering import build_email, build_invitation
    from conference.program import agenda
    from conference.tables import Delegate

    await demo.load()
    event = dict(await get_event("nguoi-tot-viec-tot-2022"))
    event["issued_on"] = event["date"]
    delegate = (
        await Delegate.select()
        .where((Delegate.event == event["id"]) & Delegate.email.is_not_null())
        .order_by(Delegate.id)
        .first()
    )
    programme = await agenda.programme_outline(event["id"])
    invitation = build_invitation(event, delegate, programme, "https://hoinghi.example.vn")
    sender = Address("Ban tổ chức", addr_spec="hn@example.vn")
    message = message_from_bytes(build_email(invitation, sender=sender).data, policy=default)
    html = message.get_body(preferencelist=("html",)).get_content()
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert times_out_of_place(html) == []
    assert text_times_out_of_place(text) == []
    assert re.search(r"<td[^>]*>\d\d:\d\d</td>", html)  # the programme's table: 08:00
    assert PROSE.search(text)  # the text part: 08h00
