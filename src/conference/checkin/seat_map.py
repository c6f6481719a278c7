"""The hall as the desk's small map needs it: where each seat is, sent with the snapshot.

The green panel draws the hall in miniature with the delegate's seat marked (block, row,
seat), from this and the seat label the scan answer carries: no request per scan, and the
same offline. It comes with every full snapshot and with an incremental one only when the
hall itself changed since (``seating_hall.updated_at``), so the desk's two-second updates
stay small. Read from the tables, as check-in sits below seating and imports none of it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from conference.tables import HallSeat, SeatingHall


async def hall_changed_since(event_id: int, moment: datetime) -> bool:
    return await SeatingHall.exists().where(
        (SeatingHall.event == event_id) & (SeatingHall.updated_at >= moment)
    )


async def seat_map(event_id: int) -> dict[str, Any] | None:
    """``{"seats": [[label, block, row, number, x, depth], …]}`` (``x`` across the hall in
    half-seat units, 0 at the centre, positive to the right seen from the hall; ``depth``
    rows from the stage, -1 for the presidium), or None when the event has no hall."""
    if not await SeatingHall.exists().where(SeatingHall.event == event_id):
        return None
    rows = await HallSeat.select(
        HallSeat.label, HallSeat.block, HallSeat.row, HallSeat.number, HallSeat.x, HallSeat.depth
    ).where(HallSeat.event == event_id)
    return {
        "seats": [[r["label"], r["block"], r["row"], r["number"], r["x"], r["depth"]] for r in rows]
    }
