"""``cosigne verify FICHIER.pdf``: the verification page's check, for an operator.

Prints a French report (seal, integrity, whether the archive knows the file, which document and
who signed it: the operator reads the database anyway, so names are shown). Exit codes, which
scripts rely on: 0 when the seal is valid, the file intact and known; 1 otherwise; 2 when the
file cannot be read, or the analysis cannot run on this machine.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from service import db
from service.cli.french import BadArgument, FrenchCommand
from service.verify import checks
from signing.errors import VerificationUnavailable

EXIT_NOT_TRUSTWORTHY = 1


@click.command("verify", cls=FrenchCommand)
@click.argument("path", metavar="FICHIER.pdf")
@with_appcontext
def verify_command(path: str) -> None:
    """Vérifier le cachet, l'intégrité et l'archivage d'un PDF final (code 0 s'il est
    authentique, 1 sinon, 2 s'il ne peut pas être lu)."""
    max_bytes, timeout_s = checks.limits(current_app.config)
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise BadArgument(f"impossible de lire {path} : {exc.strerror or exc}") from exc
    database = db.database()
    try:
        with database.new_session() as session:
            checked = checks.verify_upload(
                session,
                data,
                trust_roots=checks.trust_roots(current_app.config["COSIGNE"]),
                max_bytes=max_bytes,
                timeout_s=timeout_s,
            )
    except VerificationUnavailable as exc:
        raise BadArgument(f"vérification impossible sur cette machine : {exc}") from exc
    finally:
        database.dispose()
    for line in report_lines(path, checked, whole=len(data) <= max_bytes):
        click.echo(line)
    if not checked.trustworthy:
        raise SystemExit(EXIT_NOT_TRUSTWORTHY)


def report_lines(path: str, checked: checks.Verification, *, whole: bool) -> list[str]:
    """The report, one French line each; `whole` when the file was read entirely (its hash is
    then the file's)."""
    report = checked.report
    lines = [f"Fichier : {path}"]
    if whole:
        lines.append(f"Empreinte SHA-256 : {report.sha256}")
    if report.is_pdf:
        lines.extend(_findings(checked))
    if checked.known:
        lines.append(f"Document : n° {checked.document_id}, {checked.kind_title}")
        if checked.completed_at:
            lines.append(f"Terminé le : {_moment(checked, checked.completed_at)}")
        lines.append("Signataires :")
        lines.extend(
            f"  - {signer.role_label} : {signer.name}, le {_moment(checked, signer.signed_at)}"
            for signer in checked.signers
        )
    if checked.problems:
        lines.append("Problèmes :")
        lines.extend(f"  - {problem}" for problem in checked.problems)
    lines.append(
        "Résultat : document authentique."
        if checked.trustworthy
        else "Résultat : ce fichier ne peut pas être tenu pour authentique."
    )
    return lines


def _moment(checked: checks.Verification, at: datetime) -> str:
    """« 28 novembre 2026 à 10 h 05 (heure de La Réunion) »: in the school's time, named."""
    return f"{checked.moment(at)} ({checked.territory.clock_name})"


def _findings(checked: checks.Verification) -> list[str]:
    """Seal, integrity and archive, for a file that is a PDF."""
    report = checked.report
    if report.seal_valid:
        seal = "Sceau : valide"
        if report.signed_by:
            seal += f" — {report.signed_by}"
        if report.sealed_at:
            seal += f", apposé le {_moment(checked, report.sealed_at)}"
    elif report.seal_present:
        seal = "Sceau : non valide"
    else:
        seal = "Sceau : aucun"
    if report.intact:
        integrity = "Intégrité : document intact depuis le scellement"
    elif report.seal_present:
        integrity = "Intégrité : document modifié après le scellement"
    else:
        integrity = "Intégrité : non vérifiable sans cachet"
    lines = [seal, integrity, f"Connu de Cosigne : {'oui' if checked.known else 'non'}"]
    if report.timestamped_at:
        by = f" par {report.timestamped_by}" if report.timestamped_by else ""
        lines.insert(1, f"Horodatage : {_moment(checked, report.timestamped_at)}{by}")
    return lines
