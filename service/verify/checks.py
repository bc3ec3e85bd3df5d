"""Verification of an uploaded PDF: what the file proves (`signing.pdf.verify`) and what our records
say about it (is it one of our final PDFs, which document, who signed it and when).

A file is *known* when its SHA-256 is the `final_pdf_sha256` of a completed document, or one of
its earlier final files (sealed before its document timestamp was added): the very bytes we
sealed and archived. Its seal then proves them unchanged; the records add the signers,
which the PDF's audit page also carries but which nobody should take from an uploaded file.

Three callers: the public page (no school: anyone holding the file may check it, and the page
shows roles and times but never names), the JSON API (scoped to the caller's school) and the
`cosigne verify` command (no school). Reading the untrusted file happens in one of
`signing.pdf.verify`'s isolated worker processes, with a time and a memory limit; nothing here
parses it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from service.documents.models import Document, EarlierFinalFile
from service.finalize.final_pdf import trust_roots as final_trust_roots
from service.settings import Settings
from signing.data.french import format_date_fr, format_time_fr
from signing.data.territory import METROPOLE, Territory, territory_of
from signing.pdf.verify import VerificationReport, verify_pdf
from signing.pdf.verify_findings import TOO_LARGE

DEFAULT_MAX_BYTES = 15 * 2**20
"""Largest file verified (app config ``COSIGNE_VERIFY_MAX_BYTES``): below the request limit of
the app (16 Mo), so the form's own bytes still fit in the request."""
FORM_ALLOWANCE = 64 * 2**10
"""Bytes a request may carry beyond the file: multipart headers, the CSRF field. The request
is cut off at the file limit plus this, before anything reads it."""
DEFAULT_TIMEOUT_S = 10.0
"""Seconds one file may take to analyse (app config ``COSIGNE_VERIFY_TIMEOUT``)."""

OTHER_SCHOOL = "Ce document n'appartient pas à votre établissement."
UNKNOWN = "Ce fichier ne correspond à aucun document archivé par Cosigne."
SEALED_FOR_ANOTHER = (
    "Le cachet de ce fichier est celui du document n° {sealed}, alors que nos registres le "
    "rattachent au document n° {found} : les registres ont été modifiés, prévenez "
    "l'administrateur de Cosigne."
)
NOT_THIS_DOCUMENT = (
    "Ce fichier n'est pas celui du document n° {asked} (il est rattaché au document "
    "n° {found}) : les registres ont été modifiés, prévenez l'administrateur de Cosigne."
)
CLAIMED_TWICE = (
    "Plusieurs documents ({numbers}) désignent ce même fichier : les registres ont été "
    "modifiés, prévenez l'administrateur de Cosigne."
)


@dataclass(frozen=True)
class SignerRecord:
    """One signature as our records tell it."""

    role: str
    """The role's code (``pupil``, ``guardian``…), as the API names roles."""
    role_label: str
    """The role in French, with its article (« Le représentant légal »)."""
    name: str
    signed_at: datetime


@dataclass(frozen=True)
class Verification:
    """A file's report and, when it is one of our final PDFs, the document it is."""

    report: VerificationReport
    known: bool
    """The file is, byte for byte, the final PDF of a completed document (of the caller's
    school, when the caller has one)."""
    superseded: bool = False
    """The file is an earlier final PDF of the document, sealed while no timestamp authority
    answered and mailed to the parties: still genuine; the archive's current file adds the
    document timestamp."""
    document_id: int | None = None
    kind: str | None = None
    """``parcours`` or ``convention``."""
    kind_title: str | None = None
    """The kind as the document's title says it (« Convention de stage »…)."""
    completed_at: datetime | None = None
    signers: tuple[SignerRecord, ...] = ()
    extra_problems: tuple[str, ...] = ()
    """What our records add to the report's problems (unknown file, another school's)."""
    territory: Territory = METROPOLE
    """The document's school's territory, whose time the page gives (and names); Paris for a
    file no school of ours issued."""

    def moment(self, at: datetime) -> str:
        """``28 novembre 2026 à 10 h 05``, in the school's time (`territory`)."""
        return moment_fr(at, self.territory)

    @property
    def problems(self) -> tuple[str, ...]:
        return (*self.report.problems, *self.extra_problems)

    @property
    def trustworthy(self) -> bool:
        """Sealed by us, unchanged since, and ours: all three, or the file is not to be relied
        on."""
        return self.report.trustworthy and self.known


