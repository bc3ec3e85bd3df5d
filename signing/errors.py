"""The one error tree of the signing core. Errors carry the data their message needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class FieldIssue:
    """One problem with one field.

    `field` is its path (``guardians[1].email``), `message` is in French.
    """

    field: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


class CosigneError(Exception):
    """Base of every error the signing core raises on purpose."""


class ValidationFailed(CosigneError):
    """The data of a document breaks its schema or its rules; every problem is listed."""

    def __init__(self, errors: list[FieldIssue], warnings: list[FieldIssue] | None = None) -> None:
        self.errors = list(errors)
        self.warnings = list(warnings or [])
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in self.errors))


class AmendmentNeeded(ValidationFailed):
    """A follow-up note asks what only an amendment may change (a deadline beyond the
    contract's end): the page offers the amendment instead."""


class UnknownKind(CosigneError):
    """No document kind of that name."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        super().__init__(f"type de document inconnu : {kind!r}")


class RenderError(CosigneError):
    """A template could not be filled (a template defect, never the user's data)."""


class ConversionError(CosigneError):
    """LibreOffice did not turn a DOCX into a PDF."""


class ConverterUnavailable(ConversionError):
    """LibreOffice or its Python bridge is not installed; the message says how to install it."""


class ConversionTimeout(ConversionError):
    """A conversion took longer than allowed; the process was killed and will be restarted."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"la conversion en PDF a dépassé {seconds:g} s")


# Links


class LinkError(CosigneError):
    """A link (signing, download, password reset) cannot be used; nothing was changed."""


class LinkInvalid(LinkError):
    """Forged, garbled, truncated, or made for another purpose: it proves nothing."""

    def __init__(self) -> None:
        super().__init__("Ce lien n'est pas valide : vérifiez qu'il a été copié en entier.")


class LinkExpired(LinkError):
    """Genuine but too old: signed at `signed_at`, dead since `expired_at` (both UTC aware).
    `subject_id` and `nonce`, when the token's own: its signature is genuine, so it still says
    whose it was (the signer's page then tells them what became of the document)."""

    def __init__(
        self,
        signed_at: datetime,
        expired_at: datetime,
        *,
        subject_id: int | None = None,
        nonce: str | None = None,
    ) -> None:
        self.signed_at = signed_at
        self.expired_at = expired_at
        self.subject_id = subject_id
        self.nonce = nonce
        super().__init__(f"Ce lien a expiré le {expired_at:%d/%m/%Y à %H:%M} (UTC).")


class LinkRevoked(LinkError):
    """Genuine and in time, but its nonce is no longer the signer's: used, replaced or cancelled.

    The service holds the signer's row and knows which of these happened; it words the page.
    """

    def __init__(self) -> None:
        super().__init__("Ce lien n'est plus valable : il a déjà servi ou a été remplacé.")


# Workflow


class TransitionRefused(CosigneError):
    """The workflow refuses `action` in document `state` (and signer `signer_state`, if any).

    States and actions are the values of `signing.workflow`'s enums (plain strings here, so this
    module imports nothing from the workflow); `str(error)` is the French message.
    """

    def __init__(
        self, action: str, state: str, message: str, signer_state: str | None = None
    ) -> None:
        self.action = action
        self.state = state
        self.signer_state = signer_state
        super().__init__(message)


# Seal, archive, verify


class SealError(CosigneError):
    """The seal could not be applied (key file, passphrase, timestamp authority, PDF).

    Nothing was written: the document keeps its state and a later attempt may succeed.
    `document_id` is the document being sealed, when the caller said which.
    """

    def __init__(self, message: str, document_id: int | None = None) -> None:
        self.document_id = document_id
        prefix = f"document {document_id} : " if document_id is not None else ""
        super().__init__(f"{prefix}{message}")


class TimestampUnavailable(SealError):
    """No timestamp authority answered (or each refused): `failures` holds each authority's
    URL with its reason, in the order they were asked. The caller seals without a timestamp
    and asks again later; nothing was written."""

    def __init__(
        self, failures: tuple[tuple[str, str], ...], document_id: int | None = None
    ) -> None:
        self.failures = failures
        reasons = " ; ".join(f"{url} : {reason}" for url, reason in failures)
        super().__init__(
            f"aucune autorité d'horodatage n'a répondu ({reasons or 'aucune configurée'})",
            document_id,
        )

    @property
    def authorities(self) -> tuple[str, ...]:
        return tuple(url for url, _ in self.failures)


class ArchiveError(CosigneError):
    """The write-once archive refused or failed an operation."""


class ArchiveKeyInvalid(ArchiveError, ValueError):
    """`key` is not a SHA-256 in hexadecimal (64 characters): it never names an archived file."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"empreinte SHA-256 invalide : {key[:80]!r}")


class ArchiveMissing(ArchiveError):
    """No archived file has this SHA-256."""

    def __init__(self, sha256: str) -> None:
        self.sha256 = sha256
        super().__init__(f"aucun fichier archivé n'a l'empreinte {sha256}")


class ArchiveCorrupted(ArchiveError):
    """The archived file no longer hashes to its name: it was altered on disk (`actual` is
    the SHA-256 of what was read)."""

    def __init__(self, sha256: str, actual: str) -> None:
        self.sha256 = sha256
        self.actual = actual
        super().__init__(
            f"le fichier archivé {sha256} est altéré : son contenu a pour empreinte {actual}"
        )


class ArchiveMismatch(ArchiveError):
    """The archived file a document points at is not that document's final PDF (it does not
    start with the PDF the document issued): the records were changed; it is never served."""

    def __init__(self, document_id: int, sha256: str) -> None:
        self.document_id = document_id
        self.sha256 = sha256
        super().__init__(
            f"le fichier archivé {sha256} n'est pas le PDF final du document n° {document_id}"
        )


class VerificationUnavailable(CosigneError):
    """The machine could not run an analysis (no process could be started); the file is not
    at fault and the same request may succeed later."""


# Final PDF


class FinalPdfError(CosigneError):
    """The final PDF could not be made from the frozen one (stamp, certificate of signature)."""


class AnchorMissing(FinalPdfError):
    """The PDF has no `anchor` (``sig-head``…): its template lacks that signer's
    block, a template defect."""

    def __init__(self, anchor: str) -> None:
        self.anchor = anchor
        super().__init__(f"l'ancre de signature {anchor} est absente du PDF")


class AnchorDuplicated(FinalPdfError):
    """The PDF's text has `anchor` more than once (on the 0-based `pages`): its place is
    uncertain, so no signature is stamped."""

    def __init__(self, anchor: str, pages: tuple[int, ...]) -> None:
        self.anchor = anchor
        self.pages = pages
        shown = ", ".join(str(page + 1) for page in pages)
        super().__init__(f"l'ancre de signature {anchor} figure plusieurs fois (pages {shown})")


class MarkDuplicated(FinalPdfError, ValueError):
    """Two signatures were given for one anchor."""

    def __init__(self, anchor: str) -> None:
        self.anchor = anchor
        super().__init__(f"deux signatures pour l'ancre {anchor}")


class SignatureImageUnreadable(FinalPdfError):
    """The drawn signature for `anchor` is not a PNG that can be placed."""

    def __init__(self, anchor: str, reason: str) -> None:
        self.anchor = anchor
        self.reason = reason
        super().__init__(f"la signature dessinée de {anchor} est illisible : {reason}")


class PdfUnreadable(FinalPdfError):
    """The input is not a PDF that can be updated (damaged, encrypted)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"PDF illisible : {reason}")


class FontMissing(FinalPdfError):
    """The file of an embedded font is not on this machine; the message says what to install."""

    def __init__(self, file: str, reason: str = "") -> None:
        self.file = file
        detail = f" ({reason})" if reason else ""
        super().__init__(
            f"police {file} introuvable ou illisible{detail} : installez le paquet "
            "fonts-dejavu-core (ou lancez scripts/setup.sh)"
        )
