"""A real SMTP server on localhost (aiosmtpd) that can be told to fail."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
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
    hold_at: int | None = None  # the message with this index waits for ``release``
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

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
        if self.hold_at is not None and len(self.messages) == self.hold_at:
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait)
            if server.transport is None or server.transport.is_closing():
                # The client is gone before hearing "250": a real server keeps nothing.
                return "451 4.4.2 Connection lost"
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
