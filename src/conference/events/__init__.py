"""Events: the conferences themselves, their settings and their dashboard."""
