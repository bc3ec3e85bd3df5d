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

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives import serialization

from signing.pdf import analysis
from signing.pdf.verify_findings import (
    ANALYSIS_FAILED,
    NOT_A_PDF,
    TIMED_OUT,
    TOO_GREEDY,
    TOO_LARGE,
    Findings,
)

PDF_MAGIC = b"%PDF-"
HEADER_WINDOW = 1024
"""PDF readers accept the header anywhere in the first kilobyte (junk before it is tolerated)."""


MEMORY_ALLOWANCE = 512 * 2**20
"""Address space the analysis of one file may add to what its worker had (pyHanko loaded)."""
_QUEUE_WAIT = 5.0
"""Seconds a verification may wait, beyond its own timeout, for a worker when all are busy
(then `VerificationUnavailable`: the service is saturated, retry later)."""


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
    whole file (no incremental update appended afterwards), or only RFC 3161 document
    timestamps were appended, the last one sound and covering the whole file."""
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
    sealed_document_id: int | None = None
    """The document number the seal itself names (its reason, « … (document n° 42) »): to be
    believed only when `seal_valid`, and compared with the document the file is taken for."""
    timestamped_at: datetime | None = None
    """The time a trusted RFC 3161 timestamp attests (UTC): the seal's token, or the document
    timestamp added after the seal; None when neither is there or trusted."""
    timestamped_by: str | None = None
    """The timestamp authority's certificate subject, as it says it."""

    @property
    def trustworthy(self) -> bool:
        """Sealed by a trusted certificate and unchanged since."""
        return self.seal_present and self.seal_valid and self.intact


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

    def report(findings: Findings) -> VerificationReport:
        return VerificationReport(
            is_pdf=is_pdf,
            seal_present=findings.seal_present,
            seal_valid=findings.seal_valid,
            intact=findings.intact,
            signed_by=findings.signed_by,
            sealed_at=findings.sealed_at,
            sha256=sha256,
            problems=findings.problems,
            sealed_document_id=findings.sealed_document_id,
            timestamped_at=findings.timestamped_at,
            timestamped_by=findings.timestamped_by,
        )

    if len(data) > max_bytes:
        return report(Findings(problems=(TOO_LARGE.format(limit=_size_fr(max_bytes)),)))
    if not is_pdf:
        return report(Findings(problems=(NOT_A_PDF,)))
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

_POOL = analysis.PoolSlot("signing.pdf.verify_analysis:analysis_job")


def _run_isolated(
    data: bytes, roots_der: list[bytes], timeout_s: float, memory_bytes: int
) -> Findings:
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
        return Findings(problems=(TIMED_OUT,))
    except analysis.AnalysisOutOfMemory:
        return Findings(problems=(TOO_GREEDY,))
    except analysis.AnalysisFailed:
        return Findings(problems=(ANALYSIS_FAILED,))
    try:
        return Findings.from_json(answer)
    except (ValueError, TypeError, KeyError):
        return Findings(problems=(ANALYSIS_FAILED,))


__all__ = ["SignerLine", "VerificationReport", "analysis_workers", "verify_pdf", "warm_up"]
