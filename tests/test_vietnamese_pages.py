"""The Vietnamese interface has no English left in it: every page, as each role sees it,
read without its code samples (code, pre, kbd), scripts, styles and attributes, holds
none of the English words that used to slip through."""

from __future__ import annotations

import re

import httpx
import pytest

from conference import demo
from conference.formatting import decimal
from tests.conftest import log_in
from tests.test_accessibility_browser import PASSWORD, _ids, _pages
from tests.test_time_format import times_out_of_place

# Whole words, any case; "check-in" also as "checkin".
ENGLISH = ("check-in", "checkin", "slug", "outbox", "conference", "delegate", "cue", "batch")
_WORD = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ENGLISH)) + r")(?![\w-])", re.I)
_HIDDEN = re.compile(r"<(script|style|code|pre|kbd|template)\b.*?</\1>", re.S | re.I)


def visible_text(html: str) -> str:
    """The words a reader sees: no code samples, scripts, styles, tags or attributes."""
    text = re.sub(r"<[^>]+>", " ", _HIDDEN.sub(" ", html))
    return re.sub(r"\s+", " ", text)


def english_words(html: str) -> list[str]:
    text = visible_text(html)
    return [text[max(0, m.start() - 30) : m.end() + 30].strip() for m in _WORD.finditer(text)]


def test_numbers_have_a_decimal_comma_in_vietnamese():
    assert decimal(0.75) == "0,8" and decimal(0.75, locale="en") == "0.8"
    assert decimal(2.0) == "2" and decimal(12.25, 2) == "12,25"


async def test_the_run_sheet_writes_minutes_with_a_decimal_comma(app, db):
    await demo.load()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        await log_in(client, "bantochuc", PASSWORD)
        page = (await client.get("/events/nguoi-tot-viec-tot-2022/runsheet")).text
    assert not re.search(r"\b\d+\.\d+ phút", page)
    assert re.search(r"\b\d+,\d+ phút", page)


def test_the_check_finds_english_outside_code_only():
    assert english_words("<p>Đã check-in lúc 08h10</p>") == ["Đã check-in lúc 08h10"]
    assert english_words('<p><code>conference serve</code> <a href="/outbox">Hộp thư</a></p>') == []


async def test_every_page_in_vietnamese_has_no_english_word(app, db):
    await demo.load()
    ids = await _ids()
    found: dict[str, list[str]] = {}
    times: dict[str, list[str]] = {}  # the same walk checks one time format a place
    for username, paths in _pages(ids).items():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            if username:
                await log_in(client, username, PASSWORD)
            for path in paths:
                response = await client.get(path, headers={"accept": "text/html"})
                if path != "/no-such-page":
                    assert response.status_code == 200, (username, path)
                words = english_words(response.text)
                if words:
                    found[f"{username or 'anonymous'} {path}"] = words
                wrong = times_out_of_place(response.text)
                if wrong:
                    times[f"{username or 'anonymous'} {path}"] = wrong
    if found:
        pytest.fail("\n".join(f"{page}: {words}" for page, words in found.items()))
    if times:
        pytest.fail("\n".join(f"{page}: {wrong}" for page, wrong in times.items()))
