"""A pupil without an address of their own (issue 14 §3), as a school would meet one: a
14-year-old's pathway contract issued through the API with « en présence » chosen for the
pupil; the others get their links through a real SMTP server on loopback, the pupil nothing;
the head and the référent are told; reminders pass the pupil by; the document page says « À
faire signer en présence »; the pupil signs on the school's device and the document completes,
the final PDF going to the pupil only when they gave an address. On SQLite and PostgreSQL, with
the real LibreOffice."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from db import database, database_url, postgres_server, postgres_url, snapshot
from factories import FrozenClock, form_of, logged_in, serving_app, sign_all_but_head
from flask import Flask
from pdftools import page_texts, squash
from served import ctx, head, school
from smtp import SmtpServer, smtp_server, smtp_server_session
from sqlalchemy import select
from werkzeug.test import TestResponse

from service.accounts.api_tokens import create_api_token
from service.accounts.models import User
from service.context import Context, Origin
from service.db import Database
from service.documents.models import Document, Event
from service.finalize.finalize import finalize
from service.mail.deliver import deliver_due
from service.signers.models import Signer
from service.signers.remind import remind_due
from service.signers.sign_as_staff import sign_as_staff
from signing.pdf.archive import Archive

__all__ = [  # fixtures used below
    "ctx",
    "database",
    "database_url",
    "head",
    "postgres_server",
    "postgres_url",
    "school",
    "smtp_server",
    "smtp_server_session",
]

pytestmark = pytest.mark.libreoffice

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
BORN_14 = "2012-06-01"  # 14 on the frozen day and at the start of the contract
ZOE = "Zoé Martin-Lefèvre"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def app(
    database: Database,
    database_url: str,
    clock: FrozenClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    smtp_server: SmtpServer,
) -> Iterator[Flask]:
    app = serving_app(database_url, tmp_path, monkeypatch, clock=clock, **smtp_server.env)
    yield app
    app.extensions["cosigne.db"].dispose()


def api_headers(db: Database, head: User) -> dict[str, str]:
    with db.transaction() as session:
        token = create_api_token(session, session.merge(head))
    return {"Authorization": f"Bearer {token.secret}"}


def in_person_request(make_request: Any, email: str | None) -> dict[str, Any]:
    body: dict[str, Any] = make_request(
        "parcours", pupil__birth_date=BORN_14, pupil__signs_by="in_person"
    )
    if email is None:
        del body["data"]["pupil"]["email"]
    else:
        body["data"]["pupil"]["email"] = email
    return body


def body_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    content = str(part.get_content()).replace("\r\n", "\n")
    return content.replace("\u2068", "").replace("\u2069", "")  # the names' isolates


def to_and_subject(messages: list[EmailMessage]) -> list[tuple[str, str]]:
    return sorted((str(m["To"]), str(m["Subject"])) for m in messages)


def text(response: TestResponse) -> str:
    words = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return " ".join(html.unescape(words).split())


def row_of(page: TestResponse, signer_id: int) -> str:
    """The text of a signer's row of the document page."""
    found = re.search(
        rf'<tr id="signataire-{signer_id}">(.*?)</tr>', page.get_data(as_text=True), re.DOTALL
    )
    assert found
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def csrf_in(response: TestResponse) -> str:
    found = CSRF.search(response.get_data(as_text=True))
    assert found, text(response)
    return found.group(1)


def signers(db: Database, document_id: int) -> dict[str, Signer]:
    with db.new_session() as session:
        rows = session.scalars(select(Signer).where(Signer.document_id == document_id))
        return {s.full_name: s for s in rows}


def deliver(ctx: Context, server: SmtpServer) -> list[EmailMessage]:
    """What the outbox sends now, received by the SMTP server; the server emptied after."""
    sent = deliver_due(ctx.db, ctx.settings, now=ctx.now()).sent
    received = server.wait_for(sent) if sent else []
    server.clear()
    return received


