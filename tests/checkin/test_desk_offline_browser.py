"""The desk page with no network, in Debian's Chromium: no scan is lost, none counted twice.

Playwright's ``context.set_offline`` cuts the page (and its service worker) off the
server; the page keeps its queue and snapshot in IndexedDB and opens from the service
worker's cache.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from conference import auth
from conference.invitations import services as invitations
from conference.invitations import substitutes
from conference.tables import CheckInAttempt, Delegate, DelegateSource, Event, Role
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.invitations.helpers import DelegateInput, make_event

DESK = "/events/hn-2022/desk/"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
async def today_event(db, sample_password) -> None:
    """The test event, held today: a scan sent later must fall on the event's day."""
    await make_event()
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    await Event.update({Event.date: today}).where(Event.slug == "hn-2022")
    await auth.create_user("letan", sample_password, Role.desk)
    await auth.create_user("letan2", sample_password, Role.desk)
    await auth.create_user("bantochuc", sample_password, Role.organizer)


@pytest.fixture
def open_desk(today_event, live_server, chromium_browser, sample_password) -> Callable[..., Any]:
    """A desk page in its own browser context (its own IndexedDB, cache and worker)."""

    @asynccontextmanager
    async def open_page(
        username: str = "letan", viewport: dict[str, int] | None = None
    ) -> AsyncIterator[Any]:
        context = await chromium_browser.new_context(
            viewport=viewport or {"width": 1024, "height": 800}
        )
        try:
            page = await context.new_page()
            await page.goto(f"{live_server.url}/login?next={DESK}")
            await page.fill("input[name=username]", username)
            await page.fill("input[name=password]", sample_password)
            await page.click("button[type=submit]")
            await page.wait_for_selector("#scan")
            await page.wait_for_selector("#desk[data-ready=yes]")
            yield page
        finally:
            await context.close()

    return open_page


async def _token(name: str) -> str:
    row = await Delegate.select(Delegate.token).where(Delegate.full_name == name).first()
    assert row is not None
    return str(row["token"])


async def _scan(page: Any, text: str) -> None:
    # A hand scanner is a keyboard: it types the code, then Enter.
    await page.focus("#scan")
    await page.keyboard.type(text, delay=1)
    await page.keyboard.press("Enter")


async def _ready_for_offline(page: Any) -> None:
    """The worker controls the page and the snapshot holds the event's delegates."""
    await page.wait_for_selector("#desk[data-worker-ready=yes]")
    await page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    await page.wait_for_function(
        "() => Number(document.getElementById('desk').dataset.snapshot) >= 5"
    )


async def _scan_offline(page: Any, code: str, expected: str) -> tuple[datetime, datetime]:
    """Scan ``code`` and wait for the offline answer; the window in which the scan was made."""
    before = datetime.now(UTC)
    await page.evaluate("document.getElementById('result').dataset.result = ''")
    await _scan(page, code)
    await page.wait_for_selector(f"#result[data-result={expected}][data-offline=yes]")
    return before, datetime.now(UTC)


async def _checked_in() -> dict[str, datetime]:
    rows = await Delegate.select(Delegate.full_name, Delegate.checked_in_at).where(
        Delegate.checked_in_at.is_not_null()
    )
    return {r["full_name"]: r["checked_in_at"] for r in rows}


