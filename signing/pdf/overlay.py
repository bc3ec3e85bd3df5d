"""Laying a drawn overlay over a page of an incremental update: the page's content wrapped
(``q … Q``) so nothing it leaves set reaches the overlay, the overlay's resources added under
names the page does not use yet."""

from __future__ import annotations

from pypdf import PageObject
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    PdfObject,
    StreamObject,
)

from signing.errors import (
    PdfUnreadable,
)
from signing.pdf.increment import Update


def lay_over(update: Update, page: PageObject, drawn: PageObject) -> None:
    """Replace `page` with a copy that paints `drawn` (as a form XObject) after its content."""
    memo: dict[int, IndirectObject] = {}
    form = DecodedStreamObject()
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = ArrayObject(FloatObject(float(v)) for v in page.mediabox)
    form[NameObject("/Resources")] = update.copy_from(drawn.raw_get("/Resources"), memo)
    form.set_data(b"".join(_content_data(drawn)))
    form_ref = update.add(form.flate_encode())

    resources = DictionaryObject(_resolved_dict(page.get("/Resources")).items())
    xobjects = DictionaryObject(_resolved_dict(resources.get("/XObject")).items())
    name = _free_name(xobjects, "/CosigneStamp")
    xobjects[NameObject(name)] = form_ref
    resources[NameObject("/XObject")] = xobjects

    # The page's own streams are kept as they are, between q and Q, so whatever graphics state
    # they leave behind cannot move or recolour the stamp.
    contents = ArrayObject([update.add(_stream(b"q\n"))])
    contents.extend(_content_refs(page))
    contents.append(update.add(_stream(f"\nQ\nq {name} Do Q\n".encode())))

    replaced = DictionaryObject(page.items())
    replaced[NameObject("/Resources")] = resources
    replaced[NameObject("/Contents")] = contents
    reference = page.indirect_reference
    if reference is None:
        raise PdfUnreadable("page sans référence")
    update.replace(reference, replaced)


def _content_refs(page: PageObject) -> list[PdfObject]:
    raw = page.raw_get("/Contents") if "/Contents" in page else None
    if raw is None:
        return []
    resolved = raw.get_object()
    if isinstance(resolved, ArrayObject):
        return list(resolved)
    return [raw]


def _content_data(page: PageObject) -> list[bytes]:
    streams = [ref.get_object() for ref in _content_refs(page)]
    return [stream.get_data() + b"\n" for stream in streams if isinstance(stream, StreamObject)]


def _resolved_dict(value: object) -> DictionaryObject:
    if isinstance(value, IndirectObject):
        value = value.get_object()
    return value if isinstance(value, DictionaryObject) else DictionaryObject()


def _free_name(names: DictionaryObject, base: str) -> str:
    name, number = base, 1
    while name in names:
        number += 1
        name = f"{base}{number}"
    return name


def _stream(data: bytes) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream
