"""What a person may type in Cosigne — a field of a document, a name typed to sign, a reason to
decline or cancel: one rule for all of them, so every page, mail and PDF shows what was meant.

Refused, never silently removed (the person sees what they typed and why it is refused):
control characters, line and paragraph separators, unpaired surrogates, the bidirectional
overrides and isolates (U+202A–U+202E, U+2066–U+2069: they make « Zoé » print as another name),
and the invisible characters that hide a difference (zero-width space U+200B, word joiner
U+2060, byte-order mark U+FEFF, soft hyphen U+00AD). The zero-width joiners U+200C/U+200D stay:
some scripts and emoji need them. Accepted text is put in NFC, so « é » is one character.

Refused too: a character that no font Cosigne embeds in its PDF pages can draw (a private-use
code point, a script such as Devanagari or Ethiopic that needs shaping Cosigne does not do):
what a person types ends on a signed page or a certificate, so an accepted character is always
printed, never a box (`signing.pdf.glyphs`). The message names the character.
"""

from __future__ import annotations

import unicodedata

from signing.pdf.glyphs import first_unprintable

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
INVISIBLE = frozenset("\u200b\u2060\ufeff\u00ad")


def forbidden_char(char: str, *, multiline: bool = False) -> bool:
    """Whether `char` may not be typed (line breaks and tabs allowed in a `multiline` text)."""
    if multiline and char in "\n\t":
        return False
    return (
        unicodedata.category(char) in {"Cc", "Cs", "Zl", "Zp"}
        or char in BIDI_CONTROLS
        or char in INVISIBLE
    )


def first_forbidden(text: str, *, multiline: bool = False) -> str | None:
    """The first character of `text` that may not be typed, or None."""
    return next((char for char in text if forbidden_char(char, multiline=multiline)), None)


def refusal(label: str, text: str, *, multiline: bool = False) -> str | None:
    """The French refusal of `text` typed in the field named `label`, or None when it holds."""
    bad = first_forbidden(text, multiline=multiline)
    if bad is None:
        return unprintable(label, unicodedata.normalize("NFC", text))
    return (
        f"{label} : caractère invisible ou de contrôle interdit (U+{ord(bad):04X}) ; "
        "saisissez le texte sans lui."
    )


def unprintable(label: str, text: str) -> str | None:
    """The French refusal of `text` (in NFC) when one of its characters cannot be printed on
    the document, or None."""
    bad = first_unprintable(text)
    if bad is None:
        return None
    return (
        f"{label} : le caractère « {bad} » (U+{ord(bad):04X}) ne peut pas être imprimé sur "
        "le document (aucune police de Cosigne ne le dessine) ; saisissez le texte sans lui."
    )


def one_line(text: str) -> str:
    """`text` in NFC, its spaces collapsed: as a typed name or reason is kept."""
    return " ".join(unicodedata.normalize("NFC", text).split())
