"""What page handlers read from a request: the form body types and whole numbers typed by people."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.params import Body

from conference.actors import Actor
from conference.errors import DomainError, FormErrors
from conference.i18n import gettext, translate_error

# A submitted HTML form, its fields as strings.
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
# A form with a file (the spreadsheet imports).
Upload = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]
# A request from a signed-in member of staff.
StaffRequest = Request[Actor, Any, Any]


def form_int(text: object, default: int | None = None) -> int | None:
    """A whole number as typed in a field (ASCII digits, an optional minus), else ``default``.

    Stricter than ``int()``, which would also take "1_000", "+5" or other scripts' digits.
    """
    cleaned = text.strip() if isinstance(text, str) else ""
    digits = cleaned.removeprefix("-")
    return int(cleaned) if digits.isascii() and digits.isdecimal() else default


def form_errors(error: DomainError | None) -> dict[str, Any]:
    """What a form page shows of a refusal, translated: ``error``, the message at the
    top, and ``errors``, the message under each field (a FormErrors names them)."""
    fields = error.fields if isinstance(error, FormErrors) else {}
    return {
        "error": translate_error(error) if error else None,
        "errors": {name: gettext(message) for name, message in fields.items()},
    }
