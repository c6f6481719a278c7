"""The desk's service worker: which files it keeps so the desk opens with no network.

The worker is served from the desk page's own folder (``/events/{slug}/desk/sw.js``) so its
scope, ``/events/{slug}/desk/``, covers the page; a worker under ``/static/`` could not
control it. Its version is a digest of the files it keeps: change one and browsers install
the new worker, which fetches them again and deletes the old cache.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from conference.templating import STATIC_DIR

# What the desk page loads, all from this server; the page itself is kept separately,
# fresh from the network whenever the network answers.
ASSETS = (
    "vendor/pico/pico.min.css",
    "app.css",
    # app.css imports fonts.css; the desk's text is Noto Sans, kept so offline looks the same.
    "fonts.css",
    "vendor/noto-sans/noto-sans-latin-400-normal.woff2",
    "vendor/noto-sans/noto-sans-vietnamese-400-normal.woff2",
    "vendor/noto-sans/noto-sans-latin-700-normal.woff2",
    "vendor/noto-sans/noto-sans-vietnamese-700-normal.woff2",
    "desk.css",
    "desk-seatmap.js",
    "desk-store.js",
    "desk-sync.js",
    "desk.js",
    "vendor/zxing-wasm/zxing-reader.js",
    "vendor/zxing-wasm/zxing_reader.wasm",
    "camera.js",
)
WORKER_TEMPLATE = "checkin/desk_sw.js"


@dataclass(frozen=True)
class DeskWorker:
    """What the worker script is made of."""

    version: str  # a digest of the kept files: a new one renews the cache
    scope: str  # the desk page's folder, ``/events/{slug}/desk/``
    assets: tuple[str, ...]  # URLs of the files kept for the page


def _stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    stats = ((name, (folder / name).stat()) for name in ASSETS)
    return tuple((name, st.st_mtime_ns, st.st_size) for name, st in stats)


@cache
def _digest(stamp: tuple[tuple[str, int, int], ...], folder: Path) -> str:
    digest = hashlib.sha256()
    for name, _, _ in stamp:
        digest.update(name.encode())
        digest.update((folder / name).read_bytes())
    return digest.hexdigest()[:16]


def desk_worker(slug: str, *, folder: Path = STATIC_DIR) -> DeskWorker:
    """The service worker of the desk page of event ``slug``.

    The digest is computed again only when a kept file's time or size changed.
    """
    return DeskWorker(
        version=_digest(_stamp(folder), folder),
        scope=f"/events/{slug}/desk/",
        assets=tuple(f"/static/{name}" for name in ASSETS),
    )
