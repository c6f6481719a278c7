"""Scanning, the redeem logic, desk pages and the arrivals dashboard."""
