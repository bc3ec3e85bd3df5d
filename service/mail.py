"""French messages, the outbox, and their delivery.

A message is composed from the rows it speaks about (`invitation`, `reminder`, `cancelled`,
`declined_notice`), then `queue`d: written as an `OutboxMessage` in the caller's transaction, so it
exists exactly when the change that causes it does. `deliver_due` (run by `cosigne worker`) sends
what is due: over SMTP when a host is configured, otherwise as ``.eml`` files in the data folder
with their links logged. A failed message stays queued and is tried again later (1, 5, 15, 60
minutes, then hourly, for about 48 hours); it is never deleted.

Header safety: every header value is built by `email.message.EmailMessage` from text stripped of
line breaks and control characters, and the SMTP envelope names the one recipient explicitly, so
a name such as ``"Zoé\\r\\nBcc: x@example.org"`` can neither add a header nor a recipient.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import smtplib
import ssl
import tempfile
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.db import Database
from service.models import Document, OutboxMessage, School, Signer
from service.settings import Settings
from signing.archive import Archive
from signing.errors import CosigneError
from signing.french import format_date_fr
from signing.identifiers import normalize_email
from signing.model import ROLE_LABELS, Role
from signing.schema import load_schema

log = logging.getLogger(__name__)

SMTP_TIMEOUT = 10.0
"""Seconds to wait for the SMTP server at each step before counting the attempt as failed."""

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

SUBJECT_MAX = 250
"""The outbox's subject column."""


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


class MailError(CosigneError):
    """A message or the mail settings cannot be used as they are."""


class BadRecipient(MailError):
    """The recipient is not exactly one valid email address."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__(f"adresse de destinataire incorrecte : {address!r}")


class BadSender(MailError):
    """COSIGNE_MAIL_FROM is not one valid address (with an optional name)."""

    def __init__(self, value: str) -> None:
        self.value = value
        super().__init__(
            f"COSIGNE_MAIL_FROM n'est pas une adresse valide : {value!r} "
            "(par exemple : Cosigne <no-reply@lycee.example.fr>)"
        )


@dataclass(frozen=True)
class Message:
    """One email ready to be queued."""

    to: str
    subject: str
    text: str
    html: str
    document_id: int | None = None
    attachment_sha256: str | None = None
    """An archived PDF to attach, read from the archive when the message is sent."""
    attachment_name: str | None = None


# ---------------------------------------------------------------------------------------------
# Text safety


def header_text(value: str) -> str:
    """`value` on one line: line breaks and other control or separator characters become a
    space, runs of spaces one space. Every header value goes through it."""
    kept = [
        " " if unicodedata.category(c) in ("Cc", "Zl", "Zp") or c.isspace() else c for c in value
    ]
    return " ".join("".join(kept).split())


def _plain_address(raw: str) -> str | None:
    """`raw` stripped when it has the shape of one bare address (``local@domain``, no name, no
    list, no space or control character), else None."""
    address = raw.strip()
    local, at, domain = address.partition("@")
    if (
        not (local and at and domain)
        or "@" in domain
        or any(c in address for c in ',;<>()[]"\\:')
        or any(c.isspace() or unicodedata.category(c)[0] in "CZ" for c in address)
    ):
        return None
    return address


def single_address(raw: str) -> str:
    """`raw` when it is exactly one valid email address (no name, no list); BadRecipient else."""
    address = _plain_address(raw)
    if address is None or normalize_email(address) is None:
        raise BadRecipient(raw)
    return address


_LINK = re.compile(r"https?://[^\s<>\"']+")


def find_links(text: str) -> list[str]:
    """The web addresses in a text body, in order."""
    return [m.group(0).rstrip(".,;:!?)") for m in _LINK.finditer(text)]


# ---------------------------------------------------------------------------------------------
# Composing


_templates = Environment(
    loader=PackageLoader("service", "templates/mail"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def _render(name: str, values: dict[str, Any]) -> tuple[str, str]:
    text = _templates.get_template(f"{name}.txt").render(values)
    html = _templates.get_template(f"{name}.html").render(values)
    return text, html


def _plain(value: object) -> str:
    """A name or a reason from the database, on one line (it is shown, never interpreted)."""
    return header_text(str(value or ""))


def _pupil(document: Document) -> tuple[str, str]:
    """The pupil's full name (for the body) and first name with the last name's initial (for
    the subject line, which mail programs show in lists and notifications)."""
    pupil = document.data.get("pupil") or {}
    first = _plain(pupil.get("first_name"))
    last = _plain(pupil.get("last_name"))
    short = f"{first} {last[0]}." if last else first
    return f"{first} {last}".strip(), short.strip()


def role_noun(role: str) -> str:
    """``représentant légal``, ``élève``: the role of `ROLE_LABELS` without its article."""
    noun = re.sub(r"^(L'|Le |La )", "", ROLE_LABELS[Role(role)])
    return noun[:1].lower() + noun[1:]


def role_phrase(role: str) -> str:
    """``en tant que représentant légal``, ``en tant qu'élève``."""
    noun = role_noun(role)
    return ("en tant qu'" if noun[:1] in "aeéèêiîoôuyh" else "en tant que ") + noun


