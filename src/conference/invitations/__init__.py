"""Delegates, their import, invitation rendering and sending, and RSVP."""

from conference.invitations.figures import Attendance, attendance
from conference.invitations.importing import apply_import, plan_import
from conference.invitations.qr import (
    invitation_url,
    prepare_png,
    qr_png,
    render_svg,
    stop_workers,
)
from conference.invitations.schemas import SubstituteOut
from conference.invitations.services import (
    DelegateInput,
    add_delegates,
    create_delegate,
    delegate_fields,
    new_token,
)
from conference.invitations.substitutes import attendee, substitute_of, who_attends

__all__ = [
    "Attendance",
    "DelegateInput",
    "SubstituteOut",
    "add_delegates",
    "apply_import",
    "attendance",
    "attendee",
    "create_delegate",
    "delegate_fields",
    "invitation_url",
    "new_token",
    "plan_import",
    "prepare_png",
    "qr_png",
    "render_svg",
    "stop_workers",
    "substitute_of",
    "who_attends",
]
