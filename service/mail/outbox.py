"""The outbox: a message is written as an `OutboxMessage` in the transaction of the change that
causes it (`queue`), so it exists exactly when that change does; a worker claims the messages
due (`claim`, with a lease, so two workers never send one twice) and records each outcome. A
failed message is tried again later (1, 5, 15, 60 minutes, then hourly, for about 48 hours); it
is never deleted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.accounts.models import School
from service.db import Database
from service.documents.models import Document
from service.mail.addresses import SUBJECT_MAX, BadRecipient, header_text, single_address
from service.mail.compose import Message
from service.mail.models import OutboxMessage

log = logging.getLogger(__name__)

RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
)
"""Wait after the 1st, 2nd, 3rd, 4th failure; every later failure waits as long as the last."""


GIVE_UP_AFTER = timedelta(hours=48)
"""How long a message is retried, counted from its first attempt; then it stays in the outbox
with its error and is no longer tried."""


LEASE = timedelta(minutes=15)
"""How long a claimed message is reserved for the worker sending it. A worker that dies
mid-batch leaves its messages to be picked up again once the lease runs out."""


BATCH_SIZE = 20
"""Messages claimed per transaction (a batch is sent well within `LEASE`, even at the timeout)."""


def retry_delay(failures: int) -> timedelta:
    """The wait after `failures` failed attempts (1 → 1 minute … then hourly)."""
    return RETRY_DELAYS[min(failures, len(RETRY_DELAYS)) - 1]


def _max_attempts() -> int:
    attempts, elapsed = 1, timedelta(0)
    while elapsed < GIVE_UP_AFTER:
        elapsed += retry_delay(attempts)
        attempts += 1
    return attempts


MAX_ATTEMPTS = _max_attempts()
"""Attempts before giving up: the last one comes about `GIVE_UP_AFTER` after the first."""


def queue(
    session: Session,
    message: Message,
    *,
    now: datetime,
    signer_id: int | None = None,
    purpose: str | None = None,
) -> OutboxMessage:
    """Add `message` to the outbox in the caller's transaction, due at once. With `signer_id`
    (and the message's document), its delivery or bounce is recorded in the document's trail.

    Raises BadRecipient when `message.to` is not exactly one address.
    """
    row = OutboxMessage(
        document_id=message.document_id,
        to_address=single_address(message.to),
        subject=header_text(message.subject)[:SUBJECT_MAX],
        text_body=message.text,
        html_body=message.html,
        created_at=now,
        attempts=0,
        next_attempt_at=now,
        attachment_sha256=message.attachment_sha256,
        attachment_name=message.attachment_name and header_text(message.attachment_name),
        signer_id=signer_id,
        purpose=purpose,
    )
    session.add(row)
    return row


@dataclass(frozen=True)
class Claimed:
    id: int
    to: str
    subject: str
    text: str
    html: str | None
    created_at: datetime
    attempts: int
    reply_to: str | None
    attachment_sha256: str | None = None
    attachment_name: str | None = None
    document_id: int | None = None
    signer_id: int | None = None
    purpose: str | None = None


def claim(db: Database, now: datetime, limit: int, *, only: int | None = None) -> list[Claimed]:
    """Reserve up to `limit` due messages (or the message `only`, when due) for this worker by
    pushing their next attempt past the lease, in one short transaction. PostgreSQL skips rows
    another worker holds; SQLite's write transactions (BEGIN IMMEDIATE) take turns. Either way a
    message goes to one worker."""
    due = [
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.next_attempt_at <= now,
        OutboxMessage.attempts < MAX_ATTEMPTS,
    ]
    if only is not None:
        due.append(OutboxMessage.id == only)
    with db.transaction() as session:
        ids = list(
            session.scalars(
                select(OutboxMessage.id)
                .where(*due)
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        if not ids:
            return []
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(next_attempt_at=now + LEASE)
            .execution_options(synchronize_session=False)
        )
        rows = session.execute(
            select(OutboxMessage, School.email, School.head_email)
            .outerjoin(Document, Document.id == OutboxMessage.document_id)
            .outerjoin(School, School.id == Document.school_id)
            .where(OutboxMessage.id.in_(ids))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        ).all()
        return [
            Claimed(
                id=row.id,
                to=row.to_address,
                subject=row.subject,
                text=row.text_body,
                html=row.html_body,
                created_at=row.created_at,
                attempts=row.attempts,
                reply_to=_reply_to(school_email or head_email),
                attachment_sha256=row.attachment_sha256,
                attachment_name=row.attachment_name,
                document_id=row.document_id,
                signer_id=row.signer_id,
                purpose=row.purpose,
            )
            for row, school_email, head_email in rows
        ]


def _reply_to(address: str | None) -> str | None:
    if not address:
        return None
    try:
        return single_address(address)
    except BadRecipient:
        return None


def mark_sent(
    db: Database, item: Claimed, now: datetime, also: Callable[[Session], None] | None = None
) -> None:
    """Record the message as sent; `also` writes in the same transaction (its trail event)."""
    with db.transaction() as session:
        done = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == item.id, OutboxMessage.sent_at.is_(None))
            .values(sent_at=now, attempts=item.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        rows: int = getattr(done, "rowcount", 1)
        if also is not None and rows:  # a message another worker recorded is not recorded twice
            also(session)


def mark_failed(
    db: Database,
    item: Claimed,
    now: datetime,
    error: BaseException,
    *,
    permanent: bool = False,
    also: Callable[[Session], None] | None = None,
) -> bool:
    """Record a failed attempt; True when it was the last one (a `permanent` refusal, such as
    an SMTP 5xx for the recipient, is the last at once). `also` writes in the same transaction
    when it was the last (the bounce in the trail)."""
    attempts = max(item.attempts + 1, MAX_ATTEMPTS) if permanent else item.attempts + 1
    last = attempts >= MAX_ATTEMPTS
    text = f"{type(error).__name__}: {error}"[:2000]
    with db.transaction() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == item.id, OutboxMessage.sent_at.is_(None))
            .values(
                attempts=attempts,
                last_error=text,
                next_attempt_at=now if last else now + retry_delay(attempts),
            )
            .execution_options(synchronize_session=False)
        )
        if last and also is not None:
            also(session)
    if last:
        log.error(
            "Message %s pour %s abandonné après %s essais : %s", item.id, item.to, attempts, text
        )
    else:
        log.warning(
            "Message %s pour %s non envoyé (essai %s) : %s", item.id, item.to, attempts, text
        )
    return last


def newest(session: Session, limit: int) -> list[OutboxMessage]:
    """The outbox, newest first (sent or not), at most `limit` messages."""
    return list(
        session.scalars(
            select(OutboxMessage)
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
            .limit(limit)
        )
    )


def messages_of(session: Session, document_id: int) -> list[OutboxMessage]:
    """The messages about one document, oldest first."""
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.document_id == document_id)
            .order_by(OutboxMessage.id)
        )
    )
