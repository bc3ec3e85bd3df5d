"""From the last signature to the sealed, archived final PDF, exactly once, on both databases."""

from __future__ import annotations

import email
import io
import threading

import pytest
from factories import make_context, make_school, make_user, signing_code
from pdftools import page_texts, pdffonts, qpdf_check, render_page, scribble_png, squash
from PIL import ImageStat
from pypdf import PdfReader
from sqlalchemy import select

from service.context import Origin
from service.documents.create import create_document
from service.documents.issue import issue_document
from service.documents.models import Document, Event
from service.documents.preview import document_pdf
from service.finalize import deliver
from service.finalize.final_pdf import archive as final_archive
from service.finalize.final_pdf import sealer
from service.finalize.finalize import _store_seal, finalize, finalize_due
from service.mail.addresses import find_links
from service.mail.deliver import deliver_due
from service.mail.models import OutboxMessage
from service.signers.models import Signer
from service.signers.sign import sign
from signing.errors import ArchiveCorrupted
from signing.pdf.verify import verify_pdf

pytestmark = pytest.mark.libreoffice

BROWSER = Origin(ip="198.51.100.4", user_agent="Mozilla/5.0 (iPhone) Safari/604.1")


@pytest.fixture
def ctx(database, tmp_path, converter):
    return make_context(database, tmp_path, converter)


@pytest.fixture
def head(database):
    return make_user(database, make_school(database), role="head")


def _tokens(ctx) -> dict[str, str]:
    found: dict[str, str] = {}
    with ctx.db.new_session() as session:
        for message in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)):
            links = find_links(message.text_body)
            sign_links = [link for link in links if "/sign/" in link]
            if sign_links:
                found[message.to_address] = sign_links[0].rsplit("/", 1)[1]
    return found


def _signers(ctx, document_id) -> list[Signer]:
    with ctx.db.new_session() as session:
        return list(
            session.scalars(
                select(Signer).where(Signer.document_id == document_id).order_by(Signer.position)
            )
        )


def _everyone_signs(ctx, head, make_request, kind="convention") -> Document:
    document = create_document(ctx, head, make_request(kind))
    document = issue_document(ctx, head, document.id)
    png = scribble_png()
    for _ in range(2):  # the head's link comes once everyone else has signed
        for signer in _signers(ctx, document.id):
            token = _tokens(ctx).get(signer.email)
            if signer.state in ("invited", "opened") and token:
                sign(
                    ctx,
                    token,
                    BROWSER,
                    consent=True,
                    full_name=signer.full_name,
                    signature_png=png if signer.role != "referent" else None,
                    shown_pdf_sha256=document.pdf_sha256,
                    code=signing_code(ctx, token),
                )
    return document


def _row(ctx, document_id) -> Document:
    with ctx.db.new_session() as session:
        row = session.get(Document, document_id)
        _ = row.final_pdf, row.pdf
        return row


def test_the_final_pdf_carries_signatures_certificate_and_a_valid_seal(
    ctx, head, make_request, tmp_path
) -> None:
    document = _everyone_signs(ctx, head, make_request)
    assert _row(ctx, document.id).state == "signed"

    assert finalize(ctx, document.id)

    row = _row(ctx, document.id)
    assert row.state == "completed"
    final = final_archive(ctx.settings).get(row.final_pdf_sha256)
    assert final == row.final_pdf
    assert final.startswith(document.pdf)  # the frozen bytes, untouched, come first
    report = verify_pdf(final, trust_roots=sealer(ctx.settings).trust_roots())
    assert report.seal_valid, report.problems
    assert report.intact, report.problems
    assert qpdf_check(final, tmp_path).returncode == 0
    assert all(pdffonts(final, tmp_path).values())
    frozen_pages, final_pages = page_texts(document.pdf), page_texts(final)
    for before, after in zip(frozen_pages, final_pages, strict=False):
        assert squash(before) in squash(after)
    certificate = squash(" ".join(final_pages[len(frozen_pages) :]))
    assert "Certificat de signature" in certificate
    assert row.pdf_sha256 in certificate.replace(" ", "")
    assert "Signé électroniquement par Hélène Dupont" in squash(" ".join(final_pages))
    last_frozen_page = len(frozen_pages)
    stamped = ImageStat.Stat(render_page(final, last_frozen_page, tmp_path).convert("L")).mean[0]
    unstamped = ImageStat.Stat(render_page(document.pdf, last_frozen_page, tmp_path).convert("L"))
    assert stamped < unstamped.mean[0]  # drawn signatures are visible, not merely present


def test_every_party_receives_the_final_pdf_attached(ctx, head, make_request) -> None:
    document = _everyone_signs(ctx, head, make_request, kind="parcours")
    finalize(ctx, document.id)

    deliver_due(ctx.db, ctx.settings, now=ctx.now())

    row = _row(ctx, document.id)
    parties = {s.email for s in _signers(ctx, document.id)}
    informed = "k.lefevre@example.net"  # the father, who does not sign: informed
    received: dict[str, list[bytes]] = {}
    for path in sorted(ctx.settings.outbox_dir.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes())
        for part in message.walk():
            if part.get_content_type() == "application/pdf":
                received.setdefault(message["To"], []).append(part.get_payload(decode=True))
    assert set(received) == parties | {informed}
    assert all(pdfs == [row.final_pdf] for to, pdfs in received.items() if to != informed)
    assert sorted(received[informed]) == sorted([row.pdf, row.final_pdf])