def _school(school: School) -> dict[str, Any]:
    head = _plain(f"{school.head_first_name} {school.head_last_name}")
    return {
        "name": _plain(school.name),
        "head_name": head,
        "head_title": _plain(school.head_title or "Chef d'établissement"),
        "email": _plain(school.email or school.head_email),
        "phone": _plain(school.phone),
    }


def _document(document: Document) -> dict[str, Any]:
    full, short = _pupil(document)
    host = (document.data.get("host") or {}).get("name") if document.kind == "convention" else None
    return {
        "id": document.id,
        "title": load_schema(document.kind).title,
        "pupil_name": full,
        "pupil_short": short,
        "host_name": _plain(host) or None,
        "deadline": format_date_fr(document.deadline) if document.deadline else None,
    }


def _subject(prefix: str, doc: dict[str, Any], school: dict[str, Any], suffix: str = "") -> str:
    subject = f"{prefix}{doc['title']} de {doc['pupil_short']}{suffix} – {school['name']}"
    return header_text(subject)[:SUBJECT_MAX]


def _signing_message(
    document: Document, signer: Signer, school: School, url: str, *, reminder: bool
) -> Message:
    doc, sch = _document(document), _school(school)
    role = role_phrase(signer.role)
    if signer.role == Role.GUARDIAN:
        role += f" de {doc['pupil_name']}"
    values = {
        "reminder": reminder,
        "document": doc,
        "school": sch,
        "signer_name": _plain(signer.full_name),
        "is_head": signer.role == Role.HEAD,
        "role": role,
        "url": url,
    }
    text, html = _render("invitation", values)
    prefix = "Rappel : " if reminder else ""
    return Message(
        to=signer.email,
        subject=_subject(prefix, doc, sch, " à signer"),
        text=text,
        html=html,
        document_id=document.id,
    )


def invitation(document: Document, signer: Signer, school: School, url: str) -> Message:
    """Asks `signer` to sign `document` through their link `url`."""
    return _signing_message(document, signer, school, url, reminder=False)


def reminder(document: Document, signer: Signer, school: School, url: str) -> Message:
    """The invitation again, marked "Rappel :"."""
    return _signing_message(document, signer, school, url, reminder=True)


def cancelled(document: Document, signer: Signer, school: School, reason: str) -> Message:
    """Tells `signer` the document was cancelled, why, and that their link no longer works."""
    doc, sch = _document(document), _school(school)
    text, html = _render(
        "cancelled",
        {
            "document": doc,
            "school": sch,
            "signer_name": _plain(signer.full_name),
            "reason": _plain(reason),
        },
    )
    return Message(
        to=signer.email,
        subject=_subject("Annulé : ", doc, sch),
        text=text,
        html=html,
        document_id=document.id,
    )


