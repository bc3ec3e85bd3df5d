"""The drawn signature a signer posts: a PNG data URL from the signature pad, checked and cleaned.

Whatever the browser sends is untrusted: it must be a real PNG, small, of reasonable dimensions,
with some ink on it. What is stored is a fresh PNG made from its pixels alone, so no metadata
(text chunks, colour profiles, EXIF) the sender put in it reaches the archive.
"""

from __future__ import annotations

import base64
import binascii
import io
import warnings

from PIL import Image, UnidentifiedImageError

from signing.errors import CosigneError, FieldIssue

DATA_URL_PREFIX = "data:image/png;base64,"
MAX_BYTES = 200 * 1024
"""Decoded size limit; the pad's PNGs of a signature weigh a few tens of kilobytes."""
MAX_WIDTH = 2000
MAX_HEIGHT = 1000
MIN_INK_PIXELS = 20
"""Below this, the drawing is a stray touch rather than a signature."""
MIN_EXTENT = 0.15
"""The ink's bounding box must span, on its longer side, this share of the pad's height (on the
signer's page, 12rem: about 29 CSS pixels): a dot or a tick is not a signature. A share, not a
pixel count, so the measure is the same on a phone's dense screen and on a desktop's.
`service/static/sign.js` applies the same floor before sending."""
MIN_EXTENT_PIXELS = 12
_INK_LEVEL = 160
"""A pixel darker than this (0–255, on white) counts as ink."""

FIELD = "signature"

EMPTY = (
    "Votre signature dessinée est vide. Dessinez-la dans le cadre, ou signez en tapant votre "
    "nom seulement."
)
MISSING = (
    "Vous avez choisi de signer en dessinant : dessinez votre signature dans le cadre, ou "
    "choisissez « Signer en tapant mon nom »."
)
TOO_SMALL = (
    "Votre signature dessinée est trop petite : un point ou un petit trait ne suffit pas. "
    "Dessinez-la en plus grand dans le cadre, ou signez en tapant votre nom seulement."
)


class SignatureImageRefused(CosigneError):
    """The posted drawing is not an acceptable signature; `issue` says why, in French."""

    def __init__(self, message: str) -> None:
        self.issue = FieldIssue(FIELD, message)
        super().__init__(message)


TYPED, DRAWN = "typed", "drawn"
"""The signer page's choice (`signature_method`): « Signer en tapant mon nom » (the default,
and what a page without JavaScript posts) or « Signer en dessinant »."""


def posted_signature(method: str | None, posted: str) -> bytes | None:
    """The PNG to store for the signer page's choice and drawing: None for the typed name (a
    drawing posted with it is ignored: the signer chose not to draw), a drawing required when
    they chose to draw. A form without the choice (the staff's page) draws if it likes."""
    if method == TYPED:
        return None
    if method not in (None, "", DRAWN):
        raise SignatureImageRefused(
            "Choisissez comment signer : en tapant votre nom, ou en dessinant votre signature."
        )
    png = clean_signature(posted)
    if png is None and method == DRAWN:
        raise SignatureImageRefused(MISSING)
    return png


def as_data_url(png: bytes) -> str:
    """The data URL of a cleaned PNG: what the page puts back into its form after an error."""
    return DATA_URL_PREFIX + base64.b64encode(png).decode("ascii")


def clean_signature(data_url: str) -> bytes | None:
    """The PNG to store for a posted `signature` field: None when nothing was drawn (the field
    is empty), clean PNG bytes otherwise. Raises `SignatureImageRefused`."""
    data_url = data_url.strip()
    if not data_url:
        return None
    if not data_url.startswith(DATA_URL_PREFIX):
        raise SignatureImageRefused(_message("le dessin reçu n'est pas une image PNG."))
    encoded = data_url.removeprefix(DATA_URL_PREFIX)
    if len(encoded) > (MAX_BYTES * 4) // 3 + 4:
        raise SignatureImageRefused(_message("le dessin reçu est trop volumineux."))
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureImageRefused(_message("le dessin reçu est illisible.")) from None
    if len(raw) > MAX_BYTES:
        raise SignatureImageRefused(_message("le dessin reçu est trop volumineux."))
    return _clean_png(raw)


def _message(detail: str) -> str:
    return (
        f"Votre signature dessinée n'a pas pu être utilisée : {detail} Effacez-la et recommencez."
    )


def _clean_png(raw: bytes) -> bytes:
    rgba = _decode(raw)
    ink = _ink(rgba)
    if ink.histogram()[255] < MIN_INK_PIXELS:
        raise SignatureImageRefused(EMPTY)
    box = ink.getbbox()
    extent = max(box[2] - box[0], box[3] - box[1]) if box else 0
    if extent < max(MIN_EXTENT_PIXELS, MIN_EXTENT * rgba.height):
        raise SignatureImageRefused(TOO_SMALL)
    # A new image from the pixels alone: nothing of the sender's file but its picture is kept.
    clean = Image.frombytes("RGBA", rgba.size, rgba.tobytes())
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _decode(raw: bytes) -> Image.Image:
    """The drawing's pixels, in RGBA; its dimensions are checked from the PNG header, before
    any pixel is decoded."""
    try:
        with warnings.catch_warnings():
            # Pillow warns, then refuses, on decompression bombs; our size check comes first.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw), formats=["PNG"]) as image:
                _check_dimensions(*image.size)
                image.load()
                return image.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        # Pillow reports truncated or corrupt files with any of these.
        raise SignatureImageRefused(_message("le dessin reçu n'est pas une image PNG.")) from None


def _check_dimensions(width: int, height: int) -> None:
    if not (0 < width <= MAX_WIDTH and 0 < height <= MAX_HEIGHT):
        raise SignatureImageRefused(
            _message(
                f"l'image mesure {width} × {height} pixels, {MAX_WIDTH} × {MAX_HEIGHT} au plus."
            )
        )


def _ink(rgba: Image.Image) -> Image.Image:
    """The drawing's ink once laid on white paper: 255 where a pixel is dark, 0 elsewhere."""
    paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    grey = Image.alpha_composite(paper, rgba).convert("L")
    return grey.point(lambda level: 255 if level < _INK_LEVEL else 0)
