"""Filling the DOCX templates: real templates in, real DOCX out, read back with python-docx."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import date
from typing import Any

import pytest
from docx import Document
from pypdf import PdfReader

from signing.data.french import (
    format_date_fr,
    format_duration_fr,
    format_time_fr,
    presence_days,
    schedule_rows,
)
from signing.data.schema import WEEKDAYS
from signing.data.territory import METROPOLE, territory_of
from signing.data.validate import validate_document, validate_school
from signing.errors import RenderError, UnknownKind
from signing.kinds import Kind, spec_of
from signing.kinds.info import SIGNERS_PER_PAGE, signer_pages
from signing.pdf.anchors import find_anchors
from signing.pdf.render import render_docx

KINDS = list(Kind)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HOSTILE_NAME = 'Zoé & <Lou> "O\'Brien"'
NFD_NAME = unicodedata.normalize("NFD", "Hélène")


@pytest.fixture
def make_data(make_request, today):
    """Validated, normalised data of a kind, as `render_docx` receives it."""

    def make(kind: str, **options: Any) -> dict[str, Any]:
        return validate_document(kind, make_request(kind, **options)["data"], today=today).data

    return make


@pytest.fixture
def school_data(school) -> dict[str, Any]:
    return validate_school(school)


def _texts(docx: bytes) -> list[str]:
    """Every paragraph of the body, table cells included, as python-docx reads them."""
    document = Document(io.BytesIO(docx))
    found = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                found.extend(p.text for p in cell.paragraphs)
    return found


def _text(docx: bytes) -> str:
    return "\n".join(_texts(docx))


def _anchors(docx: bytes) -> list[str]:
    """The signers' bookmarks, in the document's order."""
    body = Document(io.BytesIO(docx)).element.body
    names = (mark.get(f"{W}name") for mark in body.iter(f"{W}bookmarkStart"))
    return [name for name in names if name and name.startswith("sig-")]


def _plan_anchors(kind: str, data: dict[str, Any], school: dict[str, Any], on: date) -> set[str]:
    return {party.anchor for party in spec_of(kind).plan(data, school, on).parties}


# -- content ----------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_renders_a_docx_with_the_pupil_and_french_dates(kind, make_data, school_data, today):
    docx = render_docx(kind, make_data(kind), school_data, on=today)

    text = _text(docx)
    assert "Zoé Martin-Lefèvre" in text
    start = make_data(kind)["start_date"]
    assert f"14 mai 2010 (16 ans au {format_date_fr(start)}, premier jour de la période)" in text
    assert "Lycée professionnel Michelet" in text
    assert "2010-05-14" not in text


def test_parcours_shows_objectives_reviews_and_commitments(make_data, school_data, today):
    docx = render_docx("parcours", make_data("parcours"), school_data, on=today)

    text = _text(docx)
    assert "Retrouver une assiduité régulière" in text
    assert "Moins de 2 demi-journées d'absence non justifiée par mois" in text
    assert "26 février 2027" in text
    assert "Bilan intermédiaire n°\u00a01\u00a0: 1er février 2027" in text
    assert "Bilan final\u00a0: 22 juin 2027" in text
    assert "Permettre le retour dans la classe d'origine sans pénalité" in text
    assert "Parcours individualisé" in text
    assert "L'élève conserve son statut scolaire" in text


def test_convention_shows_the_schedule_host_and_duration(make_data, school_data, today):
    docx = render_docx("convention", make_data("convention"), school_data, on=today)

    document = Document(io.BytesIO(docx))
    schedule = next(t for t in document.tables if t.rows[0].cells[0].text == "Jour")
    rows = [[cell.text for cell in row.cells] for row in schedule.rows]
    assert rows[1:] == [
        ["Lundi", "Pas de présence", "—"],
        ["Mardi", "Pas de présence", "—"],
        ["Mercredi", "8 h 30 – 12 h et 13 h – 16 h 30", "7 h"],
        ["Jeudi", "Pas de présence", "—"],
        ["Vendredi", "8 h 30 – 12 h et 13 h – 16 h 30", "7 h"],
        ["Samedi", "Pas de présence", "—"],
        ["Total hebdomadaire", "", "14 h"],
    ]
    text = _text(docx)
    assert "Dupont & Fils Électricité" in text
    assert "123 456 782 00010" in text
    assert "24 jours de présence (168 h)" in text
    assert "Stage dans le cadre d'un parcours individualisé" in text
    assert "Repères réglementaires (élève de moins de 18 ans)" in text


def test_an_observation_convention_excludes_any_pay(make_data, school_data, today):
    data = make_data("convention")
    data["internship_type"] = "observation_college"

    text = _text(render_docx("convention", data, school_data, on=today))

    assert "ne peut prétendre à aucune rémunération ou gratification" in text
    assert "D.332-14" in text


def test_a_pfmp_convention_shows_diploma_and_gratification(make_data, school_data, today):
    data = make_data("convention")
    data.update(
        internship_type="pfmp",
        diploma="Baccalauréat professionnel MELEC",
        gratification="4,35 € par heure de présence, versés chaque mois",
        parcours_id="42",
    )

    text = _text(render_docx("convention", data, school_data, on=today))

    assert "Baccalauréat professionnel MELEC" in text
    assert "4,35 € par heure de présence, versés chaque mois" in text
    assert "Contrat de parcours individualisé associé\u00a0: n°\u00a042" in text
    assert "ne peut prétendre à aucune rémunération" not in text


# -- hostile text -----------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_text_from_users_comes_out_literally(kind, make_data, school_data, today):
    data = make_data(kind)
    data["pupil"]["first_name"] = HOSTILE_NAME
    data["pupil"]["last_name"] = "{{ config }}"
    data["pupil"]["class_name"] = "{% raw %}2nde{% endraw %} 😀"
    data["guardians"][0]["first_name"] = NFD_NAME
    data["referent"]["last_name"] = "{{ 7 * 7 }}"
    # The kind's first long text of its own: typed by the staff, printed a paragraph a line.
    longtext = next(f.name for f in spec_of(kind).schema.children("") if f.type == "longtext")
    data[longtext] = "Première ligne\nSeconde ligne & <fin>"

    docx = render_docx(kind, data, school_data, on=today)

    texts = _texts(docx)
    text = "\n".join(texts)
    assert f"{HOSTILE_NAME} {{{{ config }}}}" in text
    assert "{% raw %}2nde{% endraw %} 😀" in text
    assert NFD_NAME in text
    assert f"{data['referent']['first_name']} {{{{ 7 * 7 }}}}" in text
    assert f"{data['referent']['first_name']} 49" not in text
    first = texts.index("Première ligne")
    assert texts[first + 1] == "Seconde ligne & <fin>"


@pytest.mark.parametrize("kind", KINDS)
def test_control_characters_cannot_break_the_document(kind, make_data, school_data, today):
    data = make_data(kind)
    data["pupil"]["last_name"] = "Mar\x00tin\x07\x0c"

    docx = render_docx(kind, data, school_data, on=today)

    assert "Zoé Martin" in _text(docx)


# -- signature anchors ------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_anchors_of_a_minor_with_two_signing_guardians(kind, make_data, school_data, today):
    data = make_data(kind)
    data["guardians"] = [
        {
            "first_name": "Nadia",
            "last_name": "Martin",
            "relationship": "mère",
            "email": "nadia.martin@example.org",
            "phone": None,
            "signs": True,
        },
        {
            "first_name": "Karim",
            "last_name": "Lefèvre",
            "relationship": "père",
            "email": "k.lefevre@example.net",
            "phone": None,
            "signs": True,
        },
    ]

    anchors = _anchors(render_docx(kind, data, school_data, on=today))

    assert sorted(anchors) == sorted(_plan_anchors(kind, data, school_data, today))
    assert {"sig-guardian-0", "sig-guardian-1"} <= set(anchors)
    assert len(anchors) == len(set(anchors))


@pytest.mark.parametrize("kind", KINDS)
def test_an_adult_pupil_has_no_guardian_anchor(kind, make_data, school_data, today):
    data = make_data(kind, pupil_minor=False)
    data["pupil"]["birth_date"] = "2007-01-01"

    docx = render_docx(kind, data, school_data, on=today)

    anchors = _anchors(docx)
    assert sorted(anchors) == sorted(_plan_anchors(kind, data, school_data, today))
    assert not [a for a in anchors if "guardian" in a]
    assert "L'élève ayant 18 ans révolus au 28 novembre 2026" in _text(docx)
    assert "Repères réglementaires" not in _text(docx)


@pytest.mark.parametrize("kind", KINDS)
def test_a_guardian_who_does_not_sign_has_no_anchor(kind, make_data, school_data, today):
    data = make_data(kind)
    data["guardians"][0]["signs"] = False

    anchors = _anchors(render_docx(kind, data, school_data, on=today))

    assert sorted(anchors) == sorted(_plan_anchors(kind, data, school_data, today))
    assert "sig-guardian-0" not in anchors


def test_the_head_signs_first_on_paper_in_a_convention_and_last_in_a_parcours(
    make_data, school_data, today
):
    convention = _anchors(render_docx("convention", make_data("convention"), school_data, on=today))
    parcours = _anchors(render_docx("parcours", make_data("parcours"), school_data, on=today))

    assert convention[:2] == ["sig-head", "sig-host-representative"]
    assert parcours == ["sig-pupil", "sig-guardian-0", "sig-referent", "sig-head"]


@pytest.mark.parametrize("kind", KINDS)
def test_anchors_are_bookmarks_opening_a_row_that_does_not_split(
    kind, make_data, school_data, today
):
    document = Document(io.BytesIO(render_docx(kind, make_data(kind), school_data, on=today)))

    anchor_cells = [
        (row, cell)
        for table in document.tables
        for row in table.rows
        for cell in row.cells
        if any(
            (mark.get(f"{W}name") or "").startswith("sig-")
            for mark in cell._tc.iter(f"{W}bookmarkStart")
        )
    ]
    assert len(anchor_cells) == len(_anchors(document_bytes(document)))
    ids = [m.get(f"{W}id") for m in document.element.body.iter(f"{W}bookmarkStart")]
    assert len(ids) == len(set(ids)), "bookmark ids must be unique"
    for row, cell in anchor_cells:
        first = cell.paragraphs[0]
        assert first._p.find(f"{W}bookmarkStart") is not None
        assert first.text == "", "the anchor prints nothing"
        assert (
            row._tr.trPr.find(
                "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}cantSplit"
            )
            is not None
        )
        assert row.height is not None
        assert row.height.cm >= 3.5


@pytest.mark.parametrize("kind", KINDS)
def test_a_text_of_the_data_that_reads_like_an_anchor_stays_text(
    kind, make_data, school_data, today
):
    data = make_data(kind)
    data["pupil"]["last_name"] = "sig-head"

    docx = render_docx(kind, data, school_data, on=today)

    assert _anchors(docx).count("sig-head") == 1
    assert "sig-head" in _text(docx)


def document_bytes(document: Any) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize("count", range(1, 15))
def test_signature_blocks_are_shared_out_so_none_is_alone_on_its_page(count):
    pages = signer_pages(list(range(count)))

    assert [block for page in pages for block in page] == list(range(count))
    assert all(len(page) <= SIGNERS_PER_PAGE for page in pages)
    assert len(pages) == -(-count // SIGNERS_PER_PAGE)
    if count > 1:
        assert min(len(page) for page in pages) >= 2
    assert max(map(len, pages)) - min(map(len, pages)) <= 1


def test_seven_signers_sign_on_two_pages_of_four_and_three(
    make_data, school_data, today, converter
):
    data = make_data("convention")
    father = {**data["guardians"][0], "first_name": "Karim", "relationship": "père"}
    data["guardians"] = [data["guardians"][0], {**father, "email": "karim@example.net"}]

    pdf = converter.convert(render_docx("convention", data, school_data, on=today))

    places = find_anchors(pdf)
    assert len(places) == 7
    per_page: dict[int, int] = {}
    for place in places.values():
        per_page[place.page_index] = per_page.get(place.page_index, 0) + 1
    reader = PdfReader(io.BytesIO(pdf))
    last = len(reader.pages) - 1
    assert per_page == {last - 1: 4, last: 3}
    assert "Signatures (suite)" in reader.pages[last].extract_text()


# -- one template per document ----------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_each_document_gets_a_fresh_template(kind, make_data, school_data, today):
    first = make_data(kind)
    second = make_data(kind, pupil_minor=False)
    second["pupil"]["first_name"] = "Yanis"
    second["pupil"]["last_name"] = "Benali"

    one = render_docx(kind, first, school_data, on=today)
    two = render_docx(kind, second, school_data, on=today)
    again = render_docx(kind, first, school_data, on=today)

    assert "Yanis Benali" in _text(two)
    assert "Zoé" not in _text(two)
    assert "sig-guardian-0" not in _anchors(two)
    assert _texts(again) == _texts(one)


# -- failures ---------------------------------------------------------------------------------
def test_a_missing_field_is_a_render_error(make_data, school_data, today):
    data = make_data("convention")
    del data["evaluation"]

    with pytest.raises(RenderError, match="evaluation"):
        render_docx("convention", data, school_data, on=today)


def test_data_that_skipped_validation_is_a_render_error(make_data, school_data, today):
    data = make_data("convention")
    del data["host"]

    with pytest.raises(RenderError, match="host"):
        render_docx("convention", data, school_data, on=today)


def test_an_unknown_choice_is_a_render_error(make_data, school_data, today):
    data = make_data("parcours")
    data["scheme"] = "inconnu"

    with pytest.raises(RenderError, match="scheme"):
        render_docx("parcours", data, school_data, on=today)


def test_an_unknown_kind_is_refused(school_data, today):
    with pytest.raises(UnknownKind):
        render_docx("avenant", {}, school_data, on=today)


# -- through LibreOffice ----------------------------------------------------------------------
@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", KINDS)
def test_the_pdf_carries_the_anchors_as_destinations_and_the_literal_text(
    kind, make_data, school_data, today, converter
):
    data = make_data(kind)
    data["pupil"]["first_name"] = HOSTILE_NAME

    pdf = converter.convert(render_docx(kind, data, school_data, on=today))

    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert 3 <= len(reader.pages) <= 8
    assert set(find_anchors(pdf)) == _plan_anchors(kind, data, school_data, today)
    assert "sig-" not in text
    assert "[[sig" not in text
    assert HOSTILE_NAME in text
    assert re.search(r"Page 1 sur [3-8]", text)
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("LiberationSans" in name for name in fonts)


# -- French formatting ------------------------------------------------------------------------
def test_french_dates_times_and_durations():
    assert format_date_fr("2010-05-14") == "14 mai 2010"
    assert format_date_fr(date(2027, 2, 1)) == "1er février 2027"
    assert format_date_fr("2026-12-07") == "7 décembre 2026"
    assert format_time_fr(8 * 60 + 30) == "8 h 30"
    assert format_time_fr(13 * 60) == "13 h"
    assert format_duration_fr(210) == "3 h 30"
    assert format_duration_fr(45) == "45 min"


def test_schedule_rows_list_monday_to_saturday_and_sunday_only_when_worked():
    rows = schedule_rows({"monday": ["09:00-12:00"], "sunday": ["10:00-11:15"]})

    assert [r["day"] for r in rows] == [
        "Lundi",
        "Mardi",
        "Mercredi",
        "Jeudi",
        "Vendredi",
        "Samedi",
        "Dimanche",
    ]
    assert rows[0] == {"day": "Lundi", "ranges": "9 h – 12 h", "total": "3 h"}
    assert rows[-1]["total"] == "1 h 15"


def test_presence_days_leave_out_public_holidays():
    holidays = METROPOLE.holidays_of(2027)
    assert date(2027, 3, 29) in holidays  # lundi de Pâques
    assert date(2027, 5, 6) in holidays  # Ascension

    days = list(presence_days({"monday": ["08:00-12:00"]}, date(2027, 3, 22), date(2027, 4, 5)))

    assert [d for d, _ in days] == [date(2027, 3, 22), date(2027, 4, 5)]
    assert sum(minutes for _, minutes in days) == 480


@pytest.mark.parametrize(
    ("uai", "holiday", "name"),
    [
        ("0570012R", date(2027, 3, 26), "Vendredi saint, Moselle"),
        ("0671234A", date(2027, 12, 26), "Saint-Étienne, Bas-Rhin"),
        ("9740001A", date(2027, 12, 20), "abolition de l'esclavage, La Réunion"),
        ("9710001A", date(2027, 5, 27), "abolition de l'esclavage, Guadeloupe"),
        ("9720001A", date(2027, 5, 22), "abolition de l'esclavage, Martinique"),
    ],
)
def test_each_territory_leaves_out_its_own_public_holidays(uai, holiday, name):
    schedule = {day: ["09:00-12:00"] for day in WEEKDAYS}
    territory = territory_of(uai)

    here = [d for d, _ in presence_days(schedule, holiday, holiday, territory)]
    in_paris = [d for d, _ in presence_days(schedule, holiday, holiday)]

    assert here == [], name
    assert in_paris == [holiday], name


def test_a_minors_contract_writes_out_the_guardians_agreement(make_data, school_data, today):
    text = _text(render_docx("parcours", make_data("parcours"), school_data, on=today))

    assert "conclu entre l'élève, sa famille et l'établissement" in text
    assert (
        "Nadia Martin, mère de l'élève, donne son accord au parcours individualisé décrit "
        "ci-dessus et s'engage à l'accompagner."
    ) in text
    assert (
        "Karim Lefèvre, père de l'élève, ne signe pas le présent contrat ; l'établissement lui en "
        "adresse un exemplaire pour information."
    ) in text
    assert "Article 10 – Accord des représentants légaux" in text
    assert "Article 11 – Signature électronique et preuve" in text


def test_an_adults_contract_has_no_family_party_nor_agreement(make_data, school_data, today):
    data = make_data("parcours", pupil_minor=False)

    text = _text(render_docx("parcours", data, school_data, on=today))

    assert (
        "conclu entre l'élève, qui s'engage en son nom propre, en tant que personne majeure, et"
        in text
    )
    assert "sa famille et l'établissement" not in text
    assert "donne son accord" not in text
    assert "Article 10 – Signature électronique et preuve" in text


def test_a_minors_contract_says_the_pupil_of_18_signs_alone_and_decides_the_copy(
    make_data, school_data, today
):
    text = _text(render_docx("parcours", make_data("parcours"), school_data, on=today))

    assert (
        "Si l'élève devient majeur en cours de contrat, il signe seul les actes qui suivent "
        "(bilans, avenants) ; ses représentants légaux n'en reçoivent une copie qu'avec son "
        "accord."
    ) in text
    assert "en sont informés" not in text
    assert "L'élève signe seul le présent" not in text


@pytest.mark.parametrize(
    ("agreed", "sentence"),
    [
        (True, "il a accepté que ses représentants légaux en reçoivent une copie signée."),
        (False, "faute de son accord, ses représentants légaux n'en reçoivent pas de copie."),
    ],
)
def test_an_adults_contract_says_whether_the_guardians_get_a_copy(
    agreed, sentence, make_data, school_data, today
):
    data = make_data("parcours", pupil_minor=False, inform_guardians=agreed)

    text = _text(render_docx("parcours", data, school_data, on=today))

    assert f"L'élève signe seul le présent contrat ; {sentence}" in text
    assert "Si l'élève devient majeur" not in text


def test_a_mother_is_la_representante_legale_and_no_label_says_e(make_data, school_data, today):
    text = _text(render_docx("parcours", make_data("parcours"), school_data, on=today))

    assert "La représentante légale\nNadia Martin" in text
    assert "Karim Lefèvre (père) – reçoit le document pour information, sans le signer" in text
    assert "(e)" not in text
    assert "légal(aux)" not in text


def test_one_father_is_le_representant_legal(make_data, school_data, today):
    data = make_data("convention")
    data["guardians"][0].update(first_name="Karim", relationship="père")

    text = _text(render_docx("convention", data, school_data, on=today))

    assert "Le représentant légal\nKarim Martin" in text
    assert "Représentant légal\nKarim Martin (père)" in text
