"""Which guardians agree to a pathway contract, by scheme (domain README §2.3 and §6).

Towards a third party in good faith, each parent is deemed to act with the other's agreement for
an « acte usuel » (Code civil 372-2). A PAFI or a placement in a dispositif relais takes the pupil
out of the ordinary schooling for weeks or months: the DGESCO guide « L'exercice de l'autorité
parentale en milieu scolaire » (2011) treats what changes the schooling as non-usual, so both
holders of parental authority sign [À VÉRIFIER with the académie's legal service]. The other
schemes stay usual acts: one guardian's signature suffices, the other is informed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from signing.data.rules import Checking, Data, Finding, error, guardians_sign, warning

BOTH_GUARDIANS = frozenset({"pafi", "dispositif_relais"})
"""The schemes treated as non-usual acts: every listed guardian signs."""


def both_guardians_agree(data: Data, at: Checking) -> Iterator[Finding]:
    """For a scheme of BOTH_GUARDIANS and a minor pupil, every guardian listed signs; with one
    guardian listed, a reminder that a second holder of parental authority signs too."""
    if data.get("scheme") not in BOTH_GUARDIANS or not guardians_sign(data, at.today):
        return
    guardians = [g for g in data.get("guardians") or [] if isinstance(g, dict)]
    for index, guardian in enumerate(guardians):
        if guardian.get("signs") is False:
            yield error(
                f"guardians[{index}].signs",
                "Ce dispositif modifie durablement la scolarité de l'élève (acte non usuel) : "
                "chaque représentant légal qui exerce l'autorité parentale signe le contrat. "
                "Cochez « signe le document », ou retirez ce représentant s'il n'exerce pas "
                "l'autorité parentale.",
                "scheme",
            )
    if len(guardians) == 1:
        yield warning(
            "guardians",
            "Ce dispositif est un acte non usuel : si un second parent exerce l'autorité "
            "parentale, ajoutez-le, il signe aussi le contrat.",
            "scheme",
        )


def copy_offered(data: Data, today: date) -> bool:
    """Whether the choice of a copy for the guardians (``inform_guardians``) is the pupil's to
    make on `today`: guardians are listed, and the pupil is of age or emancipated, so signs
    alone (Code civil 414; 371-1: parental authority ends at majority or emancipation). A box
    ticked stays shown, so that the form can untick what the rules refuse."""
    if data.get("inform_guardians") is True:
        return True
    return bool(data.get("guardians")) and not guardians_sign(data, today)


def copy_only_when_alone(data: Data, at: Checking) -> Iterator[Finding]:
    """The guardians of a minor are parties to the document: a copy « with the pupil's
    agreement » is only the choice of a pupil who signs alone."""
    if data.get("inform_guardians") is True and guardians_sign(data, at.today):
        yield error(
            "inform_guardians",
            "Copie aux représentants légaux : l'élève, mineur non émancipé, ne signe pas seul "
            "et ses représentants légaux sont parties au document. Ce choix n'appartient qu'à "
            "un élève majeur ou émancipé : décochez la case.",
            "pupil.birth_date",
        )
