"""Camera scanning on the desk page: Chromium's fake camera plays a video of a QR code.

Chromium reads the video from a raw Y4M file (``--use-file-for-fake-video-capture``) and
loops it; the page decodes its frames with the vendored zxing-wasm and checks in through
the same path as the scan field.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import segno
from PIL import Image

from conference import auth
from conference.invitations import new_token
from conference.tables import CheckInAttempt, Delegate, Role
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.invitations.helpers import make_event

# Chromium's fake camera and the page's WASM decoder need the CPU when they start: beside
# another test process they once missed the 30 s for the camera to open.
pytestmark = pytest.mark.alone

FPS = 5
SIZE = (640, 480)
FAKE_CAMERA = ["--use-fake-device-for-media-stream"]
ALLOW_CAMERA = ["--use-fake-ui-for-media-stream"]  # answers the permission prompt with "allow"
GREEN, RED = "rgb(31, 143, 78)", "rgb(198, 40, 40)"


def qr_frame(text: str) -> Image.Image:
    """A 640×480 camera frame: the QR code of ``text`` held up in the middle of a grey room."""
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=7, border=4)
    code = Image.open(buffer).convert("L")
    frame = Image.new("L", SIZE, 170)
    frame.paste(code, ((SIZE[0] - code.width) // 2, (SIZE[1] - code.height) // 2))
    return frame


def blank_frame() -> Image.Image:
    return Image.new("L", SIZE, 170)


def write_y4m(path: Path, frames: list[Image.Image]) -> Path:
    """Raw YUV 4:2:0 video, grey (chroma 128): the format Chromium's fake camera reads."""
    width, height = SIZE
    chroma = bytes([128]) * ((width // 2) * (height // 2))
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{FPS}:1 Ip A1:1 C420jpeg\n".encode())
        for frame in frames:
            out.write(b"FRAME\n")
            out.write(frame.tobytes())
            out.write(chroma)
            out.write(chroma)
    return path


async def _token(name: str) -> str:
    row = await Delegate.select(Delegate.token).where(Delegate.full_name == name).first()
    assert row is not None
    return str(row["token"])


async def _attempts(**where: Any) -> list[dict[str, Any]]:
    query = CheckInAttempt.select(CheckInAttempt.result).order_by(CheckInAttempt.id)
    for column, value in where.items():
        query = query.where(getattr(CheckInAttempt, column) == value)
    return list(await query)


@asynccontextmanager
async def _desk_page(
    chromium_browser: Any, live_server: Any, password: str, args: list[str], **context: Any
) -> AsyncIterator[Any]:
    """The desk page, logged in as a desk, in a Chromium launched with ``args`` (its own camera)."""
    browser = await chromium_browser.browser_type.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS + args
    )
    try:
        page = await (await browser.new_context(**context)).new_page()
        await page.goto(f"{live_server.url}/login?next=/events/hn-2022/desk/")
        await page.fill("input[name=username]", "letan")
        await page.fill("input[name=password]", password)
        await page.click("button[type=submit]")
        await page.wait_for_selector("#scan")
        yield page
    finally:
        await browser.close()


@pytest.fixture
async def desk_with_camera(
    db, live_server, chromium_browser, sample_password, tmp_path
) -> Callable[..., Any]:
    """Open the desk page with a fake camera playing ``frames`` (looped)."""
    await make_event()
    await auth.create_user("letan", sample_password, Role.desk)

    def open_page(frames: list[Image.Image], **context: Any) -> Any:
        video = write_y4m(tmp_path / "camera.y4m", frames)
        args = [*FAKE_CAMERA, *ALLOW_CAMERA, f"--use-file-for-fake-video-capture={video}"]
        return _desk_page(chromium_browser, live_server, sample_password, args, **context)

    return open_page


async def _background(page: Any) -> str:
    return str(
        await page.evaluate("getComputedStyle(document.getElementById('result')).backgroundColor")
    )


async def test_a_code_shown_to_the_camera_checks_the_delegate_in_once_then_answers_amber(
    desk_with_camera, live_server
):
    token = await _token("Hoàng Cao Thắng")
    # The invitation is held up for 2 s, taken away for 4 s (longer than the cool-down), and so on.
    frames = [qr_frame(f"{live_server.url}/i/{token}")] * (2 * FPS) + [blank_frame()] * (4 * FPS)
    async with desk_with_camera(frames, viewport={"width": 1024, "height": 800}) as page:
        responses: list[Any] = []
        page.on("response", lambda response: responses.append(response))
        await page.click("#camera-start")
        await page.wait_for_selector("#camera[data-state=on]")
        # The decoder came from this server, compiled as it streams in; nothing from a CDN.
        assert all(r.url.startswith(live_server.url) for r in responses)
        wasm = [r for r in responses if r.url.endswith(".wasm")]
        assert [r.headers["content-type"] for r in wasm] == ["application/wasm"]
        # On a laptop the scan field keeps the focus with the camera on: a hand scanner still works.
        assert await page.evaluate("document.activeElement.id") == "scan"

        await page.wait_for_selector("#result[data-result=ok]", timeout=20_000)
        panel = await page.inner_text("#result")
        assert "Ông Hoàng Cao Thắng" in panel and "Phó Bí thư Đảng ủy" in panel
        assert await _background(page) == GREEN
        assert (
            await page.evaluate("getComputedStyle(document.querySelector('#result .who')).color")
            == "rgb(255, 255, 255)"
        )
        row = await Delegate.select().where(Delegate.token == token).first()
        assert row["checked_in_at"] is not None

        # The hand scanner works alongside the camera.
        await page.keyboard.type(await _token("Đặng Văn Đức"), delay=2)
        await page.keyboard.press("Enter")
        await page.wait_for_function(
            "() => document.getElementById('result').innerText.includes('Đặng Văn Đức')"
        )

        # Shown again after the cool-down: the desk hears "already checked in".
        await page.wait_for_selector("#result[data-result=already_checked_in]", timeout=20_000)
        assert "Đã điểm danh lúc" in await page.inner_text("#result")
        # Two appearances, two scans: the frames read while the code stayed in view were not sent.
        results = await _attempts(delegate=row["id"])
        assert [r["result"] for r in results] == ["ok", "already_checked_in"]

        await page.click("#camera-stop")
        await page.wait_for_selector("#camera[data-state=off]")
        assert await page.evaluate("document.getElementById('camera-video').srcObject") is None
        assert await page.evaluate("document.activeElement.id") == "scan"


async def test_an_unknown_code_turns_the_panel_red_on_a_phone(desk_with_camera, live_server):
    frames = [qr_frame(f"{live_server.url}/i/{new_token()}")] * FPS
    async with desk_with_camera(frames, viewport={"width": 390, "height": 844}) as page:
        await page.click("#camera-start")
        await page.wait_for_selector("#result[data-result=unknown]", timeout=20_000)
        assert await _background(page) == RED
        assert [r["result"] for r in await _attempts()] == ["unknown"]
        # The page fits the phone: no sideways scrolling, and the answer shows below the picture.
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390
        top = await page.evaluate("document.getElementById('result').getBoundingClientRect().top")
        assert 0 <= top < 844 - 100


async def test_a_refused_camera_and_an_insecure_page_say_why_in_vietnamese(
    db, live_server, chromium_browser, sample_password
):
    await make_event()
    await auth.create_user("letan", sample_password, Role.desk)
    # No fake prompt answer: a headless Chromium refuses the permission. "desk.test" is this
    # server by another name, over plain http and not localhost: not a secure context.
    port = live_server.url.rsplit(":", 1)[1]
    args = [*FAKE_CAMERA, "--host-resolver-rules=MAP desk.test 127.0.0.1"]
    async with _desk_page(chromium_browser, live_server, sample_password, args) as page:
        await page.click("#camera-start")
        note = page.locator("#camera-note")
        await note.wait_for()
        assert "Quyền dùng camera đã bị từ chối" in await note.inner_text()
        assert await page.get_attribute("#camera", "data-state") == "off"
        assert await page.evaluate("document.activeElement.id") == "scan"

        insecure = await page.context.new_page()
        await insecure.goto(f"http://desk.test:{port}/login?next=/events/hn-2022/desk/")
        await insecure.fill("input[name=username]", "letan")
        await insecure.fill("input[name=password]", sample_password)
        await insecure.click("button[type=submit]")
        await insecure.wait_for_selector("#scan")
        await insecure.click("#camera-start")
        await insecure.locator("#camera-note").wait_for()
        text = await insecure.inner_text("#camera-note")
        assert "https://" in text and "localhost" in text
        # The scan field still works there (it once needed crypto.randomUUID, a secure-page API).
        await insecure.keyboard.type(await _token("Đặng Văn Đức"), delay=2)
        await insecure.keyboard.press("Enter")
        await insecure.wait_for_selector("#result[data-result=ok]")


async def test_switching_between_two_cameras(db, live_server, chromium_browser, sample_password):
    await make_event()
    await auth.create_user("letan", sample_password, Role.desk)
    # Chromium's own fake cameras (a test pattern, no file): two of them.
    args = ["--use-fake-device-for-media-stream=device-count=2", *ALLOW_CAMERA]
    async with _desk_page(chromium_browser, live_server, sample_password, args) as page:
        await page.click("#camera-start")
        await page.wait_for_selector("#camera[data-state=on]")
        await page.wait_for_selector("#camera-switch", state="visible")
        current = "document.getElementById('camera-video').srcObject.getVideoTracks()[0]"
        first = await page.evaluate(f"{current}.getSettings().deviceId")
        await page.click("#camera-switch")
        await page.wait_for_function(
            "() => document.getElementById('camera-video').srcObject"
            f" && {current}.getSettings().deviceId !== {first!r}"
        )
        await page.wait_for_selector("#camera[data-state=on]")
        # With two cameras, switching again comes back to the first.
        await page.click("#camera-switch")
        await page.wait_for_function(
            "() => document.getElementById('camera-video').srcObject"
            f" && {current}.getSettings().deviceId === {first!r}"
        )
