"""Two guardians who share one mailbox (issue 14 §3), as a family would meet it: the API and the
staff form take them (a warning, no refusal), each gets their own mail at the one address,
naming them, with their own link and their own code; each page says whose link it is; each
signs as themselves; the reminders, the final mail and the certificate are per person. The
mail goes through a real SMTP server on loopback, the pages through the Flask test client, on
SQLite and PostgreSQL. What may not share an address still may not (`signing.data.signer_emails`).
"""

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
from factories import (
    FrozenClock,
    form_of,
    logged_in,
    make_school,
    make_user,
    serving_app,
    sign_and_finalize,
)
from flask import Flask
from flask.testing import FlaskClient
from pdftools import page_texts, squash
from smtp import SmtpServer, smtp_server, smtp_server_session
from sqlalchemy import select
from werkzeug.test import TestResponse

from service.accounts.api_tokens import create_api_token
from service.accounts.models import User
from service.context import Context
from service.db import Database
from service.documents.cancel import cancel_document
from service.documents.create import create_document
from service.documents.issue import issue_document
from service.documents.models import Event
from service.mail.deliver import deliver_due
from service.signers.models import Signer
from service.signers.remind import remind_signer
from signing.pdf.convert import ConverterPool

__all__ = [  # fixtures used below
    "database",
    "database_url",
    "postgres_server",
    "postgres_url",
    "smtp_server",
    "smtp_server_session",
]

pytestmark = pytest.mark.libreoffice

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FAMILY = "nadia.martin@example.org"
NADIA, KARIM = "Nadia Martin", "Karim Martin"


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
    return make_user(ctx.db, make_school(ctx.db), role="head", session_version="session-du-chef")


def api_headers(db: Database, head: User) -> dict[str, str]:
    with db.transaction() as session:
        token = create_api_token(session, session.merge(head))
    return {"Authorization": f"Bearer {token.secret}"}


def family_request(make_request: Any, **changes: Any) -> dict[str, Any]:
    """A minor's pathway contract both parents sign, from the family's one mailbox."""
    return make_request(
        "parcours",
        guardians__1__last_name="Martin",
        guardians__1__signs=True,
        guardians__1__email="Nadia.Martin@example.org",  # the case of an address is not its own
        **changes,
    )


@pytest.fixture
def document_id(ctx: Context, head: User, make_request: Any, smtp_server: SmtpServer) -> int:
    """The family's contract issued; its invitations handed to the mail server."""
    document = create_document(ctx, head, family_request(make_request))
    issue_document(ctx, head, document.id)
    deliver_due(ctx.db, ctx.settings, now=NOW)
    return document.id


def to_family(server: SmtpServer, subject_has: str) -> list[EmailMessage]:
    return [
        m
        for m in server.messages
        if str(m["To"]).casefold() == FAMILY and subject_has in str(m["Subject"])
    ]


def mail_for(server: SmtpServer, name: str, subject_has: str) -> EmailMessage:
    named = (f"pour {name} :", f"à l'attention de {name} :")
    found = [
        m for m in to_family(server, subject_has) if any(n in str(m["Subject"]) for n in named)
    ]
    assert len(found) == 1, [str(m["Subject"]) for m in server.messages]
    return found[0]


def body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    content = str(part.get_content()).replace("\r\n", "\n")
    return content.replace("\u2068", "").replace("\u2069", "")  # the names' isolates


def link_in(message: EmailMessage) -> str:
    found = re.search(r"http://cosigne\.test(/sign/[A-Za-z0-9_.\-]+)", body(message))
    assert found
    return found.group(1)


def code_in(message: EmailMessage) -> str:
    found = re.search(r"^\s+(\d{6})\s*$", body(message), re.MULTILINE)
    assert found, body(message)
    return found.group(1)


def text(response: TestResponse) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def said(response: TestResponse) -> str:
    """The page's text as read, without the space `text` leaves where a tag (<bdi>) closed."""
    return re.sub(r" ([.,])", r"\1", text(response))


def csrf(response: TestResponse) -> str:
    found = CSRF.search(response.get_data(as_text=True))
    assert found
    return found.group(1)