@pytest.mark.parametrize("email", [None, "zoe.martin@example.org"])
def test_a_pupil_who_signs_in_person_is_mailed_nothing_but_the_final_pdf(
    app: Flask,
    ctx: Context,
    head: User,
    make_request: Any,
    smtp_server: SmtpServer,
    clock: FrozenClock,
    email: str | None,
) -> None:
    api = app.test_client()
    headers = api_headers(ctx.db, head)
    created = api.post(
        "/api/v1/documents", json=in_person_request(make_request, email), headers=headers
    )
    assert created.status_code == 201, created.json
    document_id = created.json["id"]
    assert created.json["data"]["pupil"]["signs_by"] == "in_person"
    issued = api.post(f"/api/v1/documents/{document_id}/issue", headers=headers)
    assert issued.status_code == 200, issued.json
    by_role = {s["role"]: s for s in issued.json["signers"]}
    assert by_role["pupil"]["status"] == "invited"  # their turn came, unmailed
    assert by_role["pupil"]["signs_by"] == "in_person"
    assert by_role["guardian"]["signs_by"] == "link"
    with ctx.db.new_session() as session:
        trail = session.scalars(
            select(Event).where(Event.document_id == document_id).order_by(Event.seq)
        ).all()
        told = [(e.type, e.data) for e in trail if e.signer_id == by_role["pupil"]["id"]]
    assert told == [("awaited_in_school", {"signs_by": "in_person"})]  # no « invited »

    # The others get their links; the pupil nothing; the head and the référent are told.
    mails = deliver(ctx, smtp_server)
    sent = to_and_subject(mails)
    title = "Contrat de parcours individualisé de Zoé M."
    assert sent == sorted(
        [
            ("nadia.martin@example.org", f"{title} à signer – Lycée professionnel Michelet"),
            ("claire.dubois@example.edu", f"{title} à signer – Lycée professionnel Michelet"),
            (
                "k.lefevre@example.net",
                f"Pour information : {title} – Lycée professionnel Michelet",
            ),
            (
                "direction.0440021j@example.edu",
                f"À faire signer à l'établissement : {title} – Lycée professionnel Michelet",
            ),
            (
                "claire.dubois@example.edu",
                f"À faire signer à l'établissement : {title} – Lycée professionnel Michelet",
            ),
        ]
    ), sent
    assert all(ZOE not in body_of(m).split("\n")[0] for m in mails)
    notice = next(m for m in mails if str(m["To"]) == "direction.0440021j@example.edu")
    said = " ".join(body_of(notice).split())
    assert (
        f"Aucun lien de signature n'a été envoyé à ce signataire, qui attend une signature à "
        f"l'établissement : - {ZOE} (élève) : une signature en présence, sur l'appareil de "
        "l'établissement" in said
    )
    assert f"http://cosigne.test/documents/{document_id}" in said

    # A week later, the reminders pass the pupil by.
    clock.advance(days=ctx.settings.remind_every_days + 1)
    assert remind_due(ctx) == 2
    reminded = deliver(ctx, smtp_server)
    assert sorted(str(m["To"]) for m in reminded) == [
        "claire.dubois@example.edu",
        "nadia.martin@example.org",
    ]
    assert all(str(m["Subject"]).startswith("Rappel : ") for m in reminded)

    # The document page says what the school has to do; no reminder is offered for the pupil.
    client = logged_in(app, head)
    page = client.get(f"/documents/{document_id}")
    pupil = signers(ctx.db, document_id)[ZOE]
    row = row_of(page, pupil.id)
    assert "À faire signer en présence" in row
    assert "Invité" not in row.split("aucun lien envoyé")[0]
    assert "Relancer" not in row
    assert "Renvoyer le lien" not in row
    assert "Faire signer sur cet appareil" in row
    assert ("sans courriel" in row) is (email is None)
    assert "Invité" in row_of(page, signers(ctx.db, document_id)["Nadia Martin"].id)
    before = snapshot(ctx.db)
    refused = client.post(
        f"/documents/{document_id}/signataires/{pupil.id}/relancer",
        data={"csrf_token": csrf_in(page)},
        follow_redirects=True,
    )
    assert "aucun lien ne lui est envoyé" in text(refused)
    assert snapshot(ctx.db) == before
    assert deliver(ctx, smtp_server) == []

    # The pupil signs on the school's device, the others through their links.
    handed = client.post(
        f"/documents/{document_id}/kiosque/{pupil.id}", data={"csrf_token": csrf_in(page)}
    )
    assert handed.status_code == 303
    form = client.get(f"/kiosque/signataire/{pupil.id}")
    signed = client.post(
        f"/kiosque/signataire/{pupil.id}",
        data={"csrf_token": csrf_in(form), "consent": "yes", "full_name": ZOE},
    )
    assert signed.status_code == 303
    assert f"La signature de {ZOE} est enregistrée" in text(client.get(signed.headers["Location"]))
    sign_all_but_head(ctx, document_id)
    origin = Origin(ip="203.0.113.10", user_agent="test")
    sign_as_staff(
        ctx, head, document_id, origin, consent=True, full_name="Anne Leroy", signature_png=None
    )
    assert finalize(ctx, document_id)

    finals = [m for m in deliver(ctx, smtp_server) if str(m["Subject"]).startswith("Signé")]
    expected = {"nadia.martin@example.org", "k.lefevre@example.net", "claire.dubois@example.edu"}
    assert sorted(str(m["To"]) for m in finals) == sorted(expected | ({email} if email else set()))
    with ctx.db.new_session() as session:
        final = session.get(Document, document_id)
        assert final is not None
        assert final.state == "completed"
        digest = final.final_pdf_sha256 or ""
    certificate = squash(" ".join(page_texts(Archive(ctx.settings.archive_dir).get(digest))))
    block = certificate.replace("’", "'").split(f"L'élève — {ZOE}")[1][:400]
    registered = email or "aucun (pas de lien par courriel)"
    assert f"Courriel enregistré {registered}" in block
    assert "Signé en présence de Anne Leroy" in block


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"pupil__signs_by": "fax"}, "pupil.signs_by"),
        ({"guardians__0__signs_by": "pigeon"}, "guardians[0].signs_by"),
        ({"pupil__signs_by": 3}, "pupil.signs_by"),
    ],
)
def test_an_unknown_way_to_sign_is_refused_naming_its_field(
    app: Flask,
    ctx: Context,
    head: User,
    make_request: Any,
    changes: dict[str, Any],
    field: str,
) -> None:
    client = app.test_client()
    headers = api_headers(ctx.db, head)
    client.get("/api/v1/documents", headers=headers)  # the token's first use is recorded
    before = snapshot(ctx.db)

    response = client.post(
        "/api/v1/documents", json=make_request("parcours", **changes), headers=headers
    )

    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json["errors"]}
    assert list(errors) == [field]
    assert "Comment " in errors[field]
    assert "valeur inconnue" in errors[field]
    assert snapshot(ctx.db) == before


