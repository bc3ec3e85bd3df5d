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

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from service.context import Context
from service.documents import trail
from service.documents.models import Document
from service.documents.store import lock_document, set_document_state
from service.finalize.deliver import deliver
from service.finalize.final_pdf import archive, build_final_pdf
from service.follow_up.plan_visit import plan_visit
from service.follow_up.review_effects import record_review_effects
from signing.errors import CosigneError
from signing.pdf.timestamp import SealedFile
from signing.vocabulary import EventType
from signing.workflow import FINALIZES_IN, decide_complete

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Stored:
    """The stored final PDF, and how its seal was timestamped when this process made it."""

    digest: str
    pdf: bytes
    timestamp_pending: bool
    sealed: SealedFile | None = None
    """None when the stored seal is another finalizer's (a race, a crash resumed)."""


def _store_seal(ctx: Context, document_id: int) -> _Stored | None:
    """Step 1: the sealed PDF, made once and stored; None when the document is not `signed`."""
    with ctx.db.new_session() as session:
        document = session.get(Document, document_id)
        if document is None or document.state not in FINALIZES_IN:
            return None
        made = None
        if document.final_pdf is None:
            made = build_final_pdf(ctx.settings, document, document.school)
    if made is not None:
        with ctx.db.transaction() as session:
            session.execute(
                update(Document)
                .where(Document.id == document_id, Document.final_pdf.is_(None))
                .values(
                    final_pdf=made.pdf,
                    final_pdf_sha256=hashlib.sha256(made.pdf).hexdigest(),
                    timestamp_pending=made.timestamp_pending,
                )
                .execution_options(synchronize_session=False)
            )
    with ctx.db.new_session() as session:  # the winner's bytes, whoever it was
        row = session.execute(
            select(Document.final_pdf, Document.final_pdf_sha256, Document.timestamp_pending).where(
                Document.id == document_id
            )
        ).one()
    mine = made is not None and made.pdf == row.final_pdf
    return _Stored(
        row.final_pdf_sha256, row.final_pdf, row.timestamp_pending, made if mine else None
    )


def _completed_data(stored: _Stored, settings_urls: tuple[str, ...]) -> dict[str, Any]:
    data: dict[str, Any] = {"final_pdf_sha256": stored.digest}
    if stored.sealed is not None:
        data["timestamp_authorities"] = list(settings_urls)
        data["timestamp_authority"] = stored.sealed.timestamp_authority
    return data


def finalize(ctx: Context, document_id: int) -> bool:
    """Seal, archive and complete one `signed` document; True when this call completed it.

    Safe to call any number of times, from any number of processes at once. No timestamp
    authority answering does not hold it back: the document is completed, marked
    `timestamp_pending`, and the worker timestamps it later (`service.finalize.timestamp_later`).
    """
    stored = _store_seal(ctx, document_id)
    if stored is None:
        return False
    digest, sealed = stored.digest, stored.pdf
    if archive(ctx.settings).put(sealed) != digest:
        raise CosigneError(f"empreinte de l'archive inattendue pour le document {document_id}")
    now = ctx.now()
    with ctx.db.transaction() as session:
        document = lock_document(session, document_id)
        if document.state not in FINALIZES_IN:
            return False  # another finalizer got here first
        new_state = decide_complete(document.state)
        set_document_state(session, document, document.state, new_state, at=now, completed_at=now)
        data = _completed_data(stored, ctx.settings.tsa_urls)
        trail.record(session, document, EventType.COMPLETED, at=now, data=data)
        if stored.timestamp_pending:
            failures = stored.sealed.unanswered if stored.sealed is not None else ()
            trail.record(
                session,
                document,
                EventType.TIMESTAMP_DEFERRED,
                at=now,
                data={"failures": [{"url": url, "reason": why} for url, why in failures]},
            )
        plan_visit(session, document, at=now)  # a convention's site visit: a task from now
        record_review_effects(session, document, at=now)  # a review's, on its contract's trail
        deliver(ctx, session, document, digest, len(sealed))
    log.info("document %s finalisé (%s)", document_id, digest)
    if stored.timestamp_pending:
        log.warning("document %s scellé sans horodatage : ajouté plus tard", document_id)
    return True


def finalize_due(ctx: Context) -> int:
    """The worker's sweep: finish every document left `signed` (a crash, a seal failure)."""
    with ctx.db.new_session() as session:
        due = session.scalars(select(Document.id).where(Document.state.in_(FINALIZES_IN))).all()
    done = 0
    for document_id in due:
        try:
            done += finalize(ctx, document_id)
        except CosigneError:
            log.exception(
                "finalisation du document %s impossible ; nouvel essai plus tard", document_id
            )
    return done
