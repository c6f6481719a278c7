"""A mail server that fails is explained in Vietnamese with what to do, whatever the failure."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from conference.i18n import set_locale
from conference.invitations.mail import SendFailed, SmtpConfig, SmtpMailer
from conference.invitations.rendering import OutgoingEmail
from tests.invitations.conftest import Mailbox, _free_port

MESSAGE = OutgoingEmail(
    sender="hoinghi@example.vn",
    recipients=["thang@example.vn"],
    message_id="<1@example.vn>",
    data=b"Subject: x\r\n\r\nx\r\n",
)


async def failure_of(url: str, *, timeout_s: float = 30) -> SendFailed:
    set_locale("vi")
    mailer = SmtpMailer(SmtpConfig.parse(url), timeout_s=timeout_s)
    with pytest.raises(SendFailed) as raised:
        async with mailer:
            await mailer.send(MESSAGE, name="x")
    return raised.value


async def test_a_refused_connection_says_to_check_the_address_and_the_server():
    failure = await failure_of(f"smtp://127.0.0.1:{_free_port()}")
    assert failure.reason.startswith("Máy chủ thư từ chối kết nối")
    assert "CONFERENCE_SMTP_URL" in failure.reason


async def test_a_wrong_password_says_to_correct_it():
    def refuse(server, session, envelope, mechanism, auth_data) -> AuthResult:
        return AuthResult(success=False, handled=False)

    port = _free_port()
    controller = Controller(
        Mailbox(),
        hostname="127.0.0.1",
        port=port,
        authenticator=refuse,
        auth_require_tls=False,
        auth_required=True,
    )
    controller.start()
    try:
        failure = await failure_of(f"smtp://hoinghi:sai-mat-khau@127.0.0.1:{port}")
    finally:
        controller.stop()
    assert failure.reason.startswith("Máy chủ thư từ chối tên đăng nhập hoặc mật khẩu")
    assert "535" in failure.reason  # the server's own answer, for its administrator


async def test_tls_to_a_plain_server_says_to_check_the_scheme_and_port(smtp_server):
    plain = smtp_server.url.removeprefix("smtp://")
    failure = await failure_of(f"smtps://{plain}", timeout_s=5)
    assert failure.reason.startswith("Không thiết lập được kết nối bảo mật (TLS)")
    assert "465" in failure.reason and "587" in failure.reason


@pytest.fixture
async def silent_server() -> AsyncIterator[int]:
    """Accepts connections and never says a word, like a firewall that swallows them."""
    held: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0, family=socket.AF_INET)
    yield server.sockets[0].getsockname()[1]
    for writer in held:
        writer.close()
    server.close()


async def test_a_server_that_does_not_answer_says_to_check_the_network(silent_server):
    failure = await failure_of(f"smtp://127.0.0.1:{silent_server}", timeout_s=0.5)
    assert failure.reason.startswith("Máy chủ thư không trả lời kịp thời")
    assert not failure.permanent  # the run stops and can be sent again


async def test_the_explanation_is_english_in_english():
    set_locale("en")
    try:
        mailer = SmtpMailer(SmtpConfig.parse(f"smtp://127.0.0.1:{_free_port()}"))
        with pytest.raises(SendFailed) as raised:
            async with mailer:
                await mailer.send(MESSAGE, name="x")
    finally:
        set_locale("vi")
    assert raised.value.reason.startswith("The mail server refuses the connection")
