"""`timestamp_pending` (run by `cosigne worker`): every completed document sealed while no
timestamp authority answered gets its RFC 3161 document timestamp now.

The timestamp is an incremental update after the seal, so it makes a new final PDF: archived
(write-once, content-addressed: the earlier file stays), then, in one transaction with a
compare-and-set on the earlier hash, the document's final PDF moves to it, the earlier one is
kept in `EarlierFinalFile` (it was mailed to the parties: it is still recognised as the
document's), the flag is cleared and `TIMESTAMPED` names both hashes in the trail. Two workers
at once: one wins, the other's file stays archived unreferenced, never pointed to.

When no authority answers, the document stays pending and the pass stops there (the next
documents would only wait for the same silent authorities); the next pass tries again.
"""

from __future__ import annotations

import hashlib
import logging

from sqlalchemy import select, update

from service.context import Context
from service.documents import trail
from service.documents.models import Document, EarlierFinalFile
from service.documents.store import lock_document
from service.finalize.final_pdf import archive
from signing.errors import CosigneError, TimestampUnavailable
from signing.pdf.timestamp import timestamp_document
from signing.vocabulary import DocumentState, EventType

log = logging.getLogger(__name__)


def timestamp_pending(ctx: Context) -> int:
    """How many pending documents were timestamped in this pass."""
    if not ctx.settings.tsa_urls:
        return 0
    with ctx.db.new_session() as session:
        due = session.scalars(
            select(Document.id)
            .where(Document.timestamp_pending.is_(True), Document.state == DocumentState.COMPLETED)
            .order_by(Document.id)
        ).all()
    done = 0
    for document_id in due:
        try:
            done += timestamp_later(ctx, document_id)
        except TimestampUnavailable as exc:
            log.warning("Horodatage différé du document %s : %s", document_id, exc)
            break
        except CosigneError:
            log.exception(
                "Horodatage du document %s impossible ; nouvel essai plus tard", document_id
            )
    return done


def timestamp_later(ctx: Context, document_id: int) -> bool:
    """Add the document timestamp to one pending document; True when this call did it.

    Raises `TimestampUnavailable` when no authority answers (the document stays pending)."""
    with ctx.db.new_session() as session:
        row = session.execute(
            select(Document.final_pdf, Document.final_pdf_sha256).where(
                Document.id == document_id, Document.timestamp_pending.is_(True)
            )
        ).one_or_none()
    if row is None or row.final_pdf is None:
        return False
    earlier, earlier_sha256 = row.final_pdf, row.final_pdf_sha256
    stamped = timestamp_document(earlier, ctx.settings.tsa_urls, timeout=ctx.settings.tsa_timeout)
    digest = hashlib.sha256(stamped.pdf).hexdigest()
    if archive(ctx.settings).put(stamped.pdf) != digest:
        raise CosigneError(f"empreinte de l'archive inattendue pour le document {document_id}")
    now = ctx.now()
    with ctx.db.transaction() as session:
        document = lock_document(session, document_id)
        moved = session.execute(
            update(Document)
            .where(
                Document.id == document_id,
                Document.final_pdf_sha256 == earlier_sha256,
                Document.timestamp_pending.is_(True),
            )
            .values(final_pdf=stamped.pdf, final_pdf_sha256=digest, timestamp_pending=False)
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            return False  # another worker timestamped it first
        session.add(
            EarlierFinalFile(
                sha256=earlier_sha256,
                document_id=document_id,
                replaced_by_sha256=digest,
                replaced_at=now,
            )
        )
        trail.record(
            session,
            document,
            EventType.TIMESTAMPED,
            at=now,
            data={
                "previous_final_pdf_sha256": earlier_sha256,
                "final_pdf_sha256": digest,
                "timestamp_authority": stamped.authority,
            },
        )
    log.info("document %s horodaté par %s (%s)", document_id, stamped.authority, digest)
    return True
