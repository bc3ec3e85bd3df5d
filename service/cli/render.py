"""`cosigne render DOCUMENT.json --school SCHOOL.json -o OUT.pdf`: the PDF of a document, without
a database, from the command line. Mistakes are listed in French, one per line with the field's
path, and the exit code is 2."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from service.cli.french import EXIT_BAD_INPUT
from service.clock import today_in_paris
from signing.errors import ConversionError, FieldIssue, RenderError, ValidationFailed
from signing.kinds import parse_request
from signing.pdf.convert import ConverterPool, ConverterSettings
from signing.pdf.pipeline import render_document


def _read_json(path: Path, what: str) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise click.ClickException(f"impossible de lire {what} {path} : {exc.strerror}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise click.ClickException(f"{what} {path} n'est pas un JSON valide : {exc}") from exc


def _print_issues(title: str, issues: list[FieldIssue]) -> None:
    click.echo(title, err=True)
    for issue in issues:
        where = issue.field or "(document)"
        click.echo(f"  - {where} : {issue.message}", err=True)


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cosigne" / "libreoffice"


@click.command("render")
@click.argument("document", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--school",
    "school_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Identité de l'établissement (JSON).",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Fichier PDF à écrire.",
)
@click.option(
    "--docx",
    "docx_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Écrire aussi le DOCX rempli.",
)
@click.option(
    "--date",
    "on",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Date de référence (âge de l'élève), par défaut aujourd'hui.",
)
def render_command(
    document: Path, school_path: Path, output: Path, docx_path: Path | None, on: object
) -> None:
    """Remplir DOCUMENT.json (corps de l'appel de création de l'API) et le convertir en PDF."""
    today = on.date() if on else today_in_paris()  # type: ignore[attr-defined]
    body = _read_json(document, "le document")
    school = _read_json(school_path, "l'établissement")
    try:
        kind, data = parse_request(body)
        settings = ConverterSettings(work_dir=_cache_dir())
        with ConverterPool(settings) as pool:
            result = render_document(kind, data, school, today=today, converter=pool)
    except ValidationFailed as exc:
        count = len(exc.errors)
        _print_issues(
            f"Le document contient {count} erreur{'s' if count > 1 else ''} :", exc.errors
        )
        sys.exit(EXIT_BAD_INPUT)
    except (ConversionError, RenderError) as exc:
        raise click.ClickException(str(exc)) from exc
    if result.warnings:
        _print_issues("Points d'attention :", list(result.warnings))
    output.write_bytes(result.pdf)
    if docx_path:
        docx_path.write_bytes(result.docx)
    click.echo(f"PDF écrit : {output}")
