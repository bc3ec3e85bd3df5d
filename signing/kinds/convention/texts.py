"""The convention's own `info` (`signing.kinds.info`): the legal texts it cites, its presence
(days and hours, D.124-6) and the limits that apply to a minor."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from signing.data.french import (
    as_date,
    format_date_fr,
    format_duration_fr,
    presence_days,
    weekly_minutes,
)
from signing.data.parties import SignerPlan
from signing.kinds.convention.rules import OBSERVATION
from signing.kinds.info import plural
from signing.kinds.spec import Info


def convention_info(data: Mapping[str, Any], school: Mapping[str, Any], plan: SignerPlan) -> Info:
    """The convention's keys of ``info``: its sub-type, visas, presence and a minor's limits."""
    info: Info = {}
    internship_type = data["internship_type"]
    schedule = data.get("schedule") or {}
    days = list(presence_days(schedule, as_date(data["start_date"]), as_date(data["end_date"])))
    total = sum(minutes for _, minutes in days)
    info.update(
        {
            "is_observation": internship_type in OBSERVATION,
            "is_pfmp": internship_type == "pfmp",
            "visas": _visas(internship_type, school),
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


def _visas(internship_type: str, school: Mapping[str, Any]) -> list[str]:
    """The « Vu … » lines of a convention (domain README §1.3, visas of the convention types)."""
    if internship_type == "pfmp":
        work = (
            "Vu le code du travail, notamment ses articles L.4153-1 à L.4153-3, D.4153-15 à "
            "D.4153-37 et R.4153-38 à R.4153-48 ;"
        )
        education = (
            "Vu le code de l'éducation, notamment ses articles L.124-1 à L.124-20, L.331-4, "
            "L.331-5, L.335-2, L.421-7, L.911-4, D.124-1 à D.124-9 et D.331-15 ;"
        )
    else:
        work = (
            "Vu le code du travail, notamment ses articles L.4153-1 à L.4153-3 et D.4153-15 à "
            "D.4153-37 ;"
        )
        extra = {"observation_college": ", D.332-14", "observation_seconde": ", D.333-3-1"}
        education = (
            "Vu le code de l'éducation, notamment ses articles L.124-1, L.134-9, L.313-1, "
            "L.331-4, L.331-5, L.332-3, L.335-2, L.411-3, L.421-7, L.911-4, D.331-1 à D.331-15"
            f"{extra.get(internship_type, '')} ;"
        )
    visas = [
        work,
        education,
        "Vu le code civil, notamment ses articles 1240 à 1242 ;",
        "Vu la circulaire n° 96-248 du 25 octobre 1996 relative à la surveillance des élèves ;",
    ]
    if internship_type != "pfmp":
        visas.append(
            "Vu la circulaire du 13 juin 2023 relative aux sorties et voyages scolaires au "
            "collège et au lycée ;"
        )
    circulars = {
        "observation_college": (
            "Vu la circulaire MENE2407449C du 12 juillet 2024 relative aux séquences "
            "d'observation, visites d'information et stages des élèves de collège ;"
        ),
        "observation_seconde": (
            "Vu la circulaire MENE2400643C du 28 mars 2024 relative à la séquence d'observation "
            "en milieu professionnel des élèves de seconde générale et technologique ;"
        ),
        "pfmp": (
            "Vu la circulaire n° 2016-053 du 29 mars 2016 relative à l'organisation et à "
            "l'accompagnement des périodes de formation en milieu professionnel ;"
        ),
    }
    if internship_type in circulars:
        visas.append(circulars[internship_type])
    approval = school.get("board_approval_date")
    if approval:
        visas.append(
            f"Vu la délibération du conseil d'administration de l'établissement du "
            f"{format_date_fr(approval)} approuvant la convention type et autorisant le chef "
            "d'établissement à conclure toute convention conforme à celle-ci ;"
        )
    return visas
