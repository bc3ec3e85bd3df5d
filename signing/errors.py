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
    """Genuine but too old: signed at `signed_at`, dead since `expired_at` (both UTC aware)."""

    def __init__(self, signed_at: datetime, expired_at: datetime) -> None:
        self.signed_at = signed_at
        self.expired_at = expired_at
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
