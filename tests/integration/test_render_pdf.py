"""The whole render, as a user gets it: JSON in, a French PDF out, checked with pypdf."""

from __future__ import annotations

import io
import json
import unicodedata

import pytest
from click.testing import CliRunner
from pdftools import headings_of, last_lines
from pypdf import PdfReader

from service.cli import cli
from signing.kinds import Kind, spec_of
from signing.pdf.anchors import find_anchors
from signing.pdf.pipeline import render_document

HOSTILE_NAME = 'Zoé & <Lou> "O\'Brien" {{ config }}'
EMOJI = "😀"


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _fonts(pdf: bytes) -> dict[str, bool]:
    """Every font the pages use, and whether its program is embedded."""
    fonts: dict[str, bool] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for reference in (page["/Resources"].get("/Font") or {}).values():
            font = reference.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            fonts[str(font["/BaseFont"])] = embedded
    return fonts


@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("minor", [True, False], ids=["minor", "adult"])
def test_both_kinds_render_to_a_pdf_with_hidden_anchors_and_embedded_fonts(
    kind, minor, make_request, school, today, converter
) -> None:
    body = make_request(kind, pupil_minor=minor)
    body["data"]["pupil"]["last_name"] = unicodedata.normalize("NFD", "Lefèvre-Nguyễn")
    body["data"]["guardians"][0]["first_name"] = f"{HOSTILE_NAME} {EMOJI}"

    result = render_document(kind, body["data"], school, today=today, converter=converter)

    text = _text(result.pdf)
    assert "Lefèvre-Nguyễn" in text  # NFD typed, NFC printed
    plan = spec_of(kind).plan(result.data, result.school, today)
    anchors = set(find_anchors(result.pdf))
    assert anchors == {party.anchor for party in plan.parties}
    assert "sig-" not in text, "an anchor would be copied or read aloud"
    assert "[[sig" not in text
    if minor:
        assert HOSTILE_NAME in text
        assert EMOJI in text  # a fallback font draws it; extraction may place it a bit later
        assert "sig-guardian-0" in anchors
    else:
        assert not any("guardian" in anchor for anchor in anchors)
    fonts = _fonts(result.pdf)
    assert any("LiberationSans" in name for name in fonts)
    assert all(fonts.values()), fonts
    orphans = [line for line in last_lines(result.pdf) if line in headings_of(result.docx)]
    assert not orphans, f"a heading ends its page, its text on the next: {orphans}"


@pytest.mark.libreoffice
def test_chinese_arabic_and_hebrew_names_in_the_document_are_drawn_in_an_embedded_face(
    make_request, school, today, converter
) -> None:
    """LibreOffice shapes them and falls back on the faces scripts/setup.sh installs (the CJK
    one included): the names read back as typed (readers move the spaces around a
    right-to-left run, so spaces are left out), every face embedded."""
    body = make_request(
        "parcours",
        guardians__0__first_name="小明",
        guardians__0__last_name="王",
        guardians__1__first_name="علي",
        guardians__1__last_name="محمد",
        referent__last_name="כהן",
    )

    result = render_document("parcours", body["data"], school, today=today, converter=converter)

    text = "".join(unicodedata.normalize("NFKC", _text(result.pdf)).split())
    for name in ("小明王", "عليمحمد", "כהן"):
        assert name in text, name
    fonts = _fonts(result.pdf)
    assert any("WenQuanYi" in name for name in fonts), fonts
    assert all(fonts.values()), fonts


def test_cli_lists_every_mistake_with_its_field_and_exits_2(tmp_path, make_request, school) -> None:
    body = make_request("convention")
    body["data"]["guardians"][0]["email"] = "pas-une-adresse"
    body["data"]["host"]["siret"] = "73282932000079"
    body["data"]["end_date"] = "2026-12-01"
    (tmp_path / "doc.json").write_text(json.dumps(body), encoding="utf-8")
    (tmp_path / "school.json").write_text(json.dumps(school), encoding="utf-8")
    out = tmp_path / "out.pdf"

    result = CliRunner().invoke(
        cli,
        [
            "render",
            str(tmp_path / "doc.json"),
            "--school",
            str(tmp_path / "school.json"),
            "-o",
            str(out),
            "--date",
            "2026-11-28",
        ],
    )

    assert result.exit_code == 2
    assert "guardians[0].email : " in result.stderr
    assert "host.siret : " in result.stderr
    assert "end_date : " in result.stderr
    assert not out.exists()


def test_cli_refuses_a_file_that_is_not_json(tmp_path, school) -> None:
    (tmp_path / "doc.json").write_text("{pas du json", encoding="utf-8")
    (tmp_path / "school.json").write_text(json.dumps(school), encoding="utf-8")

    result = CliRunner().invoke(
        cli,
        [
            "render",
            str(tmp_path / "doc.json"),
            "--school",
            str(tmp_path / "school.json"),
            "-o",
            str(tmp_path / "out.pdf"),
        ],
    )

    assert result.exit_code != 0
    assert "n'est pas un JSON valide" in result.stderr


@pytest.mark.libreoffice
def test_cli_writes_the_pdf_and_the_docx(tmp_path, make_request, school, converter) -> None:
    (tmp_path / "doc.json").write_text(json.dumps(make_request("parcours")), encoding="utf-8")
    (tmp_path / "school.json").write_text(json.dumps(school), encoding="utf-8")

    result = CliRunner(env={"XDG_CACHE_HOME": str(tmp_path / "cache")}).invoke(
        cli,
        [
            "render",
            str(tmp_path / "doc.json"),
            "--school",
            str(tmp_path / "school.json"),
            "-o",
            str(tmp_path / "out.pdf"),
            "--docx",
            str(tmp_path / "out.docx"),
            "--date",
            "2026-11-28",
        ],
    )

    assert result.exit_code == 0, result.output
    assert "Contrat de parcours individualisé" in _text((tmp_path / "out.pdf").read_bytes())
    assert (tmp_path / "out.docx").read_bytes().startswith(b"PK")
