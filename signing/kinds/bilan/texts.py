"""The review's own `info` (`signing.kinds.info`): what its template says of the day it was held
and of the guardians of a pupil who signs alone."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from signing.data.french import format_date_fr
from signing.data.parties import SignerPlan
from signing.follow_up.vocabulary import ObjectiveStatus, ReviewDecision, ReviewType
from signing.kinds.spec import Info


def review_info(data: Mapping[str, Any], school: Mapping[str, Any], plan: SignerPlan) -> Info:
    """``info.held_on`` (« 27 novembre 2026 »), ``info.is_final``, ``info.ends_early`` and
    ``info.alone_note``: why the guardians do not sign a review the pupil signs alone."""
    rule = plan.age_rule
    alone = ""
    if not rule.guardian_required and data.get("guardians"):
        who = "majeur" if rule.pupil_age >= 18 else "mineur émancipé"
        copy = (
            "il a accepté que ses représentants légaux reçoivent une copie du bilan signé"
            if data.get("inform_guardians")
            else "ses représentants légaux n'en reçoivent pas de copie, faute de son accord"
        )
        alone = (
            f"L'élève, {who} le jour où le bilan est établi, est seul partie au bilan et le "
            f"signe seul ; {copy}."
        )
    return {
        "held_on": format_date_fr(data["review_date"]),
        "is_final": data.get("review_type") == ReviewType.FINAL,
        "ends_early": data.get("decision") == ReviewDecision.END,
        "alone_note": alone,
        "status_labels": [
            ObjectiveStatus(str(o["status"])).label for o in data.get("objectives") or []
        ],
    }
