"""The programme and its speakers; the award list, run sheet and MC view."""
