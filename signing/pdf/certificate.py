"""Stage 2 of the final PDF: the "Certificat de signature" pages, after the stamped pages.

They say, in French, which document this is (number, kind, version, school, the SHA-256 of the
PDF the signers saw), who signed it and how (role, name, masked email, time, IP address, browser,
consent, drawn signature), the age rule that decided who had to sign, every event in order, and
how to check the file (a QR code and the address of the verification page). Text is set in the
document's own font, palette, header and footer (`signing.pdf.certificate_style`), embedded;
pages are A4, as many as the events need.

`append_audit_pages` adds them to the stamped PDF as an incremental update
(`signing.pdf.increment`), so the pages before them stay byte for byte as they were.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)
from reportlab.lib.pagesizes import A4
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    PageTemplate,
)

from signing.errors import PdfUnreadable
from signing.pdf.certificate_content import story
from signing.pdf.certificate_records import AuditTrail
from signing.pdf.certificate_style import (
    FOOTER_HEIGHT,
    MARGIN,
    TITLE,
    WIDTH,
    NumberedCanvas,
    Running,
)
from signing.pdf.fonts import DOCUMENT_SANS, register_fonts
from signing.pdf.increment import Update, open_pdf
from signing.pdf.sealed_trail import CATALOG_KEY, SealedTrail, catalog_entry


def audit_pages(trail: AuditTrail) -> bytes:
    """The certificate alone, as a PDF of A4 pages."""
    register_fonts()
    out = io.BytesIO()
    running = Running(
        school=trail.school_name,
        uai=trail.school_uai,
        kind=trail.kind_title,
        footer=f"{TITLE} – {trail.kind_title} n° {trail.document_id}, version {trail.version}",
    )
    frame = Frame(
        MARGIN,
        MARGIN + FOOTER_HEIGHT,
        WIDTH,
        A4[1] - 2 * MARGIN - FOOTER_HEIGHT,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    document = BaseDocTemplate(
        out,
        pagesize=A4,
        pageTemplates=[PageTemplate(frames=[frame])],
        title=TITLE,
        author=trail.school_name,
        subject=f"{trail.kind_title} n° {trail.document_id}",
        creator="Cosigne",
        lang="fr-FR",
        invariant=True,
        initialFontName=DOCUMENT_SANS.name,
        initialFontSize=9,
    )
    document.build(
        story(trail),
        canvasmaker=lambda *args, **kwargs: NumberedCanvas(*args, running=running, **kwargs),
    )
    return out.getvalue()


def append_audit_pages(pdf: bytes, trail: AuditTrail, annexes: Sequence[bytes] = ()) -> bytes:
    """`pdf` (the stamped PDF) with the certificate's pages after its last page, then the pages
    of each of `annexes` (the scans of paper signatures, `signing.paper.scan.annex_pdf`): pages,
    not embedded files, as those are what a reader of the printed or displayed file sees."""
    reader = open_pdf(pdf)
    update = Update(pdf, reader)
    certificate = PdfReader(io.BytesIO(audit_pages(trail)))
    # One memo per source file: object numbers of different files are no one object.
    sources = [certificate, *(PdfReader(io.BytesIO(annex)) for annex in annexes)]
    tree_ref = reader.root_object.raw_get("/Pages")
    tree = tree_ref.get_object() if isinstance(tree_ref, IndirectObject) else None
    if not isinstance(tree, DictionaryObject):
        raise PdfUnreadable("arbre des pages illisible")
    kids, count = _resolved(tree.get("/Kids")), _resolved(tree.get("/Count"))
    if not isinstance(kids, ArrayObject) or not isinstance(count, int):
        raise PdfUnreadable("arbre des pages illisible")
    added = _copied_pages(update, tree_ref, sources)
    # The new pages hang from the root of the page tree, after every existing page.
    grown = DictionaryObject(tree.items())
    grown[NameObject("/Kids")] = ArrayObject([*kids, *added])
    grown[NameObject("/Count")] = NumberObject(int(count) + len(added))
    update.replace(tree_ref, grown)
    annexed = int(count) + len(certificate.pages) if annexes else None
    _label_pages(update, reader, int(count), trail, annexed)
    return update.to_bytes()


def _copied_pages(
    update: Update, tree_ref: object, sources: Sequence[PdfReader]
) -> list[IndirectObject]:
    """Every page of `sources`, copied into `update` under the page tree `tree_ref`."""
    memos: dict[int, dict[int, IndirectObject]] = {id(source): {} for source in sources}
    added = []
    pages = [(id(source), page) for source in sources for page in source.pages]
    for owner, page in pages:
        memo = memos[owner]
        box = ArrayObject(page.mediabox)
        added.append(
            update.add(
                DictionaryObject(
                    {
                        NameObject("/Type"): NameObject("/Page"),
                        NameObject("/Parent"): tree_ref,
                        # Explicit, so nothing the page tree passes down can crop or turn them.
                        NameObject("/MediaBox"): box,
                        NameObject("/CropBox"): box,
                        NameObject("/Rotate"): NumberObject(0),
                        NameObject("/Resources"): update.copy_from(
                            page.raw_get("/Resources"), memo
                        ),
                        NameObject("/Contents"): update.copy_from(page.raw_get("/Contents"), memo),
                    }
                )
            )
        )
    return added


def _label(at: int, prefix: str | None) -> list[PdfObject]:
    style = DictionaryObject({NameObject("/S"): NameObject("/D")})
    if prefix:
        style[NameObject("/P")] = TextStringObject(prefix)
    return [NumberObject(at), style]


def _label_pages(
    update: Update, reader: PdfReader, document_pages: int, trail: AuditTrail, annexed: int | None
) -> None:
    """Page labels (PDF 32000-1 §12.4.2), so a viewer numbers the document's pages 1, 2…
    as their footers do, the certificate's « Certificat 1 », « Certificat 2 »… as its own, and
    the annexes' « Annexe 1 »…; and the trail's head for programs (`signing.pdf.sealed_trail`),
    in the same new catalog."""
    root_ref = reader.trailer.raw_get("/Root")
    if not isinstance(root_ref, IndirectObject):
        raise PdfUnreadable("catalogue du PDF illisible")
    labelled = DictionaryObject(reader.root_object.items())
    labelled[NameObject("/PageLabels")] = DictionaryObject(
        {
            NameObject("/Nums"): ArrayObject(
                [
                    *_label(0, None),
                    *_label(document_pages, "Certificat "),
                    *(_label(annexed, "Annexe ") if annexed is not None else []),
                ]
            )
        }
    )
    if trail.trail_head:
        labelled[NameObject(CATALOG_KEY)] = catalog_entry(
            SealedTrail(trail.document_id, trail.trail_head, trail.trail_events, trail.trail_key_id)
        )
    update.replace(root_ref, labelled)


def _resolved(value: object) -> object:
    """The object an indirect reference points to (``DictionaryObject.get`` does not follow)."""
    return value.get_object() if isinstance(value, IndirectObject) else value
