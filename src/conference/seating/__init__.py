"""Seating: the hall plan, placement by protocol rank, moves by hand, name cards and badges.

Other modules need nothing of it: a delegate's ``seat`` is its seat's label, written by
these services whenever placement changes.
"""

from conference.seating.hall import MAX_SEATS
from conference.seating.services import assign, copy_hall, get_hall, save_hall, seats

__all__ = ["MAX_SEATS", "assign", "copy_hall", "get_hall", "save_hall", "seats"]
