"""Events: the conferences themselves and their settings (the front page is `overview`)."""

from conference.events.services import get_event, get_event_cached

__all__ = ["get_event", "get_event_cached"]