def test_a_pupil_who_signs_by_link_still_needs_an_address(
    app: Flask, ctx: Context, head: User, make_request: Any
) -> None:
    client = logged_in(app, head)
    form_page = client.get("/documents/nouveau/parcours")
    assert form_page.status_code == 200
    page = form_page.get_data(as_text=True)
    choice = re.search(r'<select[^>]*name="pupil-signs_by".*?</select>', page, re.DOTALL)
    assert choice, "the form offers the choice"
    options = re.findall(
        r'<option value="([^"]*)"( selected)?>([^<]+)</option>', html.unescape(choice.group(0))
    )
    assert options == [
        ("link", " selected", "par lien envoyé par courriel"),
        ("in_person", "", "en présence, sur l'appareil de l'établissement"),
        ("paper", "", "sur papier"),
    ]
    body = make_request("parcours")
    del body["data"]["pupil"]["email"]
    headers = api_headers(ctx.db, head)
    app.test_client().get("/api/v1/documents", headers=headers)
    before = snapshot(ctx.db)

    response = app.test_client().post("/api/v1/documents", json=body, headers=headers)

    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json["errors"]}
    assert list(errors) == ["pupil.email"]
    assert "choisissez qu'il signe en présence" in errors["pupil.email"]
    assert snapshot(ctx.db) == before


def test_a_guardian_without_an_email_who_signs_on_paper_is_awaited_at_school(
    app: Flask, ctx: Context, head: User, make_request: Any, smtp_server: SmtpServer
) -> None:
    client = logged_in(app, head)
    data = make_request("parcours", guardians__0__signs_by="paper")["data"]
    del data["guardians"][0]["email"]
    form = client.get("/documents/nouveau/parcours")
    post = {**form_of("parcours", data), "csrf_token": csrf_in(form)}
    saved = client.post("/documents/nouveau/parcours", data=post)
    assert saved.status_code == 302, text(saved)
    document_id = int(saved.headers["Location"].rsplit("/", 1)[-1])
    page = client.get(f"/documents/{document_id}")
    issued = client.post(f"/documents/{document_id}/emettre", data={"csrf_token": csrf_in(page)})
    assert issued.status_code == 302, text(issued)

    mails = deliver(ctx, smtp_server)
    assert "nadia.martin@example.org" not in {str(m["To"]) for m in mails}
    notice = next(m for m in mails if str(m["To"]) == "direction.0440021j@example.edu")
    assert "Nadia Martin (représentante légale) : une signature sur papier" in " ".join(
        body_of(notice).split()
    )
    page = client.get(f"/documents/{document_id}")
    mother = signers(ctx.db, document_id)["Nadia Martin"]
    assert "À faire signer sur papier" in row_of(page, mother.id)
    assert "sans courriel" in row_of(page, mother.id)


def test_the_staff_form_refuses_an_unknown_way_to_sign(
    app: Flask, ctx: Context, head: User, make_request: Any
) -> None:
    client = logged_in(app, head)
    form = client.get("/documents/nouveau/parcours")
    data = make_request("parcours")["data"]
    post = {**form_of("parcours", data), "pupil-signs_by": "fax", "csrf_token": csrf_in(form)}
    before = snapshot(ctx.db)

    refused = client.post("/documents/nouveau/parcours", data=post)

    assert refused.status_code == 422
    assert "Comment l'élève signe : valeur inconnue « fax »" in text(refused)
    assert snapshot(ctx.db) == before
