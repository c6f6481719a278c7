"""The programme: items with their speakers, conflicts, live timing and exports.

Other features use the outline (the invitation letter), the loaded programme (the
dashboard) and the two live marks that the run sheet sets when the ceremony starts and ends.
"""

from conference.program.agenda.services import (
    ItemOutline,
    Programme,
    load_programme,
    mark_item_ended,
    mark_item_started,
    opening_started_at,
    programme_outline,
)
from conference.program.agenda.timer import TimerState, load_timer

__all__ = [
    "ItemOutline",
    "Programme",
    "TimerState",
    "load_programme",
    "load_timer",
    "mark_item_ended",
    "mark_item_started",
    "opening_started_at",
    "programme_outline",
]
