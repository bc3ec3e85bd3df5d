"""The contrat de parcours's own `info` (`signing.kinds.info`): its length."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from signing.data.french import as_date
from signing.data.parties import SignerPlan
from signing.kinds.info import plural
from signing.kinds.spec import Info


def parcours_info(data: Mapping[str, Any], school: Mapping[str, Any], plan: SignerPlan) -> Info:
    """``info.duration_days`` and ``info.duration_text``: the contract's length."""
    info: Info = {}
    days = (as_date(data["end_date"]) - as_date(data["start_date"])).days + 1
    info["duration_days"] = days
    info["duration_text"] = (
        plural(days, "jour") if days < 14 else f"environ {round(days / 7)} semaines"
    )
    return info
