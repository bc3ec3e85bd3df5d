"""The certificate's look is the documents': the palette of their templates, their font."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from signing.kinds import Kind
from signing.pdf import certificate_style
from signing.pdf.fonts import CJK, DOCUMENT_MONO, DOCUMENT_SANS, MONO, SANS, SYMBOLS, markup


def _template_colours(kind: Kind) -> set[str]:
    with zipfile.ZipFile(io.BytesIO(kind.spec.template)) as docx:
        xml = "".join(
            docx.read(name).decode()
            for name in docx.namelist()
            if name.startswith("word/") and name.endswith(".xml")
        )
    return {value.upper() for value in re.findall(r'w:(?:val|color|fill)="([0-9A-Fa-f]{6})"', xml)}


@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("name", ["NAVY", "GREY", "MUTED", "RULE", "HEAD_FILL"])
def test_the_certificate_colours_are_the_templates(kind, name) -> None:
    colour = getattr(certificate_style, name).hexval()[2:].upper()

    assert colour in _template_colours(kind)


def test_the_certificate_is_set_in_the_templates_font() -> None:
    assert certificate_style.Styles.body.fontName == DOCUMENT_SANS.name
    assert DOCUMENT_SANS.file.startswith("LiberationSans")


def test_markup_escapes_and_falls_back_only_where_a_glyph_is_missing() -> None:
    assert markup("Nguyễn & <Lou>", DOCUMENT_SANS.name) == "Nguyễn &amp; &lt;Lou&gt;"
    assert markup("Lou 😀 M", DOCUMENT_SANS.name) == f'Lou <font name="{SANS.name}">😀 </font>M'
    assert markup("Lou 🌻", DOCUMENT_SANS.name) == f'Lou <font name="{SYMBOLS.name}">🌻</font>'
    assert markup("é ⟶", DOCUMENT_MONO.name) == f'é <font name="{MONO.name}">⟶</font>'
    assert markup("Lou 王小明", DOCUMENT_SANS.name) == f'Lou <font name="{CJK.name}">王小明</font>'


def test_right_to_left_names_are_set_joined_in_drawing_order() -> None:
    """Hebrew letters reversed (Liberation has them); Arabic in its joined forms, reversed,
    in DejaVu Sans (Liberation has no Arabic)."""
    assert markup("par כהן", DOCUMENT_SANS.name) == "par \u05df\u05d4\u05db"  # nun, he, kaf
    arabic = "\ufeaa\ufee4\ufea4\ufee3"  # final dal, medial meem, medial hah, initial meem
    assert markup("par محمد", DOCUMENT_SANS.name) == f'par <font name="{SANS.name}">{arabic}</font>'
