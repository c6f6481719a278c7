"""The invitation's QR code: segno makes it once per URL; SVG for pages, PNG for e-mail."""

from __future__ import annotations

import io
from functools import lru_cache

import segno

# Error correction M survives a creased or badly printed card; never a Micro QR,
# which phone cameras and hand scanners often do not read.
ERROR_LEVEL = "m"
# Enough for a few thousand delegates' codes in memory, each generated once.
CACHE_SIZE = 20_000


def invitation_url(base_url: str, token: str) -> str:
    """What the QR code holds: ``{CONFERENCE_BASE_URL}/i/{token}``."""
    return f"{base_url.rstrip('/')}/i/{token}"


@lru_cache(maxsize=CACHE_SIZE)
def _code(payload: str) -> segno.QRCode:
    # The mask is chosen by segno (most of the cost): the spec's penalty rules keep
    # the code easy for cameras, which matters more than milliseconds here.
    return segno.make(payload, error=ERROR_LEVEL, micro=False, boost_error=False)


@lru_cache(maxsize=CACHE_SIZE)
def qr_png(payload: str, scale: int = 6) -> bytes:
    """A PNG (black on white, 4-module quiet zone) of ``payload``."""
    buffer = io.BytesIO()
    _code(payload).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


@lru_cache(maxsize=CACHE_SIZE)
def qr_svg(payload: str, *, title: str = "") -> str:
    """An inline SVG that scales with its container (no fixed size, viewBox kept)."""
    buffer = io.BytesIO()
    _code(payload).save(
        buffer,
        kind="svg",
        scale=1,
        border=4,
        xmldecl=False,
        svgns=True,
        omitsize=True,
        title=title or None,
        svgclass="qr",
        light="#fff",
        lineclass=None,
    )
    return buffer.getvalue().decode()
