"""What a PDF proves about itself: is it sealed, by whom, when, and is it still what was sealed.

The input is untrusted (anyone may upload a file). Reading it and validating its seal run in a
warm worker process with a deadline and a memory ceiling (`signing.pdf.analysis`), so a file crafted
to make a parser loop or swell costs one worker, killed at the deadline and replaced, and never
the service. The workers are started once per application process with pyHanko imported and
the trust roots kept, and take one file after another: the isolation costs a few tenths of a
millisecond, not the start of a process.

Every outcome about the file itself is a `VerificationReport`, with the reasons in French in its
`problems`: not a PDF, too large, unreadable, too slow, too greedy, unsealed, altered. Only a
machine that cannot run the analysis raises (`VerificationUnavailable`).

Whether the file is in our archive, which document it is and who signed it are the caller's to
say, from `VerificationReport.sha256`; this module knows no archive and no database.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from asn1crypto import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko_certvalidator import ValidationContext

from signing.pdf import analysis

PDF_MAGIC = b"%PDF-"
HEADER_WINDOW = 1024
"""PDF readers accept the header anywhere in the first kilobyte (junk before it is tolerated)."""

NOT_A_PDF = "Ce fichier n'est pas un PDF."
TOO_LARGE = "Le fichier dépasse la taille maximale acceptée ({limit})."
TIMED_OUT = "Le fichier n'a pas pu être analysé dans le temps imparti."
TOO_GREEDY = "Le fichier demande trop de mémoire pour être analysé."
UNREADABLE = "Le fichier PDF est illisible ou malformé."
ANALYSIS_FAILED = "L'analyse du fichier a échoué."
NO_SEAL = "Le fichier ne porte aucun cachet électronique."
SEAL_UNREADABLE = "Le cachet électronique du fichier est illisible ou malformé."
ALTERED = (
    "Le contenu scellé a été modifié : l'empreinte du document ne correspond plus à celle "
    "enregistrée dans le cachet."
)
SIGNATURE_BROKEN = "La signature cryptographique du cachet est invalide."
UNTRUSTED = "Le cachet a été apposé avec un certificat non reconnu."
REVOKED = "Le certificat du cachet a été révoqué."
OUT_OF_VALIDITY = "Le certificat du cachet n'est pas en cours de validité (expiré ou pas encore)."
APPENDED = (
    "Le fichier a été complété après l'apposition du cachet (mise à jour incrémentale) : "
    "son contenu actuel n'est plus celui qui a été scellé."
)
PARTIAL_COVERAGE = "Le cachet ne couvre pas l'intégralité du fichier."
TIMESTAMP_UNTRUSTED = (
    "L'horodatage du cachet n'a pas pu être vérifié ; la date indiquée est celle déclarée "
    "lors du scellement."
)

MEMORY_ALLOWANCE = 512 * 2**20
"""Address space the analysis of one file may add to what its worker had (pyHanko loaded)."""
_QUEUE_WAIT = 5.0
"""Seconds a verification may wait, beyond its own timeout, for a worker when all are busy
(then `VerificationUnavailable`: the service is saturated, retry later)."""
_NAME_MAX = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class SignerLine:
    """One signer as the archive's records tell it, for the caller's report (not read from the
    PDF: the seal proves the file, the records say who did what)."""

    role: str
    name: str
    signed_at: str


@dataclass(frozen=True)
class VerificationReport:
    """What one file proves. The seal's flags are all False when the file could not be read."""

    is_pdf: bool
    """The file starts like a PDF (``%PDF-`` within its first kilobyte)."""
    seal_present: bool
    """It carries a signature: the certification signature if there is one, else the last."""
    seal_valid: bool
    """That seal is cryptographically sound over the bytes it covers, and its certificate
    chains to one of the trusted roots."""
    intact: bool
    """Nothing changed since the seal: the bytes it covers hash as signed, and it covers the
    whole file (no incremental update appended afterwards)."""
    signed_by: str | None
    """The seal certificate's subject (common name, organisation), as the certificate says it:
    to be believed only when `seal_valid`."""
    sealed_at: datetime | None
    """When it was sealed (UTC): the timestamp authority's time when the seal carries a valid
    timestamp, otherwise the time the sealer declared."""
    sha256: str
    """SHA-256 of the whole file, hex: the key to look it up in the archive."""
    problems: tuple[str, ...]
    """Everything that stops the file from being trusted, in French; empty when it is."""

    @property
    def trustworthy(self) -> bool:
        """Sealed by a trusted certificate and unchanged since."""
        return self.seal_present and self.seal_valid and self.intact


