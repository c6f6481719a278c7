"""A real SMTP server on localhost (aiosmtpd) that can be told to fail."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Mailbox:
    """What the server accepted; ``fail_after`` makes it answer 421 from then on."""

    messages: list[EmailMessage] = field(default_factory=list)
    fail_after: int | None = None
    refuse: set[str] = field(default_factory=set)  # recipients answered 550
    hold: asyncio.Event | None = None  # while set, the next message waits here

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.fail_after is not None and len(self.messages) >= self.fail_after:
            return "421 4.3.0 Service shutting down"
        if self.hold is not None:
            await self.hold.wait()
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(parsed)  # type: ignore[arg-type]
        return "250 Message accepted"

    def recipients(self) -> list[str]:
        return [str(m["To"].addresses[0].addr_spec) for m in self.messages]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class SmtpServer:
    url: str
    mailbox: Mailbox
    controller: Controller


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    mailbox = Mailbox()
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield SmtpServer(f"smtp://127.0.0.1:{port}", mailbox, controller)
    controller.stop()
