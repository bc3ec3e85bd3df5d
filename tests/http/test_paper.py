"""Signing on paper (issue 14 §2), through the staff's pages: print a signer's document and
sheet, bring the signed scan back; every refusal leaves the data and the trail as they were.
Real databases, LibreOffice and poppler; the scan is the printed sheet drawn and inked."""

from __future__ import annotations

import html
import io
import re
from datetime import UTC, datetime

import pytest
from db import database, database_url, postgres_server, postgres_url, snapshot
from factories import FrozenClock, logged_in, make_school, make_user
from flask import Flask
from flask.testing import FlaskClient
from paper_scans import signed_scan
from PIL import Image, ImageDraw
from pypdf import PdfReader
from served import app, client, ctx, head, school
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, encode_multipart

from service.accounts.api_tokens import create_api_token
from service.accounts.models import School, User
from service.context import Context
from service.documents.cancel import cancel_document
from service.documents.create import create_document
from service.documents.issue import issue_document
from service.documents.models import Document, Event
from service.signers.models import Signer
from service.signers.print_paper_sheet import sheet_keys
from signing.paper.sheet_code import make_code

__all__ = [
    "app",
    "client",
    "ctx",
    "database",
    "database_url",
    "head",
    "postgres_server",
    "postgres_url",
    "school",
]  # fixtures used below

pytestmark = pytest.mark.libreoffice

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
CODE = re.compile(r"FS-\d+-\d+-[0-9A-F]{8}-[A-Z2-7]{10}")


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 12, 3, 9, 30, tzinfo=UTC))


@pytest.fixture
def issued(ctx: Context, head: User, make_request) -> Document:  # type: ignore[no-untyped-def]
    document = create_document(ctx, head, make_request("convention"))
    issue_document(ctx, head, document.id)
    return _load(ctx, document.id)


def _load(ctx: Context, document_id: int) -> Document:
    with ctx.db.new_session() as session:
        document = session.get(Document, document_id)
        assert document is not None
        _ = [(s.full_name, s.state) for s in document.signers], document.pdf
        return document


def _guardian(document: Document) -> Signer:
    return next(s for s in document.signers if s.role == "guardian")


def text(response: TestResponse) -> str:
    words = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return " ".join(html.unescape(words).split())


def _csrf(client: FlaskClient, document: Document) -> str:
    match = CSRF.search(client.get(f"/documents/{document.id}").get_data(as_text=True))
    assert match
    return match.group(1)


def print_sheet(client: FlaskClient, document: Document, signer_id: int) -> TestResponse:
    return client.post(
        f"/documents/{document.id}/papier/{signer_id}/feuille.pdf",
        data={"csrf_token": _csrf(client, document)},
    )


