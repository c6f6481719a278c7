"""Delegates, their import, invitation rendering and sending, and RSVP."""

from conference.invitations.figures import Attendance, attendance
from conference.invitations.qr import render_svg
from conference.invitations.services import (
    DelegateInput,
    add_delegates,
    create_delegate,
    delegate_fields,
    new_token,
)

__all__ = [
    "Attendance",
    "DelegateInput",
    "add_delegates",
    "attendance",
    "create_delegate",
    "delegate_fields",
    "new_token",
    "render_svg",
]
