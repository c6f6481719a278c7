"""Vietnamese first, English second: message catalogs and the language of each request.

Message ids are English; ``locale/vi/LC_MESSAGES/messages.po`` translates them.
The catalog is compiled in memory at start-up, so a checkout and an installed
package use the same ``.po`` file and there is no ``.mo`` to forget to rebuild.
"""

from __future__ import annotations

import io
from contextvars import ContextVar
from functools import cache
from http.cookies import SimpleCookie
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from litestar.types import ASGIApp, Receive, Scope, Send

from conference.errors import N_

LOCALES = ("vi", "en")
DEFAULT_LOCALE = "vi"
LOCALE_COOKIE = "lang"
LOCALE_DIR = Path(__file__).parent / "locale"

# What Babel extracts message ids from: the gettext markers and every domain
# error, whose first argument is a message id (a test checks none is missing).
MESSAGE_KEYWORDS = (
    "N_",
    "gettext",
    "ngettext:1,2",
    "DomainError",
    "InvalidInput",
    "NotFound",
    "Conflict",
    "ConfigurationError",
    "FormErrors",
    "RehearsalRefused",
    "TooManyAttempts",
    "_WordingLimit",
    "LoginFailed",
    "WordingError",
    "InvitationUnavailable",
    "SendFailed",
    "ImportFileError",
    "HeaderNotFound",
    "UploadExpired",
    "StaleMove",
    "RunSheetEnd",
    "PairingRefused",
)


_current_locale: ContextVar[str] = ContextVar("locale", default=DEFAULT_LOCALE)


@cache
def translations(locale: str) -> NullTranslations:
    """The compiled catalog for ``locale``; English is the message ids themselves."""
    po_path = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return NullTranslations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def current_locale() -> str:
    return _current_locale.get()


def set_locale(locale: str) -> None:
    _current_locale.set(locale if locale in LOCALES else DEFAULT_LOCALE)


def gettext(message: str, **params: object) -> str:
    text = translations(current_locale()).gettext(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, n: int, **params: object) -> str:
    text = translations(current_locale()).ngettext(singular, plural, n)
    return text % {"num": n, **params}


ROLE_NAMES = {
    "organizer": N_("Organizer"),
    "desk": N_("Front desk"),
    "mc": N_("MC / stage manager"),
}


def _label(names: dict[str, str], value: str) -> str:
    return gettext(names.get(value, value))


def role_name(role: str) -> str:
    return _label(ROLE_NAMES, role)


RSVP_NAMES = {
    "pending": N_("No answer yet"),
    "accepted": N_("Accepted"),
    "declined": N_("Declined"),
}


def rsvp_name(state: str) -> str:
    return _label(RSVP_NAMES, state)


INVITATION_STATE_NAMES = {
    "not_sent": N_("Not sent"),
    "queued": N_("Waiting to be sent"),
    "sent": N_("Sent"),
    "failed": N_("Sending failed"),
    "no_email": N_("No e-mail"),
    "revoked": N_("Withdrawn"),
}


def invitation_state_name(state: str) -> str:
    return _label(INVITATION_STATE_NAMES, state)


__all__ = ["N_", "gettext", "ngettext", "role_name", "translate_error"]


def translate_error(error: Exception) -> str:
    """A domain error's message in the current language, with its values filled in."""
    message = getattr(error, "message", None)
    if message is None:
        return str(error)
    return gettext(message, **getattr(error, "params", {}))


def locale_from_scope(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            cookie: SimpleCookie = SimpleCookie()
            try:
                cookie.load(value.decode("latin-1"))
            except Exception:
                return DEFAULT_LOCALE
            morsel = cookie.get(LOCALE_COOKIE)
            if morsel and morsel.value in LOCALES:
                return morsel.value
    return DEFAULT_LOCALE


class LocaleMiddleware:
    """Sets the request's language from the ``lang`` cookie (Vietnamese by default)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            set_locale(locale_from_scope(scope))
        await self.app(scope, receive, send)
