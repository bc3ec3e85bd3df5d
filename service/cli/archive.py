"""`cosigne archive check`: every archived final PDF read again and judged (exit code 1 when
one cannot be relied on). See `service.finalize.archive_check`."""

from __future__ import annotations

import click

from service import context
from service.cli.french import CommandGroup
from service.finalize.archive_check import check_archive

archive_group = CommandGroup("archive", help="Archive des PDF finaux.")


@archive_group.command("check")
def archive_check() -> None:
    """Vérifier chaque PDF final archivé : présent, intact, celui de son document, cachet
    valable (code 1 si l'un ne l'est pas ; rien n'est jamais réparé ni refait)."""
    ctx = context.current()
    try:
        result = check_archive(ctx)
    finally:
        ctx.db.dispose()
    for finding in result.findings:
        click.echo(f"Document n° {finding.document_id} : {finding.problem}.", err=True)
    if result.findings:
        click.echo(
            f"{result.checked} PDF finaux vérifiés ; {len(result.findings)} ne peuvent pas être "
            "tenus pour fiables : restaurez-les depuis la sauvegarde.",
            err=True,
        )
        raise SystemExit(1)
    click.echo(f"{result.checked} PDF finaux vérifiés : tous présents, intacts et scellés.")
