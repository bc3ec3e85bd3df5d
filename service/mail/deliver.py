"""`deliver_due` (run by `cosigne worker`): send every message due, each at most once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from service.db import Database
from service.mail.addresses import sender_address
from service.mail.delivery_events import bounced, delivered
from service.mail.outbox import BATCH_SIZE, claim, mark_failed, mark_sent
from service.mail.transport import (
    SmtpTransport,
    Unreachable,
    is_permanent,
    to_mime,
    with_attachment,
    write_eml,
)
from service.settings import Settings
from signing.pdf.archive import Archive


@dataclass(frozen=True)
class DeliveryReport:
    """What one `deliver_due` pass did."""

    sent: int = 0
    """Messages handed to the SMTP server, or written as files."""
    failed: int = 0
    """Messages that failed and will be tried again."""
    abandoned: int = 0
    """Messages that failed for the last time (kept in the outbox with their error)."""
    files: tuple[Path, ...] = field(default=())
    """The .eml files written (without an SMTP host)."""


def deliver_due(
    db: Database,
    settings: Settings,
    *,
    now: datetime,
    batch_size: int = BATCH_SIZE,
    only: int | None = None,
) -> DeliveryReport:
    """Send every message due at `now` (or the message `only`, for a one-time code that must
    arrive within seconds, worker or not), each at most once even with several workers at once.

    A failure keeps the message with its error and schedules the next attempt; when the SMTP
    server cannot be reached, the pass stops there and everything waits for a later pass.
    Raises BadSender when COSIGNE_MAIL_FROM is unusable (before touching any message).
    """
    sender = sender_address(settings)
    archive, issued = Archive(settings.archive_dir), Archive(settings.issued_dir)
    smtp = SmtpTransport(settings) if settings.smtp_host else None
    sent = failed = abandoned = 0
    files: list[Path] = []
    unreachable: Unreachable | None = None
    try:
        while unreachable is None and (claimed := claim(db, now, batch_size, only=only)):
            for item in claimed:
                error: BaseException | None = unreachable  # once unreachable, the rest waits
                reply, message_id = "", ""
                if error is None:
                    try:
                        mime = with_attachment(to_mime(item, sender), item, archive, issued)
                        message_id = str(mime["Message-ID"])
                        if smtp is not None:
                            reply = smtp.send(mime, sender, item.to)
                        else:
                            files.append(write_eml(settings.outbox_dir, item, mime, now))
                    except Unreachable as exc:
                        error = unreachable = exc
                    # Whatever goes wrong with one message is recorded on it and the others go
                    # on: an unexpected error must not leave it leased and retried forever.
                    except Exception as exc:
                        error = exc
                if error is None:
                    written = smtp is None
                    also = delivered(item, message_id, reply, written=written, now=now)
                    mark_sent(db, item, now, also)
                    sent += 1
                elif mark_failed(
                    db,
                    item,
                    now,
                    error,
                    permanent=is_permanent(error),
                    also=bounced(item, error, now=now),
                ):
                    abandoned += 1
                else:
                    failed += 1
    finally:
        if smtp is not None:
            smtp.close()
    return DeliveryReport(sent=sent, failed=failed, abandoned=abandoned, files=tuple(files))
