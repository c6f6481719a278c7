"""The programme and its speakers; the award list, run sheet and MC view."""

from conference.program.services import ItemOutline, award_overview, programme_outline

__all__ = ["ItemOutline", "award_overview", "programme_outline"]
