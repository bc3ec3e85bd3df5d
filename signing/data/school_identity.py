"""What a school's identity must hold before it issues anything: every value a clause prints
(domain README §1.3b, « the school's phone, email, status and (public schools) board approval
date are present before anything is issued »). A document never goes out with a blank in a
clause: the head is told what to fill in instead."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from signing.errors import FieldIssue

_NEEDED = (
    ("phone", "Téléphone de l'établissement", "--phone", "la clause « Accident » l'indique"),
    ("email", "Courriel de l'établissement", "--email", "les clauses d'accident et de données"),
    ("status", "Statut de l'établissement", "--status", "la désignation des parties en dépend"),
)

_BOARD = (
    "board_approval_date",
    "Date de la délibération du conseil d'administration",
    "--board-approval-date",
    "un établissement public conclut ses conventions sur autorisation de son conseil "
    "d'administration (article R.421-20, 6° du code de l'éducation)",
)


def missing_identity(school: Mapping[str, Any]) -> list[FieldIssue]:
    """The school's fields a document would print empty, each with what to do (`cosigne school
    update --uai … <option>`); empty when the identity is complete."""
    needed = list(_NEEDED)
    if school.get("status") == "public":
        needed.append(_BOARD)
    return [
        FieldIssue(
            f"school.{field}",
            f"{label} : à renseigner avant d'émettre un document ({why}). Un administrateur "
            f"la complète avec « cosigne school update --uai {school.get('uai') or '…'} "
            f"{option} … ».",
        )
        for field, label, option, why in needed
        if not school.get(field)
    ]
