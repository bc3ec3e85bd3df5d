"""The audit trail's head, written into the final PDF's catalog before the seal closes it.

The certificate pages print the head for a reader; this entry carries the same facts for a
program: `cosigne audit verify` and the staff audit page read it back from the archived file and
compare it with the database, so a trail rewritten after sealing shows even if every hash in the
database was recomputed. The entry sits in the document catalog (ISO 32000-1 §7.7.2 lets a
writer add its own keys; readers ignore unknown ones) under ``/CosigneTrail``, in the same
incremental update as the certificate pages, which the seal then covers.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import DictionaryObject, NameObject, NumberObject, TextStringObject

CATALOG_KEY = "/CosigneTrail"
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class SealedTrail:
    """What the sealed file says of its document's trail at the moment of sealing."""

    document_id: int
    head: str
    """The hash of the trail's last event then."""
    events: int
    """How many events the trail held then: the head is the hash of event n° `events`."""
    key_id: str
    """The trail key that event was chained with; empty for a plain SHA-256 chain."""


def catalog_entry(sealed: SealedTrail) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Document"): NumberObject(sealed.document_id),
            NameObject("/Head"): TextStringObject(sealed.head),
            NameObject("/Events"): NumberObject(sealed.events),
            NameObject("/Key"): TextStringObject(sealed.key_id),
        }
    )


def read_sealed_trail(pdf: bytes) -> SealedTrail | None:
    """The entry of the file's newest revision, or None when it has none (a file sealed before
    the entry existed) or it cannot be read. Only meaningful for a file whose seal was checked
    to cover it whole (the archived final PDF, by its hash)."""
    try:
        root = PdfReader(io.BytesIO(pdf)).trailer["/Root"].get_object()
        entry = root.get(CATALOG_KEY) if isinstance(root, DictionaryObject) else None
        entry = entry.get_object() if entry is not None else None
        if not isinstance(entry, DictionaryObject):
            return None
        found = SealedTrail(
            _number(entry["/Document"]),
            str(entry["/Head"]),
            _number(entry["/Events"]),
            str(entry["/Key"]),
        )
    except (PdfReadError, KeyError, ValueError, TypeError, AttributeError):
        return None
    return found if _HEX64.fullmatch(found.head) and found.events > 0 else None


def _number(value: object) -> int:
    if not isinstance(value, NumberObject):
        raise TypeError(f"not a PDF integer: {value!r}")
    return int(value)
