"""The programme and its speakers; the award list, run sheet and MC view."""

from conference.program.services import award_overview, programme_outline

__all__ = ["award_overview", "programme_outline"]
