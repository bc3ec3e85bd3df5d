"""What a signer of a contrat de parcours agrees to, in plain words (`signing.kinds.summary`):
the period, the objectives and their deadlines, the reviews, the referent, and the commitments
of the party the signer belongs to."""

from __future__ import annotations

from collections.abc import Sequence

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

_COMMITTED = {Role.PUPIL: "pupil", Role.GUARDIAN: "family"}
"""Whose commitments a signer takes on, by role; the school's are everyone's to read."""


def _lead(data: Data, role: Role, words: Words) -> str | None:
    tr, name = words.tr, first_name(data)
    leads = {
        Role.PUPIL: tr("En signant, vous acceptez ce parcours, ses objectifs et vos engagements."),
        Role.GUARDIAN: tr(
            "En signant, vous donnez votre accord pour que {first_name} suive ce parcours, et "
            "vous prenez les engagements de la famille."
        ).format(first_name=name),
        Role.REFERENT: tr(
            "En signant, vous acceptez de suivre le parcours de {first_name} comme référent."
        ).format(first_name=name),
        Role.HEAD: head_lead(words),
    }
    return leads.get(role)


def _objectives(objectives: Sequence[Data], words: Words) -> Section | None:
    lines = []
    for number, objective in enumerate(objectives, start=1):
        deadline = objective.get("deadline")
        line = (
            words.tr("{number}. {label}, au plus tard le {day}.")
            if deadline
            else words.tr("{number}. {label}.")
        )
        day = words.day(deadline) if deadline else ""
        lines.append(line.format(number=number, label=objective["label"], day=day))
        indicator = phrase(objective.get("indicator"))
        if indicator:
            lines.append(
                words.tr("Comment on le vérifie : {indicator}").format(indicator=indicator)
            )
    return section(words.tr("Les objectifs"), lines)


def _reviews(data: Data, words: Words) -> Section | None:
    reviews = [words.day(day) for day in data.get("reviews") or ()]
    final = data.get("final_review")
    return section(
        words.tr("Les bilans"),
        (
            words.tr("Bilans prévus : {days}.").format(days=words.join(reviews))
            if reviews
            else None,
            words.tr("Bilan final : {day}.").format(day=words.day(final)) if final else None,
        ),
    )


def _commitments(data: Data, role: Role, words: Words) -> tuple[Section | None, ...]:
    commitments = data.get("commitments") or {}
    own = _COMMITTED.get(role)
    titles = {
        "pupil": words.tr("Les engagements de l'élève"),
        "family": words.tr("Les engagements de la famille"),
        "school": words.tr("Les engagements de l'établissement"),
    }
    if own is not None:
        titles[own] = (
            words.tr("Vos engagements")
            if own == "pupil"
            else words.tr("Les engagements de votre famille")
        )
    order = [own] if own else []
    order += [key for key in ("pupil", "family", "school") if key != own]
    return tuple(
        section(titles[key], [phrase(item) for item in commitments.get(key) or ()]) for key in order
    )


def _internships(data: Data, words: Words) -> Section | None:
    stage = words.tr("Stage chez {host} du {start} au {end}, avec sa propre convention de stage.")
    return section(
        words.tr("Le stage"),
        [
            stage.format(
                host=item["host_name"],
                start=words.day(item["start_date"]),
                end=words.day(item["end_date"]),
            )
            for item in data.get("internships") or ()
        ]
        or (
            [words.tr("Le parcours comprend un stage, qui a sa propre convention de stage.")]
            if data.get("includes_internship")
            else []
        ),
    )


def _referent(data: Data, words: Words) -> str:
    referent = data.get("referent") or {}
    function = f" ({referent['function']})" if referent.get("function") else ""
    line = words.tr("{name} suit le parcours.").format(name=f"{name_of(referent)}{function}")
    if referent.get("phone"):
        line += " " + words.tr("Téléphone : {phone}.").format(phone=referent["phone"])
    return line


def parcours_summary(data: Data, role: Role, words: Words = FRENCH) -> tuple[Section, ...]:
    """The summary of a contrat de parcours for a signer of `role`, in `words`' language."""
    schedule = phrase(data.get("schedule"))
    return sections(
        section(words.tr("Ce que vous signez"), (_lead(data, role, words),)),
        section(
            words.tr("Le parcours"),
            (
                words.tr("{first_name} suit ce parcours {period}.").format(
                    first_name=first_name(data), period=period(data, words)
                ),
                words.tr("Emploi du temps : {schedule}").format(schedule=schedule)
                if schedule
                else None,
            ),
        ),
        _objectives(data.get("objectives") or (), words),
        _reviews(data, words),
        section(words.tr("Le référent"), (_referent(data, words),)),
        *_commitments(data, role, words),
        _internships(data, words),
    )
