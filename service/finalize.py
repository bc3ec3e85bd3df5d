"""From `signed` to `completed`, exactly once: stamp the signatures, append the certificate,
seal, archive, deliver. Each step can be re-run after a crash without doing it twice:

1. the sealed PDF is stored with a compare-and-set on NULL — a second finalizer that raced
   this one drops its own seal and uses the stored one;
2. the archive is content-addressed and write-once — putting the same bytes again writes nothing;
3. the move to `completed`, its event and the mail happen in one transaction with a
   compare-and-set on the state — only one finalizer gets there.

If anything fails, the document stays `signed` and the worker's sweep (`finalize_due`) tries
again; it is never shown as completed without its seal.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service import events, mail
from service.models import Document, Event, School
from service.operations import Context, lock_document, set_document_state
from service.settings import Settings
from signing.archive import Archive
from signing.audit_page import AuditTrail, SignerRecord, TrailEvent, append_audit_pages
from signing.errors import CosigneError
from signing.french import format_date_fr
from signing.links import LinkPurpose
from signing.model import ROLE_LABELS, Role
from signing.parties import anchor_text
from signing.schema import load_schema
from signing.seal import Sealer, SealSettings, ensure_dev_seal
from signing.stamp import SignatureMark, stamp
from signing.workflow import DocumentState, decide_complete

log = logging.getLogger(__name__)

_DRAWING = threading.Lock()
"""reportlab's TrueType fonts keep per-document state that two threads must not share."""

ATTACH_UP_TO = 5 * 2**20
"""Final PDFs up to this size travel attached; larger ones by a download link."""


@functools.cache
def _sealer(p12: str, passphrase: str, tsa_url: str) -> Sealer:
    settings = SealSettings(
        p12_path=Path(p12),
        passphrase=passphrase.encode() or None,
        tsa_url=tsa_url or None,
    )
    return Sealer(settings)


def sealer(settings: Settings) -> Sealer:
    """The process's sealer: the configured PKCS#12 seal, or a development seal generated
    once into the data folder. The key is loaded once per process."""
    if settings.seal_p12 is not None:
        return _sealer(str(settings.seal_p12), settings.seal_passphrase, settings.tsa_url)
    dev = ensure_dev_seal(settings.data_dir / "seal")
    passphrase = dev.passphrase.decode() if dev.passphrase else ""
    return _sealer(str(dev.p12_path), passphrase, settings.tsa_url)


def archive(settings: Settings) -> Archive:
    return Archive(settings.archive_dir)


def verify_url(settings: Settings) -> str:
    return f"{settings.base_url}/verifier"


def _age_rule_text(document: Document, issued: Event | None) -> str:
    rule: dict[str, Any] = (issued.data if issued else {}).get("age_rule") or {}
    if not rule:
        return "Règle d'âge non enregistrée."
    day = format_date_fr(date.fromisoformat(rule["reference_date"]))
    age = rule["pupil_age"]
    if rule.get("emancipated"):
        return f"Élève mineur émancipé ({age} ans) au {day} : signe seul."
    if rule.get("guardian_required"):
        return f"Élève mineur ({age} ans) au {day} : accord du représentant légal requis."
    return f"Élève majeur ({age} ans) au {day} : signe seul."


def _trail(settings: Settings, document: Document, school: School) -> AuditTrail:
    trail = list(document.events)
    issued = next((e for e in trail if e.type == "issued"), None)
    assert document.pdf_sha256 is not None  # noqa: S101 — a signed document was issued
    return AuditTrail(
        document_id=document.id,
        kind_title=load_schema(document.kind).title,
        version=document.version,
        school_name=school.name,
        frozen_sha256=document.pdf_sha256,
        signers=tuple(
            SignerRecord(
                role=s.role,
                role_label=ROLE_LABELS[Role(s.role)],
                name=s.full_name,
                email=s.email,
                signed_at=s.signed_at,
                ip=s.sign_ip,
                user_agent=s.sign_user_agent,
                consent=s.consent_text is not None,
                drawn=s.signature_png is not None,
            )
            for s in document.signers
        ),
        events=tuple(TrailEvent(e.at, e.type, e.actor_name, e.role) for e in trail),
        age_rule=_age_rule_text(document, issued),
        verify_url=verify_url(settings),
    )


