"""`check_archive`: every archived final PDF read again and judged, as a court would rely on
it — present, unchanged since archiving (its SHA-256), the document's own (it starts with the
PDF the document issued, its seal names the document), its seal valid and covering the whole
file. That is each completed document's current final PDF and every earlier one it replaced
(`EarlierFinalFile`: the file mailed to the parties before a timestamp was added, which they
still hold). Reads only: a damaged file is reported, never repaired or regenerated.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select

from service.context import Context
from service.documents.models import Document, EarlierFinalFile
from service.finalize.final_pdf import archive as final_archive
from service.finalize.final_pdf import trust_roots
from signing.errors import ArchiveCorrupted, ArchiveError, ArchiveMissing, VerificationUnavailable
from signing.pdf.archive import Archive
from signing.pdf.verify import verify_pdf
from signing.vocabulary import DocumentState

BATCH = 200
"""Documents read from the database at a time (their frozen PDF comes with them)."""


@dataclass(frozen=True)
class ArchiveFinding:
    """One archived final PDF that cannot be relied on, and why (in French)."""

    document_id: int
    school_id: int
    sha256: str
    problem: str
    earlier: bool = False
    """The file is an earlier final PDF of the document (mailed before its timestamp)."""


@dataclass(frozen=True)
class ArchiveCheck:
    checked: int
    findings: tuple[ArchiveFinding, ...]

    @property
    def sound(self) -> bool:
        return not self.findings


def check_archive(ctx: Context, *, school_id: int | None = None) -> ArchiveCheck:
    """Judge every archived final PDF, current and earlier (of one school, given
    `school_id`)."""
    archive = final_archive(ctx.settings)
    roots = trust_roots(ctx.settings)
    findings: list[ArchiveFinding] = []
    checked = 0
    for document_id, owner, sha256, frozen in _completed(ctx, school_id):
        checked += 1
        problem = _problem(archive, roots, document_id, sha256, frozen)
        if problem:
            findings.append(ArchiveFinding(document_id, owner, sha256 or "", problem))
    for document_id, owner, sha256, frozen in _earlier(ctx, school_id):
        checked += 1
        problem = _problem(archive, roots, document_id, sha256, frozen)
        if problem:
            problem = f"version envoyée aux parties avant l'horodatage : {problem}"
            findings.append(ArchiveFinding(document_id, owner, sha256, problem, earlier=True))
    return ArchiveCheck(checked, tuple(findings))


def _completed(
    ctx: Context, school_id: int | None
) -> Iterator[tuple[int, int, str | None, bytes | None]]:
    last = 0
    while True:
        query = (
            select(Document.id, Document.school_id, Document.final_pdf_sha256, Document.pdf)
            .where(Document.state == DocumentState.COMPLETED, Document.id > last)
            .order_by(Document.id)
            .limit(BATCH)
        )
        if school_id is not None:
            query = query.where(Document.school_id == school_id)
        with ctx.db.new_session() as session:
            rows = [(row[0], row[1], row[2], row[3]) for row in session.execute(query)]
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def _earlier(ctx: Context, school_id: int | None) -> Iterator[tuple[int, int, str, bytes | None]]:
    last = ""
    while True:
        query = (
            select(
                EarlierFinalFile.document_id,
                Document.school_id,
                EarlierFinalFile.sha256,
                Document.pdf,
            )
            .join(Document, Document.id == EarlierFinalFile.document_id)
            .where(EarlierFinalFile.sha256 > last)
            .order_by(EarlierFinalFile.sha256)
            .limit(BATCH)
        )
        if school_id is not None:
            query = query.where(Document.school_id == school_id)
        with ctx.db.new_session() as session:
            rows = [(row[0], row[1], row[2], row[3]) for row in session.execute(query)]
        if not rows:
            return
        yield from rows
        last = rows[-1][2]


def _problem(
    archive: Archive,
    roots: list[object],
    document_id: int,
    sha256: str | None,
    frozen: bytes | None,
) -> str | None:
    if not sha256:
        return "aucun PDF final n'est enregistré pour ce document terminé"
    try:
        final = archive.get(sha256)
    except ArchiveMissing:
        return "le PDF final est absent de l'archive"
    except ArchiveCorrupted as exc:
        return f"le PDF final est altéré : son contenu a pour empreinte {exc.actual}"
    except ArchiveError as exc:
        return f"le PDF final est illisible : {exc}"
    if frozen is not None and not final.startswith(frozen):
        return (
            "le fichier archivé n'est pas le PDF final de ce document "
            "(il ne commence pas par le PDF émis)"
        )
    return _seal_problem(final, roots, document_id)


def _seal_problem(final: bytes, roots: list[object], document_id: int) -> str | None:
    try:
        report = verify_pdf(final, trust_roots=roots, max_bytes=len(final) + 1)
    except VerificationUnavailable as exc:
        return f"le cachet n'a pas pu être vérifié sur cette machine : {exc}"
    if not report.trustworthy:
        return "cachet non valable : " + " ; ".join(report.problems)
    if report.sealed_document_id is not None and report.sealed_document_id != document_id:
        return f"le cachet est celui du document n° {report.sealed_document_id}"
    return None