def verify_upload(
    session: Session,
    data: bytes,
    *,
    trust_roots: Sequence[Any],
    school_id: int | None = None,
    document_id: int | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> Verification:
    """Verify `data` and look it up among the completed documents.

    With `school_id`, only that school's documents are known: another school's final PDF is
    reported as not known, with `OTHER_SCHOOL`, and nothing of it is disclosed. With
    `document_id` (the document the file is taken for), the file must be that document's. The
    seal's own document number, and the records' one file per document, must agree too: a
    database whose pointers were swapped is reported, never believed. Raises
    `signing.errors.VerificationUnavailable` only when the analysis cannot run at all.
    """
    report = verify_pdf(data, trust_roots=trust_roots, max_bytes=max_bytes, timeout_s=timeout_s)
    if not report.is_pdf or len(data) > max_bytes:
        return Verification(report=report, known=False)
    candidates = _claiming(session, report.sha256)
    if not candidates:
        return Verification(report=report, known=False, extra_problems=(UNKNOWN,))
    sealed = report.sealed_document_id if report.seal_valid else None
    wanted = document_id if document_id is not None else sealed
    document = next((d for d in candidates if d.id == wanted), candidates[0])
    if school_id is not None and document.school_id != school_id:
        return Verification(report=report, known=False, extra_problems=(OTHER_SCHOOL,))
    mismatch = _mismatch(document.id, document_id, sealed, [d.id for d in candidates])
    if mismatch:
        return Verification(report=report, known=False, extra_problems=mismatch)
    records = [
        SignerRecord(
            role=signer.role,
            role_label=signer.role_label,
            name=signer.full_name,
            signed_at=signer.signed_at,
        )
        for signer in document.signers  # in their order on the document
        if signer.state == "signed" and signer.signed_at is not None
    ]
    signers = tuple(sorted(records, key=lambda record: record.signed_at))  # stable: ties keep it
    return Verification(
        report=report,
        known=True,
        superseded=document.final_pdf_sha256 != report.sha256,
        document_id=document.id,
        kind=document.kind,
        kind_title=document.kind.spec.title,
        completed_at=document.completed_at,
        signers=signers,
        territory=territory_of(document.school.uai),
    )


def _claiming(session: Session, sha256: str) -> Sequence[Document]:
    """The completed documents whose final PDF, current or earlier, has this hash."""
    earlier = select(EarlierFinalFile.document_id).where(EarlierFinalFile.sha256 == sha256)
    return session.scalars(
        select(Document)
        .where(
            or_(Document.final_pdf_sha256 == sha256, Document.id.in_(earlier)),
            Document.state == "completed",
        )
        .options(selectinload(Document.signers))
        .order_by(Document.id)
        .limit(5)
    ).all()


def _mismatch(
    found: int, asked: int | None, sealed: int | None, claiming: Sequence[int]
) -> tuple[str, ...]:
    """What contradicts the records' answer: the file sealed for another document, asked for
    another, or claimed by several documents at once."""
    problems: list[str] = []
    if sealed is not None and sealed != found:
        problems.append(SEALED_FOR_ANOTHER.format(sealed=sealed, found=found))
    if asked is not None and asked != found:
        problems.append(NOT_THIS_DOCUMENT.format(asked=asked, found=found))
    if len(claiming) > 1:
        numbers = ", ".join(f"n° {number}" for number in claiming)
        problems.append(CLAIMED_TWICE.format(numbers=numbers))
    return tuple(problems)


def limits(config: Mapping[str, Any]) -> tuple[int, float]:
    """The largest file and the analysis time an app allows (``COSIGNE_VERIFY_MAX_BYTES``,
    ``COSIGNE_VERIFY_TIMEOUT`` in its config), or the defaults."""
    max_bytes = int(config.get("COSIGNE_VERIFY_MAX_BYTES") or DEFAULT_MAX_BYTES)
    timeout_s = float(config.get("COSIGNE_VERIFY_TIMEOUT") or DEFAULT_TIMEOUT_S)
    return max_bytes, timeout_s


def size_fr(size: int) -> str:
    """``15 Mo``, ``1,5 Mo``, ``512 Ko``: a size as a French reader expects it."""
    for unit, name in ((2**20, "Mo"), (2**10, "Ko")):
        if size >= unit:
            return f"{size / unit:.3g} {name}".replace(".", ",")
    return f"{size} octets"


def too_large(max_bytes: int) -> str:
    """The French refusal of a file over `max_bytes` (the words of `signing.pdf.verify`)."""
    return TOO_LARGE.format(limit=size_fr(max_bytes))


def moment_fr(moment: datetime, territory: Territory = METROPOLE) -> str:
    """``28 novembre 2026 à 10 h 05``, in the territory's time (Paris by default)."""
    local = territory.local(moment)
    return f"{format_date_fr(local.date())} à {format_time_fr(local.hour * 60 + local.minute)}"


def trust_roots(settings: Settings) -> list[Any]:
    """The certificates a seal must chain to: those of the seal finalization applies, and of
    the timestamp authorities."""
    return final_trust_roots(settings)


__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT_S",
    "FORM_ALLOWANCE",
    "OTHER_SCHOOL",
    "UNKNOWN",
    "SignerRecord",
    "Verification",
    "limits",
    "moment_fr",
    "size_fr",
    "too_large",
    "trust_roots",
    "verify_upload",
]