def browser(app: Flask) -> FlaskClient:
    """The family's one phone."""
    client = app.test_client()
    client.environ_base.update(
        {"REMOTE_ADDR": "203.0.113.7", "HTTP_USER_AGENT": "Mozilla/5.0 (Android 14) Chrome/131"}
    )
    return client


def events(db: Database, document_id: int) -> list[Event]:
    with db.new_session() as session:
        query = select(Event).where(Event.document_id == document_id).order_by(Event.seq)
        return list(session.scalars(query))


def signers(db: Database, document_id: int) -> dict[str, Signer]:
    with db.new_session() as session:
        rows = session.scalars(select(Signer).where(Signer.document_id == document_id))
        return {s.full_name: s for s in rows}


# --- who may share one address ----------------------------------------------------------------


def test_the_api_takes_two_guardians_on_one_address_with_a_warning(
    app: Flask, ctx: Context, head: User, make_request: Any
) -> None:
    client = app.test_client()
    headers = api_headers(ctx.db, head)

    response = client.post("/api/v1/documents", json=family_request(make_request), headers=headers)

    assert response.status_code == 201, response.json
    assert response.json["warnings"] == [
        {
            "field": "guardians[1].email",
            "message": "Les deux représentants légaux ont le même courriel : chacun recevra "
            "son propre lien de signature à cette adresse, à son nom.",
        }
    ]


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        # The pupil reading the guardian's mailbox could sign in the guardian's place.
        (
            {"pupil__email": FAMILY},
            "guardians[0].email",
            "Ce courriel est déjà celui de l'élève : l'élève et son représentant légal ne "
            "peuvent pas partager une adresse, car l'élève pourrait ouvrir le lien du "
            "représentant légal et signer à sa place. Indiquez une adresse propre à chacun.",
        ),
        (
            {"referent__email": FAMILY},
            "referent.email",
            "Ce courriel est déjà celui du représentant légal n° 1 : chaque signataire doit "
            "avoir sa propre adresse électronique (seuls les représentants légaux peuvent "
            "partager la leur).",
        ),
        (
            {"guardians__0__email": "direction.0440021j@example.edu"},  # the head's
            "guardians[0].email",
            "Ce courriel est déjà celui du chef d'établissement : chaque signataire doit avoir "
            "sa propre adresse électronique (seuls les représentants légaux peuvent partager "
            "la leur).",
        ),
    ],
)
def test_other_signers_still_may_not_share_an_address(
    app: Flask,
    ctx: Context,
    head: User,
    make_request: Any,
    changes: dict[str, Any],
    field: str,
    says: str,
) -> None:
    client = app.test_client()
    headers = api_headers(ctx.db, head)
    client.get("/api/v1/documents", headers=headers)  # the token's first use is recorded
    before = snapshot(ctx.db)

    body = family_request(make_request, **changes)
    response = client.post("/api/v1/documents", json=body, headers=headers)

    assert response.status_code == 422, response.json
    assert {"field": field, "message": says} in [
        {k: e[k] for k in ("field", "message")} for e in response.json["errors"]
    ]
    assert snapshot(ctx.db) == before


def test_the_staff_form_takes_two_guardians_on_one_address(
    app: Flask, ctx: Context, head: User, make_request: Any
) -> None:
    client = logged_in(app, head)
    page = client.get("/documents/nouveau/parcours")
    post = form_of("parcours", family_request(make_request)["data"])

    response = client.post("/documents/nouveau/parcours", data={**post, "csrf_token": csrf(page)})

    assert response.status_code == 302, text(response)
    shown = text(client.get(response.headers["Location"]))
    assert "chacun recevra son propre lien de signature à cette adresse, à son nom" in shown


# --- two guardians, one mailbox ---------------------------------------------------------------


