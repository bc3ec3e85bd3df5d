"""The code printed on a paper signature sheet: which document, which version of its frozen PDF
and which signer the sheet is for, signed with the service's secret so that it cannot be forged.

``FS-12-34-1A2B3C4D-K7QXM2PZ9T``: document 12, signer 34, the first 8 hex digits of the frozen
PDF's SHA-256, then 10 base-32 characters of an HMAC-SHA-256 (50 bits) under a salt of its own
purpose (`SALT`), so that no other token of the service reads as a sheet's code. Keys are given
oldest first: the last signs, every one verifies (they rotate as the links' keys do,
`signing.links`). A code proves which sheet it was printed on, not that the sheet is still good:
the caller compares the document, the signer and the PDF with what they are now.

Typed by a person from the printed sheet, so read leniently: case, spaces and the letters a
reader confuses with digits (O/0, I/1, L/1) do not matter.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass

SALT = b"cosigne.paper-sheet"
PREFIX = "FS"
SHA_PREFIX_LENGTH = 8
_MAC_LENGTH = 10
_CODE = re.compile(r"^FS-(\d{1,12})-(\d{1,12})-([0-9A-F]{8})-([A-Z2-7]{10})$")


class SheetCodeInvalid(ValueError):
    """The text is no sheet code of this service (mistyped, or forged)."""


@dataclass(frozen=True)
class SheetClaims:
    """What a genuine code says."""

    document_id: int
    signer_id: int
    sha_prefix: str
    """The first 8 hex digits (upper case) of the frozen PDF's SHA-256 when it was printed."""

    def matches(self, pdf_sha256: str | None) -> bool:
        return bool(pdf_sha256) and str(pdf_sha256).upper().startswith(self.sha_prefix)


def _mac(key: str, body: str) -> str:
    digest = hmac.new(key.encode(), SALT + b"|" + body.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:_MAC_LENGTH]


def make_code(keys: Sequence[str], document_id: int, signer_id: int, pdf_sha256: str) -> str:
    """The code of the sheet for `signer_id` of `document_id`, frozen PDF `pdf_sha256` (hex)."""
    if not keys or not all(keys):
        raise ValueError("a sheet code needs at least one key, and no empty key")
    body = f"{PREFIX}-{document_id}-{signer_id}-{pdf_sha256[:SHA_PREFIX_LENGTH].upper()}"
    return f"{body}-{_mac(keys[-1], body)}"


def normalized(text: str) -> str:
    """A code as typed, made comparable: upper case, no spaces, any dash a hyphen; base 32 has
    no 0, 1 or 8, so in the signature a typed 0 is an O, a 1 an I, an 8 a B; in the hex part,
    an O is a 0 and an I or L a 1."""
    compact = "".join(text.split()).upper().replace("—", "-").replace("–", "-")
    parts = compact.split("-")
    if len(parts) == 5:
        parts[4] = parts[4].translate(str.maketrans("018", "OIB"))
        parts[3] = parts[3].translate(str.maketrans("OIL", "011"))
    return "-".join(parts)


def read_code(keys: Sequence[str], text: str) -> SheetClaims:
    """The claims of a code typed or decoded from the QR; SheetCodeInvalid when it is not one
    (wrong shape, or a signature that no key gives)."""
    code = normalized(text or "")[:80]
    found = _CODE.match(code)
    if found is None:
        raise SheetCodeInvalid("ce n'est pas un code de feuille de signature")
    body, given = code.rsplit("-", 1)
    if not any(hmac.compare_digest(_mac(key, body), given) for key in keys if key):
        raise SheetCodeInvalid("ce code n'a pas été imprimé par ce service")
    return SheetClaims(int(found.group(1)), int(found.group(2)), found.group(3))
