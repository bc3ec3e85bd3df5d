"""A paper signature (issue 14 §2) from the printed sheet to the sealed final PDF: the sheet's
scan is the last pages (« Annexe — feuille de signature de … »), the certificate says « papier,
numérisé par … », the signature cut from the sheet is stamped at the signer's place, and the
seal verifies."""

from __future__ import annotations

import pytest
from factories import make_context, make_school, make_user, sign_and_finalize
from paper_scans import signed_scan
from pdftools import page_texts, squash
from sqlalchemy import select

from service.context import Origin
from service.documents.create import create_document
from service.documents.issue import issue_document
from service.documents.models import Document
from service.finalize.final_pdf import sealer
from service.signers.models import Signer
from service.signers.print_paper_sheet import print_paper_sheet
from service.signers.sign_on_paper import sign_on_paper
from signing.pdf.verify import verify_pdf

pytestmark = pytest.mark.libreoffice

OFFICE = Origin(ip="192.0.2.20", user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0")


@pytest.fixture
def ctx(database, tmp_path, converter):  # type: ignore[no-untyped-def]
    return make_context(database, tmp_path, converter)


@pytest.fixture
def head(database):  # type: ignore[no-untyped-def]
    return make_user(
        database, make_school(database), role="head", first_name="Anne", last_name="Leroy"
    )


def test_a_paper_signature_reaches_the_sealed_final_pdf(ctx, head, make_request) -> None:  # type: ignore[no-untyped-def]
    document = create_document(ctx, head, make_request("convention"))
    issue_document(ctx, head, document.id)
    with ctx.db.new_session() as session:
        query = select(Signer).where(Signer.document_id == document.id, Signer.role == "guardian")
        guardian = session.scalars(query).first()
        assert guardian is not None
        name = guardian.full_name
    printed = print_paper_sheet(ctx, head, document.id, guardian.id, OFFICE)
    sign_on_paper(
        ctx, head, document.id, guardian.id, OFFICE, code="", upload=signed_scan(printed.pdf)
    )

    sign_and_finalize(ctx, head, document.id)

    with ctx.db.new_session() as session:
        row = session.get(Document, document.id)
        assert row is not None
        final, frozen = row.final_pdf, row.pdf
    assert final is not None
    assert frozen is not None
    assert final.startswith(frozen)
    report = verify_pdf(final, trust_roots=sealer(ctx.settings).trust_roots())
    assert report.seal_valid, report.problems
    assert report.intact, report.problems
    pages = [squash(text) for text in page_texts(final)]
    assert f"Annexe — feuille de signature de {name}" in pages[-1]
    assert "Feuille de signature sur papier" in pages[-1] or len(pages[-1]) < 200
    everything = " ".join(pages)
    assert "papier, numérisé par Anne Leroy (proviseure" in everything
    assert "signature manuscrite sur papier, numérisée par Anne Leroy" in everything
    assert f"Signé sur papier par {name}, feuille numérisée le" in everything