def test_each_guardian_gets_their_own_mail_link_code_and_signs_as_themselves(
    app: Flask, ctx: Context, head: User, document_id: int, smtp_server: SmtpServer
) -> None:
    invitations = to_family(smtp_server, "Lien de signature pour")
    assert len(invitations) == 2  # one per person, never one per address
    nadia_mail = mail_for(smtp_server, NADIA, "Lien de signature")
    karim_mail = mail_for(smtp_server, KARIM, "Lien de signature")
    assert str(nadia_mail["Subject"]) == (
        "Lien de signature pour Nadia Martin : Contrat de parcours individualisé de Zoé M. – "
        "Lycée professionnel Michelet"
    )
    assert body(nadia_mail).startswith(
        "Bonjour Nadia Martin,\n\nCe message est pour Nadia Martin seulement. Karim Martin, qui "
        "utilise la même adresse, reçoit ses propres messages, à son nom.\nCe lien est celui de "
        "Nadia Martin. Si vous êtes Karim Martin, utilisez le lien reçu à votre nom.\n"
    )
    assert "Ce message est pour Karim Martin seulement" in body(karim_mail)
    html_part = nadia_mail.get_body(("html",))
    assert html_part is not None
    assert "Ce message est pour <bdi>Nadia Martin</bdi> seulement." in str(html_part.get_content())
    nadia_url, karim_url = link_in(nadia_mail), link_in(karim_mail)
    assert nadia_url != karim_url
    # Parties with an address of their own get the usual subject.
    others = [m for m in smtp_server.messages if str(m["To"]).casefold() != FAMILY]
    assert {str(m["Subject"]).split(" – ")[0] for m in others} == {
        "Contrat de parcours individualisé de Zoé M. à signer"
    }

    phone = browser(app)
    nadia_page, karim_page = phone.get(nadia_url), phone.get(karim_url)
    assert (
        "Ce lien est celui de Nadia Martin. Si vous êtes Karim Martin, utilisez le lien reçu "
        "à votre nom." in said(nadia_page)
    )
    assert (
        "Ce lien est celui de Karim Martin. Si vous êtes Nadia Martin, utilisez le lien reçu "
        "à votre nom." in said(karim_page)
    )
    assert "Vous signez : Karim Martin" in text(karim_page)

    # Each asks their code, one right after the other: the wait between codes is per person.
    assert phone.post(f"{nadia_url}/code", data={"csrf_token": csrf(nadia_page)}).status_code == 303
    assert phone.post(f"{karim_url}/code", data={"csrf_token": csrf(karim_page)}).status_code == 303
    nadia_code_mail = mail_for(smtp_server, NADIA, "Code de signature")
    karim_code_mail = mail_for(smtp_server, KARIM, "Code de signature")
    assert str(nadia_code_mail["Subject"]).startswith("Code de signature pour Nadia Martin : ")
    assert "Ce code est celui de Nadia Martin" in body(nadia_code_mail)
    nadia_code, karim_code = code_in(nadia_code_mail), code_in(karim_code_mail)

    # Karim's page refuses Nadia's code: a code is its person's.
    form = {"csrf_token": csrf(karim_page), "consent": "oui", "full_name": KARIM}
    refused = phone.post(karim_url, data={**form, "code": nadia_code})
    assert refused.status_code == 422
    assert "code" in text(refused)
    assert signers(ctx.db, document_id)[KARIM].state == "opened"

    for url, page, name, code in (
        (nadia_url, nadia_page, NADIA, nadia_code),
        (karim_url, karim_page, KARIM, karim_code),
    ):
        form = {"csrf_token": csrf(page), "consent": "oui", "full_name": name, "code": code}
        signed = phone.post(url, data=form)
        assert signed.status_code == 200, text(signed)
    rows = signers(ctx.db, document_id)
    assert rows[NADIA].typed_name == NADIA
    assert rows[KARIM].typed_name == KARIM
    assert rows[NADIA].state == rows[KARIM].state == "signed"

    trail = events(ctx.db, document_id)
    signed_by = [(e.actor_name, e.signer_id) for e in trail if e.type == "signed"]
    assert signed_by == [(NADIA, rows[NADIA].id), (KARIM, rows[KARIM].id)]
    delivered = {
        (e.data["to"].casefold(), e.data["purpose"], e.signer_id)
        for e in trail
        if e.type == "delivered"
    }
    assert {
        (FAMILY, "invitation", rows[NADIA].id),
        (FAMILY, "invitation", rows[KARIM].id),
        (FAMILY, "code", rows[NADIA].id),
        (FAMILY, "code", rows[KARIM].id),
    } <= delivered
    # One phone for both parents: expected, and still flagged for the staff.
    flagged = [e for e in trail if e.type == "shared_device"]
    assert [e.signer_id for e in flagged] == [rows[KARIM].id]

    sign_and_finalize(ctx, head, document_id)
    smtp_server.clear()
    deliver_due(ctx.db, ctx.settings, now=NOW)
    finals = to_family(smtp_server, "Signé, à l'attention de")
    assert sorted(str(m["Subject"]).split(" : ")[0] for m in finals) == [
        "Signé, à l'attention de Karim Martin",
        "Signé, à l'attention de Nadia Martin",
    ]
    attachment = next(iter(finals[0].iter_attachments()))
    certificate = squash(" ".join(page_texts(attachment.get_content())))
    for name, other in ((NADIA, KARIM), (KARIM, NADIA)):
        assert name in certificate
        assert squash(f"adresse partagée avec {other}") in certificate
    assert squash("chaque signataire a reçu son propre lien, à son nom") in certificate


