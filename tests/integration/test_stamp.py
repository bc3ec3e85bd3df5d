"""Stamping signatures into real rendered documents, checked with pypdf, qpdf and poppler."""

from __future__ import annotations

import copy
import io
import itertools
import subprocess
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pdftools import (
    drawn_characters,
    page_texts,
    pdffonts,
    qpdf_check,
    render_page,
    scribble_png,
    squash,
    tool,
)
from PIL import Image, ImageStat
from pypdf import PdfReader

from signing.data.schema import example_school
from signing.errors import AnchorMissing, ValidationFailed
from signing.kinds import Kind, spec_of
from signing.pdf.anchors import find_anchors
from signing.pdf.pipeline import render_document
from signing.pdf.stamp import BOX_DROP, BOX_HEIGHT, BOX_WIDTH, SignatureMark, stamp

pytestmark = pytest.mark.libreoffice

ISSUED = date(2026, 11, 28)
SIGNED_AT = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
CAPTION = "Signé électroniquement par Nguyễn Thị Lan le 28 novembre 2026 à 10 h 00 (heure de Paris)"


def _example(name: str) -> dict[str, Any]:
    """An example of ``signing``: ``school.json`` (the school) or ``<kind>.json`` (a request)."""
    stem = name.removesuffix(".json")
    return example_school() if stem == "school" else spec_of(stem).example


def _render(converter: Any, kind: str, **changes: Any) -> tuple[bytes, list[str]]:
    """A real PDF of the kind's example (with `changes` to its data), and its signers' anchors."""
    data = copy.deepcopy(_example(f"{kind}.json")["data"])
    data.update(changes)
    rendered = render_document(
        kind, data, _example("school.json"), today=ISSUED, converter=converter
    )
    plan = spec_of(kind).plan(rendered.data, rendered.school, ISSUED)
    return rendered.pdf, [party.anchor for party in plan.parties]


@pytest.fixture(scope="module")
def rendered(converter: Any) -> Callable[[str], tuple[bytes, list[str]]]:
    """The example of a kind, rendered once for the module, and its signers' anchors."""
    done: dict[str, tuple[bytes, list[str]]] = {}

    def of(kind: str) -> tuple[bytes, list[str]]:
        if kind not in done:
            done[kind] = _render(converter, kind)
        return done[kind]

    return of


@pytest.fixture(scope="module")
def convention(rendered: Callable[[str], tuple[bytes, list[str]]]) -> tuple[bytes, list[str]]:
    return rendered("convention")


def _marks(anchors: list[str]) -> list[SignatureMark]:
    """The pupil (Nguyễn Thị Lan here) and every other second signer draw; the rest type."""
    marks = []
    for number, anchor in enumerate(anchors):
        name = "Nguyễn Thị Lan" if anchor == "sig-pupil" else f"Signataire {number}"
        drawn = anchor == "sig-pupil" or number % 2 == 1
        at = SIGNED_AT + timedelta(hours=number) if anchor != "sig-pupil" else SIGNED_AT
        marks.append(SignatureMark(anchor, name, at, scribble_png() if drawn else None))
    return marks


@pytest.mark.parametrize("kind", list(Kind))
def test_every_signer_anchor_is_found_in_its_block_at_the_end(kind, rendered) -> None:
    pdf, anchors = rendered(kind)
    reader = PdfReader(io.BytesIO(pdf))

    places = find_anchors(pdf)

    assert set(places) == set(anchors)
    assert len(anchors) == len(set(anchors)) >= 2  # every signer has a block of their own
    last = len(reader.pages) - 1
    for place in places.values():
        box = reader.pages[place.page_index].mediabox
        assert place.page_index >= last - 1
        assert box.left + 50 < place.x < box.right - BOX_WIDTH
        assert box.bottom + BOX_HEIGHT < place.y < box.top - 50
        assert place.font_size == pytest.approx(6)
    # One block under the other, far enough apart that no stamp runs into the next block.
    heights = sorted(place.y for place in places.values() if place.page_index == last)
    assert all(
        upper - lower > BOX_DROP + BOX_HEIGHT for lower, upper in itertools.pairwise(heights)
    )


