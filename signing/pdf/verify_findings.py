"""What the analysis of an uploaded PDF finds (`Findings`, as a worker sends it back), and the
French words of every problem it can report."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import datetime

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


DOC_TIMESTAMP_BROKEN = (
    "L'horodatage ajouté au fichier après le cachet est invalide : le fichier a été modifié "
    "après cet horodatage."
)


DOC_TIMESTAMP_UNTRUSTED = (
    "L'horodatage ajouté au fichier après le cachet vient d'une autorité non reconnue ; seule "
    "la date déclarée lors du scellement est attestée."
)


@dataclass(frozen=True)
class Findings:
    """What a worker sends back (plain values only)."""

    seal_present: bool = False
    seal_valid: bool = False
    intact: bool = False
    signed_by: str | None = None
    sealed_at: datetime | None = None
    problems: tuple[str, ...] = ()
    sealed_document_id: int | None = None
    """The document number the seal's reason names (« … (document n° 42) »)."""
    timestamped_at: datetime | None = None
    """The time a trusted RFC 3161 authority attests: the seal's token, or the document
    timestamp appended after the seal (the last one)."""
    timestamped_by: str | None = None
    """That authority's certificate subject."""

    def to_json(self) -> bytes:
        values = dataclasses.asdict(self)
        values["sealed_at"] = self.sealed_at.isoformat() if self.sealed_at else None
        values["timestamped_at"] = self.timestamped_at.isoformat() if self.timestamped_at else None
        return json.dumps(values).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Findings:
        values = json.loads(raw)
        sealed_at = values["sealed_at"]
        return cls(
            seal_present=bool(values["seal_present"]),
            seal_valid=bool(values["seal_valid"]),
            intact=bool(values["intact"]),
            signed_by=None if values["signed_by"] is None else str(values["signed_by"]),
            sealed_at=None if sealed_at is None else datetime.fromisoformat(sealed_at),
            problems=tuple(str(problem) for problem in values["problems"]),
            sealed_document_id=_optional_int(values.get("sealed_document_id")),
            timestamped_at=_optional_time(values.get("timestamped_at")),
            timestamped_by=_optional_str(values.get("timestamped_by")),
        )


def _optional_int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _optional_time(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def _optional_str(value: object) -> str | None:
    return value if isinstance(value, str) else None
