"""Delegates, their import, invitation rendering and sending, and RSVP."""

from conference.invitations.exporting import to_csv
from conference.invitations.figures import Attendance, attendance
from conference.invitations.importing import (
    Column,
    ImportFileError,
    ReadTable,
    RowProblem,
    read_file,
    read_table,
)
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
    "Column",
    "DelegateInput",
    "ImportFileError",
    "ReadTable",
    "RowProblem",
    "add_delegates",
    "attendance",
    "create_delegate",
    "delegate_fields",
    "new_token",
    "read_file",
    "read_table",
    "render_svg",
    "to_csv",
]
