"""The signers' anchors of a filled DOCX turned into bookmarks, just before it is saved.

A template prints each signer's anchor (``{{ s.anchor }}``: ``sig-head``, ``sig-guardian-0``…)
as the only text of a paragraph in the ``Anchor`` style, at the top of the signing space
(signing/kinds/README.md). Here that paragraph loses its text and gets a bookmark of that name;
LibreOffice exports bookmarks as PDF named destinations, so `signing.pdf.anchors` knows the
spot while the PDF's text has nothing of it for a reader to copy or a screen reader to read.

Written here because no library does it, and not in the template itself: Writer, saving a
template, rewrites a Jinja tag inside a bookmark's name (``{{_s.anchor_}}``) and its ids, while
a tag in the text survives (tests/integration/test_template_saved_by_writer.py). Only a
paragraph in the ``Anchor`` style counts, so no text of the data can become an anchor.
"""

from __future__ import annotations

from collections.abc import Collection

from lxml import etree

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ANCHOR_STYLE = "Anchor"


def bookmark_anchors(body: etree._Element, names: Collection[str]) -> list[str]:
    """Replace, in `body`, each ``Anchor`` paragraph whose whole text is one of `names` by an
    empty paragraph holding a bookmark of that name; the names bookmarked, in order."""
    used = [_number(mark.get(f"{_W}id")) for mark in body.iter(f"{_W}bookmarkStart")]
    next_id = max(used, default=0) + 1
    done: list[str] = []
    for paragraph in list(body.iter(f"{_W}p")):
        if _style(paragraph) != ANCHOR_STYLE:
            continue
        name = "".join(text.text or "" for text in paragraph.iter(f"{_W}t")).strip()
        if name not in names:
            continue
        for run in paragraph.findall(f"{_W}r"):
            paragraph.remove(run)
        ident = str(next_id)
        next_id += 1
        etree.SubElement(paragraph, f"{_W}bookmarkStart", {f"{_W}id": ident, f"{_W}name": name})
        etree.SubElement(paragraph, f"{_W}bookmarkEnd", {f"{_W}id": ident})
        done.append(name)
    return done


def _style(paragraph: etree._Element) -> str | None:
    style = paragraph.find(f"{_W}pPr/{_W}pStyle")
    return None if style is None else style.get(f"{_W}val")


def _number(value: str | None) -> int:
    return int(value) if value is not None and value.isdigit() else 0
