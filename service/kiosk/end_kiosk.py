"""A kiosk's signer pages close (issue 14 §1): ``kiosk_ended`` on the document's trail, saying
how (`KioskEnd`) and how many signed on the device meanwhile. Written once per kiosk, however
many requests notice the end at the same time (two tabs, a page and its images)."""

from __future__ import annotations

from datetime import datetime

from service.accounts.models import User
from service.context import Context, Origin
from service.documents import trail
from service.documents.store import get_document, lock_document
from signing.event_types import EventType, KioskEnd
from signing.pdf.evidence_texts import Identification


def end_kiosk(
    ctx: Context,
    user: User,
    document_id: int,
    started_seq: int,
    *,
    how: KioskEnd,
    origin: Origin,
    last_activity: datetime | None = None,
) -> bool:
    """Write ``kiosk_ended`` for the kiosk whose ``kiosk_started`` is `started_seq` (with the
    time of its last request when it closed for inactivity); False, with nothing written, when
    it was written already."""
    with ctx.db.transaction() as session:
        found = get_document(session, user.school_id, document_id)
        document = lock_document(session, found.id)
        events = [e for e in document.events if e.seq > started_seq]
        if any(
            e.type == EventType.KIOSK_ENDED and e.data.get("started") == started_seq for e in events
        ):
            return False
        signed = [
            e
            for e in events
            if e.type == EventType.SIGNED
            and e.data.get("identification") == Identification.IN_PERSON
            and e.data.get("witness_user") == user.id
        ]
        trail.record(
            session,
            document,
            EventType.KIOSK_ENDED,
            at=ctx.now(),
            origin=origin,
            role=user.role,
            actor_name=user.full_name,
            data={
                "how": how.value,
                "signed": len(signed),
                "started": started_seq,
                **({"last_activity": last_activity.isoformat()} if last_activity else {}),
            },
        )
    return True
