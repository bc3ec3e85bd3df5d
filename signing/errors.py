"""The one error tree of the signing core. Errors carry the data their message needs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldIssue:
    """One problem with one field: `field` is its path (``guardians[1].email``), `message` French."""

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
