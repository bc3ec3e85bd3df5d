"""What a signer of a convention de stage agrees to, in plain words (`signing.kinds.summary`):
the period, the days and hours, the place, the tutor, the material conditions, the visit."""

from __future__ import annotations

from signing.data.french import DAYS, day_minutes, parse_range, weekly_minutes
from signing.i18n import FRENCH, Words
from signing.kinds.summary import (
    Data,
    Section,
    first_name,
    head_lead,
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


def _lead(data: Data, role: Role, words: Words) -> str | None:
    """What this signer's signature means, as the convention's signatories clause says it."""
    tr = words.tr
    names = {"host": data["host"]["name"], "first_name": first_name(data)}
    representative = (
        tr(
            "En signant, vous engagez {host} à accueillir {first_name} dans les conditions "
            "ci-dessous, et vous l'encadrez comme tuteur."
        )
        if _is_tutor(data)
        else tr(
            "En signant, vous engagez {host} à accueillir {first_name} dans les conditions "
            "ci-dessous."
        )
    )
    leads = {
        Role.PUPIL: tr(
            "En signant, vous acceptez de faire ce stage dans les conditions ci-dessous."
        ),
        Role.GUARDIAN: tr(
            "En signant, vous donnez votre accord pour que {first_name} fasse ce stage dans ces "
            "conditions."
        ),
        Role.HOST_REPRESENTATIVE: representative,
        Role.HOST_TUTOR: tr(
            "En signant, vous acceptez d'encadrer {first_name} chez {host}, comme tuteur."
        ),
        Role.REFERENT: tr(
            "En signant, vous acceptez de suivre le stage de {first_name} pour "
            "l'établissement, comme enseignant référent."
        ),
        Role.HEAD: head_lead(words),
    }
    lead = leads.get(role)
    return lead.format(**names) if lead else None


def _days(schedule: Data, words: Words) -> list[str]:
    """« Mercredi : de 8 h 30 à 12 h et de 13 h à 16 h 30 (7 h). », one line per day worked."""
    lines = []
    for number, (key, _label) in enumerate(DAYS):
        ranges = list(schedule.get(key) or ())
        if not ranges:
            continue
        span = words.tr("de {start} à {end}")
        spans = [
            span.format(start=words.time(start), end=words.time(end))
            for start, end in map(parse_range, ranges)
        ]
        lines.append(
            words.tr("{day} : {spans} ({total}).").format(
                day=words.weekday(number),
                spans=words.join(spans),
                total=words.duration(day_minutes(ranges)),
            )
        )
    return lines


def _phone(person: Data, words: Words) -> str:
    if not person.get("phone"):
        return ""
    return " " + words.tr("Téléphone : {phone}.").format(phone=person["phone"])


def _place(data: Data, words: Words) -> Section | None:
    host, tr = data["host"], words.tr
    where = host.get("internship_address") or host.get("address")
    tutor, referent = host["tutor"], data.get("referent") or {}
    function = f", {tutor['function']}" if tutor.get("function") else ""
    return section(
        tr("Le lieu et le tuteur"),
        (
            tr("Organisme d'accueil : {host}.").format(host=host["name"]),
            tr("Lieu du stage : {place}.").format(place=where) if where else None,
            tr("Tuteur : {name}.").format(name=f"{name_of(tutor)}{function}")
            + _phone(tutor, words),
            tr("Enseignant référent : {name}.").format(name=name_of(referent))
            + _phone(referent, words),
        ),
    )


def _conditions(data: Data, words: Words) -> Section | None:
    tr = words.tr
    labels = {
        "meals": tr("Repas"),
        "transport": tr("Transport"),
        "lodging": tr("Hébergement"),
        "gratification": tr("Gratification"),
        "benefits": tr("Autres avantages"),
    }
    said = {key: phrase(data.get(key)) for key in labels}
    said["gratification"] = said["gratification"] or tr("aucune n'est prévue par la convention.")
    line = tr("{label} : {text}")
    lines = [line.format(label=label, text=said[key]) for key, label in labels.items() if said[key]]
    return section(tr("Les conditions"), lines)


def convention_summary(data: Data, role: Role, words: Words = FRENCH) -> tuple[Section, ...]:
    """The summary of a convention de stage for a signer of `role`, in `words`' language."""
    schedule, tr = data.get("schedule") or {}, words.tr
    visit = data.get("site_visit_date")
    return sections(
        section(tr("Ce que vous signez"), (_lead(data, role, words),)),
        section(
            tr("Les dates et les horaires"),
            (
                tr("{first_name} est en stage {period}.").format(
                    first_name=first_name(data), period=period(data, words)
                ),
                *_days(schedule, words),
                tr("Soit {total} par semaine.").format(
                    total=words.duration(weekly_minutes(schedule))
                ),
            ),
        ),
        _place(data, words),
        section(tr("Les activités"), (phrase(data.get("activities")),)),
        _conditions(data, words),
        section(
            tr("Le suivi"),
            (
                tr(
                    "Une visite de l'enseignant référent sur le lieu de stage est prévue le {day}."
                ).format(day=words.day(visit))
                if visit
                else None,
            ),
        ),
    )
