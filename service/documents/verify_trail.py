"""Checking a document's audit trail: every event still chained to the one before under the
trail's key, the last one still the document's head (`signing.trail`), and, once the document is
sealed, the events the final PDF sealed still the ones in the database (`signing.pdf.sealed_trail`).

The last check is the one a database rewrite cannot pass without the seal's key: whoever edits
an event and recomputes every hash after it (by plain SHA-256, or even under a stolen trail key)
changes the hash of the event the final PDF names, which the archived, sealed file still holds.
One check for `cosigne audit verify` and the staff audit page.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.context import Context
from service.documents import trail
from service.documents.models import Document, Event
from service.errors import NotFound
from service.finalize.final_pdf import archive
from service.settings import Settings
from signing.errors import ArchiveError
from signing.pdf.sealed_trail import read_sealed_trail
from signing.trail import TrailKeys


@dataclass(frozen=True)
class TrailCheck:
    events: int
    breaks: list[str]
    """Each break, in French; none when the trail is intact."""
    unkeyed: int = 0
    """Events chained by plain SHA-256, recorded before the trail had a key."""
    sealed: str | None = None
    """In French, what the comparison with the head sealed in the final PDF found, when it
    holds or could not be made; None before the document is sealed."""

    @property
    def warnings(self) -> list[str]:
        if not self.unkeyed:
            return []
        return [
            f"{self.unkeyed} événement(s) enregistré(s) avant que la piste ait une clé : chaînés "
            "par simple SHA-256, une réécriture de ceux-ci ne se voit que face au PDF scellé."
        ]


def check_trail(settings: Settings, keys: TrailKeys | None, document: Document) -> TrailCheck:
    events = list(document.events)
    chain = trail.check_chain(events, keys, document.last_event_hash)
    breaks = [b.message for b in chain.breaks]
    sealed, sealed_break = _against_seal(settings, document, events)
    if sealed_break:
        breaks.append(sealed_break)
    return TrailCheck(len(events), breaks, chain.unkeyed, sealed)


def _against_seal(
    settings: Settings, document: Document, events: list[Event]
) -> tuple[str | None, str | None]:
    """(a note, a break): the events against the head the final PDF sealed."""
    if not document.final_pdf_sha256:
        return None, None
    try:
        pdf = archive(settings).get(document.final_pdf_sha256)
    except ArchiveError as exc:
        return f"Comparaison avec le PDF scellé impossible : {exc}", None
    sealed = read_sealed_trail(pdf)
    if sealed is None:
        return "Le PDF final ne porte pas la tête de la piste (scellé avant qu'elle y soit).", None
    if sealed.document_id != document.id:
        return None, (
            f"le PDF final rattaché à ce document est celui du document n° {sealed.document_id} : "
            "les registres ont été modifiés"
        )
    if len(events) < sealed.events or events[sealed.events - 1].hash != sealed.head:
        return None, (
            f"la piste ne correspond plus à celle scellée dans le PDF final : l'événement "
            f"n° {sealed.events} y porte l'empreinte {sealed.head[:16]}… ; les événements "
            "enregistrés jusque-là ont été réécrits dans la base"
        )
    return (
        f"Conforme au PDF scellé : ses {sealed.events} premiers événements sont ceux que le "
        "cachet a fermés.",
        None,
    )


def verify_trail(ctx: Context, document_id: int) -> TrailCheck:
    """Any school's document: for an operator (`cosigne audit verify`)."""
    with ctx.db.new_session() as session:
        document = session.get(Document, document_id)
        if document is None:
            raise NotFound(f"aucun document n° {document_id}")
        return check_trail(ctx.settings, ctx.db.trail_keys, document)