def completed(
    document: Document,
    signer: Signer,
    school: School,
    *,
    verify_url: str,
    attachment: tuple[str, str] | None = None,
    download_url: str | None = None,
    link_days: int = 30,
) -> Message:
    """The final, sealed PDF for one party: attached (`attachment` = archive hash and file
    name) or, when too large, a download link."""
    doc, sch = _document(document), _school(school)
    text, html = _render(
        "completed",
        {
            "document": doc,
            "school": sch,
            "signer_name": _plain(signer.full_name),
            "download_url": download_url,
            "verify_url": verify_url,
            "link_days": link_days,
        },
    )
    return Message(
        to=signer.email,
        subject=_subject("Signé : ", doc, sch),
        text=text,
        html=html,
        document_id=document.id,
        attachment_sha256=attachment[0] if attachment else None,
        attachment_name=attachment[1] if attachment else None,
    )


def declined_notice(document: Document, signer: Signer, school: School, reason: str) -> Message:
    """Tells the head that `signer` declined, their reason, and what to do next."""
    doc, sch = _document(document), _school(school)
    text, html = _render(
        "declined_notice",
        {
            "document": doc,
            "school": sch,
            "signer_name": _plain(signer.full_name),
            "signer_role": role_noun(signer.role),
            "signer_email": _plain(signer.email),
            "reason": _plain(reason),
        },
    )
    return Message(
        to=school.head_email,
        subject=_subject("Signature refusée : ", doc, sch),
        text=text,
        html=html,
        document_id=document.id,
    )


# ---------------------------------------------------------------------------------------------
# The outbox


def queue(session: Session, message: Message, *, now: datetime) -> OutboxMessage:
    """Add `message` to the outbox in the caller's transaction, due at once.

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
    )
    session.add(row)
    return row


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


@dataclass(frozen=True)
class _Claimed:
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


def sender_address(settings: Settings) -> Address:
    """COSIGNE_MAIL_FROM as an address; BadSender when it is not exactly one. The domain is not
    checked further: the default, ``no-reply@localhost``, serves a machine with no mail server."""
    name, address = parseaddr(header_text(settings.mail_from))
    plain = _plain_address(address)
    if plain is None:
        raise BadSender(settings.mail_from)
    try:
        return Address(display_name=header_text(name), addr_spec=plain)
    except ValueError as exc:
        raise BadSender(settings.mail_from) from exc


def to_mime(item: _Claimed, sender: Address) -> EmailMessage:
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


def _with_attachment(mime: EmailMessage, item: _Claimed, archive: Archive) -> EmailMessage:
    """Attach the archived PDF, read through the archive (which checks its hash)."""
    if item.attachment_sha256:
        mime.add_attachment(
            archive.get(item.attachment_sha256),
            maintype="application",
            subtype="pdf",
            filename=item.attachment_name or "document.pdf",
        )
    return mime


def _claim(db: Database, now: datetime, limit: int) -> list[_Claimed]:
    """Reserve up to `limit` due messages for this worker by pushing their next attempt past
    the lease, in one short transaction. PostgreSQL skips rows another worker holds; SQLite's
    write transactions (BEGIN IMMEDIATE) take turns. Either way a message goes to one worker."""
    with db.transaction() as session:
        ids = list(
            session.scalars(
                select(OutboxMessage.id)
                .where(
                    OutboxMessage.sent_at.is_(None),
                    OutboxMessage.next_attempt_at <= now,
                    OutboxMessage.attempts < MAX_ATTEMPTS,
                )
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
            _Claimed(
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


def _mark_sent(db: Database, item: _Claimed, now: datetime) -> None:
    with db.transaction() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == item.id, OutboxMessage.sent_at.is_(None))
            .values(sent_at=now, attempts=item.attempts + 1)
            .execution_options(synchronize_session=False)
        )


def _mark_failed(db: Database, item: _Claimed, now: datetime, error: BaseException) -> bool:
    """Record a failed attempt; True when it was the last one."""
    attempts = item.attempts + 1
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
    if last:
        log.error(
            "Message %s pour %s abandonné après %s essais : %s", item.id, item.to, attempts, text
        )
    else:
        log.warning(
            "Message %s pour %s non envoyé (essai %s) : %s", item.id, item.to, attempts, text
        )
    return last


class _Unreachable(Exception):
    """The SMTP server could not be reached or refused the session: no message can go now."""


class _SmtpTransport:
    """One SMTP connection, opened on first use and kept for the pass."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self._settings
        try:
            connection = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=SMTP_TIMEOUT)
        except (OSError, smtplib.SMTPException) as exc:
            raise _Unreachable(f"{type(exc).__name__}: {exc}") from exc
        try:
            connection.ehlo()
            if s.smtp_starttls:
                connection.starttls(context=ssl.create_default_context())
                connection.ehlo()
            if s.smtp_username:
                connection.login(s.smtp_username, s.smtp_password)
        except (OSError, smtplib.SMTPException) as exc:
            connection.close()
            raise _Unreachable(f"{type(exc).__name__}: {exc}") from exc
        return connection

    def send(self, mime: EmailMessage, sender: Address, to: str) -> None:
        if self._connection is None:
            self._connection = self._connect()
        try:
            # The envelope names the one recipient: headers never choose who receives a message.
            self._connection.send_message(mime, from_addr=sender.addr_spec, to_addrs=[to])
        except (smtplib.SMTPServerDisconnected, OSError):
            self._drop()
            raise

    def _drop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._connection.quit()
            self._drop()


