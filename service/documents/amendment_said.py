"""How an amendment says it is one (issue 14 §5): its heading « Avenant n° 1 au contrat de
parcours n° 3 du 28 novembre 2026 » and the fields it changes, old and new values
(`signing.data.changes`), for its mails and its signer's page. The number counts the versions
before it: the first amendment of a document is n° 1, an amendment of that amendment n° 2."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, object_session

from service.documents.models import Document
from signing.data.changes import Change, amendment_heading, changes_between

MAX_VERSIONS = 100
"""A chain of amendments longer than this is not followed further (a guard, never reached)."""

SHOWN = 12
"""Changes listed in a mail or at the top of the page; the rest are counted, and in the PDF."""


@dataclass(frozen=True)
class AmendmentSaid:
    heading: str
    changes: list[Change]

    @property
    def shown(self) -> list[Change]:
        return self.changes[:SHOWN]

    @property
    def more(self) -> int:
        return max(len(self.changes) - SHOWN, 0)


def amendment_said(document: Document, session: Session | None = None) -> AmendmentSaid | None:
    """What `document` says of itself as an amendment; None for a document that amends none.
    The amended versions are read in `document`'s own session, else in `session` (a signer's
    page holds a document read outside any session)."""
    stamp = document.data.get("amends")
    reader = object_session(document) or session
    if document.amends_id is None or not isinstance(stamp, dict) or reader is None:
        return None
    versions = [document]
    while versions[-1].amends_id is not None and len(versions) < MAX_VERSIONS:
        earlier = reader.get(Document, versions[-1].amends_id)
        if earlier is None:
            break
        versions.append(earlier)
    spec = document.kind.spec
    heading = amendment_heading(len(versions) - 1, spec.new_article, spec.short_title, stamp)
    return AmendmentSaid(heading, changes_between(spec.schema, versions[1].data, document.data))