async def test_scans_made_offline_survive_a_reload_and_arrive_once_with_their_own_times(
    open_desk, live_server
):
    async with open_desk() as page:
        await _ready_for_offline(page)
        await page.context.set_offline(True)
        le, duc, hung = [
            await _token(n) for n in ("Nguyễn Thị Thủy Lệ", "Đặng Văn Đức", "Lê Văn Hùng")
        ]
        windows = {}
        windows["Nguyễn Thị Thủy Lệ"] = await _scan_offline(page, f"{live_server.url}/i/{le}", "ok")
        # The server's absence is said in a banner, and the answer comes from the snapshot.
        assert await page.is_visible("#net-banner")
        assert "Không kết nối được máy chủ" in await page.inner_text("#net-banner")
        panel = await page.inner_text("#result")
        assert "Bà Nguyễn Thị Thủy Lệ" in panel and "Đã ghi nhận (ngoại tuyến)" in panel
        windows["Đặng Văn Đức"] = await _scan_offline(page, duc, "ok")
        # The same code again, still offline: amber from this desk's own queue, and kept.
        await _scan_offline(page, duc, "already_checked_in")
        assert "chưa gửi" in await page.inner_text("#result")
        windows["Lê Văn Hùng"] = await _scan_offline(page, f"{live_server.url}/i/{hung}", "ok")

        await page.wait_for_selector("#desk[data-pending='4']")
        assert "4 lượt quét chưa gửi" in await page.inner_text("#pending")
        assert "Ông Đặng Văn Đức" in await page.inner_text("#pending-list")
        assert await _checked_in() == {}

        # Reloaded with no network: the worker serves the page, IndexedDB still holds the queue.
        await page.reload()
        await page.wait_for_selector("#desk[data-ready=yes]")
        await page.wait_for_selector("#desk[data-pending='4']")
        assert "4 lượt quét chưa gửi" in await page.inner_text("#pending")
        assert await _checked_in() == {}

        uploads: list[str] = []
        page.on("request", lambda r: uploads.append(r.url) if "/checkins" in r.url else None)
        await page.context.set_offline(False)
        await page.wait_for_selector("#desk[data-pending='0']", timeout=30_000)
        assert await page.is_hidden("#pending")
        # The four went in one upload (the batch), not one request each.
        assert [u.rsplit("/", 1)[-1] for u in uploads] == ["batch"], uploads
        await page.wait_for_selector("#net-banner", state="hidden")

    arrived = await _checked_in()
    assert set(arrived) == set(windows)
    for name, (before, after) in windows.items():
        # The arrival is the scan's own time, not the upload's.
        assert before <= arrived[name] <= after, (name, arrived[name], before, after)
    oks = await CheckInAttempt.count().where(CheckInAttempt.result == "ok")
    assert oks == 3


async def test_two_desks_offline_admitting_the_same_person_make_one_check_in_and_one_conflict(
    open_desk, live_server, chromium_browser, sample_password
):
    token = await _token("Đặng Văn Đức")
    async with open_desk("letan") as first, open_desk("letan2") as second:
        for page, name in ((first, "Bàn 1"), (second, "Bàn 2")):
            await _ready_for_offline(page)
            await page.fill("#desk-name", name)
            await page.context.set_offline(True)
            await _scan_offline(page, token, "ok")
        for page in (first, second):
            await page.context.set_offline(False)
            await page.wait_for_selector("#desk[data-pending='0']", timeout=30_000)
        # The second desk is told, not left believing its green.
        await second.wait_for_selector("#late:not([hidden])")
        assert "Đặng Văn Đức" in await second.inner_text("#late-list")
    async with open_desk("bantochuc") as organizer:
        answer = await organizer.request.get(
            f"{live_server.url}/api/events/hn-2022/checkins/conflicts"
        )
        assert answer.ok, await answer.text()
        conflicts = (await answer.json())["conflicts"]
    assert [(c["full_name"], c["desk"], c["first_desk"]) for c in conflicts] == [
        ("Đặng Văn Đức", "Bàn 2", "Bàn 1")
    ]
    assert await Delegate.count().where(Delegate.checked_in_at.is_not_null()) == 1


async def test_a_code_mangled_by_a_typing_tool_or_caps_lock_says_how_to_fix_it_offline(
    open_desk,
):
    token = await _token("Đặng Văn Đức")
    async with open_desk() as page:
        await _ready_for_offline(page)
        await page.context.set_offline(True)
        # Another host and port in front of /i/: offline, the token is what counts.
        await _scan_offline(page, f"http://10.0.0.9:8201/i/{token}", "ok")
        await _scan_offline(page, token.upper(), "unknown")
        assert "Caps Lock" in await page.inner_text("#result")
        await _scan_offline(page, token.swapcase(), "unknown")
        assert "Caps Lock" in await page.inner_text("#result")
        await _scan_offline(page, token[:-1] + "ô", "unknown")
        assert "bộ gõ tiếng Việt" in await page.inner_text("#result")


