"""The worker side of `signing.pdf.verify` (another process, see `signing.pdf.analysis`): read
the untrusted file with pyHanko, validate its seal against the trust roots, judge what it
proves."""

from __future__ import annotations

import functools
import io
import json
import re
from datetime import UTC
from typing import Any

from asn1crypto import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko_certvalidator import ValidationContext

from signing.pdf.verify_findings import (
    ALTERED,
    APPENDED,
    NO_SEAL,
    OUT_OF_VALIDITY,
    PARTIAL_COVERAGE,
    REVOKED,
    SEAL_UNREADABLE,
    SIGNATURE_BROKEN,
    TIMESTAMP_UNTRUSTED,
    UNREADABLE,
    UNTRUSTED,
    Findings,
)

_NAME_MAX = 200


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def analysis_job(job: bytes, data: bytes) -> bytes:
    """One file, in a worker, within its limits: the findings in JSON."""
    roots_der = tuple(bytes.fromhex(root) for root in json.loads(job)["roots"])
    try:
        findings = _analyse(data, _trust_roots(roots_der))
    except MemoryError:
        raise  # the worker answers it, and is replaced
    except Exception:  # any failure to read untrusted bytes is an answer, not a crash
        findings = Findings(problems=(UNREADABLE,))
    return findings.to_json()


@functools.lru_cache(maxsize=8)
def _trust_roots(roots_der: tuple[bytes, ...]) -> tuple[x509.Certificate, ...]:
    """The roots loaded once per worker (they are the same for every file)."""
    return tuple(x509.Certificate.load(der) for der in roots_der)


def _analyse(data: bytes, roots: tuple[x509.Certificate, ...]) -> Findings:
    """Read the file and validate its seal with pyHanko (runs in a worker)."""
    reader = PdfFileReader(io.BytesIO(data))
    signatures = reader.embedded_signatures
    if not signatures:
        return Findings(problems=(NO_SEAL,))
    seal = next((sig for sig in signatures if sig.docmdp_level is not None), signatures[-1])
    context = ValidationContext(trust_roots=list(roots))
    try:
        # One signature, after which nothing may change: coverage says it all, and pyHanko's
        # difference analysis (slow, and lenient by design) is not needed.
        status = validate_pdf_signature(seal, context, skip_diff=True)
    except (SignatureValidationError, ValueError, KeyError, TypeError):
        return Findings(seal_present=True, problems=(SEAL_UNREADABLE,))
    return _judge(status, seal)


def _judge(status: Any, seal: Any) -> Findings:
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
    return Findings(
        seal_present=True,
        seal_valid=bool(status.intact and status.valid and status.trusted),
        intact=bool(status.intact and covers_all),
        signed_by=_subject(status.signing_cert),
        sealed_at=sealed_at.astimezone(UTC) if sealed_at is not None else None,
        problems=tuple(problems),
        sealed_document_id=_document_number(seal),
    )


_DOCUMENT_NUMBER = re.compile(r"\(document n° ([0-9]{1,10})\)")


def _document_number(seal: Any) -> int | None:
    """The number `signing.pdf.seal` writes in the seal's reason, if any."""
    try:
        reason = seal.sig_object.get("/Reason")
    except (KeyError, TypeError, ValueError):
        return None
    found = _DOCUMENT_NUMBER.search(str(reason or ""))
    return int(found.group(1)) if found else None


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