def _write_eml(outbox_dir: Path, item: _Claimed, mime: EmailMessage, now: datetime) -> Path:
    """Write the message whole under a temporary name, then rename: a reader never sees half."""
    outbox_dir.mkdir(parents=True, exist_ok=True)
    path = outbox_dir / f"{now.astimezone(UTC):%Y%m%dT%H%M%S%fZ}-{item.id}.eml"
    fd, tmp = tempfile.mkstemp(dir=outbox_dir, prefix=".", suffix=".eml.tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(mime.as_bytes())
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


def deliver_due(
    db: Database, settings: Settings, *, now: datetime, batch_size: int = BATCH_SIZE
) -> DeliveryReport:
    """Send every message due at `now`, each at most once even with several workers at once.

    A failure keeps the message with its error and schedules the next attempt; when the SMTP
    server cannot be reached, the pass stops there and everything waits for a later pass.
    Raises BadSender when COSIGNE_MAIL_FROM is unusable (before touching any message).
    """
    sender = sender_address(settings)
    archive = Archive(settings.archive_dir)
    smtp = _SmtpTransport(settings) if settings.smtp_host else None
    sent = failed = abandoned = 0
    files: list[Path] = []
    unreachable: _Unreachable | None = None
    try:
        while unreachable is None and (claimed := _claim(db, now, batch_size)):
            for item in claimed:
                error: BaseException | None = unreachable  # once unreachable, the rest waits
                if error is None:
                    try:
                        mime = _with_attachment(to_mime(item, sender), item, archive)
                        if smtp is not None:
                            smtp.send(mime, sender, item.to)
                        else:
                            files.append(_write_eml(settings.outbox_dir, item, mime, now))
                    except _Unreachable as exc:
                        error = unreachable = exc
                    # Whatever goes wrong with one message is recorded on it and the others go
                    # on: an unexpected error must not leave it leased and retried forever.
                    except Exception as exc:
                        error = exc
                if error is None:
                    _mark_sent(db, item, now)
                    sent += 1
                elif _mark_failed(db, item, now, error):
                    abandoned += 1
                else:
                    failed += 1
    finally:
        if smtp is not None:
            smtp.close()
    return DeliveryReport(sent=sent, failed=failed, abandoned=abandoned, files=tuple(files))
