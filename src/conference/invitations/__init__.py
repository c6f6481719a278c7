"""Delegates, their import, invitation rendering and sending, and RSVP."""

from conference.invitations.services import (
    DelegateInput,
    add_delegates,
    create_delegate,
    delegate_fields,
    new_token,
)

__all__ = ["DelegateInput", "add_delegates", "create_delegate", "delegate_fields", "new_token"]
