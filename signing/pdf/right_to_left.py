"""Right-to-left text (Arabic, Hebrew) made drawable by reportlab, which draws characters one
after the other, left to right, each as its font's glyph for that code point.

`visual` turns a line in logical order (as typed) into the characters to draw from left to
right: Arabic letters first replaced by their joined forms (the Unicode « presentation forms »
U+FB50–U+FDFF, U+FE70–U+FEFF, a letter's initial, medial, final or isolated shape, and the
lam-alef ligatures) by arabic-reshaper, then the line reordered by the Unicode bidirectional
algorithm (python-bidi, a binding of the Rust crate unicode-bidi), the paragraph taken as
left-to-right: every line Cosigne draws is a French line, a right-to-left name a run inside it
(a name given alone comes out the same). The bidi controls that isolate a name (FSI … PDI) do
their work and are dropped. A combining mark (a haraka, a niqqud point) stays where reordering
puts it, just before (left of) its letter: DejaVu, like the fonts made for a shaping engine,
draws such a mark with no advance and its outline to the right of the pen, over the letter
drawn next.

Why not reportlab's own support: it reorders with `rlbidi` and shapes with `uharfbuzz`, whose
output is glyph indices positioned by the font; it works on a whole string in one face, so it
cannot serve `signing.pdf.fonts`' runs, where one line mixes Liberation or DejaVu, an Arabic face,
a CJK face and Symbola character by character. Presentation forms are plain code points: every
face's cmap maps them, widths come from the same metrics, and a PDF reader extracts them as text
(NFKC gives back the letters typed). The cost: scripts that need real shaping (Devanagari,
Bengali, Thai marks…) cannot be drawn this way; the fonts Cosigne embeds have no glyph for them,
so `signing.data.typed_text` refuses them at input rather than printing them broken.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from arabic_reshaper import ArabicReshaper
from bidi import get_display

RIGHT_TO_LEFT = frozenset({"R", "AL", "AN"})
"""Bidi classes that make a line need reordering (right-to-left letters, Arabic digits)."""
CONTROLS = frozenset("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""The marks, embeddings, overrides and isolates: they steer the order, they are never drawn."""


@cache
def _reshaper() -> ArabicReshaper:
    # Harakat kept: a mark the signer typed is drawn, never silently removed.
    return ArabicReshaper(configuration={"delete_harakat": False})


def needs_reordering(text: str) -> bool:
    """Whether `text` holds a right-to-left character (else `visual` returns it as it is)."""
    return any(unicodedata.bidirectional(char) in RIGHT_TO_LEFT for char in text)


def visual(text: str) -> str:
    """`text` (logical order) as the characters to draw from left to right, line by line."""
    if not needs_reordering(text):
        return "".join(char for char in text if char not in CONTROLS)
    return "\n".join(_visual_line(line) for line in text.split("\n"))


def _visual_line(text: str) -> str:
    shaped = _reshaper().reshape(text)
    ordered = str(get_display(shaped, base_dir="L"))  # str in, str out
    return "".join(char for char in ordered if char not in CONTROLS)
