"""What a signer agrees to, read back: each kind's summary from its example, in plain French."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from signing.data.validate import validate_document
from signing.i18n import FRENCH
from signing.kinds import Kind
from signing.vocabulary import Role


def _summary(kind: Kind, role: Role, **changes: Any) -> dict[str, list[str]]:
    body = kind.spec.example
    body["data"].update(changes)
    data = validate_document(kind.value, body["data"], today=date(2026, 12, 1)).data
    return {s.title: list(s.lines) for s in kind.spec.summary(data, role)}


def test_dates_read_as_a_family_writes_them_in_a_diary() -> None:
    assert FRENCH.day("2027-01-04") == "lundi 4 janvier 2027"
    assert FRENCH.day(date(2027, 2, 1)) == "lundi 1er février 2027"


def test_a_guardian_of_an_intern_reads_dates_hours_place_tutor_and_conditions() -> None:
    summary = _summary(Kind.CONVENTION, Role.GUARDIAN)
    assert summary["Ce que vous signez"] == [
        "En signant, vous donnez votre accord pour que Zoé fasse ce stage dans ces conditions."
    ]
    assert summary["Les dates et les horaires"] == [
        "Zoé est en stage du mercredi 6 janvier 2027 au vendredi 26 mars 2027.",
        "Mercredi : de 8 h 30 à 12 h et de 13 h à 16 h 30 (7 h).",
        "Vendredi : de 8 h 30 à 12 h et de 13 h à 16 h 30 (7 h).",
        "Soit 14 h par semaine.",
    ]
    place = summary["Le lieu et le tuteur"]
    assert "Lieu du stage : Chantier du quai de la Fosse, 44000 Nantes." in place
    assert "Tuteur : Marc Le Goff, Chef d'équipe. Téléphone : 06 00 00 00 01." in place
    assert "Enseignant référent : Paul Garnier. Téléphone : 02 40 00 00 01." in place
    conditions = summary["Les conditions"]
    assert "Repas : Repas pris sur place, à la charge de la famille." in conditions
    assert "Transport : Trajets domicile – lieu de stage en transports en commun." in conditions
    assert "Gratification : aucune n'est prévue par la convention." in conditions
    assert summary["Le suivi"] == [
        "Une visite de l'enseignant référent sur le lieu de stage est prévue le "
        "mercredi 3 février 2027."
    ]


def test_a_gratification_is_said_as_the_convention_gives_it() -> None:
    summary = _summary(
        Kind.CONVENTION, Role.PUPIL, gratification="4,35 € de l'heure, versés chaque mois"
    )
    assert "Gratification : 4,35 € de l'heure, versés chaque mois." in summary["Les conditions"]


@pytest.mark.parametrize(
    ("role", "lead"),
    [
        (Role.HOST_TUTOR, "En signant, vous acceptez d'encadrer Zoé chez Dupont & Fils"),
        (Role.HOST_REPRESENTATIVE, "En signant, vous engagez Dupont & Fils Électricité"),
        (Role.PUPIL, "En signant, vous acceptez de faire ce stage"),
    ],
)
def test_each_party_of_a_convention_reads_what_its_own_signature_means(
    role: Role, lead: str
) -> None:
    assert _summary(Kind.CONVENTION, role)["Ce que vous signez"][0].startswith(lead)


def test_a_representative_who_is_also_the_tutor_reads_both_parts() -> None:
    body = Kind.CONVENTION.spec.example
    body["data"]["host"]["tutor_is_representative"] = True
    body["data"]["host"].pop("tutor")
    data = validate_document("convention", body["data"], today=date(2026, 12, 1)).data
    summary = {
        s.title: s.lines for s in Kind.CONVENTION.spec.summary(data, Role.HOST_REPRESENTATIVE)
    }
    assert summary["Ce que vous signez"][0].endswith(", et vous l'encadrez comme tuteur.")
    assert (
        "Tuteur : Hélène Dupont, Gérante. Téléphone : 02 51 00 00 00."
        in summary["Le lieu et le tuteur"]
    )


def test_a_contract_gives_objectives_deadlines_reviews_and_the_referent() -> None:
    summary = _summary(Kind.PARCOURS, Role.PUPIL)
    assert summary["Les objectifs"][0] == (
        "1. Retrouver une assiduité régulière, au plus tard le vendredi 26 février 2027."
    )
    assert summary["Les objectifs"][2] == (
        "2. Construire un projet d'orientation, au plus tard le vendredi 28 mai 2027."
    )
    assert summary["Les bilans"] == [
        "Bilans prévus : lundi 1er février 2027 et mardi 6 avril 2027.",
        "Bilan final : mardi 22 juin 2027.",
    ]
    assert summary["Le référent"] == [
        "Claire Dubois (CPE) suit le parcours. Téléphone : 02 40 00 00 00."
    ]
    assert summary["Vos engagements"][0] == (
        "Être présente aux cours et au stage prévus à l'emploi du temps."
    )


def test_a_guardian_of_a_contract_reads_the_familys_commitments_first() -> None:
    titles = list(_summary(Kind.PARCOURS, Role.GUARDIAN))
    assert "Vos engagements" not in titles
    assert titles.index("Les engagements de votre famille") < titles.index(
        "Les engagements de l'élève"
    )


def test_a_review_gives_its_assessments_and_its_decision() -> None:
    summary = _summary(Kind.REVIEW, Role.GUARDIAN)
    assert summary["Le bilan"][0] == (
        "Bilan intermédiaire du lundi 1er février 2027, pour le parcours de Zoé du lundi "
        "4 janvier 2027 au vendredi 25 juin 2027."
    )
    assert summary["Les objectifs"] == [
        "1. Retrouver une assiduité régulière : atteint.",
        "Une seule demi-journée d'absence non justifiée en novembre.",
        "2. Construire un projet d'orientation : partiellement atteint.",
        "Un entretien avec la psychologue de l'Éducation nationale ; le stage reste à trouver.",
    ]
    assert summary["La décision"] == ["Décision : Poursuivre le parcours."]


@pytest.mark.parametrize("kind", list(Kind))
def test_every_kind_has_a_summary_for_every_signer(kind: Kind) -> None:
    for role in kind.spec.signing_order:
        summary = _summary(kind, role)
        assert summary, role
        assert all(line and line[-1] in ".!?…" for lines in summary.values() for line in lines)


def test_a_final_review_that_ends_the_pathway_says_when_and_how() -> None:
    summary = _summary(
        Kind.REVIEW,
        Role.PUPIL,
        review_type="final",
        decision="end",
        early_end_date="2027-03-01",
        outcome="apprenticeship",
    )
    assert summary["La décision"] == [
        "Décision : Mettre fin au parcours.",
        "Fin anticipée du parcours : lundi 1er mars 2027.",
        "Issue du parcours : Apprentissage.",
    ]
