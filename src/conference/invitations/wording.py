"""The invitation's wording, which organizers edit per event, rendered in Jinja2's sandbox.

Only the subject and the body paragraph are theirs; the official frame (national
heading, "Kính gửi", time, place, QR code, signature) is the product's template.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from conference.errors import N_, InvalidInput

DEFAULT_SUBJECT = "Giấy mời tham dự {{ event.title }}"
DEFAULT_BODY = (
    "{{ event.organizer_name }} trân trọng kính mời {{ delegate.honorific or 'Quý đại biểu' }} "
    "tới dự {{ event.title }}.\n\n"
    "Sự hiện diện của {{ delegate.honorific or 'Quý đại biểu' }} là niềm vinh dự "
    "và góp phần vào thành công của Hội nghị."
)

# The names an organizer may use in their wording, documented on the editing page.
PLACEHOLDERS = (
    "delegate.honorific",
    "delegate.full_name",
    "delegate.position",
    "delegate.organization",
    "event.title",
    "event.organizer_name",
    "event.venue",
    "event.address",
    "when",
)

_sandbox = ImmutableSandboxedEnvironment(autoescape=False, undefined=StrictUndefined)


class WordingError(InvalidInput):
    code = "invalid_wording"


# Tags that bring in another template: the wording has none to reach (and must not
# read the product's), so they are refused when the wording is read.
_OTHER_TEMPLATES = (nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)


def refuse_other_templates(tree: nodes.Template) -> None:
    """Raise WordingError when the parsed wording uses import, include or extends."""
    found = next(tree.find_all(_OTHER_TEMPLATES), None)
    if found is not None:
        raise WordingError(
            N_(
                "The invitation wording has a mistake near line %(line)s: "
                "import, include and extends are not allowed."
            ),
            line=found.lineno,
        )


@lru_cache(maxsize=64)
def _compiled(source: str) -> Template:
    tree = _sandbox.parse(source)
    refuse_other_templates(tree)
    return _sandbox.from_string(tree)


def _mistake(error: Exception) -> WordingError:
    """The organizer's mistake, told with its line: a template error, or an error of the
    wording's own arithmetic (``10**5000`` has too many digits to print)."""
    if isinstance(error, TemplateError):
        line, detail = getattr(error, "lineno", None), error.message or error
    else:
        line, detail = None, f"{type(error).__name__}: {error}"
    return WordingError(
        N_("The invitation wording has a mistake near line %(line)s: %(detail)s"),
        line=line or 1,
        detail=str(detail)[:200],
    )


def render_wording(source: str, context: dict[str, Any]) -> str:
    """Render organizer-written text; raise WordingError with the line of a mistake."""
    try:
        return _compiled(source).render(context).strip()
    except WordingError:
        raise
    except (TemplateError, ArithmeticError, ValueError, TypeError, LookupError) as error:
        raise _mistake(error) from error


SAMPLE_CONTEXT: dict[str, Any] = {
    "delegate": {
        "honorific": "Ông",
        "full_name": "Hoàng Cao Thắng",
        "position": "Phó Giám đốc",
        "organization": "Sở Xây dựng Hà Nội",
    },
    "event": {
        "title": "Hội nghị",
        "organizer_name": "Sở Xây dựng Hà Nội",
        "venue": "",
        "address": "",
    },
    "when": "07h30, Thứ Hai, ngày 12/9/2022",
}


def check_wording(subject: str, body: str) -> None:
    """Raise WordingError unless both render with a sample delegate."""
    render_wording(subject, SAMPLE_CONTEXT)
    render_wording(body, SAMPLE_CONTEXT)
