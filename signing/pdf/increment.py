"""Adding to a PDF without rewriting it: an incremental update (ISO 32000-1 §7.5.6).

The input's bytes are copied unchanged to the start of the output; the new and replaced objects
follow, then a cross-reference section chained to the input's (``/Prev``). Every stage after the
freeze (stamp, certificate, seal) works this way, so the frozen PDF every signer saw stays, byte
for byte, at the start of the final file: the SHA-256 of its first ``len(frozen)`` bytes is the
frozen PDF's, and a PDF reader can still show that earlier revision.

The output depends on the input and the added objects only (no clock, no randomness): running a
stage twice gives the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
from collections.abc import Iterator

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from signing.errors import PdfUnreadable

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_DROPPED_STREAM_KEYS = frozenset({"/Length", "/Filter", "/DecodeParms"})


def open_pdf(pdf: bytes) -> PdfReader:
    """A reader on `pdf`; raises `PdfUnreadable` when it is not a PDF that can be updated."""
    try:
        reader = PdfReader(io.BytesIO(pdf))
        if reader.is_encrypted:
            raise PdfUnreadable("le fichier est chiffré")
        reader.trailer.raw_get("/Root")
        _ = len(reader.pages)
    except (PyPdfError, KeyError, ValueError, TypeError, AttributeError) as exc:
        raise PdfUnreadable(str(exc) or type(exc).__name__) from exc
    return reader


class Update:
    """The objects one stage adds to a PDF, written after it by `to_bytes`.

    Objects of the input are read through `reader`; a replaced one keeps its number. Objects of
    another PDF (reportlab's output) come in through `copy_from`, which renumbers them.
    """

    def __init__(self, pdf: bytes, reader: PdfReader | None = None) -> None:
        match = _STARTXREF.search(pdf[-64:])
        if match is None:
            raise PdfUnreadable("fin de fichier (startxref) introuvable")
        self.original = pdf
        self.reader = reader if reader is not None else open_pdf(pdf)
        self._previous_xref = int(match.group(1))
        size = self.reader.trailer.get("/Size")
        if not isinstance(size, int):
            raise PdfUnreadable("taille de la table des objets (/Size) absente")
        self._next_number = int(size)
        self._objects: dict[int, tuple[int, PdfObject]] = {}

    def add(self, obj: PdfObject) -> IndirectObject:
        """A new object; its reference, to use in other objects."""
        ref = self._allocate()
        self._objects[ref.idnum] = (0, obj)
        return ref

    def replace(self, ref: IndirectObject, obj: PdfObject) -> None:
        """A new version of the input's object `ref`."""
        self._objects[ref.idnum] = (ref.generation, obj)

    def copy_from(self, obj: PdfObject, memo: dict[int, IndirectObject]) -> PdfObject:
        """A deep copy of `obj`, an object of another PDF, with the objects it refers to added
        to this update. `memo` maps the other PDF's object numbers to their copies: share it
        between calls on one source so nothing is copied twice."""
        if isinstance(obj, IndirectObject):
            known = memo.get(obj.idnum)
            if known is not None:
                return known
            ref = memo[obj.idnum] = self._allocate()
            target = obj.get_object()
            self._objects[ref.idnum] = (
                0,
                NullObject() if target is None else self.copy_from(target, memo),
            )
            return ref
        if isinstance(obj, StreamObject):
            # Decoded and compressed again: only public pypdf API, whatever the source filters.
            fresh = DecodedStreamObject()
            for key, value in obj.items():
                if key not in _DROPPED_STREAM_KEYS:
                    fresh[NameObject(key)] = self.copy_from(value, memo)
            fresh.set_data(obj.get_data())
            return fresh.flate_encode()
        if isinstance(obj, DictionaryObject):
            return DictionaryObject(
                {NameObject(key): self.copy_from(value, memo) for key, value in obj.items()}
            )
        if isinstance(obj, ArrayObject):
            return ArrayObject(self.copy_from(item, memo) for item in obj)
        return obj

    def to_bytes(self) -> bytes:
        """The input followed by this update (the input itself when nothing was added)."""
        if not self._objects:
            return self.original
        out = io.BytesIO()
        out.write(self.original)
        if not self.original.endswith((b"\n", b"\r")):
            out.write(b"\n")
        offsets: dict[int, tuple[int, int]] = {}
        for number in sorted(self._objects):
            generation, obj = self._objects[number]
            offsets[number] = (out.tell(), generation)
            out.write(f"{number} {generation} obj\n".encode())
            obj.write_to_stream(out)
            out.write(b"\nendobj\n")
        if self.original[self._previous_xref : self._previous_xref + 4] == b"xref":
            self._write_xref_table(out, offsets)
        else:
            self._write_xref_stream(out, offsets)
        return out.getvalue()

    def _write_xref_table(self, out: io.BytesIO, offsets: dict[int, tuple[int, int]]) -> None:
        xref_at = out.tell()
        out.write(b"xref\n")
        for first, count in _runs(sorted(offsets)):
            out.write(f"{first} {count}\n".encode())
            for number in range(first, first + count):
                offset, generation = offsets[number]
                out.write(f"{offset:010d} {generation:05d} n\r\n".encode())
        out.write(b"trailer\n")
        self._trailer(out).write_to_stream(out)
        out.write(f"\nstartxref\n{xref_at}\n%%EOF\n".encode())

    def _write_xref_stream(self, out: io.BytesIO, offsets: dict[int, tuple[int, int]]) -> None:
        """The same, as a cross-reference stream (ISO 32000-1 §7.5.8), for an input whose last
        section is one: a classic table may not follow it."""
        xref_at = out.tell()
        own = self._allocate().idnum
        offsets = {**offsets, own: (xref_at, 0)}
        numbers = sorted(offsets)
        stream = DecodedStreamObject()
        stream.update(self._trailer(out))
        stream[NameObject("/Type")] = NameObject("/XRef")
        stream[NameObject("/W")] = ArrayObject([NumberObject(1), NumberObject(4), NumberObject(2)])
        stream[NameObject("/Index")] = ArrayObject(
            NumberObject(value) for run in _runs(numbers) for value in run
        )
        stream.set_data(b"".join(struct.pack(">BIH", 1, *offsets[number]) for number in numbers))
        out.write(f"{own} 0 obj\n".encode())
        stream.write_to_stream(out)
        out.write(f"\nendobj\nstartxref\n{xref_at}\n%%EOF\n".encode())

    def _allocate(self) -> IndirectObject:
        number = self._next_number
        self._next_number += 1
        return IndirectObject(number, 0, self.reader)

    def _trailer(self, out: io.BytesIO) -> DictionaryObject:
        with out.getbuffer() as written:
            revision_id = hashlib.sha256(written).digest()[:16]
        previous = self.reader.trailer
        trailer = DictionaryObject(
            {
                NameObject("/Size"): NumberObject(self._next_number),
                NameObject("/Root"): previous.raw_get("/Root"),
                NameObject("/Prev"): NumberObject(self._previous_xref),
            }
        )
        if "/Info" in previous:
            trailer[NameObject("/Info")] = previous.raw_get("/Info")
        # The first identifier names the document and never changes; the second names this
        # revision (ISO 32000-1 §14.4), here derived from its bytes.
        first = _id_bytes(previous.get("/ID"), revision_id)
        trailer[NameObject("/ID")] = ArrayObject(
            [ByteStringObject(first), ByteStringObject(revision_id)]
        )
        return trailer


def _id_bytes(ids: object, default: bytes) -> bytes:
    if not isinstance(ids, ArrayObject) or not ids:
        return default
    first = ids[0]
    if isinstance(first, TextStringObject):
        return first.get_original_bytes()
    if isinstance(first, bytes):
        return bytes(first)
    return default


def _runs(numbers: list[int]) -> Iterator[tuple[int, int]]:
    """Contiguous runs of sorted object numbers, as (first, count): the xref subsections."""
    start = previous = numbers[0]
    for number in numbers[1:]:
        if number != previous + 1:
            yield start, previous - start + 1
            start = number
        previous = number
    yield start, previous - start + 1