async def test_on_a_phone_the_answer_and_its_undo_are_on_the_first_screen(open_desk):
    token = await _token("Hoàng Cao Thắng")
    async with open_desk(viewport=PHONE) as page:
        # The header is one line, whole: no item below another, none past the screen's edge.
        items = await page.evaluate(
            "[...document.querySelectorAll('body > header li')]"
            ".map((li) => li.getBoundingClientRect().toJSON())"
        )
        assert max(i["top"] for i in items) - min(i["top"] for i in items) < 10, items
        assert max(i["right"] for i in items) <= PHONE["width"], items
        header = await page.evaluate(
            "document.querySelector('body > header').getBoundingClientRect().height"
        )
        assert header < 70, header
        await _scan(page, token)
        await page.wait_for_selector("#result[data-result=ok]")
        undo = await page.evaluate(
            "document.querySelector('#result button').getBoundingClientRect().toJSON()"
        )
        panel = await page.evaluate("document.getElementById('result').getBoundingClientRect().top")
        assert panel >= 0 and undo["bottom"] <= PHONE["height"], (panel, undo)
        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        # Every walk-in field has its label and is shown whole.
        fields = await page.evaluate(
            """[...document.querySelectorAll('#walk-in input')].map((input) => {
                 const box = input.getBoundingClientRect();
                 return {label: input.closest('label')?.textContent.trim() || '',
                         left: box.left, right: box.right, width: box.width};
               })"""
        )
        assert len(fields) == 5
        for field in fields:
            assert field["label"] and field["left"] >= 0 and field["right"] <= PHONE["width"]
            assert field["width"] >= 60, field


async def test_a_walk_in_already_invited_is_checked_in_as_themselves(open_desk):
    before = await Delegate.count()
    async with open_desk() as page:
        await page.fill("#walk-in input[name=full_name]", "Dang Van Duc")
        match = page.locator("#walk-in-matches button", has_text="Điểm danh người này")
        await match.wait_for()
        assert "Đặng Văn Đức" in await page.inner_text("#walk-in-matches")
        await match.click()
        await page.wait_for_selector("#result[data-result=ok]")
    assert await Delegate.count() == before  # no second record
    assert list(await _checked_in()) == ["Đặng Văn Đức"]


async def test_offline_on_a_phone_a_declined_guest_is_welcomed_with_a_note_and_undo_unqueues(
    open_desk,
):
    await Delegate.update({Delegate.rsvp: "declined"}).where(Delegate.full_name == "Lê Văn Hùng")
    token = await _token("Lê Văn Hùng")
    async with open_desk(viewport=PHONE) as page:
        await _ready_for_offline(page)
        await page.context.set_offline(True)
        await _scan_offline(page, token, "ok")
        assert "Đã báo không tham dự" in await page.inner_text("#result")
        undo = page.locator("#result button")
        box = await undo.bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"], box
        await page.wait_for_selector("#desk[data-pending='1']")
        # Undone before it was sent: the scan leaves the queue and never reaches the server.
        await undo.click()
        await page.wait_for_selector("#desk[data-pending='0']")
        await page.context.set_offline(False)
        await page.wait_for_selector("#net-banner", state="hidden", timeout=30_000)
    assert await _checked_in() == {}


async def test_a_server_failing_for_a_while_gets_the_scan_by_itself_exactly_once(open_desk):
    token = await _token("Nguyễn Thị Thủy Lệ")
    async with open_desk() as page:
        await _ready_for_offline(page)
        attempts: list[str] = []
        nonces: set[str] = set()

        async def failing(route: Any) -> None:
            # The first four attempts meet a broken server; later ones reach the real one.
            attempts.append(route.request.url)
            sent = json.loads(route.request.post_data or "{}")
            nonces.update(scan["nonce"] for scan in sent.get("scans", [sent]))
            if len(attempts) <= 4:
                await route.fulfill(status=503, body="{}", content_type="application/json")
            else:
                await route.continue_()

        await page.route("**/api/events/hn-2022/checkins*", failing)
        before = datetime.now(UTC)
        await _scan(page, token)
        # A 5xx is no answer: the desk answers from its snapshot and keeps the scan.
        await page.wait_for_selector("#result[data-result=ok][data-offline=yes]")
        after = datetime.now(UTC)
        # No "online" event, nobody pressing anything: the page retries, less and less often.
        await page.wait_for_selector("#desk[data-pending='0']", timeout=60_000)
        assert len(attempts) == 5, attempts
        assert len(nonces) == 1, nonces  # every attempt the same scan, by its one nonce
    arrived = await _checked_in()
    assert list(arrived) == ["Nguyễn Thị Thủy Lệ"]
    assert before <= arrived["Nguyễn Thị Thủy Lệ"] <= after
    assert await CheckInAttempt.count().where(CheckInAttempt.result == "ok") == 1


