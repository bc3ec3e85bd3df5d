"""What a signer of a convention de stage agrees to, in plain French (`signing.kinds.summary`):
the period, the days and hours, the place, the tutor, the material conditions, the visit."""

from __future__ import annotations

from signing.data.french import DAYS, day_minutes, format_duration_fr, parse_range, weekly_minutes
from signing.data.french import format_time_fr as time_fr
from signing.kinds.summary import (
    Data,
    Section,
    day_fr,
    guardian_lead,
    join_fr,
    name_of,
    period,
    phrase,
    section,
    sections,
)
from signing.vocabulary import Role


def _is_tutor(data: Data) -> bool:
    """The host's representative is also the tutor (the usual artisan)."""
    return data["host"].get("tutor_is_representative") is True


def _lead(data: Data, role: Role) -> str | None:
    """What this signer's signature means, as the convention's signatories clause says it."""
    host = data["host"]["name"]
    first_name = data["pupil"]["first_name"]
    leads = {
        Role.PUPIL: "En signant, vous acceptez de faire ce stage dans les conditions ci-dessous.",
        Role.HOST_REPRESENTATIVE: (
            f"En signant, vous engagez {host} à accueillir {first_name} dans les conditions "
            "ci-dessous" + (", et vous l'encadrez comme tuteur." if _is_tutor(data) else ".")
        ),
        Role.HOST_TUTOR: (
            f"En signant, vous acceptez d'encadrer {first_name} chez {host}, comme tuteur."
        ),
        Role.REFERENT: (
            f"En signant, vous acceptez de suivre le stage de {first_name} pour "
            "l'établissement, comme enseignant référent."
        ),
        Role.HEAD: "En signant, vous engagez l'établissement.",
    }
    return leads.get(role) or guardian_lead(role, data, "fasse ce stage dans ces conditions")


def _days(schedule: Data) -> list[str]:
    """« Mercredi : de 8 h 30 à 12 h et de 13 h à 16 h 30 (7 h). », one line per day worked."""
    lines = []
    for key, label in DAYS:
        ranges = list(schedule.get(key) or ())
        if not ranges:
            continue
        spans = [f"de {time_fr(start)} à {time_fr(end)}" for start, end in map(parse_range, ranges)]
        total = format_duration_fr(day_minutes(ranges))
        lines.append(f"{label} : {join_fr(spans)} ({total}).")
    return lines


def _phone(person: Data) -> str:
    return f" Téléphone : {person['phone']}." if person.get("phone") else ""


def _place(data: Data) -> Section | None:
    host = data["host"]
    where = host.get("internship_address") or host.get("address")
    tutor, referent = host["tutor"], data.get("referent") or {}
    function = f", {tutor['function']}" if tutor.get("function") else ""
    return section(
        "Le lieu et le tuteur",
        (
            f"Organisme d'accueil : {host['name']}.",
            f"Lieu du stage : {where}." if where else None,
            f"Tuteur : {name_of(tutor)}{function}.{_phone(tutor)}",
            f"Enseignant référent : {name_of(referent)}.{_phone(referent)}",
        ),
    )


_CONDITIONS = {
    "meals": "Repas",
    "transport": "Transport",
    "lodging": "Hébergement",
    "gratification": "Gratification",
    "benefits": "Autres avantages",
}


def _conditions(data: Data) -> Section | None:
    said = {key: phrase(data.get(key)) for key in _CONDITIONS}
    said["gratification"] = said["gratification"] or "aucune n'est prévue par la convention."
    lines = [f"{label} : {said[key]}" for key, label in _CONDITIONS.items() if said[key]]
    return section("Les conditions", lines)


def convention_summary(data: Data, role: Role) -> tuple[Section, ...]:
    """The summary of a convention de stage for a signer of `role`."""
    schedule = data.get("schedule") or {}
    first_name = data["pupil"]["first_name"]
    visit = data.get("site_visit_date")
    return sections(
        section("Ce que vous signez", (_lead(data, role),)),
        section(
            "Les dates et les horaires",
            (
                f"{first_name} est en stage {period(data)}.",
                *_days(schedule),
                f"Soit {format_duration_fr(weekly_minutes(schedule))} par semaine.",
            ),
        ),
        _place(data),
        section("Les activités", (phrase(data.get("activities")),)),
        _conditions(data),
        section(
            "Le suivi",
            (
                f"Une visite de l'enseignant référent sur le lieu de stage est prévue le "
                f"{day_fr(visit)}."
                if visit
                else None,
            ),
        ),
    )