@dataclass(frozen=True)
class _Findings:
    """What a worker sends back (plain values only)."""

    seal_present: bool = False
    seal_valid: bool = False
    intact: bool = False
    signed_by: str | None = None
    sealed_at: datetime | None = None
    problems: tuple[str, ...] = ()

    def to_json(self) -> bytes:
        values = dataclasses.asdict(self)
        values["sealed_at"] = self.sealed_at.isoformat() if self.sealed_at else None
        return json.dumps(values).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> _Findings:
        values = json.loads(raw)
        sealed_at = values["sealed_at"]
        return cls(
            seal_present=bool(values["seal_present"]),
            seal_valid=bool(values["seal_valid"]),
            intact=bool(values["intact"]),
            signed_by=None if values["signed_by"] is None else str(values["signed_by"]),
            sealed_at=None if sealed_at is None else datetime.fromisoformat(sealed_at),
            problems=tuple(str(problem) for problem in values["problems"]),
        )


def verify_pdf(
    data: bytes,
    *,
    trust_roots: Sequence[Any],
    max_bytes: int = 20 * 2**20,
    timeout_s: float = 10.0,
    memory_bytes: int = MEMORY_ALLOWANCE,
) -> VerificationReport:
    """Report on `data`, whatever it is, within about `timeout_s` seconds.

    `trust_roots` are the certificates a seal must chain to (asn1crypto, as
    `Sealer.trust_roots` gives them, or cryptography's); an empty list trusts nothing (never
    the system's TLS roots). Files over `max_bytes` or without a PDF header are refused without
    parsing. `memory_bytes` bounds what the analysis may allocate beyond its start.
    """
    sha256 = hashlib.sha256(data).hexdigest()
    is_pdf = PDF_MAGIC in data[:HEADER_WINDOW]

    def report(findings: _Findings) -> VerificationReport:
        return VerificationReport(
            is_pdf=is_pdf,
            seal_present=findings.seal_present,
            seal_valid=findings.seal_valid,
            intact=findings.intact,
            signed_by=findings.signed_by,
            sealed_at=findings.sealed_at,
            sha256=sha256,
            problems=findings.problems,
        )

    if len(data) > max_bytes:
        return report(_Findings(problems=(TOO_LARGE.format(limit=_size_fr(max_bytes)),)))
    if not is_pdf:
        return report(_Findings(problems=(NOT_A_PDF,)))
    roots_der = [_der(root) for root in trust_roots]
    return report(_run_isolated(data, roots_der, timeout_s, memory_bytes))


def _size_fr(size: int) -> str:
    """``20 Mo``, ``1,5 Mo``, ``512 Ko``: a size as a French reader expects it."""
    for unit, name in ((2**20, "Mo"), (2**10, "Ko")):
        if size >= unit:
            return f"{size / unit:.3g} {name}".replace(".", ",")
    return f"{size} octets"


def _der(certificate: Any) -> bytes:
    """DER of an asn1crypto (pyHanko's) or a cryptography certificate."""
    if hasattr(certificate, "public_bytes"):
        return bytes(certificate.public_bytes(serialization.Encoding.DER))
    return bytes(certificate.dump())


def warm_up() -> None:
    """Start one analysis worker of this process now (it imports pyHanko: about half a
    second) rather than on the first verification. Optional; call it once at application
    start.

    Raises `VerificationUnavailable` if the worker cannot start."""
    _POOL.get().warm_up()


def analysis_workers() -> list[int]:
    """Process ids of this process's idle analysis workers (for diagnosis and tests)."""
    return _POOL.get().workers()


# The parent side: a pool of warm workers per process (see `signing.pdf.analysis`)

_POOL = analysis.PoolSlot("signing.pdf.verify:_analysis_job")


