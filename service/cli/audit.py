"""`cosigne audit verify DOC_ID`: is a document's audit trail intact (exit code 1 otherwise)."""

from __future__ import annotations

import click

from service import context
from service.cli.french import CommandGroup, fail
from service.documents.verify_trail import verify_trail
from service.errors import NotFound

audit_group = CommandGroup("audit", help="Piste d'audit des documents.")


@audit_group.command("verify")
@click.argument("document_id", type=int)
def audit_verify(document_id: int) -> None:
    """Vérifier que la piste d'audit d'un document est intacte (code 1 sinon)."""
    ctx = context.current()
    try:
        checked = verify_trail(ctx, document_id)
    except NotFound as exc:
        fail(str(exc))
    finally:
        ctx.db.dispose()
    for line in checked.warnings:
        click.echo(f"Attention : {line}", err=True)
    if checked.breaks:
        for line in checked.breaks:
            click.echo(f"Rompue : {line}", err=True)
        raise SystemExit(1)
    click.echo(f"Piste d'audit du document n° {document_id} intacte : {checked.events} événements.")
    if checked.sealed:
        click.echo(checked.sealed)
