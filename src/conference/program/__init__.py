"""The programme and its speakers; the award list, run sheet and MC view."""

from conference.program.services import (
    ItemOutline,
    award_overview,
    mark_item_ended,
    mark_item_started,
    programme_outline,
)

__all__ = [
    "ItemOutline",
    "award_overview",
    "mark_item_ended",
    "mark_item_started",
    "programme_outline",
]
