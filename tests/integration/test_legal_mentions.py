"""Each sub-type of convention, for a pupil under 16, of 16–17 and of age, rendered to a real PDF
by LibreOffice: the regime the law gives it (its title, its visas, its articles), every mention
that regime requires found in the PDF's text, nothing of the other regime, and its signers.

The mentions are listed here from the texts (D.124-4 1° to 15°, L.124-7, CSS L.412-8, circ.
96-248, C. civ. 1366, RGPD art. 13), not read from ``clauses.toml``: dropping or conditioning out a
clause there makes this fail.
"""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pytest
from docx import Document
from pdftools import headings_of, last_lines
from pypdf import PdfReader

from signing.data.validate import validate_document, validate_school
from signing.pdf.anchors import find_anchors
from signing.pdf.render import render_docx

pytestmark = pytest.mark.libreoffice

TODAY = date(2026, 11, 28)
UNDER_16, AGED_16, ADULT = "2011-06-01", "2010-05-14", "2007-01-01"
FULL_DAY = ["08:30-12:00", "13:00-16:30"]
WEEK = dict.fromkeys(("monday", "tuesday", "wednesday", "thursday", "friday"), FULL_DAY)

EVERY_DOCUMENT = {
    "the host's internal rules": "règlement intérieur de l'organisme d'accueil",
    "the host's insurance and its attestation": "en tient l'attestation à la disposition",
    "the family's insurance attestation": "une attestation en est remise à l'établissement",
    "the pupil's travel (circ. 96-248)": "assimilé au trajet habituel entre le domicile",
    "the accident declared the same day": "déclaration d'accident le jour même",
    "the school's phone in the accident clause": "tél. 02 40 00 00 10",
    "the proof clause (C. civ. 1366-1368)": "font preuve entre elles du contenu du document",
    "the electronic writing's value": "même valeur probante qu'un écrit sur support papier",
    "RGPD: the controller": "responsable du traitement",
    "RGPD: the legal basis": "mission d'intérêt public",
    "RGPD: the data-protection officer": "délégué à la protection des données de l'académie",
    "RGPD: the recipients": "ne sont accessibles qu'aux signataires du document",
    "RGPD: the retention": "durée d'utilité administrative",
    "RGPD: the rights, objection included": "de limitation et d'opposition",
    "RGPD: the complaint to the CNIL": "réclamation auprès de la Commission nationale",
    "the school's board approval": "délibération du conseil d'administration",
    "the age's reference day": "premier jour de la période",
}

STAGE_MENTIONS = {
    "D.124-4 1°: the course and its annual hours": "volume horaire annuel",
    "D.124-4 2°: the referent and the tutor": "par son tuteur, Marc Le Goff",
    "D.124-4 3°: the competences": "Compétences visées",
    "D.124-4 4°: the activities": "Activités prévues",
    "D.124-4 5°: the dates and the total presence": "jours de présence",
    "D.124-4 6°: no night, Sunday or holiday": "ni la nuit, ni le dimanche, ni un jour férié",
    "D.124-4 7°: the supervision and the visit": "une visite de l'enseignant référent",
    "D.124-4 8°: the gratification": "gratification",
    "D.124-4 9°: the accident-at-work regime (CSS L.412-8 2°)": "L.412-8, 2°",
    "D.124-4 10°: absences and leave": "congés et d'autorisations d'absence",
    "D.124-4 11°: suspension and termination": "peut suspendre la période",
    "D.124-4 12°: validation if interrupted": "Si la période est interrompue",
    "D.124-4 13°: the benefits": "titres-restaurant",
    "D.124-4 14°: the internal rules": "clauses du règlement intérieur",
    "D.124-4 15°: the attestation de stage": "attestation de stage",
    "L.124-7: no permanent post": "poste de travail permanent",
    "L.124-7: no seasonal job": "emploi saisonnier",
    "L.124-7: no replacement": "remplacer un salarié",
    "L.124-14: the host's working time": "durée de travail des salariés",
    "the L.124 visas": "L.124-1 à L.124-20",
}

OBSERVATION_MENTIONS = {
    "the official title": "séquence d'observation en milieu professionnel",
    "D.331-7: no work": "n'a pas à concourir au travail",
    "D.331-9: no light work": "ni effectuer les travaux légers",
    "no pay (convention types, art. 4)": "aucune rémunération ou gratification",
    "the annex's objectives": "Objectifs de la séquence d'observation",
    "the observation visas": "D.331-1 à D.331-9",
}

NOT_IN_OBSERVATION = ("L.124-6", "attestation de stage", "L.412-8", "poste de travail permanent")
NOT_IN_STAGE = ("n'a pas à concourir au travail", "travaux légers", "Objectifs de la séquence")


@pytest.fixture
def school_data(school: dict[str, Any]) -> dict[str, Any]:
    return validate_school(school)


def _observation(data: dict[str, Any], internship_type: str) -> None:
    data["internship_type"] = internship_type
    data["schedule"] = WEEK
    if internship_type == "observation_college":
        data.update(start_date="2027-01-11", end_date="2027-01-15", site_visit_date="2027-01-13")
        data["pupil"]["class_name"] = "3e B"
    else:
        data.update(start_date="2027-06-14", end_date="2027-06-25", site_visit_date="2027-06-16")
        data["pupil"]["class_name"] = "2nde 4"


