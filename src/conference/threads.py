"""CPU work that must not hold up the event loop (a desk's scan), run in a worker thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio

_T = TypeVar("_T")


async def off_loop(work: Callable[[], _T]) -> _T:
    """Run ``work`` (reading a spreadsheet, rendering a print of every delegate, writing an
    XLSX: CPU, no database) in a worker thread, so the event loop keeps answering scans.

    The thread sees the caller's context variables (the request's language among them)."""
    return await anyio.to_thread.run_sync(work)