def test_reminders_go_to_each_guardian_by_name(
    ctx: Context, head: User, document_id: int, smtp_server: SmtpServer
) -> None:
    smtp_server.clear()
    for signer in signers(ctx.db, document_id).values():
        if signer.role == "guardian":
            remind_signer(ctx, head, document_id, signer.id)
    deliver_due(ctx.db, ctx.settings, now=NOW)

    reminders = to_family(smtp_server, "Rappel : lien de signature pour")
    assert sorted(str(m["Subject"]).split(" : ")[1] for m in reminders) == [
        "lien de signature pour Karim Martin",
        "lien de signature pour Nadia Martin",
    ]
    for message in reminders:
        name = str(message["Subject"]).split(" : ")[1].removeprefix("lien de signature pour ")
        assert f"Ce lien est celui de {name}." in body(message)


def test_a_cancelled_document_tells_each_guardian_by_name(
    ctx: Context, head: User, document_id: int, smtp_server: SmtpServer
) -> None:
    smtp_server.clear()
    cancel_document(ctx, head, document_id, "Le projet de l'élève a changé.")
    deliver_due(ctx.db, ctx.settings, now=NOW)

    cancelled = to_family(smtp_server, "Annulé, à l'attention de")
    assert sorted(str(m["Subject"]).split(" : ")[0] for m in cancelled) == [
        "Annulé, à l'attention de Karim Martin",
        "Annulé, à l'attention de Nadia Martin",
    ]
    karim = mail_for(smtp_server, KARIM, "Annulé")
    assert body(karim).startswith("Bonjour Karim Martin,\n\nCe message est pour Karim Martin ")


def test_a_bounce_at_the_shared_address_is_recorded_for_each_guardian(
    ctx: Context, head: User, make_request: Any, smtp_server: SmtpServer
) -> None:
    smtp_server.refused.add(FAMILY)
    document = create_document(ctx, head, family_request(make_request))
    issue_document(ctx, head, document.id)
    deliver_due(ctx.db, ctx.settings, now=NOW)

    rows = signers(ctx.db, document.id)
    bounced = {e.signer_id for e in events(ctx.db, document.id) if e.type == "bounced"}
    assert bounced == {rows[NADIA].id, rows[KARIM].id}


def test_a_guardian_only_informed_at_the_signers_address_gets_mail_at_his_name(
    app: Flask, ctx: Context, head: User, make_request: Any, smtp_server: SmtpServer
) -> None:
    request = make_request("parcours", guardians__1__last_name="Martin", guardians__1__email=FAMILY)
    document = create_document(ctx, head, request)  # the father is informed, he does not sign
    issue_document(ctx, head, document.id)
    deliver_due(ctx.db, ctx.settings, now=NOW)

    family = to_family(smtp_server, "")
    assert sorted(str(m["Subject"]).split(" : ")[0] for m in family) == [
        "Lien de signature pour Nadia Martin",
        "Pour information, à l'attention de Karim Martin",
    ]
    informed = mail_for(smtp_server, "Karim Martin", "Pour information")
    assert (
        "Ce message est pour Karim Martin seulement. Nadia Martin, qui utilise la même "
        "adresse, reçoit ses propres messages, à son nom." in body(informed)
    )
    # Her page names no one else: he has no link to use.
    url = link_in(mail_for(smtp_server, NADIA, "Lien de signature"))
    page = browser(app).get(url)
    assert page.status_code == 200
    assert "Ce lien est celui de" not in text(page)