async def test_an_arrival_at_another_desk_reaches_the_snapshot_so_offline_it_answers_amber(
    open_desk,
):
    token = await _token("Hoàng Cao Thắng")
    async with open_desk("letan") as first, open_desk("letan2") as second:
        await _ready_for_offline(second)
        await first.fill("#desk-name", "Bàn 1")
        await _scan(first, token)
        await first.wait_for_selector("#result[data-result=ok]")
        # The live stream tells the second desk, which keeps it in its snapshot.
        await second.wait_for_function(
            """async () => {
                 const kept = await window.deskStore.snapshot("hn-2022");
                 return kept.delegates.some((d) => d.full_name === "Hoàng Cao Thắng"
                                                   && d.checked_in_at);
               }"""
        )
        await second.context.set_offline(True)
        await _scan_offline(second, token, "already_checked_in")
        assert "Bàn 1" in await second.inner_text("#result")


async def test_a_second_walk_in_of_the_same_name_is_created_only_when_the_desk_confirms(
    open_desk,
):
    async def register(page: Any) -> None:
        await page.fill("#walk-in input[name=full_name]", "Vũ Thị Hạnh")
        await page.fill("#walk-in input[name=organization]", "Báo Xây dựng")
        await page.evaluate("document.getElementById('result').dataset.result = ''")
        await page.click("#walk-in button[type=submit]")

    hanh = Delegate.count().where(Delegate.full_name == "Vũ Thị Hạnh")
    async with open_desk() as page:
        await register(page)
        await page.wait_for_selector("#result[data-result=ok]")
        assert await hanh == 1
        await register(page)
        # Same name again: the desk is asked, nothing is created yet.
        confirm = page.locator("#walk-in-matches button", has_text="Vẫn đăng ký thêm")
        await confirm.wait_for()
        assert await hanh == 1
        await confirm.click()
        await page.wait_for_selector("#result[data-result=ok]")
    assert await hanh == 2


async def test_the_server_answers_name_a_replaced_code_and_note_a_declined_guest(open_desk):
    row = await Delegate.select(Delegate.id, Delegate.event, Delegate.token).where(
        Delegate.full_name == "Hoàng Cao Thắng"
    )
    old = row[0]["token"]
    await invitations.reissue_invitation(row[0]["event"], row[0]["id"])
    await Delegate.update({Delegate.rsvp: "declined"}).where(Delegate.full_name == "Lê Văn Hùng")
    async with open_desk() as page:
        await _scan(page, old)
        await page.wait_for_selector("#result[data-result=revoked]")
        panel = await page.inner_text("#result")
        assert "Ông Hoàng Cao Thắng" in panel and "dùng mã mới" in panel
        await _scan(page, await _token("Lê Văn Hùng"))
        await page.wait_for_selector("#result[data-result=ok]")
        panel = await page.inner_text("#result")
        assert "Ông Lê Văn Hùng" in panel and "đã báo không tham dự" in panel
        assert panel.count("không tham dự") == 1  # the server's note, not a second one


async def test_a_scan_kept_offline_is_sent_after_the_browser_is_closed_and_started_again(
    today_event, live_server, chromium_browser, sample_password, tmp_path
):
    token = await _token("Đặng Văn Đức")
    profile = tmp_path / "profile"  # the browser's own folder, as on the desk's laptop

    async def start_browser() -> Any:
        return await chromium_browser.browser_type.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )

    browser = await start_browser()
    try:
        page = browser.pages[0] if browser.pages else await browser.new_page()
        await page.goto(f"{live_server.url}/login?next={DESK}")
        await page.fill("input[name=username]", "letan")
        await page.fill("input[name=password]", sample_password)
        await page.click("button[type=submit]")
        await page.wait_for_selector("#desk[data-ready=yes]")
        await _ready_for_offline(page)
        await browser.set_offline(True)
        await _scan_offline(page, token, "ok")
        await page.wait_for_selector("#desk[data-pending='1']")
    finally:
        await browser.close()  # the browser quits with the scan unsent
    assert await _checked_in() == {}

    browser = await start_browser()
    try:
        page = browser.pages[0] if browser.pages else await browser.new_page()
        await page.goto(f"{live_server.url}{DESK}")
        await page.wait_for_selector("#desk[data-ready=yes]")
        await page.wait_for_selector("#desk[data-pending='0']", timeout=30_000)
    finally:
        await browser.close()
    assert list(await _checked_in()) == ["Đặng Văn Đức"]


