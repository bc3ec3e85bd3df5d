"""The school's seal on the final PDF: a PAdES certification signature made with pyHanko.

The seal certifies the document with DocMDP "no changes allowed" (subfilter
``ETSI.CAdES.detached``): PAdES B-B, or B-T when a timestamp authority (RFC 3161) is configured.
It is the last write: any byte changed or appended afterwards shows in verification.

The key is loaded once per `Sealer`, and the room kept for the signature in the file is measured
once for that key (pyHanko would otherwise build a throwaway signature for every document to
estimate it), so a seal costs one hash of the file and one private-key operation.

In development and tests no certificate is configured: `signing.pdf.dev_seal` generates a throwaway
authority and a seal certificate once into the data folder and reuses them afterwards.
"""

from __future__ import annotations

import asyncio
import io
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import signers
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from signing.errors import SealError, TimestampUnavailable

_MD_ALGORITHM = "sha256"
_RESERVE_SLACK = 1024
"""Hex characters kept free beyond the measured signature, when nothing in it varies."""


@dataclass(frozen=True)
class SealSettings:
    """Where the seal's key is and how the seal is made."""

    p12_path: Path
    """PKCS#12 file holding the seal's private key, its certificate and their chain."""
    passphrase: bytes | None
    """Passphrase of the PKCS#12 file (``None`` when it has none)."""
    tsa_url: str | None = None
    """RFC 3161 timestamp authority of `Sealer.seal`; when set, its seals are timestamped (PAdES
    B-T). `Sealer.seal_with` names the authority of each seal itself."""
    reason: str = (
        "Document signé électroniquement par toutes les parties — cachet de l'établissement"
    )
    """Reason shown by PDF readers in the seal's details."""
    location: str | None = None
    """Place shown by PDF readers in the seal's details (the school's town, say)."""
    field_name: str = "CachetCosigne"
    """Name of the (invisible) signature field that holds the seal."""
    tsa_timeout: float = 10.0
    """Seconds a request to a timestamp authority may take before it counts as unanswered."""


class _KeptKeySigner(signers.SimpleSigner):
    """A `SimpleSigner` that parses its private key once.

    pyHanko's `SimpleSigner.sign_raw` re-parses the key for every signature, and parsing an RSA
    key runs its consistency check: about 100 ms per seal for RSA 3072, against 2 ms to sign.
    Overriding `sign_raw` is how pyHanko means signers to be extended; mechanisms other than
    RSA PKCS#1 v1.5 and ECDSA go through pyHanko's own path.
    """

    def __init__(self, private_key: PrivateKeyTypes, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        key = self._private_key
        if mechanism == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        if mechanism == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
        result: bytes = super().sign_raw(data, digest_algorithm)
        return result


def _load_signer(settings: SealSettings) -> _KeptKeySigner:
    try:
        data = settings.p12_path.read_bytes()
    except FileNotFoundError as exc:
        raise SealError(f"le fichier du cachet {settings.p12_path} est introuvable") from exc
    except OSError as exc:
        raise SealError(f"le fichier du cachet {settings.p12_path} est illisible : {exc}") from exc
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(data, settings.passphrase)
    except (ValueError, TypeError) as exc:
        raise SealError(
            f"le fichier du cachet {settings.p12_path} ne s'ouvre pas : "
            "phrase de passe incorrecte ou fichier PKCS#12 invalide"
        ) from exc
    if key is None or cert is None:
        raise SealError(
            f"le fichier du cachet {settings.p12_path} ne contient pas de clé et de certificat"
        )
    der = serialization.Encoding.DER
    try:
        return _KeptKeySigner(
            private_key=key,
            signing_cert=asn1_x509.Certificate.load(cert.public_bytes(der)),
            signing_key=asn1_keys.PrivateKeyInfo.load(
                key.private_bytes(
                    der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                )
            ),
            cert_registry=SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
                [asn1_x509.Certificate.load(other.public_bytes(der)) for other in chain]
            ),
        )
    except Exception as exc:  # asn1crypto or pyHanko reject the key type: wrap whatever they raise
        raise SealError(
            f"le fichier du cachet {settings.p12_path} ne contient pas de clé utilisable : {exc}"
        ) from exc


