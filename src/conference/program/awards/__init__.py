"""The award list: award forms (highest first) and their recipients in calling order.

The run sheet is generated from it and marks recipients delivered; the dashboard shows
its overview. The import (``importing``) and the pages (``controllers``) stay inside.
"""

from conference.program.awards.services import (
    FormInput,
    RecipientInput,
    award_delegate_choices,
    award_forms,
    award_list,
    award_overview,
    get_form,
    get_recipient,
    mark_delivered,
    recipients,
)

__all__ = [
    "FormInput",
    "RecipientInput",
    "award_delegate_choices",
    "award_forms",
    "award_list",
    "award_overview",
    "get_form",
    "get_recipient",
    "mark_delivered",
    "recipients",
]
