"""The convention's own `info` (`signing.kinds.info`): its regime, its presence (days and hours,
D.124-6) and the limits that apply to a minor. Its legal texts are in ``clauses.toml``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from signing.data.french import (
    as_date,
    format_duration_fr,
    presence_days,
    weekly_minutes,
)
from signing.data.parties import SignerPlan
from signing.data.territory import territory_of
from signing.kinds.convention.regime import OBSERVATION_REGIMES, PFMP, regime_of
from signing.kinds.info import plural
from signing.kinds.spec import Info


def convention_info(data: Mapping[str, Any], school: Mapping[str, Any], plan: SignerPlan) -> Info:
    """The convention's keys of ``info``: its sub-type, visas, presence and a minor's limits."""
    info: Info = {}
    regime = regime_of(data["internship_type"], plan.age_rule.pupil_age)
    schedule = data.get("schedule") or {}
    start, end = as_date(data["start_date"]), as_date(data["end_date"])
    days = list(presence_days(schedule, start, end, territory_of(school.get("uai"))))
    total = sum(minutes for _, minutes in days)
    info.update(
        {
            "regime_key": regime,
            "is_observation": regime in OBSERVATION_REGIMES,
            "is_pfmp": regime == PFMP,
            "duration_days": len(days),
            "weekly_hours": format_duration_fr(weekly_minutes(schedule)),
            "duration_text": (
                f"{plural(len(days), 'jour')} de présence ({format_duration_fr(total)})"
            ),
            "youth_limits": _youth_limits(plan.age_rule.pupil_age),
        }
    )
    return info


def _youth_limits(age: int) -> dict[str, str]:
    """Working-time limits for a minor (domain README §1.4; Code du travail L.3162-1, L.3164-1)."""
    if age < 16:
        return {
            "week": "35 heures",
            "day": "7 heures",
            "daily_rest": "14 heures",
            "night": "entre 20 h et 6 h",
        }
    return {
        "week": "35 heures",
        "day": "8 heures",
        "daily_rest": "12 heures",
        "night": "entre 22 h et 6 h",
    }
