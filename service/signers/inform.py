"""The guardians who do not sign but are informed (`signing.data.parties.informed_guardians`):
the document as issued, attached, then the final PDF with the other parties
(`service.finalize.deliver`)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from service.accounts.models import School
from service.context import Context
from service.documents.models import Document
from service.finalize.final_pdf import file_name
from service.mail import compose, household, outbox
from signing.data.parties import Addressed, Informed, SignerPlan
from signing.pdf.archive import Archive


def inform_at_issue(
    ctx: Context,
    session: Session,
    document: Document,
    school: School,
    *,
    informed: tuple[Informed, ...],
    pdf: bytes,
    plan: SignerPlan | None = None,
) -> None:
    """Queue the issued document for each informed guardian (kept in the archive, which the
    outbox attaches from); the `issued` event names them. A message names its person when
    another of them, or a signer of the `plan`, shares its address."""
    if not informed:
        return
    digest = Archive(ctx.settings.issued_dir).put(pdf)
    now = ctx.now()
    addressees: tuple[Addressed, ...] = (*(plan.parties if plan else ()), *informed)
    for person in informed:
        message = compose.informed(
            document,
            person,
            school,
            attachment=(digest, f"emis-{file_name(document)}"),
            shared_with=household.shared_with(person, addressees),
        )
        outbox.queue(session, message, now=now)
