"""The Jinja2 environment: templates and static files from the checkout or the package."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Request, Response
from litestar.enums import MediaType
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template.config import TemplateConfig

from conference import formatting, i18n
from conference.threads import off_loop

_PACKAGE = Path(__file__).parent
_CHECKOUT = _PACKAGE.parent.parent


def resource_dir(name: str) -> Path:
    """``templates``/``static`` inside an installed package, else beside ``src/`` in a checkout."""
    packaged = _PACKAGE / name
    return packaged if packaged.is_dir() else _CHECKOUT / name


TEMPLATES_DIR = resource_dir("templates")
STATIC_DIR = resource_dir("static")


# Templates rendered as text/plain, text/calendar or text/csv, never as HTML.
PLAIN_TEXT_EXTENSIONS = ("txt", "ics", "csv")


def make_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        # Markup is escaped, plain text (the e-mail's text part, iCalendar, CSV) is not:
        # there a name with "&" or quotes must read as written.
        autoescape=select_autoescape(
            enabled_extensions=("html", "htm", "xml", "svg"),
            disabled_extensions=PLAIN_TEXT_EXTENSIONS,
            default=True,
            default_for_string=True,
        ),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # The callables read the request's language from a context variable, so one
    # environment serves every language; Jinja's new style fills in (and escapes)
    # the values itself.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda message: i18n.translations(i18n.current_locale()).gettext(message),
        ngettext=lambda singular, plural, n: i18n.translations(i18n.current_locale()).ngettext(
            singular, plural, n
        ),
        newstyle=True,
    )
    env.globals.update(
        current_locale=i18n.current_locale,
        role_name=i18n.role_name,
        rsvp_name=i18n.rsvp_name,
        invitation_state_name=i18n.invitation_state_name,
        DEFAULT_TIMEZONE=formatting.DEFAULT_TIMEZONE,
        LOCALES=i18n.LOCALES,
    )
    env.filters.update(
        long_date=formatting.long_date,
        short_date=formatting.short_date,
        decimal=formatting.decimal,
        hour=formatting.hour,
        clock=formatting.clock,
        duration=formatting.duration,
        iso_duration=formatting.iso_duration,
        local_moment=formatting.local_moment,
        local_time=formatting.local_time,
        local_hour=formatting.local_hour,
        local_datetime=formatting.local_datetime,
    )
    return env


def template_config(env: Environment | None = None) -> TemplateConfig[Any]:
    environment = env or make_environment()
    return TemplateConfig(engine=JinjaTemplateEngine.from_environment(environment))


async def render_off_loop(
    request: Request[Any, Any, Any], name: str, context: dict[str, Any]
) -> Response[bytes]:
    """The HTML page ``name`` rendered in a worker thread, as a ``Template`` answer would
    be (the same context: ``request``, ``csrf_input``).

    For the prints of every delegate (badges, name cards, the A4 list, the letters): their
    pages take seconds of CPU for a large event (and draw their QR codes while rendering),
    which on the event loop would hold up every desk's scan meanwhile."""
    engine = request.app.template_engine
    assert engine is not None, "the application has a template engine"
    template = engine.get_template(name)
    page = Template(name, context=context).create_template_context(request)
    body = await off_loop(lambda: template.render(**page).encode("utf-8"))
    return Response(body, media_type=MediaType.HTML)