CASES = [
    # (internship type, birth date, regime, its title, its own mentions, what it never says)
    ("observation_college", UNDER_16, "observation", OBSERVATION_MENTIONS, NOT_IN_OBSERVATION),
    ("observation_seconde", AGED_16, "observation", OBSERVATION_MENTIONS, NOT_IN_OBSERVATION),
    ("stage_parcours", UNDER_16, "observation", OBSERVATION_MENTIONS, NOT_IN_OBSERVATION),
    ("stage_parcours", AGED_16, "stage", STAGE_MENTIONS, NOT_IN_STAGE),
    ("stage_parcours", ADULT, "stage", STAGE_MENTIONS, NOT_IN_STAGE),
    ("pfmp", UNDER_16, "pfmp", STAGE_MENTIONS, NOT_IN_STAGE),
    ("pfmp", AGED_16, "pfmp", STAGE_MENTIONS, NOT_IN_STAGE),
    ("pfmp", ADULT, "pfmp", STAGE_MENTIONS, NOT_IN_STAGE),
]

TITLES = {
    "observation": "Convention relative à l'organisation d'une séquence d'observation en milieu",
    "stage": "Convention de stage",
    "pfmp": "Convention relative à l'organisation d'une période de formation en milieu",
}


def _data(make_request: Any, internship_type: str, birth: str) -> dict[str, Any]:
    data: dict[str, Any] = make_request("convention")["data"]
    data["pupil"]["birth_date"] = birth
    if internship_type.startswith("observation"):
        _observation(data, internship_type)
    else:
        data["internship_type"] = internship_type
    if internship_type == "pfmp":
        data.update(diploma="Bac pro MELEC", course_hours=950)
    return validate_document("convention", data, today=TODAY).data


_RUNNING = re.compile(r"^(Convention|Lycée professionnel Michelet – UAI).*$", re.MULTILINE)


def _pdf_text(pdf: bytes) -> str:
    """The PDF's text, its running headers and footers left out and its lines joined, so a
    phrase reads whole across a line or a page break."""
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    body = "\n".join(_RUNNING.sub("", page) for page in pages)
    return " ".join(body.split())


@pytest.mark.parametrize(
    ("internship_type", "birth", "regime", "mentions", "absent"),
    CASES,
    ids=[f"{c[0]}-{c[1][:4]}" for c in CASES],
)
def test_each_sub_type_prints_its_regime_and_every_mention(
    internship_type, birth, regime, mentions, absent, make_request, school_data, converter
):
    data = _data(make_request, internship_type, birth)

    docx = render_docx("convention", data, school_data, on=TODAY)
    pdf = converter.convert(docx)

    text = _pdf_text(pdf)
    orphans = [line for line in last_lines(pdf) if line in headings_of(docx)]
    assert not orphans, f"a heading ends its page, its text on the next: {orphans}"
    first_page = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert TITLES[regime] in first_page
    missing = {
        why: phrase for why, phrase in (EVERY_DOCUMENT | mentions).items() if phrase not in text
    }
    assert not missing, f"{internship_type}, born {birth}: missing {missing}"
    mixed = [phrase for phrase in absent if phrase in text]
    assert not mixed, f"{internship_type}, born {birth}: another regime's text {mixed}"
    guardian_signs = birth != ADULT
    signers = {"sig-head", "sig-host-representative", "sig-pupil", "sig-referent", "sig-host-tutor"}
    assert set(find_anchors(pdf)) == signers | ({"sig-guardian-0"} if guardian_signs else set())
    assert ("avec l'accord de son ou de ses représentants légaux" in text) is guardian_signs


def test_the_box_of_limits_and_the_hour_checks_judge_the_same_age(make_request, school_data):
    """15 when the document is issued, 16 on the first day: the box prints the limits of 16,
    the ones the schedule was checked against (8 h a day, no presence after 22 h)."""
    data = make_request("convention")["data"]
    data["pupil"]["birth_date"] = "2010-12-15"  # 16 on 15 December 2026, before the start
    data["schedule"] = {"monday": ["08:00-12:00", "13:00-17:00"]}  # 8 h: allowed at 16 only
    data = validate_document("convention", data, today=TODAY).data

    docx = render_docx("convention", data, school_data, on=TODAY)

    document = Document(io.BytesIO(docx))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    text = "\n".join([p.text for p in document.paragraphs] + cells)
    assert "16 ans au 6 janvier 2027, premier jour de la période" in text
    assert "8 heures par jour" in text
    assert "entre 22 h et 6 h" in text
    assert "7 heures par jour" not in text


def test_a_tutor_who_is_the_representative_has_one_signature_that_says_so(
    make_request, school_data, converter
):
    data = make_request("convention")["data"]
    data["host"]["tutor_is_representative"] = True
    del data["host"]["tutor"]
    data = validate_document("convention", data, today=TODAY).data

    pdf = converter.convert(render_docx("convention", data, school_data, on=TODAY))
    text = _pdf_text(pdf)

    assert "sig-host-tutor" not in find_anchors(pdf)
    assert "sig-host-representative" in find_anchors(pdf)
    assert "Gérante, Dupont & Fils Électricité, signe aussi en qualité de tuteur" in text
    assert "par son tuteur, Hélène Dupont, qui est aussi le représentant" in text
    assert "la signe à ce double titre" in text
