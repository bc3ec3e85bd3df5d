"""How a claimed message leaves: as a MIME message (its attachment read from the archive),
over SMTP when a host is set, otherwise as an ``.eml`` file in the data folder, its links logged."""

from __future__ import annotations

import contextlib
import logging
import os
import smtplib
import ssl
import tempfile
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from service.mail.addresses import find_links, header_text, single_address
from service.mail.outbox import Claimed
from service.settings import Settings
from signing.pdf.archive import Archive

log = logging.getLogger(__name__)

WIRE = policy.SMTP.clone(max_line_length=998)
"""How a built message is written out: its headers folded only past 998 characters (RFC 5322's
limit). CPython's folding at 78 breaks an encoded word it has to split: a long French subject
(« Lien de signature pour Nadia Martin : … ») arrived as « … M. =?utf-8? b?4oCT?= Lycée … ».
A subject is 250 characters at most (the outbox's column), so it stays on one line. The body
and the attachments are encoded when the message is built, under `policy.SMTP`."""


SMTP_TIMEOUT = 10.0
"""Seconds to wait for the SMTP server at each step before counting the attempt as failed."""


def to_mime(item: Claimed, sender: Address) -> EmailMessage:
    """The full MIME message of an outbox row: text and HTML alternatives, French subject."""
    mime = EmailMessage(policy=policy.SMTP)
    mime["From"] = sender
    mime["To"] = Address(addr_spec=single_address(item.to))
    if item.reply_to:
        mime["Reply-To"] = Address(addr_spec=item.reply_to)
    mime["Subject"] = header_text(item.subject)
    mime["Date"] = format_datetime(item.created_at.astimezone(UTC))
    # The same Message-ID on every attempt, so a message sent twice (a crash between sending and
    # recording it) can be recognised as one.
    stamp = item.created_at.astimezone(UTC).strftime("%Y%m%d%H%M%S")
    mime["Message-ID"] = f"<cosigne.{item.id}.{stamp}@{sender.domain}>"
    mime["Auto-Submitted"] = "auto-generated"
    mime["X-Auto-Response-Suppress"] = "All"
    mime.set_content(item.text)
    if item.html:
        mime.add_alternative(item.html, subtype="html")
    return mime


def with_attachment(
    mime: EmailMessage, item: Claimed, archive: Archive, issued: Archive | None = None
) -> EmailMessage:
    """Attach the archived PDF, read through the archive (which checks its hash): a final PDF,
    or an issued one (`issued`, for an informed guardian)."""
    if item.attachment_sha256:
        source = archive
        if issued is not None and not archive.contains(item.attachment_sha256):
            source = issued
        mime.add_attachment(
            source.get(item.attachment_sha256),
            maintype="application",
            subtype="pdf",
            filename=item.attachment_name or "document.pdf",
        )
    return mime


class _ReplyKeepingSMTP(smtplib.SMTP):
    """`smtplib.SMTP` keeping the server's answer to DATA (``250 2.0.0 Ok: queued as 4XyZ``),
    which `send_message` discards: the acceptance is the evidence that an invitation was
    delivered. Overriding `data` is the one way smtplib leaves to see that reply."""

    last_reply: str = ""

    def data(self, msg: Any) -> tuple[int, bytes]:
        code, reply = super().data(msg)
        self.last_reply = f"{code} {reply.decode('utf-8', 'replace')}"[:300]
        return code, reply


def is_permanent(error: BaseException) -> bool:
    """An SMTP refusal of the recipient or of the message with a 5xx code: trying again will
    not help (a bounce), unlike a 4xx or a network failure."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPDataError):
        return error.smtp_code >= 500
    return False


class Unreachable(Exception):
    """The SMTP server could not be reached or refused the session: no message can go now."""


class SmtpTransport:
    """One SMTP connection, opened on first use and kept for the pass."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._connection: _ReplyKeepingSMTP | None = None

    def _connect(self) -> _ReplyKeepingSMTP:
        s = self._settings
        try:
            connection = _ReplyKeepingSMTP(s.smtp_host, s.smtp_port, timeout=SMTP_TIMEOUT)
        except (OSError, smtplib.SMTPException) as exc:
            raise Unreachable(f"{type(exc).__name__}: {exc}") from exc
        try:
            connection.ehlo()
            if s.smtp_starttls:
                connection.starttls(context=ssl.create_default_context())
                connection.ehlo()
            if s.smtp_username:
                connection.login(s.smtp_username, s.smtp_password)
        except (OSError, smtplib.SMTPException) as exc:
            connection.close()
            raise Unreachable(f"{type(exc).__name__}: {exc}") from exc
        return connection

    def send(self, mime: EmailMessage, sender: Address, to: str) -> str:
        """Send; the server's answer to the message (``250 …``) is returned."""
        if self._connection is None:
            self._connection = self._connect()
        try:
            # The envelope names the one recipient: headers never choose who receives a message.
            mime.policy = WIRE
            self._connection.send_message(mime, from_addr=sender.addr_spec, to_addrs=[to])
        except (smtplib.SMTPServerDisconnected, OSError):
            self._drop()
            raise
        return self._connection.last_reply

    def _drop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._connection.quit()
            self._drop()


def write_eml(outbox_dir: Path, item: Claimed, mime: EmailMessage, now: datetime) -> Path:
    """Write the message whole under a temporary name, then rename: a reader never sees half."""
    outbox_dir.mkdir(parents=True, exist_ok=True)
    path = outbox_dir / f"{now.astimezone(UTC):%Y%m%dT%H%M%S%fZ}-{item.id}.eml"
    fd, tmp = tempfile.mkstemp(dir=outbox_dir, prefix=".", suffix=".eml.tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(mime.as_bytes(policy=WIRE))
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    links = find_links(item.text)
    for link in links:
        log.info("Message pour %s : lien %s", item.to, link)
    if not links:
        log.info("Message pour %s écrit dans %s", item.to, path)
    return path
