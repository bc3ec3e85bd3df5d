"""The worker side of `signing.pdf.verify` (another process, see `signing.pdf.analysis`): read
the untrusted file with pyHanko, validate its seal against the trust roots, judge what it
proves."""

from __future__ import annotations

import functools
import io
import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from asn1crypto import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import (
    SignatureCoverageLevel,
    validate_pdf_signature,
    validate_pdf_timestamp,
)
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko_certvalidator import ValidationContext

from signing.pdf.verify_findings import (
    ALTERED,
    APPENDED,
    DOC_TIMESTAMP_BROKEN,
    DOC_TIMESTAMP_UNTRUSTED,
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
    later = signatures[signatures.index(seal) + 1 :]
    timestamped_after = bool(later) and all(sig.sig_object_type == "/DocTimeStamp" for sig in later)
    context = ValidationContext(trust_roots=list(roots))
    try:
        # A seal after which nothing may change: coverage says it all, and pyHanko's difference
        # analysis (slow, and lenient by design) runs only for document timestamps appended
        # after the seal, the one update its "no changes" permits (PAdES).
        status = validate_pdf_signature(seal, context, skip_diff=not timestamped_after)
    except (SignatureValidationError, ValueError, KeyError, TypeError):
        return Findings(seal_present=True, problems=(SEAL_UNREADABLE,))
    findings = _judge(status, seal, timestamped_after=timestamped_after)
    if timestamped_after and findings.intact:
        return _with_document_timestamp(findings, later[-1], context)
    return findings


def _only_timestamps_appended(status: Any) -> bool:
    return bool(
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and status.docmdp_ok
        and status.modification_level is not None
        and status.modification_level <= ModificationLevel.LTA_UPDATES
    )


def _judge(status: Any, seal: Any, *, timestamped_after: bool = False) -> Findings:
    problems: list[str] = []
    if not status.intact:
        problems.append(ALTERED)
    elif not status.valid:
        problems.append(SIGNATURE_BROKEN)
    if status.intact and status.valid and not status.trusted:
        problems.append(_trust_problem(status.trust_problem_indic))
    covers_all = status.coverage == SignatureCoverageLevel.ENTIRE_FILE or (
        timestamped_after and _only_timestamps_appended(status)
    )
    if status.intact and not covers_all:
        appended = status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        problems.append(APPENDED if appended else PARTIAL_COVERAGE)

    sealed_at = seal.self_reported_timestamp or status.signer_reported_dt
    timestamp = status.timestamp_validity
    timestamped_at = timestamped_by = None
    if timestamp is not None:
        if timestamp.intact and timestamp.valid and timestamp.trusted:
            sealed_at = timestamped_at = timestamp.timestamp
            timestamped_by = _subject(timestamp.signing_cert)
        else:
            problems.append(TIMESTAMP_UNTRUSTED)
    return Findings(
        seal_present=True,
        seal_valid=bool(status.intact and status.valid and status.trusted),
        intact=bool(status.intact and covers_all),
        signed_by=_subject(status.signing_cert),
        sealed_at=_utc(sealed_at),
        problems=tuple(problems),
        sealed_document_id=_document_number(seal),
        timestamped_at=_utc(timestamped_at),
        timestamped_by=timestamped_by,
    )


def _with_document_timestamp(findings: Findings, last: Any, context: Any) -> Findings:
    """The last document timestamp must be sound and cover the whole file; trusted, its time
    and authority are the file's."""
    try:
        status = validate_pdf_timestamp(last, validation_context=context, skip_diff=True)
    except (SignatureValidationError, ValueError, KeyError, TypeError):
        return replace(findings, intact=False, problems=(*findings.problems, DOC_TIMESTAMP_BROKEN))
    if not (status.intact and status.valid):
        return replace(findings, intact=False, problems=(*findings.problems, DOC_TIMESTAMP_BROKEN))
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return replace(findings, intact=False, problems=(*findings.problems, APPENDED))
    if not status.trusted:
        return replace(findings, problems=(*findings.problems, DOC_TIMESTAMP_UNTRUSTED))
    return replace(
        findings,
        timestamped_at=_utc(status.timestamp),
        timestamped_by=_subject(status.signing_cert),
    )


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None else None


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
