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

from sqlalchemy import select, update

from service.context import Context
from service.documents import trail
from service.documents.models import Document
from service.documents.store import lock_document, set_document_state
from service.finalize.deliver import deliver
from service.finalize.final_pdf import archive, build_final_pdf
from signing.errors import CosigneError
from signing.vocabulary import EventType
from signing.workflow import FINALIZES_IN, decide_complete

log = logging.getLogger(__name__)


def _store_seal(ctx: Context, document_id: int) -> tuple[str, bytes] | None:
    """Step 1: the sealed PDF, made once and stored; None when the document is not `signed`."""
    with ctx.db.new_session() as session:
        document = session.get(Document, document_id)
        if document is None or document.state not in FINALIZES_IN:
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
        if document.state not in FINALIZES_IN:
            return False  # another finalizer got here first
        new_state = decide_complete(document.state)
        set_document_state(session, document, document.state, new_state, at=now, completed_at=now)
        trail.record(
            session, document, EventType.COMPLETED, at=now, data={"final_pdf_sha256": digest}
        )
        deliver(ctx, session, document, digest, len(sealed))
    log.info("document %s finalisé (%s)", document_id, digest)
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
