"""Signing in person on the school's device (issue 14 §1), through the Flask test client on real
SQLite and PostgreSQL, with the real LibreOffice: a head or référent hands the device over from
the document page, a family signs one after the other, the staff pages stay locked until the
staff member's password, and the trail and the certificate say « en présence de »."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from db import database, database_url, postgres_server, postgres_url, snapshot
from factories import (
    FrozenClock,
    logged_in,
    make_school,
    make_user,
    serving_app,
    sign_all_but_head,
)
from flask import Flask
from flask.testing import FlaskClient
from pdftools import page_texts, squash
from test_sign import drawn_signature, png_data_url
from werkzeug.test import TestResponse

from service.accounts.models import School, User
from service.accounts.passwords import hash_password
from service.context import Context, Origin
from service.db import Database
from service.documents.create import create_document
from service.documents.issue import issue_document
from service.documents.models import Document
from service.finalize.finalize import finalize
from service.signers.sign_as_staff import sign_as_staff
from signing.pdf.archive import Archive
from signing.pdf.convert import ConverterPool

__all__ = ["database", "database_url", "postgres_server", "postgres_url"]  # fixtures used below

pytestmark = pytest.mark.libreoffice

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "cheval-agrafe-batterie-42"  # noqa: S105 — a test account's


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def app(
    database: Database,
    database_url: str,
    clock: FrozenClock,
    converter: ConverterPool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Flask]:
    app = serving_app(database_url, tmp_path, monkeypatch, clock=clock, converter=converter)
    yield app
    app.extensions["cosigne.db"].dispose()


@pytest.fixture
def ctx(app: Flask, converter: ConverterPool, clock: FrozenClock) -> Context:
    return Context(
        db=app.extensions["cosigne.db"],
        settings=app.config["COSIGNE"],
        converter=lambda: converter,
        clock=clock,
    )


@pytest.fixture
def head(ctx: Context) -> User:
    return make_user(
        ctx.db,
        make_school(ctx.db),
        role="head",
        first_name="Anne",
        last_name="Leroy",
        session_version="session-du-chef",
        password_hash=hash_password(PASSWORD),
    )


def staff(ctx: Context, head: User, role: str) -> User:
    with ctx.db.new_session() as session:
        school = session.get(School, head.school_id)
    assert school is not None
    return make_user(ctx.db, school, role=role, session_version=f"session-{role}")


@pytest.fixture
def issued(ctx: Context, head: User, make_request) -> Document:
    """A convention of a minor with two guardians, issued."""
    body = make_request("convention")
    body["data"]["guardians"].append(
        {
            "first_name": "Karim",
            "last_name": "Martin",
            "relationship": "père",
            "email": "karim.martin@example.org",
            "signs": True,
        }
    )
    document = create_document(ctx, head, body)
    issue_document(ctx, head, document.id)
    return load(ctx.db, document.id)


def load(db: Database, document_id: int) -> Document:
    with db.new_session() as session:
        document = session.get(Document, document_id)
        assert document is not None
        _ = document.signers, document.events
        return document


def text(response: TestResponse) -> str:
    """The page as read: tags (``<bdi>`` around names) dropped, spaces collapsed."""
    words = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return " ".join(html.unescape(words).split()).replace(" ,", ",").replace(" )", ")")


def csrf_in(response: TestResponse) -> str:
    match = CSRF.search(response.get_data(as_text=True))
    assert match, text(response)
    return match.group(1)


def hand_over(client: FlaskClient, document: Document, signer_id: int) -> TestResponse:
    page = client.get(f"/documents/{document.id}")
    return client.post(
        f"/documents/{document.id}/kiosque/{signer_id}", data={"csrf_token": csrf_in(page)}
    )


def guardians(document: Document) -> list[Any]:
    return sorted((s for s in document.signers if s.role == "guardian"), key=lambda s: s.id)


def test_only_a_head_or_referent_hands_the_device_over(
    app: Flask, ctx: Context, head: User, issued: Document
) -> None:
    admin = logged_in(app, staff(ctx, head, "admin"))
    referent = logged_in(app, staff(ctx, head, "referent"))
    mother = guardians(issued)[0]
    page = text(admin.get(f"/documents/{issued.id}"))
    assert "Faire signer sur cet appareil" not in page
    before = snapshot(ctx.db)
    response = admin.post(
        f"/documents/{issued.id}/kiosque/{mother.id}",
        data={"csrf_token": csrf_in(admin.get(f"/documents/{issued.id}"))},
    )
    assert response.status_code == 403
    assert snapshot(ctx.db) == before
    assert admin.get("/tableau-de-bord").status_code == 200  # no kiosk began

    assert "Faire signer sur cet appareil" in text(referent.get(f"/documents/{issued.id}"))
    response = hand_over(referent, issued, mother.id)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/kiosque/signataire/{mother.id}")
    after = snapshot(ctx.db)  # handing over writes its line on the trail, nothing else
    assert {t: rows for t, rows in after.items() if t not in ("events", "documents")} == {
        t: rows for t, rows in before.items() if t not in ("events", "documents")
    }
    assert [e.type for e in load(ctx.db, issued.id).events][-1] == "kiosk_started"


def test_a_family_signs_one_after_the_other_then_the_password_unlocks(
    app: Flask, ctx: Context, head: User, issued: Document, make_request
) -> None:
    body = make_request("parcours")
    client = logged_in(app, head)
    mother, father = guardians(issued)
    assert hand_over(client, issued, mother.id).status_code == 303

    # The kiosk offers this document's signers only, with no staff menu.
    screen = text(client.get("/kiosque"))
    names = [s.full_name for s in issued.signers if s.role != "head"]
    assert all(name in screen for name in names)
    assert "Tableau de bord" not in screen
    assert "Anne Leroy" not in screen.split("Qui signe maintenant")[1]

    # Staff pages are locked meanwhile, another document's signer too.
    for url in ("/tableau-de-bord", f"/documents/{issued.id}"):
        locked = client.get(url)
        assert locked.status_code == 302
        assert locked.headers["Location"].endswith("/kiosque/verrou")
    head_row = next(s for s in issued.signers if s.role == "head")
    other = load(ctx.db, issue_document(ctx, head, create_document(ctx, head, body).id).id)
    before = snapshot(ctx.db)
    for stranger in (head_row, guardians(other)[0]):  # the head's part, another document's
        assert client.get(f"/kiosque/signataire/{stranger.id}").status_code == 404
        form = {"csrf_token": csrf_in(client.get("/kiosque")), "consent": "yes"}
        refused = client.post(
            f"/kiosque/signataire/{stranger.id}", data={**form, "full_name": stranger.full_name}
        )
        assert refused.status_code == 404
    assert snapshot(ctx.db) == before

    # The signer reads the frozen PDF on the device.
    pdf = client.get("/kiosque/document.pdf")
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")

    # A wrong name is refused in French and changes nothing.
    form_page = client.get(f"/kiosque/signataire/{mother.id}")
    assert "en présence de Anne Leroy" in text(form_page)
    before = snapshot(ctx.db)
    refused = client.post(
        f"/kiosque/signataire/{mother.id}",
        data={"csrf_token": csrf_in(form_page), "consent": "yes", "full_name": "Jean Dupont"},
    )
    assert refused.status_code == 422
    assert f"tel qu'il figure sur le document : {mother.full_name}" in text(refused)
    assert snapshot(ctx.db) == before
    refused = client.post(
        f"/kiosque/signataire/{mother.id}",
        data={
            "csrf_token": csrf_in(form_page),
            "consent": "yes",
            "full_name": mother.full_name,
            "signature": "data:image/png;base64,cGFzIHVuZSBpbWFnZQ==",
        },
    )
    assert refused.status_code == 422
    assert "Votre signature n’a pas été enregistrée" in text(refused)
    assert snapshot(ctx.db) == before

    # A good drawing with a missing consent: refused, and the drawing comes back on the page,
    # the choice « en dessinant » still made (issue 14 §6, as on a link's page).
    drawing = png_data_url(drawn_signature())
    refused = client.post(
        f"/kiosque/signataire/{mother.id}",
        data={
            "csrf_token": csrf_in(form_page),
            "full_name": mother.full_name,
            "signature_method": "drawn",
            "signature": drawing,
        },
    )
    assert refused.status_code == 422
    raw = refused.get_data(as_text=True)
    kept = re.search(r'name="signature" id="signature" value="(data:image/png;base64,[^"]+)"', raw)
    assert kept, "the drawing did not come back"
    assert re.search(r'id="method-drawn"[^>]*checked', raw)
    assert snapshot(ctx.db) == before

    # The pages, as images to read on the tablet, from the frozen PDF.
    images = re.findall(r'src="(/kiosque/pages/\d+\.png)"', form_page.get_data(as_text=True))
    assert images
    assert images[0] == "/kiosque/pages/1.png"
    first = client.get(images[0])
    assert first.status_code == 200
    assert first.data.startswith(b"\x89PNG")
    assert client.get(f"/kiosque/pages/{len(images) + 1}.png").status_code == 404

    for guardian in (mother, father):
        page = client.get(f"/kiosque/signataire/{guardian.id}")
        signed = client.post(
            f"/kiosque/signataire/{guardian.id}",
            data={"csrf_token": csrf_in(page), "consent": "yes", "full_name": guardian.full_name},
        )
        assert signed.status_code == 303
        back = text(client.get(signed.headers["Location"]))
        assert f"La signature de {guardian.full_name} est enregistrée" in back
    assert mother.full_name not in back.split("Qui signe maintenant")[-1].split("Terminer")[0]

    document = load(ctx.db, issued.id)
    events = [e for e in document.events if e.type == "signed"]
    assert {e.signer_id for e in events} == {mother.id, father.id}
    # The school's device is shared by design: no « même appareil » flag.
    assert not [e for e in document.events if e.type == "shared_device"]
    for event in events:
        assert event.data["identification"] == "in_person"
        assert event.data["witness_user"] == head.id
        assert event.data["witness_name"] == "Anne Leroy"

    # « Terminer » closes the signers' pages; a wrong password does not unlock.
    lock = client.post("/kiosque/terminer", data={"csrf_token": csrf_in(client.get("/kiosque"))})
    assert lock.headers["Location"].endswith("/kiosque/verrou")
    lock_page = client.get("/kiosque/verrou")
    assert "Rendez l’appareil" in text(lock_page)
    assert client.get("/kiosque").headers["Location"].endswith("/kiosque/verrou")
    assert client.get("/kiosque/document.pdf").headers["Location"].endswith("/kiosque/verrou")
    assert client.get(f"/kiosque/signataire/{mother.id}").status_code == 302
    wrong = client.post(
        "/kiosque/fin", data={"csrf_token": csrf_in(lock_page), "password": "devine"}
    )
    assert wrong.status_code == 422
    assert "Mot de passe incorrect." in text(wrong)
    assert client.get("/tableau-de-bord").status_code == 302

    right = client.post("/kiosque/fin", data={"csrf_token": csrf_in(wrong), "password": PASSWORD})
    assert right.status_code == 303
    assert right.headers["Location"].endswith(f"/documents/{issued.id}")
    assert client.get("/tableau-de-bord").status_code == 200

    # The certificate names the method and the staff member.
    others = [s for s in issued.signers if s.role not in ("guardian", "head")]
    assert not others or all(s.state == "invited" for s in others)
    sign_all_but_head(ctx, issued.id)
    origin = Origin(ip="203.0.113.10", user_agent="test")
    sign_as_staff(
        ctx, head, issued.id, origin, consent=True, full_name="Anne Leroy", signature_png=None
    )
    assert finalize(ctx, issued.id)
    final = load(ctx.db, issued.id)
    pdf = Archive(ctx.settings.archive_dir).get(final.final_pdf_sha256 or "")
    certificate = squash(" ".join(page_texts(pdf))).replace("’", "'")
    assert "Signé en présence de Anne Leroy (proviseure), sur l'appareil de l'établissement" in (
        certificate
    )
    # The kiosk's lines, with who opened it and how it closed (issue 14 §1).
    assert "Kiosque ouvert sur l'appareil de l'établissement Par Anne Leroy (proviseure)" in (
        certificate
    )
    assert "Fermé : terminé ; signatures recueillies : 2" in certificate


def test_wrong_passwords_are_throttled(app: Flask, ctx: Context, head: User, issued: Document):
    client = logged_in(app, head)
    assert hand_over(client, issued, guardians(issued)[0].id).status_code == 303
    token = csrf_in(client.get("/kiosque/verrou"))
    statuses = [
        client.post("/kiosque/fin", data={"csrf_token": token, "password": "x"}).status_code
        for _ in range(6)
    ]
    assert statuses[:5] == [422] * 5
    assert statuses[5] == 429
    before = snapshot(ctx.db)
    blocked = client.post("/kiosque/fin", data={"csrf_token": token, "password": PASSWORD})
    assert blocked.status_code == 429
    assert "Trop de tentatives" in text(blocked)
    assert client.get("/tableau-de-bord").status_code == 302
    assert snapshot(ctx.db) == before