class Sealer:
    """Seals PDFs with one key, loaded once; one `Sealer` serves every document and thread.

    Nothing is mutated while sealing except, once per timestamp authority, its client and the
    room reserved for the seals it timestamps (under a lock); pyHanko runs each seal in its own
    event loop, so this object must not be used from inside a running asyncio loop.
    """

    def __init__(self, settings: SealSettings) -> None:
        self.settings = settings
        self._signer = _load_signer(settings)
        self._lock = threading.Lock()
        self._timestampers: dict[str, HTTPTimeStamper] = {}
        self._bytes_reserved: dict[str | None, int] = {}
        # Measured now, offline, so a broken key fails at start and never on a document.
        self._bytes_reserved[None] = self._measure_reserve(None)

    @property
    def certificate(self) -> asn1_x509.Certificate:
        """The seal certificate (asn1crypto, as pyHanko uses it)."""
        return self._signer.signing_cert

    def trust_roots(self) -> list[asn1_x509.Certificate]:
        """Certificates to trust when verifying this sealer's seals.

        The self-signed authorities shipped in the PKCS#12 file (the development authority; for a
        production file, its root when the file includes it); failing those, the seal
        certificate itself, so at least our own seals validate.
        """
        roots = [
            cert
            for cert in self._signer.cert_registry
            if cert.subject == cert.issuer and cert.ca and cert != self.certificate
        ]
        return roots or [self.certificate]

    def seal(self, pdf: bytes, *, document_id: int | None = None) -> bytes:
        """Return `pdf` with the seal appended as an incremental update; `pdf` is not changed.

        The seal is timestamped by the settings' authority, when there is one. Raises
        `SealError` (with `document_id`) for an unreadable or already certified PDF, and
        `TimestampUnavailable` for an authority that does not answer; no pyHanko or
        cryptography exception gets out.
        """
        return self.seal_with(
            pdf, timestamp_authority=self.settings.tsa_url, document_id=document_id
        )

    def seal_with(
        self, pdf: bytes, *, timestamp_authority: str | None, document_id: int | None = None
    ) -> bytes:
        """`seal`, timestamped by `timestamp_authority` (RFC 3161, PAdES B-T), or not at all
        (PAdES B-B) when it is None."""
        reason = self.settings.reason
        if document_id is not None:
            reason = f"{reason} (document n° {document_id})"
        metadata = signers.PdfSignatureMetadata(
            field_name=self.settings.field_name,
            md_algorithm=_MD_ALGORITHM,
            subfilter=SigSeedSubFilter.PADES,
            certify=True,
            docmdp_permissions=MDPPerm.NO_CHANGES,
            reason=reason,
            location=self.settings.location,
        )
        timestamper = self._timestamper(timestamp_authority)
        pdf_signer = signers.PdfSigner(metadata, self._signer, timestamper=timestamper)
        try:
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        except (PdfError, ValueError, KeyError, TypeError) as exc:
            raise SealError(f"le PDF à sceller est illisible : {exc}", document_id) from exc
        try:
            reserved = self._reserve(timestamp_authority)
            output = pdf_signer.sign_pdf(writer, bytes_reserved=reserved)
        except TimestampUnavailable as exc:
            raise TimestampUnavailable(exc.failures, document_id) from exc
        except SealError as exc:
            raise SealError(str(exc), document_id) from exc
        except (TimestampRequestError, OSError) as exc:
            if timestamp_authority is None:
                raise SealError(f"échec du scellement : {exc}", document_id) from exc
            raise _unanswered(timestamp_authority, exc, document_id) from exc
        except SigningError as exc:
            raise SealError(f"pyHanko refuse de sceller ce PDF : {exc}", document_id) from exc
        except Exception as exc:  # anything else pyHanko or cryptography raised, wrapped
            raise SealError(f"échec du scellement : {exc!r}", document_id) from exc
        result: bytes = output.getvalue()
        return result

    def _timestamper(self, url: str | None) -> HTTPTimeStamper | None:
        if url is None:
            return None
        with self._lock:
            if url not in self._timestampers:
                self._timestampers[url] = HTTPTimeStamper(url, timeout=self.settings.tsa_timeout)
            return self._timestampers[url]

    def _reserve(self, url: str | None) -> int:
        reserved = self._bytes_reserved.get(url)
        if reserved is None:
            with self._lock:
                reserved = self._bytes_reserved.get(url)
            if reserved is None:
                try:
                    reserved = self._measure_reserve(url)
                except (TimestampRequestError, OSError) as exc:
                    raise _unanswered(url or "", exc) from exc
                with self._lock:
                    self._bytes_reserved.setdefault(url, reserved)
        return reserved

    def _measure_reserve(self, url: str | None) -> int:
        """Hex characters to reserve for the signature container, from a dry run.

        The dry run builds a whole container for a dummy digest, with a sample timestamp token
        when there is an authority (pyHanko asks it once and keeps the token). Doubled because
        the container is written in hexadecimal; tokens vary in size from one response to the
        next, so then pyHanko's own 50% margin is kept, otherwise a small fixed slack.
        """
        timestamper = self._timestamper(url)
        try:
            sample = asyncio.run(
                self._signer.async_sign(
                    bytes(32),
                    _MD_ALGORITHM,
                    dry_run=True,
                    use_pades=True,
                    timestamper=timestamper,
                    signed_attr_settings=PdfCMSSignedAttributes(signing_time=datetime.now(UTC)),
                )
            )
            size = 2 * len(sample.dump())
        except (TimestampRequestError, OSError):
            raise
        except Exception as exc:
            raise SealError(f"la clé du cachet ne permet pas de signer : {exc!r}") from exc
        margin = size // 2 if timestamper is not None else _RESERVE_SLACK
        return size + margin + (size + margin) % 2


def _unanswered(
    url: str, exc: BaseException, document_id: int | None = None
) -> TimestampUnavailable:
    cause: Any = exc.__cause__ or exc
    reason = f"injoignable ou a refusé la demande ({cause or type(cause).__name__})"
    return TimestampUnavailable(((url, reason),), document_id)
