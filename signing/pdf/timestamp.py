"""Timestamps from a list of RFC 3161 authorities, asked in turn, that never block a seal.

At sealing, each authority is tried in order (`seal_trying`); the first that answers puts its
token in the seal (PAdES B-T). When none answers, the file is sealed without one (PAdES B-B)
and said to be *pending*: later, `timestamp_document` appends an RFC 3161 document timestamp
(``/DocTimeStamp``) as an incremental update. The seal's DocMDP "no changes" permits it
(ISO 32000-2 and PAdES allow document timestamps after a certification signature), so the seal
stays valid over the revision it covers and the new file carries the authority's time.

The certificate of signature is part of what the seal covers, so it must say which case holds
before sealing: the caller's `certify` builds the file for a given authority (or for none, with
the authorities that did not answer), and is asked again for each attempt.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import signers
from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError

from signing.errors import SealError, TimestampUnavailable
from signing.pdf.seal import Sealer

_MD_ALGORITHM = "sha256"

Certify = Callable[[str | None, tuple[str, ...]], bytes]
"""``certify(authority, unanswered)``: the PDF to seal, its certificate naming `authority` (the
one whose token the seal will carry) or, when None, the `unanswered` authorities."""


@dataclass(frozen=True)
class SealedFile:
    """A sealed final PDF and how its time is attested."""

    pdf: bytes
    timestamp_authority: str | None
    """The authority whose token the seal carries; None: the seal has the server's time only."""
    unanswered: tuple[tuple[str, str], ...] = ()
    """Authorities asked in vain, with their reason, in order."""

    @property
    def timestamp_pending(self) -> bool:
        """Sealed without a token although authorities are configured: one is to be added."""
        return self.timestamp_authority is None and bool(self.unanswered)


def seal_trying(
    sealer: Sealer,
    authorities: Sequence[str],
    certify: Certify,
    *,
    document_id: int | None = None,
) -> SealedFile:
    """Seal what `certify` makes, timestamped by the first of `authorities` that answers, or by
    none. Raises `SealError` for anything but an authority's silence: a broken key or PDF
    blocks sealing, an absent authority never does."""
    unanswered: list[tuple[str, str]] = []
    for url in authorities:
        try:
            pdf = sealer.seal_with(
                certify(url, ()), timestamp_authority=url, document_id=document_id
            )
        except TimestampUnavailable as exc:
            unanswered.extend(exc.failures)
            continue
        return SealedFile(pdf, url, tuple(unanswered))
    urls = tuple(url for url, _ in unanswered)
    pdf = sealer.seal_with(certify(None, urls), timestamp_authority=None, document_id=document_id)
    return SealedFile(pdf, None, tuple(unanswered))


@dataclass(frozen=True)
class DocumentTimestamp:
    """A sealed file with an RFC 3161 document timestamp appended."""

    pdf: bytes
    authority: str
    unanswered: tuple[tuple[str, str], ...] = ()


def timestamp_document(
    pdf: bytes, authorities: Sequence[str], *, timeout: float = 5.0
) -> DocumentTimestamp:
    """Append a document timestamp from the first of `authorities` that answers; `pdf` is not
    changed. Raises `TimestampUnavailable` when none answers, `SealError` for a PDF pyHanko
    cannot extend."""
    unanswered: list[tuple[str, str]] = []
    for url in authorities:
        stamper = signers.PdfTimeStamper(HTTPTimeStamper(url, timeout=timeout))
        try:
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        except (PdfError, ValueError, KeyError, TypeError) as exc:
            raise SealError(f"le PDF à horodater est illisible : {exc}") from exc
        try:
            output = stamper.timestamp_pdf(writer, _MD_ALGORITHM)
        except (TimestampRequestError, OSError) as exc:
            cause: Any = exc.__cause__ or exc
            unanswered.append((url, f"injoignable ou a refusé la demande ({cause})"))
            continue
        except Exception as exc:  # anything else pyHanko raised, wrapped
            raise SealError(f"échec de l'horodatage du document : {exc!r}") from exc
        return DocumentTimestamp(output.getvalue(), url, tuple(unanswered))
    raise TimestampUnavailable(tuple(unanswered))


def load_certificates(path: Path) -> list[asn1_x509.Certificate]:
    """The certificates of a PEM (or single DER) file: the roots a timestamp authority's
    certificate chains to, trusted when verifying. Raises `SealError` for an unreadable file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SealError(f"le fichier de certificats {path} est illisible : {exc}") from exc
    try:
        if b"-----BEGIN" in data:
            loaded = x509.load_pem_x509_certificates(data)
        else:
            loaded = [x509.load_der_x509_certificate(data)]
    except ValueError as exc:
        raise SealError(f"le fichier {path} ne contient pas de certificat lisible") from exc
    der = serialization.Encoding.DER
    return [asn1_x509.Certificate.load(cert.public_bytes(der)) for cert in loaded]
