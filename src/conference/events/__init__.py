"""Events: the conferences themselves and their settings (the front page is `overview`)."""

from conference.events.services import event_id_of, get_event, get_event_cached

__all__ = ["event_id_of", "get_event", "get_event_cached"]
