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
_INK_LEVEL = 160
"""A pixel darker than this (0–255, on white) counts as ink."""

FIELD = "signature"


class SignatureImageRefused(CosigneError):
    """The posted drawing is not an acceptable signature; `issue` says why, in French."""

    def __init__(self, message: str) -> None:
        self.issue = FieldIssue(FIELD, message)
        super().__init__(message)


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
    if _ink(rgba) < MIN_INK_PIXELS:
        raise SignatureImageRefused(
            "Votre signature dessinée est vide. Dessinez-la dans le cadre, ou effacez le cadre : "
            "votre nom saisi suffit alors."
        )
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


def _ink(rgba: Image.Image) -> int:
    """How many pixels are dark once the drawing is laid on white paper."""
    paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    grey = Image.alpha_composite(paper, rgba).convert("L")
    return sum(grey.histogram()[:_INK_LEVEL])
