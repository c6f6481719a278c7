"""The event a route's ``{slug}`` names, given to handlers as the ``event`` dependency."""

from __future__ import annotations

from litestar.di import Provide
from litestar.params import FromPath

from conference.actors import EventRow
from conference.events.services import get_event, get_event_cached


async def event_from_path(slug: FromPath[str]) -> EventRow:
    """The event at ``/…/{slug}/…``, read afresh; NotFound (404) when there is none."""
    return await get_event(slug)


async def event_from_path_cached(slug: FromPath[str]) -> EventRow:
    """The same event, kept a few seconds: the scan path and the live pages ask often."""
    return await get_event_cached(slug)


EVENT = Provide(event_from_path)
# For a handler on the scan path: ``@post(..., dependencies=CACHED_EVENT)``.
CACHED_EVENT = {"event": Provide(event_from_path_cached)}
