"""The options Cosigne gives LibreOffice over UNO, as the property sequences UNO expects."""

from __future__ import annotations

from typing import Any


def pdf_export(uno: Any, pdf_version: int) -> tuple[Any, ...]:
    """The PDF export's options: PDF/A, tagged, and the template's bookmarks kept as named
    destinations (the signers' places, `signing.pdf.anchor_bookmarks`)."""
    filter_data = uno.Any(
        "[]com.sun.star.beans.PropertyValue",
        props(
            uno,
            SelectPdfVersion=pdf_version,
            UseTaggedPDF=True,
            ExportBookmarksToPDFDestination=True,
        ),
    )
    return props(uno, FilterName="writer_pdf_Export", FilterData=filter_data)


def props(uno: Any, **values: Any) -> tuple[Any, ...]:
    result = []
    for name, value in values.items():
        prop = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
        prop.Name = name
        prop.Value = value
        result.append(prop)
    return tuple(result)
