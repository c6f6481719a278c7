"""The programme: items with their speakers, conflicts, live timing and exports.

Other features use the outline (the invitation letter), the loaded programme (the
dashboard) and the two live marks that the run sheet sets when the ceremony starts and ends.
"""

from conference.program.agenda.records import (
    live_records,
    rehearsal_under_way,
    restore_live_records,
    restored,
)
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
from conference.program.agenda.timing import under_way

__all__ = [
    "ItemOutline",
    "Programme",
    "TimerState",
    "live_records",
    "load_programme",
    "load_timer",
    "mark_item_ended",
    "mark_item_started",
    "opening_started_at",
    "programme_outline",
    "rehearsal_under_way",
    "restore_live_records",
    "restored",
    "under_way",
]
