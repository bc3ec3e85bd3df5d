"""Which typed characters Cosigne can print on a PDF page, so that it refuses the others at input
(`signing.data.typed_text`) instead of stamping or certifying them as boxes.

A character is printable when the faces of `signing.pdf.fonts` draw every character it becomes:
itself, or, for an Arabic letter, the joined forms `signing.pdf.right_to_left` draws in its place.
The answer follows the fonts installed on the machine (scripts/setup.sh installs them all): a
machine without the CJK face refuses a Chinese name rather than print it as boxes.
"""

from __future__ import annotations

import unicodedata

from signing.pdf.fonts import drawable
from signing.pdf.right_to_left import CONTROLS, visual

UNDRAWN = frozenset("\n\t") | CONTROLS
"""Characters that are never drawn: a multi-line text's line breaks and tabs (a form field's
line), and the bidi controls that only steer the order."""


def first_unprintable(text: str) -> str | None:
    """The first character of `text` that no face Cosigne embeds can draw, or None."""
    covered = drawable()
    for char in text:
        if char in UNDRAWN:
            continue
        if any(ord(drawn) not in covered for drawn in visual(char)):
            return char
    # An Arabic letter's shape depends on its neighbours: check the forms the text really needs.
    for drawn in visual(text):
        if drawn not in UNDRAWN and ord(drawn) not in covered:
            return unicodedata.normalize("NFKC", drawn)[:1] or drawn
    return None
