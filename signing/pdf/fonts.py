"""The TrueType fonts of the text Cosigne adds to a PDF (stamps, certificate), always embedded.

A base-14 font is never used: it is not embedded and knows no letter outside Latin-1, so
"Nguyễn" would come out as boxes. The certificate is set in the templates' own font, Liberation
Sans (Debian's fonts-liberation2), so its pages read as part of the document; the stamps, and any
character Liberation lacks, use DejaVu Sans (fonts-dejavu-core: Latin, Greek, Cyrillic, Hebrew,
Arabic and its joined forms). What DejaVu lacks is drawn by the first fallback that has it: Noto
Sans Arabic and Noto Sans Hebrew (fonts-noto-core), WenQuanYi Micro Hei (fonts-wqy-microhei, the
compact CJK face: Chinese, Japanese kana, Korean hangul, 5 MB where Noto CJK takes 90) and
Symbola (fonts-symbola: emoji, signs). scripts/setup.sh installs them all; the fallbacks are
optional here (a missing one is logged), and `signing.pdf.glyphs` refuses at input whatever no
registered face can draw, so an accepted character is always drawn.

`runs` does the falling back, character by character: reportlab has no font fallback of its
own (it draws a missing glyph as a box), so this small part is ours; it first puts a line with
right-to-left text in drawing order (`signing.pdf.right_to_left`).
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from signing.errors import FontMissing
from signing.pdf.right_to_left import visual

log = logging.getLogger(__name__)

FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/ancient-scripts"),  # Debian's fonts-symbola
    Path("/usr/share/fonts/truetype/noto"),  # Debian's fonts-noto-core
    Path("/usr/share/fonts/truetype/wqy"),  # Debian's fonts-wqy-microhei
    Path("/usr/share/fonts/truetype/liberation2"),  # Debian, Ubuntu
    Path("/usr/share/fonts/truetype/liberation"),
    Path("/usr/share/fonts/liberation-sans"),  # Fedora
    Path("/usr/share/fonts/liberation-mono"),
    Path("/usr/share/fonts/truetype/dejavu"),  # Debian, Ubuntu
    Path("/usr/share/fonts/dejavu-sans-fonts"),  # Fedora
    Path("/usr/share/fonts/dejavu-sans-mono-fonts"),  # Fedora
    Path("/usr/share/fonts/TTF"),  # Arch
    Path("/usr/share/fonts/dejavu"),  # Alpine
    Path("/usr/local/share/fonts/dejavu"),  # FreeBSD
)
"""Where distributions put Liberation and DejaVu; fontconfig is asked when none has the file."""


@dataclass(frozen=True)
class Face:
    """One font file and the name it is registered under in reportlab."""

    name: str
    file: str
    pattern: str
    """The fontconfig pattern that finds the same file (``fc-match``)."""
    subfont: int = 0
    """The face's index in a TrueType collection (``.ttc``)."""


SANS = Face("CosigneSans", "DejaVuSans.ttf", "DejaVu Sans:style=Book")
SANS_BOLD = Face("CosigneSans-Bold", "DejaVuSans-Bold.ttf", "DejaVu Sans:style=Bold")
MONO = Face("CosigneMono", "DejaVuSansMono.ttf", "DejaVu Sans Mono:style=Book")
DOCUMENT_SANS = Face(
    "CosigneDocSans", "LiberationSans-Regular.ttf", "Liberation Sans:style=Regular"
)
DOCUMENT_SANS_BOLD = Face(
    "CosigneDocSans-Bold", "LiberationSans-Bold.ttf", "Liberation Sans:style=Bold"
)
DOCUMENT_MONO = Face(
    "CosigneDocMono", "LiberationMono-Regular.ttf", "Liberation Mono:style=Regular"
)
SYMBOLS = Face("CosigneSymbols", "Symbola_hint.ttf", "Symbola")
"""Emoji and signs that DejaVu lacks (fonts-symbola)."""
ARABIC = Face("CosigneArabic", "NotoSansArabic-Regular.ttf", "Noto Sans Arabic:style=Regular")
HEBREW = Face("CosigneHebrew", "NotoSansHebrew-Regular.ttf", "Noto Sans Hebrew:style=Regular")
CJK = Face("CosigneCJK", "wqy-microhei.ttc", "WenQuanYi Micro Hei")
"""Ideographs, kana and hangul (fonts-wqy-microhei)."""
FACES = (SANS, SANS_BOLD, MONO, DOCUMENT_SANS, DOCUMENT_SANS_BOLD, DOCUMENT_MONO)
"""The faces Cosigne cannot do without (`register_fonts` raises `FontMissing`)."""
FALLBACK_FACES = (ARABIC, HEBREW, CJK, SYMBOLS)
"""The faces for what DejaVu lacks, in the order they are tried; each optional."""
FALLBACK: dict[str, tuple[Face, ...]] = {
    DOCUMENT_SANS.name: (SANS, *FALLBACK_FACES),
    DOCUMENT_SANS_BOLD.name: (SANS_BOLD, SANS, *FALLBACK_FACES),
    DOCUMENT_MONO.name: (MONO, SANS, *FALLBACK_FACES),
    SANS.name: FALLBACK_FACES,
    SANS_BOLD.name: (SANS, *FALLBACK_FACES),
    MONO.name: (SANS, *FALLBACK_FACES),
}
"""For each face, the faces that draw what it lacks, the first that can."""


