"""The invitation's QR code: segno makes it once per URL; SVG for pages, PNG for e-mail.

Making a code costs a few milliseconds, most of it segno choosing the mask (the
standard requires the mask with the lowest penalty, which keeps codes easy for
cameras), so codes are cached, and a large send makes its codes on every core.
"""

from __future__ import annotations

import asyncio
import io
import multiprocessing
import os
import threading
import time
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache

import segno

from conference.threads import off_loop

# Error correction M survives a creased or badly printed card; never a Micro QR,
# which phone cameras and hand scanners often do not read.
ERROR_LEVEL = "m"
# The e-mail shows its PNG at about this width, at exactly the PNG's own size: a
# whole number of pixels per module (a version-5 code, 45 modules with its quiet
# zone, is 4 px a module, 180 px), so a mail program never resamples it into
# uneven modules.
EMAIL_WIDTH = 180
# ``scale`` meaning "the e-mail's size": the scale that comes nearest EMAIL_WIDTH.
EMAIL_SCALE = 0
CACHE_SIZE = 20_000
# Below this many missing codes, starting worker processes costs more than it saves.
PARALLEL_FROM = 64


def invitation_url(base_url: str, token: str) -> str:
    """What the QR code holds: ``{CONFERENCE_BASE_URL}/i/{token}``."""
    return f"{base_url.rstrip('/')}/i/{token}"


def _make(payload: str) -> segno.QRCode:
    return segno.make(payload, error=ERROR_LEVEL, micro=False, boost_error=False)


def email_scale(modules: int) -> int:
    """Pixels per module that bring a code ``modules`` wide (quiet zone included) nearest
    EMAIL_WIDTH."""
    return max(1, round(EMAIL_WIDTH / modules))


def render_png(payload: str, scale: int = EMAIL_SCALE) -> bytes:
    """A PNG (black on white, 4-module quiet zone) of ``payload``, made now; ``scale``
    pixels per module, or with EMAIL_SCALE the e-mail's (see ``email_scale``)."""
    code = _make(payload)
    if scale == EMAIL_SCALE:
        scale = email_scale(int(code.symbol_size(border=4)[0]))
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def png_width(png: bytes) -> int:
    """The width in pixels a PNG declares (its IHDR chunk), to show it at its own size."""
    return int.from_bytes(png[16:20], "big")


def _render_many(payloads: list[str]) -> list[bytes]:
    return [render_png(payload) for payload in payloads]


class _PngCache:
    """Least-recently-used PNGs by (payload, scale)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[tuple[str, int], bytes] = OrderedDict()

    def get(self, key: tuple[str, int]) -> bytes | None:
        value = self.items.get(key)
        if value is not None:
            self.items.move_to_end(key)
        return value

    def put(self, key: tuple[str, int], value: bytes) -> None:
        self.items[key] = value
        self.items.move_to_end(key)
        while len(self.items) > self.size:
            self.items.popitem(last=False)

    def clear(self) -> None:
        self.items.clear()


png_cache = _PngCache(CACHE_SIZE)


def qr_png(payload: str, scale: int = EMAIL_SCALE) -> bytes:
    """The PNG of ``payload``, made once and then served from the cache."""
    key = (payload, scale)
    cached = png_cache.get(key)
    if cached is None:
        cached = render_png(payload, scale)
        png_cache.put(key, cached)
    return cached


_pool: ProcessPoolExecutor | None = None


def _workers() -> int:
    return max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1))


# How often a worker looks whether the process that started the pool is still there.
PARENT_CHECK_S = 1.0


def _end_with(parent: int) -> None:
    """In a worker: exit as soon as ``parent`` (the server or the sending command) is gone,
    even killed with SIGKILL, so no worker outlives it."""

    def watch() -> None:
        while True:
            time.sleep(PARENT_CHECK_S)
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                os._exit(0)

    threading.Thread(target=watch, name="end-with-parent", daemon=True).start()


def _process_pool() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        # forkserver, not fork: the server process has threads (database drivers).
        context = multiprocessing.get_context("forkserver")
        _pool = ProcessPoolExecutor(
            max_workers=_workers(),
            mp_context=context,
            initializer=_end_with,
            initargs=(os.getpid(),),
        )
    return _pool


def stop_workers() -> None:
    """End the pool's worker processes (at the server's shutdown, after a sending run)."""
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None


async def prepare_png(payloads: list[str]) -> None:
    """Make the e-mail PNGs of ``payloads`` not yet cached, on every core, and cache them."""
    missing = list(dict.fromkeys(p for p in payloads if png_cache.get((p, EMAIL_SCALE)) is None))
    if not missing:
        return
    if len(missing) < PARALLEL_FROM or _workers() == 1:
        # A thread, not the loop: one core still makes thousands of codes in seconds. The
        # cache is filled here, on the loop, so only the loop ever touches it.
        images = await off_loop(lambda: _render_many(missing))
        for payload, image in zip(missing, images, strict=True):
            png_cache.put((payload, EMAIL_SCALE), image)
        return
    loop = asyncio.get_running_loop()
    workers = _workers()
    chunks = [missing[i::workers] for i in range(workers)]
    results = await asyncio.gather(
        *(loop.run_in_executor(_process_pool(), _render_many, chunk) for chunk in chunks)
    )
    for chunk, images in zip(chunks, results, strict=True):
        for payload, image in zip(chunk, images, strict=True):
            png_cache.put((payload, EMAIL_SCALE), image)


def render_svg(payload: str, *, title: str = "") -> str:
    """An inline SVG that scales with its container (no fixed size, viewBox kept), made
    now and not kept: for a code that holds a secret shown once (a pairing link)."""
    buffer = io.BytesIO()
    _make(payload).save(
        buffer,
        kind="svg",
        scale=1,
        border=4,
        xmldecl=False,
        svgns=True,
        omitsize=True,
        title=title or None,
        svgclass="qr",
        lineclass=None,
        light="#fff",
    )
    return buffer.getvalue().decode()


@lru_cache(maxsize=CACHE_SIZE)
def qr_svg(payload: str, *, title: str = "") -> str:
    """``render_svg``, made once per payload."""
    return render_svg(payload, title=title)
