"""A real SMTP server on loopback (aiosmtpd) that keeps every message it receives.

Use the `smtp_server` fixture (registered in tests/integration/conftest.py; import it elsewhere:
``from smtp import smtp_server, smtp_server_session``). It yields an `SmtpServer` with no message
yet; point the settings at it with ``COSIGNE_SMTP_HOST=server.host``,
``COSIGNE_SMTP_PORT=str(server.port)``, ``COSIGNE_SMTP_STARTTLS=0`` (or `server.env`), then::

    messages = server.wait_for(2)          # the first two messages, or a failure after 5 s
    messages[0]["To"], messages[0].get_body(("plain",)).get_content()

One server runs for the whole session; each test starts with an empty list.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import cast

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Delivery:
    """What the server was told in the SMTP envelope, beside the message itself."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage


class SmtpServer:
    """The messages received so far (`messages`, `deliveries`), and a way to wait for more."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.deliveries: list[Delivery] = []
        self.refused: set[str] = set()
        """Recipients answered ``550 5.1.1`` (an unknown mailbox: a bounce)."""
        self._changed = threading.Condition()

    @property
    def messages(self) -> list[EmailMessage]:
        with self._changed:
            return [d.message for d in self.deliveries]

    @property
    def env(self) -> dict[str, str]:
        """The COSIGNE_* settings that send mail to this server."""
        return {
            "COSIGNE_SMTP_HOST": self.host,
            "COSIGNE_SMTP_PORT": str(self.port),
            "COSIGNE_SMTP_STARTTLS": "0",
        }

    def wait_for(self, count: int, timeout: float = 5.0) -> list[EmailMessage]:
        """The first `count` messages, once they are in; a test failure after `timeout` s."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.deliveries) >= count, timeout):
                pytest.fail(
                    f"{len(self.deliveries)} message(s) reçu(s) en {timeout} s, {count} attendu(s)"
                )
            return [d.message for d in self.deliveries[:count]]

    def clear(self) -> None:
        with self._changed:
            self.deliveries.clear()
            self.refused.clear()

    def record(self, delivery: Delivery) -> None:
        with self._changed:
            self.deliveries.append(delivery)
            self._changed.notify_all()


class _Collector:
    """The aiosmtpd handler: parses each message and hands it to the `SmtpServer`."""

    def __init__(self, server: SmtpServer) -> None:
        self._server = server

    async def handle_RCPT(  # noqa: N802 — aiosmtpd's hook name
        self,
        _server: SMTP,
        _session: Session,
        envelope: Envelope,
        address: str,
        _options: list[str],
    ) -> str:
        if address.lower() in self._server.refused:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server: SMTP, _session: Session, envelope: Envelope) -> str:  # noqa: N802 — aiosmtpd's hook name
        raw = cast(bytes, envelope.original_content or envelope.content)
        message = message_from_bytes(raw, policy=policy.default)
        self._server.record(Delivery(str(envelope.mail_from), tuple(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    """A TCP port nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _start() -> tuple[Controller, SmtpServer]:
    last_error: Exception | None = None
    for _ in range(5):  # another process may take the free port between the probe and the bind
        port = free_port()
        server = SmtpServer(HOST, port)
        controller = Controller(
            _Collector(server), hostname=HOST, port=port, server_hostname="smtp.test"
        )
        try:
            controller.start()
        except (OSError, RuntimeError) as exc:
            last_error = exc
            time.sleep(0.05)
            continue
        return controller, server
    raise RuntimeError(f"impossible de démarrer le serveur SMTP de test : {last_error}")


@pytest.fixture(scope="session")
def smtp_server_session() -> Iterator[SmtpServer]:
    """One SMTP server for the whole run (use `smtp_server` in tests)."""
    controller, server = _start()
    yield server
    controller.stop()


@pytest.fixture
def smtp_server(smtp_server_session: SmtpServer) -> SmtpServer:
    """The SMTP server on loopback, with no message received yet."""
    smtp_server_session.clear()
    return smtp_server_session


__all__ = ["Delivery", "SmtpServer", "free_port", "smtp_server", "smtp_server_session"]
