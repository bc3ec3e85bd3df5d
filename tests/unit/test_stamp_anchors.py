"""Finding anchors and refusing bad stamps, on small PDFs drawn here (real templates: see
tests/integration/test_stamp.py)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import Fit
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from signing.data.territory import territory_of
from signing.errors import (
    AnchorDuplicated,
    AnchorMissing,
    FinalPdfError,
    MarkDuplicated,
    PdfUnreadable,
    SignatureImageUnreadable,
)
from signing.pdf.anchors import AnchorPlace, find_anchors, find_anchors_in
from signing.pdf.stamp import SignatureMark, format_moment_fr, signed_caption, stamp

SIGNED_AT = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def draw_pdf(pages: Sequence[Sequence[tuple[float, float, str]]]) -> bytes:
    """A test document: on each page, texts at (x, y) in 6 pt, as the templates printed anchors
    before they were bookmarks (such documents, frozen then, must still be signed)."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=True)
    for texts in pages:
        for x, y, text in texts:
            canvas.setFont("Helvetica", 6)
            canvas.drawString(x, y, text)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def mark(anchor: str = "sig-pupil", png: bytes | None = None) -> SignatureMark:
    return SignatureMark(anchor, "Zoé Martin", SIGNED_AT, png)


def with_destinations(pdf: bytes, places: dict[str, tuple[int, float, float]]) -> bytes:
    """`pdf` with named destinations (page, left, top), as LibreOffice exports bookmarks."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for name, (page, left, top) in places.items():
        writer.add_named_destination(name, page, Fit.xyz(left, top, 0))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_an_anchor_is_a_named_destination_with_no_text() -> None:
    pdf = with_destinations(
        draw_pdf([[(50, 700, "Signature")], [(50, 700, "Signature")]]),
        {
            "sig-head": (1, 260.5, 700.0),
            "sig-guardian-1": (0, 260.5, 500.0),
            "chapitre-2": (0, 1, 1),
        },
    )

    places = find_anchors(pdf)

    assert places == {
        "sig-head": AnchorPlace(page_index=1, x=260.5, y=694.0, font_size=6.0),
        "sig-guardian-1": AnchorPlace(page_index=0, x=260.5, y=494.0, font_size=6.0),
    }
    assert "sig-" not in "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_destination_wins_over_an_old_text_anchor_and_a_missing_one_is_read_from_text() -> None:
    pdf = with_destinations(
        draw_pdf([[(50, 700, "[[sig:head]]"), (50, 400, "[[sig:pupil]]")]]),
        {"sig-head": (0, 300.0, 650.0)},
    )

    places = find_anchors_in(PdfReader(io.BytesIO(pdf)), wanted={"sig-head", "sig-pupil"})

    assert places["sig-head"] == AnchorPlace(page_index=0, x=300.0, y=644.0, font_size=6.0)
    assert places["sig-pupil"].y == 400.0


def test_a_stamp_lands_at_its_destination() -> None:
    pdf = with_destinations(draw_pdf([[(50, 700, "Signature")]]), {"sig-pupil": (0, 260.0, 600.0)})

    stamped = stamp(pdf, [mark("sig-pupil")])

    found: list[tuple[str, float, float]] = []
    PdfReader(io.BytesIO(stamped)).pages[0].extract_text(
        visitor_text=lambda text, cm, tm, *_: (
            found.append((text, tm[4], tm[5])) if "Signé" in text else None
        )
    )
    assert found, "the caption is printed"
    _, x, y = found[0]
    assert x == pytest.approx(260.0)
    assert 600.0 - 6 - 2 - 3.1 * 28.35 <= y < 600.0


def test_an_anchor_is_placed_through_the_text_matrix_and_the_ctm() -> None:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=True)
    canvas.translate(100, 200)
    canvas.scale(2, 2)
    canvas.setFont("Helvetica", 6)
    canvas.drawString(10, 20, "[[sig:pupil]]")
    canvas.showPage()
    canvas.save()

    assert find_anchors(out.getvalue()) == {
        "sig-pupil": AnchorPlace(page_index=0, x=120.0, y=240.0, font_size=12.0)
    }


def test_only_a_run_that_is_exactly_an_anchor_counts() -> None:
    texts = [
        "[[sig:teacher]]",  # no such role
        "[[sig:guardian]]",  # a guardian needs their number
        "[[sig:head:0]]",  # only guardians are numbered
        "[[sig:guardian:01]]",  # written as anchor_text() writes it, or not at all
        "voir [[sig:referent]] ici",  # inside other text
        "[[sig:guardian:1]]",
        " [[sig:head]] ",
    ]
    pdf = draw_pdf([[(50, 800 - 20 * n, text) for n, text in enumerate(texts)]])

    assert set(find_anchors(pdf)) == {"sig-guardian-1", "sig-head"}


def test_an_anchor_printed_twice_is_refused_with_its_pages() -> None:
    pdf = draw_pdf([[(50, 700, "[[sig:head]]")], [], [(50, 300, "[[sig:head]]")]])

    with pytest.raises(AnchorDuplicated) as caught:
        find_anchors(pdf)

    assert caught.value.anchor == "sig-head"
    assert caught.value.pages == (0, 2)
    assert "pages 1, 3" in str(caught.value)


def test_a_mark_whose_anchor_is_not_in_the_pdf_is_a_template_error() -> None:
    pdf = draw_pdf([[(50, 700, "[[sig:head]]")]])

    with pytest.raises(AnchorMissing) as caught:
        stamp(pdf, [mark("sig-head"), mark("sig-guardian-1")])

    assert caught.value.anchor == "sig-guardian-1"


def test_two_marks_for_one_anchor_are_refused() -> None:
    with pytest.raises(MarkDuplicated) as caught:
        stamp(b"", [mark("sig-pupil"), mark("sig-head"), mark("sig-pupil")])

    assert caught.value.anchor == "sig-pupil"
    assert isinstance(caught.value, ValueError)


def test_a_signing_time_without_zone_is_refused() -> None:
    naive = SignatureMark("sig-pupil", "Zoé Martin", datetime(2026, 11, 28, 10), None)  # noqa: DTZ001

    with pytest.raises(ValueError, match="timezone aware"):
        stamp(b"", [naive])


def test_a_drawing_that_is_not_a_png_is_refused() -> None:
    pdf = draw_pdf([[(50, 700, "[[sig:pupil]]")]])

    with pytest.raises(SignatureImageUnreadable) as caught:
        stamp(pdf, [mark(png=b"GIF89a not a png")])

    assert caught.value.anchor == "sig-pupil"


@pytest.mark.parametrize("data", [b"", b"not a pdf at all", b"%PDF-1.7\n1 0 obj\n<<"])
def test_a_file_that_is_not_a_pdf_raises_our_error(data: bytes) -> None:
    with pytest.raises(PdfUnreadable):
        find_anchors(data)
    with pytest.raises(FinalPdfError):
        stamp(data, [mark()])


def test_nothing_to_stamp_gives_the_same_bytes() -> None:
    pdf = draw_pdf([[(50, 700, "[[sig:pupil]]")]])

    assert stamp(pdf, []) is pdf


def test_the_caption_gives_paris_time_in_winter_and_in_summer() -> None:
    assert signed_caption("Nguyễn Thị Lan", SIGNED_AT) == (
        "Signé électroniquement par Nguyễn Thị Lan le 28 novembre 2026 à 10 h 00 (heure de Paris)"
    )
    summer = datetime(2027, 7, 1, 12, 5, tzinfo=UTC)
    assert format_moment_fr(summer) == "1er juillet 2027 à 14 h 05"


@pytest.mark.parametrize(
    ("uai", "expected"),
    [
        ("9740001A", "le 28 novembre 2026 à 13 h 00 (heure de La Réunion)"),
        ("9710001A", "le 28 novembre 2026 à 5 h 00 (heure de la Guadeloupe)"),
        ("9880001A", "le 28 novembre 2026 à 20 h 00 (heure de Nouméa)"),
        ("0570001A", "le 28 novembre 2026 à 10 h 00 (heure de Paris)"),
    ],
)
def test_the_caption_gives_the_schools_own_time(uai: str, expected: str) -> None:
    assert signed_caption("Nguyễn Thị Lan", SIGNED_AT, territory_of(uai)).endswith(expected)


def test_the_caption_prints_a_decomposed_name_composed_on_one_line() -> None:
    decomposed = "Nguye\u0302\u0303n  Thi\u0323\nLan"

    assert "par Nguyễn Thị Lan le" in signed_caption(decomposed, SIGNED_AT)


@pytest.mark.parametrize(
    "name", ["", "Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaft"]
)
def test_an_empty_or_endless_name_is_still_stamped_inside_the_page(name: str) -> None:
    pdf = draw_pdf([[(260, 700, "[[sig:pupil]]")]])
    marks = [SignatureMark("sig-pupil", name * 3, SIGNED_AT, None)]

    stamped = stamp(pdf, marks)

    assert stamped.startswith(pdf)
    text = " ".join(PdfReader(io.BytesIO(stamped)).pages[0].extract_text().split())
    assert "Signé électroniquement par" in text
    assert "(heure de Paris)" in text
