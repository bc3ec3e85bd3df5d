"""Checking PDFs the way a user's tools see them: qpdf, poppler's pdffonts and pdftoppm, pypdf.

The tools come with scripts/setup.sh (packages qpdf and poppler-utils).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from PIL import Image, ImageDraw
from pypdf import PdfReader
from reportlab.pdfbase.ttfonts import TTFontFile


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def squash(text: str) -> str:
    """The text with every run of whitespace (line breaks included) made one space."""
    return " ".join(text.split())


def tool(name: str) -> str:
    """The full path of a PDF tool; a test that needs a missing one fails and says why."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} manque : lancez scripts/setup.sh (paquets qpdf et poppler-utils)")
    return path


def _write(pdf: bytes, folder: Path, name: str) -> Path:
    path = folder / name
    path.write_bytes(pdf)
    return path


def qpdf_check(pdf: bytes, folder: Path) -> subprocess.CompletedProcess[str]:
    """`qpdf --check`: return code 0 when the file has neither errors nor warnings."""
    path = _write(pdf, folder, "checked.pdf")
    return subprocess.run(
        [tool("qpdf"), "--check", str(path)], capture_output=True, text=True, check=False
    )


def pdffonts(pdf: bytes, folder: Path) -> dict[str, bool]:
    """Every font poppler finds in the file, and whether it is embedded (column "emb")."""
    path = _write(pdf, folder, "fonts.pdf")
    lines = subprocess.run(
        [tool("pdffonts"), str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    header, rule = lines[0], lines[1]
    emb = header.index(" emb") + 1
    fonts: dict[str, bool] = {}
    for line in lines[2:]:
        name = line[: rule.index(" ")].strip()
        fonts[name] = fonts.get(name, True) and line[emb : emb + 3].strip() == "yes"
    return fonts


def render_page(pdf: bytes, page: int, folder: Path, dpi: int = 50) -> Image.Image:
    """Page `page` (1-based) as pdftoppm draws it, in greyscale."""
    path = _write(pdf, folder, f"render-{page}.pdf")
    prefix = folder / f"render-{page}"
    pages = ["-f", str(page), "-l", str(page)]
    command = [tool("pdftoppm"), "-r", str(dpi), *pages, "-png", "-singlefile", str(path)]
    subprocess.run([*command, str(prefix)], check=True)
    with Image.open(prefix.with_suffix(".png")) as image:
        return image.convert("L")


def scribble_png(width: int = 600, height: int = 200, background: int = 0) -> bytes:
    """A signature-like zigzag in black ink on a transparent (or white: 255) background."""
    image = Image.new("RGBA", (width, height), (255, 255, 255, background))
    points = [(40, 150), (100, 40), (180, 160), (260, 30), (340, 170), (420, 60), (520, 120)]
    scale = width / 600, height / 200
    ImageDraw.Draw(image).line(
        [(x * scale[0], y * scale[1]) for x, y in points], fill=(10, 10, 10, 255), width=7
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def slow_pdf(entries: int = 900_000) -> bytes:
    """A legal PDF of one empty page tree whose cross-reference table has `entries` lines
    (about 18 MB by default): under the upload limit, and a second or more to read, so that a
    short time limit stops its analysis."""
    out = bytearray(b"%PDF-1.7\n")
    catalogue = len(out)
    out += b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    pages = len(out)
    out += b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % entries
    out += b"%010d 00000 n \n%010d 00000 n \n" % (catalogue, pages)
    out += b"0000000000 65535 f \n" * (entries - 3)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (entries, xref)
    return bytes(out)


def headings_of(docx: bytes) -> set[str]:
    """The texts of a rendered DOCX's headings (styles Heading 1 to 3)."""
    document = Document(io.BytesIO(docx))
    return {
        " ".join(p.text.split())
        for p in document.paragraphs
        if p.style is not None and (p.style.name or "").startswith("Heading") and p.text.strip()
    }


def last_lines(pdf: bytes, margin: float = 62.0) -> list[str]:
    """Each page's lowest line of body text (the running header and footer, within `margin`
    points of the page's edges, left out), as a reader meets it at the foot of the page."""
    lines: list[str] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        height = float(page.mediabox.top)
        rows: dict[int, list[tuple[float, str]]] = {}

        def visit(
            text: str, cm: Any, tm: Any, _font: Any, _size: Any, rows=rows, height=height
        ) -> None:
            if not text.strip():
                return
            x = float(tm[4]) * float(cm[0]) + float(cm[4])
            y = float(tm[5]) * float(cm[3]) + float(cm[5])
            if margin < y < height - margin:
                rows.setdefault(round(y), []).append((x, text))

        page.extract_text(visitor_text=visit)
        if rows:
            lowest = rows[min(rows)]
            lines.append(" ".join(" ".join(t for _, t in sorted(lowest)).split()))
        else:
            lines.append("")
    return lines


def drawn_characters(pdf: bytes, folder: Path, page: int = -1) -> set[str]:
    """Every character a TrueType font on page `page` (or in one of its forms) really draws:
    mapped to text by the font's ToUnicode and, in the embedded font program, to a glyph other
    than .notdef (a character a face lacks would be a box). Presentation forms are given back
    as the letters typed (NFKC), so an Arabic name's letters are found as such."""
    found: set[str] = set()
    reader = PdfReader(io.BytesIO(pdf))
    for number, font in enumerate(_truetype_fonts(reader.pages[page]["/Resources"])):
        program = font["/FontDescriptor"]["/FontFile2"].get_data()
        path = folder / f"font-{number}.ttf"
        path.write_bytes(program)
        glyphs = TTFontFile(str(path), validate=0).charToGlyph
        for code, text in _to_unicode(font["/ToUnicode"].get_data()):
            if glyphs.get(code, 0) != 0 and text != "\0":
                found.update(unicodedata.normalize("NFKC", text))
    return found


def _truetype_fonts(resources: Any) -> list[Any]:
    fonts = [
        font.get_object()
        for font in (resources.get("/Font") or {}).values()
        if "/FontFile2" in (font.get_object().get("/FontDescriptor") or {})
        and "/ToUnicode" in font.get_object()
    ]
    for ref in (resources.get("/XObject") or {}).values():
        form = ref.get_object()
        if form.get("/Subtype") == "/Form" and "/Resources" in form:
            fonts += _truetype_fonts(form["/Resources"])
    return fonts


def _to_unicode(cmap: bytes) -> list[tuple[int, str]]:
    """The ``bfchar`` pairs of a ToUnicode CMap (reportlab's subsets write no ranges)."""
    pairs = re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", cmap.split(b"beginbfchar", 1)[-1])
    return [
        (int(code, 16), bytes.fromhex(text.decode()).decode("utf-16-be")) for code, text in pairs
    ]