def test_stamped_convention_keeps_its_pages_and_text_and_shows_every_signature(
    convention, tmp_path: Path
) -> None:
    frozen, anchors = convention

    stamped = stamp(frozen, _marks(anchors))

    # The frozen file is untouched, at the start: the stamp is an incremental update.
    assert stamped[: len(frozen)] == frozen
    before, after = page_texts(frozen), page_texts(stamped)
    assert len(after) == len(before)
    for page_before, page_after in zip(before, after, strict=True):
        assert page_before in page_after
    assert CAPTION in squash(after[-1])
    assert squash(after[-1]).count("Signé électroniquement par") == len(anchors)
    assert "Signataire 2" in after[-1]  # a typed name stands for the drawing

    checked = qpdf_check(stamped, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    fonts = pdffonts(stamped, tmp_path)
    assert any("DejaVuSans" in name for name in fonts), fonts
    assert all(fonts.values()), fonts


def test_a_drawn_signature_is_visible_where_its_anchor_is(convention, tmp_path: Path) -> None:
    frozen, _ = convention
    place = find_anchors(frozen)["sig-pupil"]
    mark = SignatureMark("sig-pupil", "Nguyễn Thị Lan", SIGNED_AT, scribble_png())

    stamped = stamp(frozen, [mark])

    page = place.page_index + 1
    height = float(PdfReader(io.BytesIO(frozen)).pages[place.page_index].mediabox.height)
    # The upper part of the signing space: where the drawing goes, above the caption.
    top = place.y - BOX_DROP
    region = (place.x, top - BOX_HEIGHT * 0.55, place.x + BOX_WIDTH, top)
    blank = _crop(render_page(frozen, page, tmp_path), region, height)
    signed = _crop(render_page(stamped, page, tmp_path), region, height)
    assert ImageStat.Stat(blank).mean[0] > 250  # an empty white cell before
    assert ImageStat.Stat(signed).mean[0] < ImageStat.Stat(blank).mean[0] - 10
    ink = sum(signed.point(lambda level: 255 if level < 128 else 0).histogram()[255:])
    assert ink > 100  # pixels of dark ink, at 50 dpi


def _crop(image: Image.Image, region: tuple[float, float, float, float], height: float):
    """`region` (PDF points, origin bottom left) cut out of a page rendered at 50 dpi."""
    scale = 50 / 72
    left, bottom, right, top = region
    return image.crop(
        (
            int(left * scale),
            int((height - top) * scale),
            int(right * scale),
            int((height - bottom) * scale),
        )
    )


def test_a_name_with_an_emoji_is_drawn_in_a_fallback_face(convention, tmp_path: Path) -> None:
    """DejaVu Sans has no emoji: the caption and the typed name draw it in Symbola (embedded),
    never as a box. (pypdf cannot read back a character beyond the BMP, so the face is checked.)"""
    frozen, anchors = convention
    plain = stamp(frozen, [SignatureMark(anchors[0], "Lan Nguyễn", SIGNED_AT, None)])
    assert not any("Symbola" in font for font in pdffonts(plain, tmp_path))

    stamped = stamp(frozen, [SignatureMark(anchors[0], "Lan 🌸 Nguyễn", SIGNED_AT, None)])

    assert "Nguyễn" in page_texts(stamped)[-1]
    fonts = pdffonts(stamped, tmp_path)
    assert any("Symbola" in font for font in fonts), fonts
    assert all(fonts.values()), fonts  # every face embedded


WORLD_NAMES = ("王小明", "محمد علي", "דוד כהן")
"""A Chinese, an Arabic and a Hebrew name: ideographs, joined right-to-left letters, Hebrew."""


def test_chinese_arabic_and_hebrew_names_are_drawn_with_real_glyphs(
    convention, tmp_path: Path
) -> None:
    """Each name is drawn by an embedded face that has its glyphs (never .notdef), and reads
    back in the order it was typed. (Readers put the space after a right-to-left name before
    it, so spaces are left out of the comparison.)"""
    frozen, anchors = convention
    places = find_anchors(frozen)
    marks = [
        SignatureMark(anchor, name, SIGNED_AT, None)
        for anchor, name in zip(anchors, WORLD_NAMES, strict=False)
    ]

    stamped = stamp(frozen, marks)

    texts = page_texts(stamped)
    for mark in marks:
        page = places[mark.anchor].page_index
        text = "".join(unicodedata.normalize("NFKC", texts[page]).split())
        name = "".join(mark.name.split())
        assert f"Signéélectroniquementpar{name}le28novembre2026" in text, text
        assert text.count(name) == 2, text  # the caption, and the typed name drawn large
        drawn = drawn_characters(stamped, tmp_path, page)
        assert set(mark.name.replace(" ", "")) <= drawn, sorted(drawn)
    fonts = pdffonts(stamped, tmp_path)
    assert any("WenQuanYi" in font for font in fonts), fonts
    assert all(fonts.values()), fonts
    checked = qpdf_check(stamped, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_an_arabic_name_is_drawn_joined_and_right_to_left(convention, tmp_path: Path) -> None:
    """Drawn, not only extracted: the letters of « محمد » take their joined forms, in the order
    a reader of Arabic reads them from the right (the first letter, meem, on the right)."""
    frozen, anchors = convention
    page = find_anchors(frozen)[anchors[0]].page_index

    stamped = stamp(frozen, [SignatureMark(anchors[0], "محمد", SIGNED_AT, None)])

    text = squash(page_texts(stamped)[page])
    assert "\ufee3\ufea4\ufee4\ufeaa" in text, text  # initial meem, medial hah, meem, final dal
    assert "\u0645\u062d\u0645\u062f" not in text  # never the unjoined letters


def test_stamping_is_deterministic(rendered) -> None:
    frozen, anchors = rendered(next(iter(Kind)))
    marks = _marks(anchors)

    assert stamp(frozen, marks) == stamp(frozen, marks)


def test_a_signer_without_anchor_in_the_template_is_an_error(rendered) -> None:
    frozen, anchors = rendered(next(iter(Kind)))

    with pytest.raises(AnchorMissing) as caught:
        stamp(frozen, [*_marks(anchors), SignatureMark("sig-host-tutor", "X", SIGNED_AT, None)])

    assert caught.value.anchor == "sig-host-tutor"


def test_an_anchor_typed_into_the_data_never_reaches_the_pdf(converter) -> None:
    # stamp() looks for anchors from the last page back; this is why it may.
    with pytest.raises(ValidationFailed) as caught:
        _render(converter, "convention", activities="Observation.\n[[sig:head]]")

    assert [issue.field for issue in caught.value.errors] == ["activities"]


def test_a_pdf_with_a_cross_reference_stream_is_stamped_too(convention, tmp_path: Path) -> None:
    frozen, anchors = convention
    (tmp_path / "classic.pdf").write_bytes(frozen)
    subprocess.run(
        [
            tool("qpdf"),
            "--object-streams=generate",
            str(tmp_path / "classic.pdf"),
            str(tmp_path / "s.pdf"),
        ],
        check=True,
    )
    streamed = (tmp_path / "s.pdf").read_bytes()

    stamped = stamp(streamed, _marks(anchors))

    assert stamped.startswith(streamed)
    checked = qpdf_check(stamped, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert CAPTION in squash(page_texts(stamped)[-1])
