"""The TrueType fonts of the text Cosigne adds to a PDF (stamps, certificate), always embedded.

A base-14 font is never used: it is not embedded and knows no letter outside Latin-1, so
"Nguyễn" would come out as boxes. DejaVu covers Latin, Greek, Cyrillic and Vietnamese; it is
Debian's fonts-dejavu-core package, which scripts/setup.sh installs.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from signing.errors import FontMissing

FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/dejavu"),  # Debian, Ubuntu
    Path("/usr/share/fonts/dejavu-sans-fonts"),  # Fedora
    Path("/usr/share/fonts/dejavu-sans-mono-fonts"),  # Fedora
    Path("/usr/share/fonts/TTF"),  # Arch
    Path("/usr/share/fonts/dejavu"),  # Alpine
    Path("/usr/local/share/fonts/dejavu"),  # FreeBSD
)
"""Where distributions put DejaVu; fontconfig is asked when none of them has it."""


@dataclass(frozen=True)
class Face:
    """One font file and the name it is registered under in reportlab."""

    name: str
    file: str
    pattern: str
    """The fontconfig pattern that finds the same file (``fc-match``)."""


SANS = Face("CosigneSans", "DejaVuSans.ttf", "DejaVu Sans:style=Book")
SANS_BOLD = Face("CosigneSans-Bold", "DejaVuSans-Bold.ttf", "DejaVu Sans:style=Bold")
MONO = Face("CosigneMono", "DejaVuSansMono.ttf", "DejaVu Sans Mono:style=Book")
FACES = (SANS, SANS_BOLD, MONO)


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
        MONO.name, normal=MONO.name, bold=MONO.name, italic=MONO.name, boldItalic=MONO.name
    )