def upload(
    client: FlaskClient, document: Document, signer_id: int, scan: bytes, code: str = ""
) -> TestResponse:
    token = _csrf(client, document)
    # Encoded here, in memory: the test client would spool a large body to a file it never
    # closes.
    sheet = FileStorage(io.BytesIO(scan), "feuille.jpg")
    boundary, body = encode_multipart({"csrf_token": token, "code": code, "scan": sheet})
    return client.post(
        f"/documents/{document.id}/papier/{signer_id}/depot",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def _events(ctx: Context, document_id: int) -> list[Event]:
    with ctx.db.new_session() as session:
        query = select(Event).where(Event.document_id == document_id).order_by(Event.seq)
        return list(session.scalars(query))


def test_the_page_prints_the_document_and_a_sheet_then_takes_the_scan_back(
    app: Flask, ctx: Context, client: FlaskClient, head: User, issued: Document
) -> None:
    guardian = _guardian(issued)
    page = text(client.get(f"/documents/{issued.id}"))
    assert "Imprimer pour signature sur papier" in page
    assert "Déposer la feuille signée" in page

    printed = print_sheet(client, issued, guardian.id)
    assert printed.status_code == 200
    assert printed.mimetype == "application/pdf"
    pages = PdfReader(io.BytesIO(printed.data)).pages
    assert len(pages) == len(PdfReader(io.BytesIO(issued.pdf or b"")).pages) + 1
    sheet = pages[-1].extract_text()
    assert f"{guardian.full_name} (" in sheet
    assert f"n° {issued.id}" in sheet
    assert f"Version : 1, fichier SHA-256 {(issued.pdf_sha256 or '')[:8].upper()}" in sheet
    code = CODE.search(sheet)
    assert code
    printed_event = _events(ctx, issued.id)[-1]
    assert printed_event.type == "paper_sheet_printed"
    assert printed_event.data["code"] == code.group(0)
    assert printed_event.actor_name == "Anne Leroy"

    form = client.get(f"/documents/{issued.id}/papier/{guardian.id}/depot")
    assert form.status_code == 200
    assert "Déposer la feuille signée sur papier" in text(form)
    done = upload(client, issued, guardian.id, signed_scan(printed.data))  # code from the QR
    assert done.status_code == 303, text(done)

    after = _load(ctx, issued.id)
    assert _guardian(after).state == "signed"
    shown = text(client.get(f"/documents/{issued.id}"))
    assert "sur papier (feuille numérisée par Anne Leroy (proviseure) le 3 décembre 2026)" in shown
    signed = _events(ctx, issued.id)[-1]
    assert signed.type == "signed"
    assert signed.data["identification"] == "paper"
    assert signed.data["digitizer_name"] == "Anne Leroy"
    assert signed.data["digitized_on"] == "3 décembre 2026"
    assert len(signed.data["scan_sha256"]) == 64
    with ctx.db.new_session() as session:
        stored = session.get(Signer, guardian.id)
        assert stored is not None
        assert stored.paper_scan is not None
        assert stored.signature_png is not None
        assert (
            "Annexe — feuille de signature de"
            in PdfReader(io.BytesIO(stored.paper_scan)).pages[0].extract_text()
        )
    audit = text(client.get(f"/documents/{issued.id}/piste-audit"))
    assert "Feuille de signature imprimée" in audit
    assert "Papier, numérisé par Anne Leroy (proviseure) le 3 décembre 2026" in audit
    api = app.test_client().get(f"/api/v1/documents/{issued.id}", headers=_token(ctx, head))
    by_id = {s["id"]: s for s in api.get_json()["signers"]}
    assert by_id[guardian.id]["signing_method"] == "paper"
    assert by_id[guardian.id]["signing_witness"].startswith("Anne Leroy")
    assert by_id[next(iter(set(by_id) - {guardian.id}))]["signing_method"] is None


def _refused(ctx: Context, response: TestResponse, before: object, message: str) -> None:
    assert response.status_code in (409, 413, 422), response.status_code
    assert message in text(response), text(response)
    assert "La feuille n’a pas été enregistrée" in text(response)
    assert snapshot(ctx.db) == before


def test_every_bad_scan_or_code_is_refused_and_nothing_stored(
    ctx: Context, client: FlaskClient, issued: Document
) -> None:
    guardian = _guardian(issued)
    pupil = next(s for s in issued.signers if s.role == "pupil")
    printed = print_sheet(client, issued, guardian.id).data
    scan = signed_scan(printed)
    code = CODE.search(PdfReader(io.BytesIO(printed)).pages[-1].extract_text())
    assert code
    keys = sheet_keys(ctx.settings)
    sha = issued.pdf_sha256 or ""
    cases = [
        (scan, _altered(code.group(0)), "n'est pas celui de la feuille numérisée"),
        (signed_scan(printed, ink=False), "", "est vide"),
        (b"", code.group(0), "Le fichier est vide"),
        (b"GIF89a" + b"\0" * 500, code.group(0), "ni un PDF"),
        (b"%PDF-1.7\n broken", code.group(0), "Le PDF est illisible"),
        (b"\xff\xd8\xff\xe0 not really a jpeg", code.group(0), "L'image est illisible"),
        (b"\0" * (10 * 1024 * 1024 + 10), code.group(0), "dépasse 10 Mo"),
    ]
    for data, typed, message in cases:
        before = snapshot(ctx.db)
        _refused(ctx, upload(client, issued, guardian.id, data, typed), before, message)
    # Codes checked alone: the scan of a sheet whose QR code cannot be read (cut off).
    no_qr = _without_qr(scan)
    forged = [
        ("FS-1-2-ABCDEF12-AAAAAAAAAA", "pas celui d'une feuille imprimée par ce service"),
        ("", "Saisissez le code imprimé"),
        (make_code(keys, issued.id + 100, guardian.id, sha), "feuille du document n°"),
        (make_code(keys, issued.id, pupil.id, sha), "d'un autre signataire"),
        (make_code(keys, issued.id, guardian.id, "0" * 64), "a changé depuis l'impression"),
        (make_code(("another-secret",), issued.id, guardian.id, sha), "pas celui d'une feuille"),
    ]
    for typed, message in forged:
        before = snapshot(ctx.db)
        _refused(ctx, upload(client, issued, guardian.id, no_qr, typed), before, message)


def _altered(code: str) -> str:
    """`code` with its last character changed (base 32: Q or R)."""
    return code[:-1] + ("R" if code.endswith("Q") else "Q")


def _without_qr(scan: bytes) -> bytes:
    image = Image.open(io.BytesIO(scan)).convert("RGB")
    w, h = image.size
    ImageDraw.Draw(image).rectangle((0.6 * w, 0.8 * h, 0.88 * w, 0.95 * h), fill="white")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_a_signer_who_signed_or_a_document_cancelled_takes_no_sheet(
    ctx: Context, client: FlaskClient, head: User, issued: Document
) -> None:
    guardian = _guardian(issued)
    printed = print_sheet(client, issued, guardian.id).data
    assert upload(client, issued, guardian.id, signed_scan(printed)).status_code == 303
    before = snapshot(ctx.db)
    again = upload(client, issued, guardian.id, signed_scan(printed))
    _refused(ctx, again, before, f"{guardian.full_name} ne peut pas signer maintenant")
    closed = client.get(f"/documents/{issued.id}/papier/{guardian.id}/depot")
    assert closed.status_code == 409
    assert "Il n'y a plus de signature à recueillir de" in text(closed)

    pupil = next(s for s in issued.signers if s.role == "pupil")
    sheet = print_sheet(client, issued, pupil.id).data
    cancel_document(ctx, head, issued.id, "erreur de saisie")
    before = snapshot(ctx.db)
    late = upload(client, issued, pupil.id, signed_scan(sheet))
    _refused(ctx, late, before, "Ce document n'est plus à signer")
    assert print_sheet(client, issued, pupil.id).status_code == 404


def test_roles_schools_and_csrf_as_the_pages(
    app: Flask, ctx: Context, client: FlaskClient, school: School, issued: Document
) -> None:
    guardian = _guardian(issued)
    admin = logged_in(app, make_user(ctx.db, school, role="admin", session_version="a"))
    other = make_user(ctx.db, make_school(ctx.db, uai="0750001A"), role="head", session_version="o")
    stranger = logged_in(app, other)
    token = _csrf(admin, issued)
    before = snapshot(ctx.db)
    refused = admin.post(
        f"/documents/{issued.id}/papier/{guardian.id}/feuille.pdf", data={"csrf_token": token}
    )
    assert refused.status_code == 403
    assert admin.get(f"/documents/{issued.id}/papier/{guardian.id}/depot").status_code == 403
    no_token = client.post(f"/documents/{issued.id}/papier/{guardian.id}/feuille.pdf")
    assert no_token.status_code == 400
    assert stranger.get(f"/documents/{issued.id}/papier/{guardian.id}/depot").status_code == 404
    stranger_token = CSRF.search(stranger.get("/").get_data(as_text=True))
    if stranger_token:
        sent = stranger.post(
            f"/documents/{issued.id}/papier/{guardian.id}/feuille.pdf",
            data={"csrf_token": stranger_token.group(1)},
        )
        assert sent.status_code == 404
    assert snapshot(ctx.db) == before


def _token(ctx: Context, user: User) -> dict[str, str]:
    with ctx.db.transaction() as session:
        secret = create_api_token(session, session.get(User, user.id)).secret
    return {"Authorization": f"Bearer {secret}"}


def test_the_api_prints_and_takes_the_scan_with_the_pages_roles(
    app: Flask, ctx: Context, head: User, school: School, issued: Document
) -> None:
    guardian = _guardian(issued)
    api = app.test_client()
    base = f"/api/v1/documents/{issued.id}/signers/{guardian.id}"
    admin = _token(ctx, make_user(ctx.db, school, role="admin", session_version="a"))
    mine = _token(ctx, head)
    for headers in (admin, mine):  # a token's first use writes its `last_used_at`: done here
        assert api.get("/api/v1/documents", headers=headers).status_code == 200
    before = snapshot(ctx.db)
    assert api.post(f"{base}/paper-sheet", headers=admin).status_code == 403
    assert api.post(f"{base}/paper-signature", headers=admin).status_code == 403
    assert snapshot(ctx.db) == before

    printed = api.post(f"{base}/paper-sheet", headers=mine)
    assert printed.status_code == 200
    assert printed.mimetype == "application/pdf"
    code = printed.headers["X-Cosigne-Sheet-Code"]
    assert code in PdfReader(io.BytesIO(printed.data)).pages[-1].extract_text()

    def send(scan: bytes, typed: str) -> TestResponse:
        sheet = FileStorage(io.BytesIO(scan), "feuille.png")
        boundary, body = encode_multipart({"code": typed, "scan": sheet})
        return api.post(
            f"{base}/paper-signature",
            data=body,
            content_type=f"multipart/form-data; boundary={boundary}",
            headers=mine,
        )

    before = snapshot(ctx.db)
    wrong = send(_without_qr(signed_scan(printed.data)), _altered(code))
    assert wrong.status_code == 422
    assert wrong.get_json()["errors"][0]["field"] == "code"
    blank = send(signed_scan(printed.data, ink=False), "")
    assert blank.get_json()["errors"][0]["field"] == "scan"
    assert snapshot(ctx.db) == before

    done = send(signed_scan(printed.data, kind="PNG"), code)
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["status"] == "signed"
    assert done.get_json()["signing_method"] == "paper"


def test_a_request_over_the_limit_is_refused_unread(
    ctx: Context, client: FlaskClient, issued: Document
) -> None:
    guardian = _guardian(issued)
    before = snapshot(ctx.db)
    refused = upload(client, issued, guardian.id, b"\xff\xd8\xff" + b"\0" * (11 * 1024 * 1024))
    _refused(ctx, refused, before, "Le fichier dépasse 10 Mo")
    assert refused.status_code == 413
    anonymous = client.application.test_client()
    url = f"/documents/{issued.id}/papier/{guardian.id}/depot"
    stranger = anonymous.post(url, data=b"\0" * (11 * 1024 * 1024))
    assert stranger.status_code == 413
    assert "Le fichier envoyé est trop volumineux." in text(stranger)
    assert snapshot(ctx.db) == before