def test_two_finalizers_at_once_complete_once_with_one_seal(ctx, head, make_request) -> None:
    document = _everyone_signs(ctx, head, make_request, kind="parcours")
    barrier = threading.Barrier(2)
    results: list[object] = []

    def run() -> None:
        barrier.wait()
        try:
            results.append(finalize(ctx, document.id))
        except Exception as exc:
            results.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results, key=str) == [False, True], results
    files = list(ctx.settings.archive_dir.rglob("*.pdf"))
    assert len(files) == 1
    with ctx.db.new_session() as session:
        completed = session.scalars(
            select(Event).where(Event.document_id == document.id, Event.type == "completed")
        ).all()
        final_sha256 = session.get(Document, document.id).final_pdf_sha256
        finals = session.scalars(
            select(OutboxMessage).where(OutboxMessage.attachment_sha256 == final_sha256)
        ).all()
    assert len(completed) == 1
    assert len(finals) == len(_signers(ctx, document.id)) + 1  # and the informed father


def test_a_crash_after_sealing_is_finished_later_with_the_same_seal(ctx, head, make_request):
    document = _everyone_signs(ctx, head, make_request, kind="parcours")
    stored = _store_seal(ctx, document.id)  # then the process "dies"
    assert stored is not None
    digest, sealed = stored.digest, stored.pdf
    assert not ctx.settings.archive_dir.exists() or not any(ctx.settings.archive_dir.rglob("*"))

    assert finalize_due(ctx) == 1

    row = _row(ctx, document.id)
    assert row.state == "completed"
    assert row.final_pdf_sha256 == digest
    assert final_archive(ctx.settings).get(digest) == sealed
    assert finalize_due(ctx) == 0


def test_a_seal_failure_leaves_the_document_signed(ctx, head, make_request, tmp_path) -> None:
    document = _everyone_signs(ctx, head, make_request, kind="parcours")
    broken = tmp_path / "broken.p12"
    broken.write_bytes(b"not a pkcs12 file")
    bad = make_context(
        ctx.db, tmp_path, converter=None, clock=ctx.clock, COSIGNE_SEAL_P12=str(broken)
    )

    assert finalize_due(bad) == 0

    row = _row(ctx, document.id)
    assert row.state == "signed"
    assert row.final_pdf is None
    assert finalize(ctx, document.id)


def test_the_api_serves_the_archived_file_and_checks_it(ctx, head, make_request) -> None:
    document = _everyone_signs(ctx, head, make_request, kind="parcours")
    finalize(ctx, document.id)
    row = _row(ctx, document.id)
    path = final_archive(ctx.settings).path(row.final_pdf_sha256)

    with ctx.db.new_session() as session:
        served = document_pdf(ctx, session, session.get(Document, document.id))
    assert served == row.final_pdf
    assert len(PdfReader(io.BytesIO(served)).pages) > len(PdfReader(io.BytesIO(row.pdf)).pages)

    path.chmod(0o644)
    path.write_bytes(served[:-10] + b"0000000000")
    with ctx.db.new_session() as session, pytest.raises(ArchiveCorrupted):
        document_pdf(ctx, session, session.get(Document, document.id))


def test_a_large_final_pdf_travels_by_a_download_link(ctx, head, make_request, monkeypatch):
    from service import create_app  # noqa: PLC0415

    monkeypatch.setattr(deliver, "ATTACH_UP_TO", 0)
    document = _everyone_signs(ctx, head, make_request, kind="parcours")
    finalize(ctx, document.id)
    with ctx.db.new_session() as session:
        message = session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.subject.startswith("Signé"),
                OutboxMessage.to_address != "k.lefevre@example.net",  # a signer, not the informed
            )
        ).first()
    assert message.attachment_sha256 is None
    link = next(url for url in find_links(message.text_body) if "/telechargement/" in url)
    for name, value in {
        "COSIGNE_ENV": "test",
        "COSIGNE_DATA_DIR": str(ctx.settings.data_dir),
        "COSIGNE_DATABASE_URL": ctx.db.url.render_as_string(hide_password=False),
    }.items():
        monkeypatch.setenv(name, value)
    app = create_app({"TESTING": True, "COSIGNE_CLOCK": ctx.clock})
    client = app.test_client()

    try:
        response = client.get(link.removeprefix(ctx.settings.base_url))
        forged = client.get(link.removeprefix(ctx.settings.base_url)[:-3] + "abc")
    finally:
        app.extensions["cosigne.db"].dispose()

    assert response.status_code == 200
    assert response.data == _row(ctx, document.id).final_pdf
    assert forged.status_code == 410


def test_an_informed_guardian_of_a_large_final_pdf_is_told_and_offered_a_copy(
    ctx, head, make_request, monkeypatch
):
    monkeypatch.setattr(deliver, "ATTACH_UP_TO", 0)
    document = _everyone_signs(ctx, head, make_request, kind="parcours")
    finalize(ctx, document.id)

    with ctx.db.new_session() as session:
        (message,) = session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.subject.startswith("Signé"),
                OutboxMessage.to_address == "k.lefevre@example.net",  # the informed father
            )
        ).all()
    assert message.attachment_sha256 is None
    assert "/telechargement/" not in message.text_body
    text = " ".join(message.text_body.split())
    assert "l'établissement vous en remet une copie sur simple demande" in text
    assert "02 40 00 00 10" in text  # the school's contact follows
