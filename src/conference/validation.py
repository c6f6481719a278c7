"""Checks on what people type that more than one feature needs (one copy each)."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email


def is_email(value: str) -> bool:
    """Whether ``value`` is a well-formed e-mail address (no DNS look-up)."""
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True
