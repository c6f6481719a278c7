"""Events: the conferences themselves and their settings (the front page is `overview`)."""

from conference.events.dependencies import CACHED_EVENT, EVENT
from conference.events.services import (
    create_event_copy,
    event_id_of,
    get_event,
    get_event_cached,
)

__all__ = [
    "CACHED_EVENT",
    "EVENT",
    "create_event_copy",
    "event_id_of",
    "get_event",
    "get_event_cached",
]
