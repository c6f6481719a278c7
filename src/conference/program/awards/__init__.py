"""The award list: award forms (highest first) and their recipients in calling order.

The run sheet is generated from it and marks recipients delivered; the dashboard shows
its overview. The import (``importing``) and the pages (``controllers``) stay inside.
"""

from conference.program.awards.importing import apply_import, form_by_label, plan_import
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
    "apply_import",
    "award_delegate_choices",
    "award_forms",
    "award_list",
    "award_overview",
    "form_by_label",
    "get_form",
    "get_recipient",
    "mark_delivered",
    "plan_import",
    "recipients",
]