async def test_offline_a_name_typed_without_diacritics_is_found_and_admitted_once(
    open_desk, live_server
):
    async with open_desk() as page:
        await _ready_for_offline(page)
        await page.context.set_offline(True)
        before = datetime.now(UTC)
        await page.fill("#search", "dang van duc")
        # Found in the desk's own data, and said so.
        await page.wait_for_selector("#found button[data-delegate]")
        found = await page.inner_text("#found")
        assert "Đặng Văn Đức" in found and "ngoại tuyến" in found
        await page.click("#found button[data-delegate]")
        await page.wait_for_selector("#result[data-result=ok][data-offline=yes]")
        assert "Ông Đặng Văn Đức" in await page.inner_text("#result")
        await page.wait_for_selector("#desk[data-pending='1']")
        # The search shows the person as arrived; a second press is not offered.
        await page.wait_for_function(
            "() => !document.querySelector('#found button[data-delegate]')"
            " && document.getElementById('found').innerText.includes('Đã đến')"
        )
        after = datetime.now(UTC)
        assert await _checked_in() == {}

        await page.context.set_offline(False)
        await page.wait_for_selector("#desk[data-pending='0']", timeout=30_000)
    arrived = await _checked_in()
    assert list(arrived) == ["Đặng Văn Đức"]
    # The arrival is the moment the desk admitted him, not the upload's.
    assert before.replace(microsecond=0) <= arrived["Đặng Văn Đức"] <= after
    assert await CheckInAttempt.count() == 1


async def test_online_and_offline_the_desk_finds_a_substitute_by_name_in_the_leaders_place(
    open_desk,
):
    await invitations.name_substitute_by_token(
        await _token("Đặng Văn Đức"),
        substitutes.read_substitute("Trần Văn Bình", "Ông", "Phó Giám đốc"),
    )
    greeting = "Ông Trần Văn Bình, dự thay Ông Đặng Văn Đức"
    async with open_desk() as page:
        await _ready_for_offline(page)
        await page.fill("#search", "tran van binh")
        await page.wait_for_selector("#found button[data-delegate]")
        online = await page.inner_text("#found")
        assert greeting in online and "ngoại tuyến" not in online
        await page.context.set_offline(True)
        await page.fill("#search", "")
        await page.fill("#search", "TRẦN văn binh")
        await page.wait_for_function(
            "() => document.getElementById('found').innerText.includes('ngoại tuyến')"
        )
        offline = await page.inner_text("#found")
        assert greeting in offline
        assert offline.count("dự thay") == 1  # him alone, not everyone named Văn
        await page.click("#found button[data-delegate]")
        await page.wait_for_selector("#result[data-result=ok][data-offline=yes]")
        assert greeting in await page.inner_text("#result")


async def test_offline_the_names_found_come_in_the_servers_vietnamese_order(open_desk, live_server):
    # Punctuation does not count on the server (Oanh before O'Neil: a before n); the
    # browser's own collation puts the apostrophe first.
    event = await Event.select(Event.id).where(Event.slug == "hn-2022").first()
    await invitations.add_delegates(
        event["id"],
        [DelegateInput(full_name="Bùi O'Neil"), DelegateInput(full_name="Bùi Oanh")],
        source=DelegateSource.manual,
    )
    online = await invitations.search_delegates(event["id"], "bui o", limit=20)
    assert [d["full_name"] for d in online] == ["Bùi Oanh", "Bùi O'Neil"]
    async with open_desk() as page:
        await _ready_for_offline(page)
        await page.context.set_offline(True)
        await page.fill("#search", "bui o")
        await page.wait_for_function(
            "() => document.getElementById('found').innerText.includes('ngoại tuyến')"
        )
        shown = await page.locator("#found li span").all_inner_texts()
        assert [name.split(" · ")[0] for name in shown] == ["Bùi Oanh", "Bùi O'Neil"]


async def test_a_walk_in_whose_answer_was_lost_is_registered_once_when_pressed_again(open_desk):
    khoa = Delegate.count().where(Delegate.full_name == "Đỗ Minh Khoa")
    async with open_desk() as page:
        lost: list[int] = []

        async def answer_lost(route: Any) -> None:
            # The first registration reaches the server; its answer never reaches the page.
            if not lost:
                lost.append((await route.fetch()).status)
                await route.abort("connectionreset")
            else:
                await route.continue_()

        await page.route("**/api/events/hn-2022/walk-ins", answer_lost)
        await page.fill("#walk-in input[name=full_name]", "Đỗ Minh Khoa")
        await page.click("#walk-in button[type=submit]")
        await page.wait_for_selector("#result[data-result=unknown]")
        assert lost == [200] and await khoa == 1
        # The form is still filled in: the desk presses again, and it is the same guest.
        await page.click("#walk-in button[type=submit]")
        await page.wait_for_selector("#result[data-result=ok]")
        assert "Đỗ Minh Khoa" in await page.inner_text("#result")
    assert await khoa == 1
