"""A development seal, generated once into a folder when no real one is configured: an RSA key,
its certificate, and a development authority that issued it, in a PKCS#12 file with a random
passphrase beside it (mode 0600). Built with `cryptography`'s certificate builder: pyHanko signs
with a certificate but makes none, and a seal's certificate needs its own key usages (signing
and non-repudiation), set here."""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from signing.errors import SealError
from signing.pdf.seal import SealSettings

DEV_P12_NAME = "seal-dev.p12"
"""File name of the generated development seal (PKCS#12: key, certificate, authority)."""


DEV_PASSPHRASE_NAME = "seal-dev.passphrase"  # noqa: S105 — a file name, not a secret
"""File name of its random passphrase, kept next to it."""


# RSA rather than ECDSA: pyHanko declares PDF 2.0 for an ECDSA P-256 seal (ISO 32002), which a
# PDF/A-2 file from LibreOffice must not claim.
_DEV_KEY_BITS = 3072


_DEV_VALIDITY = timedelta(days=3653)


_CLOCK_SKEW = timedelta(minutes=5)


def ensure_dev_seal(folder: Path, *, organisation: str = "Cosigne (développement)") -> SealSettings:
    """Settings of the development seal in `folder`, generated the first time, reused afterwards.

    The first call writes `DEV_P12_NAME` (an RSA 3072 seal certificate valid ten years, issued by
    a throwaway authority whose key is discarded) and `DEV_PASSPHRASE_NAME` (random), both 0600.
    Concurrent first calls, from threads or processes, agree on one seal: generation holds a lock,
    and each file is written to a temporary name and renamed; the PKCS#12 file comes last, so its
    presence means the pair is complete.
    """
    p12_path = folder / DEV_P12_NAME
    passphrase_path = folder / DEV_PASSPHRASE_NAME
    try:
        if not p12_path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            with _locked(folder / "seal-dev.lock"):
                if not p12_path.exists():
                    passphrase = secrets.token_urlsafe(32).encode("ascii")
                    p12 = _generate_dev_p12(organisation, passphrase)
                    _write_private(passphrase_path, passphrase)
                    _write_private(p12_path, p12)
        passphrase = passphrase_path.read_bytes().strip()
    except OSError as exc:
        raise SealError(
            f"impossible de préparer le cachet de développement dans {folder} : {exc}"
        ) from exc
    return SealSettings(p12_path=p12_path, passphrase=passphrase)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _write_private(path: Path, data: bytes) -> None:
    """Write `data` readable by the owner only, atomically: a reader sees all of it or nothing."""
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    folder_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder_fd)
    finally:
        os.close(folder_fd)


def _generate_dev_p12(organisation: str, passphrase: bytes) -> bytes:
    now = datetime.now(UTC)
    validity = (now - _CLOCK_SKEW, now + _DEV_VALIDITY)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=_DEV_KEY_BITS)
    ca_name = _name(organisation, f"Autorité de développement — {organisation}")
    ca_cert = _certificate(
        ca_name, ca_name, ca_key.public_key(), ca_key, validity, authority=True
    ).sign(ca_key, hashes.SHA256())
    seal_key = rsa.generate_private_key(public_exponent=65537, key_size=_DEV_KEY_BITS)
    seal_cert = (
        _certificate(
            _name(organisation, f"Cachet {organisation}"),
            ca_name,
            seal_key.public_key(),
            ca_key,
            validity,
            authority=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        name=b"cosigne-seal",
        key=seal_key,
        cert=seal_cert,
        cas=[ca_cert],
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase),
    )


def _name(organisation: str, common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _certificate(
    subject: x509.Name,
    issuer: x509.Name,
    public_key: rsa.RSAPublicKey,
    issuer_key: rsa.RSAPrivateKey,
    validity: tuple[datetime, datetime],
    *,
    authority: bool,
) -> x509.CertificateBuilder:
    """The development authority (it signs certificates) or the seal (it signs documents,
    with non-repudiation)."""
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(validity[0])
        .not_valid_after(validity[1])
        .add_extension(
            x509.BasicConstraints(ca=authority, path_length=0 if authority else None),
            critical=True,
        )
        .add_extension(
            x509.KeyUsage(
                digital_signature=not authority,
                content_commitment=not authority,  # nonRepudiation
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=authority,
                crl_sign=authority,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), False)
    )
