"""Where e-mails go: an SMTP server (aiosmtplib), or `.eml` files when none is configured."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from conference.errors import ConfigurationError, DomainError
from conference.failures import mail_failure, outbox_failure

if TYPE_CHECKING:
    from conference.invitations.rendering import OutgoingEmail


class SendFailed(DomainError):
    """The server refused or dropped a message; ``permanent`` when retrying cannot help."""

    code = "send_failed"

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__("The mail server did not take the message: %(reason)s", reason=reason)
        self.reason = reason
        self.permanent = permanent


class Mailer(Protocol):
    async def __aenter__(self) -> Mailer: ...

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def send(self, message: OutgoingEmail, *, name: str) -> None:
        """Deliver one message or raise SendFailed; ``name`` labels it (file name, logs)."""
        ...


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool  # smtps://: TLS from the first byte
    start_tls: bool  # ?starttls=1: upgrade a plain connection

    @classmethod
    def parse(cls, url: str) -> SmtpConfig:
        """``smtp://user:pass@host:port``, ``smtps://…``, ``…?starttls=1``."""
        parts = urlsplit(url)
        if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
            raise ConfigurationError(
                "CONFERENCE_SMTP_URL must look like smtp://user:pass@host:port (or smtps://)"
            )
        try:
            port = parts.port or (465 if parts.scheme == "smtps" else 25)
        except ValueError as error:
            raise ConfigurationError("CONFERENCE_SMTP_URL: the port is not a number") from error
        query = parse_qs(parts.query)
        return cls(
            host=parts.hostname,
            port=port,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            use_tls=parts.scheme == "smtps",
            start_tls=query.get("starttls", ["0"])[0] in {"1", "true", "yes"},
        )


class SmtpMailer:
    """One SMTP connection reused for many messages, reopened when the server drops it."""

    def __init__(self, config: SmtpConfig, *, timeout_s: float = 30) -> None:
        self.config = config
        self.timeout_s = timeout_s
        self._client: aiosmtplib.SMTP | None = None

    async def __aenter__(self) -> SmtpMailer:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._close()

    async def _connect(self) -> aiosmtplib.SMTP:
        client = aiosmtplib.SMTP(
            hostname=self.config.host,
            port=self.config.port,
            use_tls=self.config.use_tls,
            start_tls=self.config.start_tls or None,
            timeout=self.timeout_s,
        )
        await client.connect()
        if self.config.username:
            await client.login(self.config.username, self.config.password or "")
        return client

    async def _close(self) -> None:
        if self._client is not None:
            try:
                await self._client.quit()
            except aiosmtplib.SMTPException:
                self._client.close()
            self._client = None

    async def send(self, message: OutgoingEmail, *, name: str) -> None:
        try:
            if self._client is None or not self._client.is_connected:
                self._client = await self._connect()
            await self._client.sendmail(message.sender, message.recipients, message.data)
        except aiosmtplib.SMTPRecipientsRefused as error:
            raise SendFailed(mail_failure(error), permanent=True) from error
        except aiosmtplib.SMTPResponseException as error:
            await self._close()
            raise SendFailed(mail_failure(error), permanent=500 <= error.code < 600) from error
        except (aiosmtplib.SMTPException, OSError) as error:
            await self._close()
            raise SendFailed(mail_failure(error)) from error


class FileMailer:
    """Writes each message as ``NAME.eml``: for a laptop without a mail server, and for review."""

    throttled = False  # CONFERENCE_MAIL_RATE is for SMTP servers, not for a folder

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def __aenter__(self) -> FileMailer:
        self.directory.mkdir(parents=True, exist_ok=True)
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def send(self, message: OutgoingEmail, *, name: str) -> None:
        path = self.directory / f"{name}.eml"
        partial = path.with_suffix(".eml.part")
        try:
            partial.write_bytes(message.data)
            partial.replace(path)  # a file appears whole, or not at all
        except OSError as error:
            raise SendFailed(outbox_failure(error)) from error


def make_mailer(smtp_url: str | None, outbox_dir: Path) -> Mailer:
    if smtp_url:
        return SmtpMailer(SmtpConfig.parse(smtp_url))
    return FileMailer(outbox_dir)
