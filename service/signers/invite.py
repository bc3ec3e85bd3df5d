"""Writing a signer's row with a compare-and-set, and mailing a signer their link."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from service.accounts.models import School
from service.context import Context
from service.documents.models import Document
from service.errors import Conflict
from service.mail import compose, household, outbox
from service.mail.models import OutboxMessage
from service.signers.models import Signer
from signing.data.parties import Addressed
from signing.links import new_nonce


def set_signer(session: Session, signer: Signer, expected: tuple[str, ...], **values: Any) -> None:
    result = session.execute(
        update(Signer)
        .where(Signer.id == signer.id, Signer.state.in_(expected))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("cette signature vient d'être enregistrée par ailleurs")
    for key, value in values.items():  # what was just written, without reading it back
        set_committed_value(signer, key, value)


def invite(
    ctx: Context,
    session: Session,
    *,
    document: Document,
    school: School,
    signer: Signer,
    now: datetime,
    reminder: bool = False,
    rotate: bool = True,
    addressees: Sequence[Addressed] | None = None,
) -> OutboxMessage:
    """Mail the signer a link (its outbox row is returned, not yet flushed). A new nonce
    (`rotate`) kills every older link; a reminder keeps the nonce, so the link of the first
    message still works, with a fresh expiry. The message names its person when others mailed
    about the document (`addressees`, by default its signers and informed guardians) share the
    signer's address."""
    if rotate or not signer.link_nonce:
        signer.link_nonce = new_nonce()
    token = ctx.link_signer().make(signer.id, signer.link_nonce, now=now)
    message = compose.reminder if reminder else compose.invitation
    among = household.everyone(document) if addressees is None else addressees
    shared = household.shared_with(signer, among)
    return outbox.queue(
        session,
        message(document, signer, school, ctx.sign_url(token), shared_with=shared),
        now=now,
        signer_id=signer.id,
        purpose="reminder" if reminder else "invitation",
    )
