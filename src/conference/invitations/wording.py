"""The invitation's wording, which organizers edit per event, rendered in Jinja2's sandbox.

Only the subject and the body paragraph are theirs; the official frame (national
heading, "Kính gửi", time, place, QR code, signature) is the product's template.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from functools import lru_cache
from types import FrameType
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError, nodes
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace

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


class WordingError(InvalidInput):
    code = "invalid_wording"


# ------------------------------------------------------------------ limits
#
# Organizer wording is rendered at save and on every invitation shown or sent: whatever
# it says, it finishes quickly and writes little, so it never holds up the desk.
MAX_WORDING_S = 0.2  # the time one rendering may take
MAX_WORDING_CHARS = 20_000  # what one rendering may write, and any text or list it makes
MAX_LOOP_ITEMS = 1_000  # what one range() may count
MAX_POWER_BITS = 4_096  # how large a number ** may make


class _WordingLimit(WordingError):
    code = "wording_limit"


def _too_large() -> _WordingLimit:
    return _WordingLimit(
        N_("The invitation wording makes a text or a number too large (at most %(n)s characters)."),
        n=MAX_WORDING_CHARS,
    )


def _limited_range(*args: int) -> range:
    counted = range(*args)
    if len(counted) > MAX_LOOP_ITEMS:
        raise _WordingLimit(
            N_("A loop in the invitation wording may repeat at most %(n)s times."), n=MAX_LOOP_ITEMS
        )
    return counted


def _size(value: Any) -> int | None:
    return len(value) if isinstance(value, str | list | tuple) else None


def _power_too_large(base: Any, exponent: Any) -> bool:
    if not (isinstance(base, int) and isinstance(exponent, int)) or exponent <= 0:
        return False
    return max(1, abs(base).bit_length()) * exponent > MAX_POWER_BITS


class _LimitedSandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with ``*``, ``**`` and ``+`` refusing to make anything too large."""

    intercepted_binops = frozenset({"*", "**", "+"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                length = _size(seq)
                if (
                    length is not None
                    and isinstance(times, int)
                    and length * times > (MAX_WORDING_CHARS)
                ):
                    raise _too_large()
        elif operator == "+":
            sizes = (_size(left), _size(right))
            if None not in sizes and sum(n or 0 for n in sizes) > MAX_WORDING_CHARS:
                raise _too_large()
        elif operator == "**" and _power_too_large(left, right):
            raise _too_large()
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _check_arguments(args, kwargs)
        return _checked(super().call(__context, __obj, *args, **kwargs))


def _check_arguments(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """A width or a count past MAX_WORDING_CHARS (``'x'.center(10**9)``) is refused
    before it is used."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and value > MAX_WORDING_CHARS:
            raise _too_large()


def _checked(value: Any) -> Any:
    size = _size(value)
    if size is not None and size > MAX_WORDING_CHARS:
        raise _too_large()
    return value


def _limited_filter(function: Callable[..., Any]) -> Callable[..., Any]:
    def limited(*args: Any, **kwargs: Any) -> Any:
        _check_arguments(args, kwargs)
        return _checked(function(*args, **kwargs))

    pass_arg = getattr(function, "jinja_pass_arg", None)
    if pass_arg is not None:
        limited.jinja_pass_arg = pass_arg  # type: ignore[attr-defined]
    return limited


class _LimitedNamespace(Namespace):
    """``namespace()``, whose values may not grow past MAX_WORDING_CHARS in a loop."""

    def __setitem__(self, name: str, value: Any) -> None:
        super().__setitem__(name, _checked(value))


_sandbox = _LimitedSandbox(autoescape=False, undefined=StrictUndefined)
_sandbox.globals["range"] = _limited_range
_sandbox.globals["namespace"] = _LimitedNamespace
_sandbox.filters = {name: _limited_filter(f) for name, f in _sandbox.filters.items()}


def _render_within_limits(template: Template, context: dict[str, Any]) -> str:
    """Render ``template`` within MAX_WORDING_S and MAX_WORDING_CHARS, or raise WordingError.

    The time is checked at every line the template's code runs (a trace on its frames
    only, the caller's trace kept), so no loop outlives it.
    """
    deadline = time.monotonic() + MAX_WORDING_S

    def on_line(frame: FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
        if time.monotonic() > deadline:
            raise _WordingLimit(
                N_(
                    "The invitation wording takes too long to write out (more than %(s)s s): "
                    "shorten its loops."
                ),
                s=MAX_WORDING_S,
            )
        return on_line

    def on_call(frame: FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
        return on_line if frame.f_code.co_filename == "<template>" else None

    previous = sys.gettrace()
    sys.settrace(on_call)
    written: list[str] = []
    size = 0
    try:
        for chunk in template.generate(context):
            size += len(chunk)
            if size > MAX_WORDING_CHARS:
                raise _WordingLimit(
                    N_("The invitation wording writes more than %(n)s characters."),
                    n=MAX_WORDING_CHARS,
                )
            written.append(chunk)
    finally:
        sys.settrace(previous)
    return "".join(written)


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
        return _render_within_limits(_compiled(source), context).strip()
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
