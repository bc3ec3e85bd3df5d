"""Print a DOCX template as text, so that a changed clause shows in `git diff`.

Registered as git's ``textconv`` diff driver for ``*.docx`` (``.gitattributes``; enable it with
``git config diff.docx.textconv ".venv/bin/python scripts/docx_text.py"``, which
``scripts/setup.sh`` does). It prints, in the document's order, every paragraph (its Jinja tags
as they are) and every table row (cells separated by `` | ``), then each section's headers and
footers. Written by hand because python-docx reads paragraphs and tables separately and no
library prints them in order; it reads the document, never changes it.

Usage: scripts/docx_text.py TEMPLATE.docx
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

Block = Paragraph | Table


def _blocks(parent: DocxDocument | _Cell | object) -> Iterator[Block]:
    """The paragraphs and tables of a body, a cell, a header or a footer, in their order."""
    element = parent.element.body if isinstance(parent, DocxDocument) else parent._element  # type: ignore[attr-defined]
    for child in element.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, parent)  # type: ignore[arg-type]
        elif child.tag == qn("w:tbl"):
            yield Table(child, parent)  # type: ignore[arg-type]


def _cell_text(cell: _Cell) -> str:
    return " / ".join(line for line in (_text(block) for block in _blocks(cell)) if line)


def _text(block: Block) -> str:
    if isinstance(block, Paragraph):
        return block.text.strip()
    return "\n".join(_row(row.cells) for row in block.rows)


def _row(cells: list[_Cell]) -> str:
    seen: list[_Cell] = []
    for cell in cells:  # a merged cell comes back once per grid column it spans
        if not seen or cell._tc is not seen[-1]._tc:
            seen.append(cell)
    return "| " + " | ".join(_cell_text(cell) for cell in seen) + " |"


def lines(path: str) -> Iterator[str]:
    """The text of the document at `path`, a paragraph or a table row a line."""
    document = Document(path)
    for block in _blocks(document):
        text = _text(block)
        if text:
            yield text
    for number, section in enumerate(document.sections, start=1):
        for name, part in (("en-tête", section.header), ("pied de page", section.footer)):
            texts = [t for t in (_text(b) for b in _blocks(part)) if t]
            if texts and not part.is_linked_to_previous:
                yield f"--- {name} de la section {number} ---"
                yield from texts


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage : scripts/docx_text.py MODELE.docx", file=sys.stderr)  # noqa: T201
        return 2
    for line in lines(argv[1]):
        print(line)  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