def _run_isolated(
    data: bytes, roots_der: list[bytes], timeout_s: float, memory_bytes: int
) -> _Findings:
    job = json.dumps({"roots": [der.hex() for der in roots_der]}).encode()
    try:
        answer = _POOL.get().run(
            job,
            data,
            timeout_s=timeout_s,
            memory_bytes=memory_bytes,
            wait_s=timeout_s + _QUEUE_WAIT,
        )
    except analysis.AnalysisTimedOut:
        return _Findings(problems=(TIMED_OUT,))
    except analysis.AnalysisOutOfMemory:
        return _Findings(problems=(TOO_GREEDY,))
    except analysis.AnalysisFailed:
        return _Findings(problems=(ANALYSIS_FAILED,))
    try:
        return _Findings.from_json(answer)
    except (ValueError, TypeError, KeyError):
        return _Findings(problems=(ANALYSIS_FAILED,))


# The worker side (another process: see `signing.pdf.analysis`)


def _analysis_job(job: bytes, data: bytes) -> bytes:
    """One file, in a worker, within its limits: the findings in JSON."""
    roots_der = tuple(bytes.fromhex(root) for root in json.loads(job)["roots"])
    try:
        findings = _analyse(data, _trust_roots(roots_der))
    except MemoryError:
        raise  # the worker answers it, and is replaced
    except Exception:  # any failure to read untrusted bytes is an answer, not a crash
        findings = _Findings(problems=(UNREADABLE,))
    return findings.to_json()


@functools.lru_cache(maxsize=8)
def _trust_roots(roots_der: tuple[bytes, ...]) -> tuple[x509.Certificate, ...]:
    """The roots loaded once per worker (they are the same for every file)."""
    return tuple(x509.Certificate.load(der) for der in roots_der)


def _analyse(data: bytes, roots: tuple[x509.Certificate, ...]) -> _Findings:
    """Read the file and validate its seal with pyHanko (runs in a worker)."""
    reader = PdfFileReader(io.BytesIO(data))
    signatures = reader.embedded_signatures
    if not signatures:
        return _Findings(problems=(NO_SEAL,))
    seal = next((sig for sig in signatures if sig.docmdp_level is not None), signatures[-1])
    context = ValidationContext(trust_roots=list(roots))
    try:
        # One signature, after which nothing may change: coverage says it all, and pyHanko's
        # difference analysis (slow, and lenient by design) is not needed.
        status = validate_pdf_signature(seal, context, skip_diff=True)
    except (SignatureValidationError, ValueError, KeyError, TypeError):
        return _Findings(seal_present=True, problems=(SEAL_UNREADABLE,))
    return _judge(status, seal)


def _judge(status: Any, seal: Any) -> _Findings:
    problems: list[str] = []
    if not status.intact:
        problems.append(ALTERED)
    elif not status.valid:
        problems.append(SIGNATURE_BROKEN)
    if status.intact and status.valid and not status.trusted:
        problems.append(_trust_problem(status.trust_problem_indic))
    covers_all = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    if status.intact and not covers_all:
        appended = status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        problems.append(APPENDED if appended else PARTIAL_COVERAGE)

    sealed_at = seal.self_reported_timestamp or status.signer_reported_dt
    timestamp = status.timestamp_validity
    if timestamp is not None:
        if timestamp.intact and timestamp.valid and timestamp.trusted:
            sealed_at = timestamp.timestamp
        else:
            problems.append(TIMESTAMP_UNTRUSTED)
    return _Findings(
        seal_present=True,
        seal_valid=bool(status.intact and status.valid and status.trusted),
        intact=bool(status.intact and covers_all),
        signed_by=_subject(status.signing_cert),
        sealed_at=sealed_at.astimezone(UTC) if sealed_at is not None else None,
        problems=tuple(problems),
    )


def _trust_problem(indication: Any) -> str:
    name = getattr(indication, "name", "")
    if name.startswith("REVOKED"):
        return REVOKED
    if name in {"EXPIRED", "NOT_YET_VALID"} or name.startswith("OUT_OF_BOUNDS"):
        return OUT_OF_VALIDITY
    return UNTRUSTED


def _subject(certificate: Any) -> str | None:
    names = certificate.subject.native
    common = names.get("common_name")
    organisation = names.get("organization_name")
    parts = [str(part) for part in (common, organisation) if part]
    if len(parts) == 2 and parts[1] in parts[0]:
        parts = parts[:1]
    if not parts:
        return None
    text = f"{parts[0]} ({parts[1]})" if len(parts) == 2 else parts[0]
    return _CONTROL.sub(" ", text)[:_NAME_MAX]


__all__ = ["SignerLine", "VerificationReport", "analysis_workers", "verify_pdf", "warm_up"]