def locate(face: Face) -> Path:
    """The file of `face`; raises `FontMissing` with the package to install."""
    for folder in FONT_DIRS:
        path = folder / face.file
        if path.is_file():
            return path
    found = _fontconfig(face)
    if found is not None:
        return found
    raise FontMissing(face.file)


def _fontconfig(face: Face) -> Path | None:
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        answer = subprocess.run(
            [fc_match, "-f", "%{file}", face.pattern],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    path = Path(answer.stdout.strip())
    # fontconfig substitutes a look-alike when the font is missing: only the very file counts.
    if path.name == face.file and path.is_file():
        return path
    return None


@cache
def register_fonts() -> None:
    """Register `FACES` with reportlab (once per process), with SANS_BOLD as SANS's bold."""
    for face in FACES:
        path = locate(face)
        try:
            pdfmetrics.registerFont(TTFont(face.name, str(path)))
        except (OSError, TTFError) as exc:
            raise FontMissing(face.file, str(exc)) from exc
    pdfmetrics.registerFontFamily(
        SANS.name,
        normal=SANS.name,
        bold=SANS_BOLD.name,
        italic=SANS.name,
        boldItalic=SANS_BOLD.name,
    )
    pdfmetrics.registerFontFamily(
        DOCUMENT_SANS.name,
        normal=DOCUMENT_SANS.name,
        bold=DOCUMENT_SANS_BOLD.name,
        italic=DOCUMENT_SANS.name,
        boldItalic=DOCUMENT_SANS_BOLD.name,
    )
    for face in FALLBACK_FACES:
        try:
            path = locate(face)
            pdfmetrics.registerFont(TTFont(face.name, str(path), subfontIndex=face.subfont))
        except (FontMissing, OSError, TTFError):
            log.warning(
                "police %s absente : les noms qui en ont besoin seront refusés (scripts/setup.sh)",
                face.file,
            )
    for mono in (MONO, DOCUMENT_MONO):
        pdfmetrics.registerFontFamily(
            mono.name, normal=mono.name, bold=mono.name, italic=mono.name, boldItalic=mono.name
        )


def runs(text: str, font_name: str) -> list[tuple[str, str]]:
    """`text` (one line) cut in runs ``(face, characters)`` in drawing order, left to right:
    each run in `font_name` when it has the glyphs, else in the first of its `FALLBACK` faces
    that has them (spaces stay with the run before them)."""
    register_fonts()
    chain = [font_name, *(face.name for face in FALLBACK.get(font_name, ()))]
    chain = [name for name in chain if _covered(name)]
    parts: list[tuple[str, str]] = []
    for char in visual(text):
        face = next((name for name in chain if ord(char) in _covered(name)), font_name)
        if char.isspace() and parts:
            face = parts[-1][0]
        if parts and parts[-1][0] == face:
            parts[-1] = (face, parts[-1][1] + char)
        else:
            parts.append((face, char))
    return parts


def markup(text: str, font_name: str) -> str:
    """`text` as reportlab paragraph markup (``<``, ``&`` escaped), with every run of
    characters that `font_name` cannot draw set in the first of its `FALLBACK` faces that can."""
    return "".join(
        escape(run) if face == font_name else f'<font name="{face}">{escape(run)}</font>'
        for face, run in runs(text, font_name)
    )


def width(text: str, font_name: str, size: float) -> float:
    """The width of `text` drawn run by run (`runs`), in points."""
    return float(
        sum(pdfmetrics.stringWidth(run, face, size) for face, run in runs(text, font_name))
    )


def draw(canvas: Any, x: float, y: float, text: str, *, font_name: str, size: float) -> None:
    """Draw `text` on a reportlab canvas at (`x`, `y`), each run in a face that has its
    glyphs: an emoji or an ideogram in a name is drawn, never a box."""
    for face, run in runs(text, font_name):
        canvas.setFont(face, size)
        canvas.drawString(x, y, run)
        x += pdfmetrics.stringWidth(run, face, size)


def drawable() -> frozenset[int]:
    """The code points Cosigne can draw in every face it writes with: those of DejaVu Sans and
    its fallbacks, since every face's chain ends with them (`FALLBACK`)."""
    register_fonts()
    return _drawable()


@cache
def _drawable() -> frozenset[int]:
    return _covered(SANS.name).union(*(_covered(face.name) for face in FALLBACK_FACES))


@cache
def _covered(font_name: str) -> frozenset[int]:
    """The code points `font_name` has a glyph for (none when it is not registered)."""
    try:
        font = pdfmetrics.getFont(font_name)
    except KeyError:
        return frozenset()
    return frozenset(font.face.charToGlyph)
