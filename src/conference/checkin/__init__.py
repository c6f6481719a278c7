"""Scanning, the redeem logic, desk pages and the arrivals dashboard."""

from conference.checkin.services import arrival_times

__all__ = ["arrival_times"]
