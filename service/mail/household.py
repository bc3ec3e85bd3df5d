"""Who else reads a party's messages about a document: the others Cosigne mails about it at the
same address — two guardians on the family's mailbox (issue 14 §3, the rule in
`signing.data.signer_emails`). A message to such an address names its person in its subject
and its greeting (`service.mail.compose`); every message stays one per person, never one per
address."""

from __future__ import annotations

from collections.abc import Iterable

from service.documents.models import Document
from signing.data.parties import Addressed, Informed, sharing_address
from signing.vocabulary import EventType


def informed_of(document: Document) -> list[Informed]:
    """The guardians informed when the document was issued (its `issued` event names them),
    with their address from the frozen data."""
    issued = next((e for e in document.events if e.type == EventType.ISSUED), None)
    told = (issued.data or {}) if issued else {}
    # « copied »: the guardians of a pupil who signs alone and agreed (the final PDF only).
    names = set(told.get("informed") or []) | set(told.get("copied") or [])
    return [
        Informed(g["first_name"], g["last_name"], g["email"])
        for g in document.data.get("guardians") or []
        if g.get("email") and f"{g['first_name']} {g['last_name']}" in names
    ]


def everyone(document: Document) -> list[Addressed]:
    """Everyone Cosigne mails about an issued `document`: its signers, then the guardians
    informed of it or copied."""
    return [*document.signers, *informed_of(document)]


def shared_with(person: Addressed, among: Iterable[Addressed]) -> tuple[str, ...]:
    """The names of the others `among` the document's addressees at `person`'s address."""
    return sharing_address(person, among)
