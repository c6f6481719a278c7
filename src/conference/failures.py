"""Mail-server and database failures told to a person: what went wrong and what to do.

One place maps each kind of exception (a refused connection, a rejected password, a TLS
handshake, a timeout, an unknown host, a server's own answer; a database that cannot be
reached, refuses the password or does not exist) to one sentence in the user's language.
The web pages show it as an error, the command line as its one line on stderr.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator

import aiosmtplib

from conference.errors import N_
from conference.i18n import gettext

MAIL_REFUSED = N_(
    "The mail server refuses the connection (%(detail)s): check the host and port in "
    "CONFERENCE_SMTP_URL and that the mail server is running, then send again."
)
MAIL_AUTHENTICATION = N_(
    "The mail server refused the user name or password (%(detail)s): correct them in "
    "CONFERENCE_SMTP_URL, then send again."
)
MAIL_TLS = N_(
    "The secure connection (TLS) with the mail server failed (%(detail)s): check smtps:// "
    "or ?starttls=1 in CONFERENCE_SMTP_URL and the port (465 for smtps, 587 for STARTTLS)."
)
MAIL_TIMEOUT = N_(
    "The mail server did not answer in time (%(detail)s): check the network and the "
    "address in CONFERENCE_SMTP_URL, then send again."
)
MAIL_UNKNOWN_HOST = N_(
    "The mail server's name cannot be found (%(detail)s): correct the host in "
    "CONFERENCE_SMTP_URL or check the network."
)
MAIL_DISCONNECTED = N_(
    "The mail server closed the connection (%(detail)s): send again to continue; if it "
    "happens again, ask the mail server's administrator."
)
MAIL_ANSWER = N_(
    "The mail server answered %(detail)s: send again later; if it happens again, ask the "
    "mail server's administrator."
)
MAIL_RECIPIENT = N_(
    "The mail server refused this address (%(detail)s): correct the delegate's e-mail."
)
OUTBOX_UNWRITABLE = N_(
    "The outbox folder cannot be written (%(detail)s): check that it exists and that this "
    "user may write there (CONFERENCE_OUTBOX_DIR), then send again."
)
DATABASE_UNREACHABLE = N_(
    "The database cannot be reached (%(detail)s): check CONFERENCE_DATABASE_URL and that "
    "PostgreSQL is running, then try again."
)
DATABASE_AUTHENTICATION = N_(
    "The database refused the user name or password (%(detail)s): correct them in "
    "CONFERENCE_DATABASE_URL."
)
DATABASE_MISSING = N_(
    "The database does not exist (%(detail)s): create it (createdb) or correct its name "
    "in CONFERENCE_DATABASE_URL."
)
DATABASE_FILE = N_(
    "The SQLite database cannot be opened (%(detail)s): check that its folder exists and "
    "that this user may write there (CONFERENCE_DATABASE_URL)."
)
DATABASE_BUSY = N_(
    "The SQLite database is busy with another program (%(detail)s): wait a moment and try again."
)
DATABASE_OTHER = N_(
    "The database failed (%(detail)s): try again; if it happens again, tell the "
    "administrator what this says."
)


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error and what caused it, outermost first (aiosmtplib wraps an OSError)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _detail(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:300] if text else type(error).__name__


def _mail_kind(error: BaseException) -> str | None:
    """The message id for a mail-server failure, or None when ``error`` is not one."""
    for cause in _chain(error):
        if isinstance(cause, aiosmtplib.SMTPAuthenticationError):
            return MAIL_AUTHENTICATION
        if isinstance(cause, aiosmtplib.SMTPRecipientsRefused | aiosmtplib.SMTPRecipientRefused):
            return MAIL_RECIPIENT
        if isinstance(cause, ssl.SSLError | ssl.CertificateError):
            return MAIL_TLS
        if isinstance(cause, socket.gaierror):
            return MAIL_UNKNOWN_HOST
        if isinstance(cause, ConnectionRefusedError):
            return MAIL_REFUSED
        if isinstance(cause, TimeoutError):
            return MAIL_TIMEOUT
    for cause in _chain(error):
        if isinstance(cause, aiosmtplib.SMTPResponseException):
            return MAIL_ANSWER
        if isinstance(cause, aiosmtplib.SMTPServerDisconnected | ConnectionError):
            return MAIL_DISCONNECTED
        if isinstance(cause, aiosmtplib.SMTPException):
            return MAIL_ANSWER if "STARTTLS" not in str(cause) else MAIL_TLS
    return None


def mail_failure(error: BaseException) -> str:
    """What a failure of the mail server means and what to do, in the current language.

    A server's own answer (``421 Service not available``) is kept in the sentence: it is
    what an administrator of that server looks for.
    """
    kind = _mail_kind(error) or MAIL_DISCONNECTED
    if isinstance(error, aiosmtplib.SMTPResponseException):
        detail = f"{error.code} {error.message}".strip()
    else:
        detail = _detail(error)
    return gettext(kind, detail=detail.splitlines()[0][:300])


_UNREACHABLE = {"CannotConnectNowError", "ConnectionDoesNotExistError", "TooManyConnectionsError"}


def outbox_failure(error: OSError) -> str:
    """Why an e-mail could not be written to the outbox folder, and what to do."""
    return gettext(OUTBOX_UNWRITABLE, detail=error.strerror or _detail(error))


def _database_kind(error: BaseException) -> str | None:
    for cause in _chain(error):
        name = type(cause).__name__
        module = type(cause).__module__
        text = str(cause).lower()
        if module.startswith("asyncpg"):
            if name in {"InvalidPasswordError", "InvalidAuthorizationSpecificationError"}:
                return DATABASE_AUTHENTICATION
            if name == "InvalidCatalogNameError":
                return DATABASE_MISSING
            if name in _UNREACHABLE:
                return DATABASE_UNREACHABLE
            return DATABASE_OTHER
        if module.startswith("sqlite3"):
            if "unable to open" in text:
                return DATABASE_FILE
            if "locked" in text or "busy" in text:
                return DATABASE_BUSY
            return DATABASE_OTHER
        if isinstance(cause, ConnectionError | TimeoutError | socket.gaierror):
            return DATABASE_UNREACHABLE
    return None


def database_failure(error: BaseException) -> str | None:
    """What a database failure means and what to do, in the current language; None when
    ``error`` did not come from the database or from reaching it."""
    kind = _database_kind(error)
    if kind is None:
        return None
    cause = next(
        (c for c in _chain(error) if type(c).__module__.startswith(("asyncpg", "sqlite3"))),
        error,
    )
    detail = cause.strerror if isinstance(cause, OSError) and cause.strerror else _detail(cause)
    return gettext(kind, detail=detail)
