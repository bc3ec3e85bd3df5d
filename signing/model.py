"""Names shared across the core: document kinds and signer roles."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    PARCOURS = "parcours"
    CONVENTION = "convention"


class Role(StrEnum):
    PUPIL = "pupil"
    GUARDIAN = "guardian"
    REFERENT = "referent"
    HOST_REPRESENTATIVE = "host_representative"
    HOST_TUTOR = "host_tutor"
    HEAD = "head"


ROLE_LABELS: dict[Role, str] = {
    Role.PUPIL: "L'élève",
    Role.GUARDIAN: "Le représentant légal",
    Role.REFERENT: "Le référent",
    Role.HOST_REPRESENTATIVE: "Le représentant de l'organisme d'accueil",
    Role.HOST_TUTOR: "Le tuteur dans l'organisme d'accueil",
    Role.HEAD: "Le chef d'établissement",
}