def build_final_pdf(settings: Settings, document: Document, school: School) -> bytes:
    """The frozen PDF with every signature at its anchor, the certificate, and the seal last."""
    assert document.pdf is not None  # noqa: S101
    marks = [
        SignatureMark(
            anchor=anchor_text(Role(s.role), s.guardian_index or 0),
            name=s.typed_name or s.full_name,
            signed_at=s.signed_at,
            png=s.signature_png,
        )
        for s in document.signers
        if s.signed_at is not None
    ]
    trail = _trail(settings, document, school)
    with _DRAWING:
        stamped = stamp(document.pdf, marks)
        certified = append_audit_pages(stamped, trail)
    return sealer(settings).seal(certified, document_id=document.id)


def file_name(document: Document) -> str:
    pupil = document.data.get("pupil") or {}
    base = f"{document.kind}-{document.id}-{pupil.get('last_name', '')}".lower()
    return "".join(c if c.isalnum() or c == "-" else "-" for c in base).strip("-") + ".pdf"


def _store_seal(ctx: Context, document_id: int) -> tuple[str, bytes] | None:
    """Step 1: the sealed PDF, made once and stored; None when the document is not `signed`."""
    with ctx.db.new_session() as session:
        document = session.get(Document, document_id)
        if document is None or document.state != DocumentState.SIGNED:
            return None
        if document.final_pdf is None:
            sealed = build_final_pdf(ctx.settings, document, document.school)
            digest = hashlib.sha256(sealed).hexdigest()
        else:
            sealed, digest = document.final_pdf, document.final_pdf_sha256 or ""
    if document.final_pdf is None:
        with ctx.db.transaction() as session:
            session.execute(
                update(Document)
                .where(Document.id == document_id, Document.final_pdf.is_(None))
                .values(final_pdf=sealed, final_pdf_sha256=digest)
                .execution_options(synchronize_session=False)
            )
        with ctx.db.new_session() as session:  # the winner's bytes, whoever it was
            row = session.execute(
                select(Document.final_pdf, Document.final_pdf_sha256).where(
                    Document.id == document_id
                )
            ).one()
            sealed, digest = row.final_pdf, row.final_pdf_sha256
    return digest, sealed


def _deliver(ctx: Context, session: Session, document: Document, digest: str, size: int) -> None:
    """Every party gets the final PDF: attached when small, else a download link."""
    now = ctx.now()
    downloads = ctx.link_signer(LinkPurpose.DOWNLOAD)
    for signer in document.signers:
        if not signer.email:
            continue
        if size <= ATTACH_UP_TO:
            message = mail.completed(
                document,
                signer,
                document.school,
                verify_url=verify_url(ctx.settings),
                attachment=(digest, file_name(document)),
            )
        else:
            token = downloads.make(signer.id, digest[:16], now=now)
            message = mail.completed(
                document,
                signer,
                document.school,
                verify_url=verify_url(ctx.settings),
                download_url=f"{ctx.settings.base_url}/telechargement/{token}",
                link_days=ctx.settings.link_max_age_days,
            )
        mail.queue(session, message, now=now)


def finalize(ctx: Context, document_id: int) -> bool:
    """Seal, archive and complete one `signed` document; True when this call completed it.

    Safe to call any number of times, from any number of processes at once.
    """
    stored = _store_seal(ctx, document_id)
    if stored is None:
        return False
    digest, sealed = stored
    if archive(ctx.settings).put(sealed) != digest:
        raise CosigneError(f"empreinte de l'archive inattendue pour le document {document_id}")
    now = ctx.now()
    with ctx.db.transaction() as session:
        document = lock_document(session, document_id)
        if document.state != DocumentState.SIGNED:
            return False  # another finalizer got here first
        new_state = decide_complete(DocumentState(document.state))
        set_document_state(session, document, "signed", new_state, at=now, completed_at=now)
        events.record(session, document, "completed", at=now, data={"final_pdf_sha256": digest})
        _deliver(ctx, session, document, digest, len(sealed))
    log.info("document %s finalisé (%s)", document_id, digest)
    return True


def finalize_due(ctx: Context) -> int:
    """The worker's sweep: finish every document left `signed` (a crash, a seal failure)."""
    with ctx.db.new_session() as session:
        due = session.scalars(select(Document.id).where(Document.state == "signed")).all()
    done = 0
    for document_id in due:
        try:
            done += finalize(ctx, document_id)
        except CosigneError:
            log.exception(
                "finalisation du document %s impossible ; nouvel essai plus tard", document_id
            )
    return done
