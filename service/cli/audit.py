"""`cosigne audit verify DOC_ID`: is a document's audit trail intact (exit code 1 otherwise)."""

from __future__ import annotations

import click

from service import db
from service.cli.french import CommandGroup, fail
from service.documents import trail
from service.documents.models import Document

audit_group = CommandGroup("audit", help="Piste d'audit des documents.")


@audit_group.command("verify")
@click.argument("document_id", type=int)
def audit_verify(document_id: int) -> None:
    """Vérifier que la piste d'audit d'un document est intacte (code 1 sinon)."""
    database = db.database()
    try:
        with database.new_session() as session:
            document = session.get(Document, document_id)
            if document is None:
                fail(f"aucun document n° {document_id}")
            events = list(document.events)
            breaks = trail.check_chain(events, document.last_event_hash)
    finally:
        database.dispose()
    if breaks:
        for line in breaks:
            click.echo(f"Rompue : {line}", err=True)
        raise SystemExit(1)
    click.echo(f"Piste d'audit du document n° {document_id} intacte : {len(events)} événements.")
