"""The programme and its speakers; the award list, run sheet and MC view."""

from conference.program.services import (
    ItemOutline,
    Programme,
    award_overview,
    load_programme,
    mark_item_ended,
    mark_item_started,
    programme_outline,
)

__all__ = [
    "ItemOutline",
    "Programme",
    "award_overview",
    "load_programme",
    "mark_item_ended",
    "mark_item_started",
    "programme_outline",
]
