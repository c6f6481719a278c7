"""Piccolo's configuration for its command line (`piccolo migrations …`) in a checkout.

The engine is chosen by CONFERENCE_DATABASE_URL in `conference.database`.
"""

from conference.database import APP_REGISTRY, DB

__all__ = ["APP_REGISTRY", "DB"]
