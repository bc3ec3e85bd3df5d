"""A family that reads Arabic better than French (issue 14 §8), as it would meet Cosigne: the head
chooses « arabe » for the mother beside her email; the invitation, read back from a real SMTP
server on loopback, is in Arabic with one French line that says what it is; its link opens the
page in Arabic, right to left, the document said to stay in French and the consent sentence kept
in French with its translation beside it; the page switches to Portuguese and keeps it for that
link; an unknown language asked gives French, an unknown language in the data a 422 on the field.
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
from factories import FrozenClock, logged_in, make_school, make_user, serving_app
from flask import Flask
from flask.testing import FlaskClient
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
from service.mail.deliver import deliver_due
from service.signers.models import Signer
from service.signers.sign import CONSENT_TEXT
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
MOTHER = "nadia.martin@example.org"


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


@pytest.fixture
def document_id(ctx: Context, head: User, make_request: Any, smtp_server: SmtpServer) -> int:
    """A minor's contract; the mother reads Arabic. Issued; its invitations delivered."""
    body = make_request("parcours", guardians__0__language="ar")
    document = create_document(ctx, head, body)
    issue_document(ctx, head, document.id)
    deliver_due(ctx.db, ctx.settings, now=NOW)
    return document.id


def mail_to(server: SmtpServer, address: str) -> EmailMessage:
    found = [m for m in server.messages if str(m["To"]).casefold() == address]
    assert len(found) == 1, [str(m["To"]) for m in server.messages]
    return found[0]


def body(message: EmailMessage, kind: str = "plain") -> str:
    part = message.get_body((kind,))
    assert part is not None
    content = str(part.get_content()).replace("\r\n", "\n")
    return content.replace("\u2068", "").replace("\u2069", "")


def link_in(message: EmailMessage) -> str:
    found = re.search(r"http://cosigne\.test(/sign/[A-Za-z0-9_.\-]+)", body(message))
    assert found
    return found.group(1)


def text(response: TestResponse) -> str:
    """The page's words, without the isolates that keep a name's order in an Arabic line."""
    page = html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))
    return " ".join(page.replace("\u2068", "").replace("\u2069", "").split())


def html_tag(response: TestResponse) -> str:
    found = re.search(r"<html[^>]*>", response.get_data(as_text=True))
    assert found
    return found.group(0)


def phone(app: Flask) -> FlaskClient:
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": "203.0.113.7"})
    return client


def test_the_mother_reads_her_invitation_and_her_page_in_arabic(
    app: Flask, ctx: Context, document_id: int, smtp_server: SmtpServer
) -> None:
    with ctx.db.new_session() as session:
        languages = {
            s.email: s.language
            for s in session.scalars(select(Signer).where(Signer.document_id == document_id))
        }
    assert languages[MOTHER] == "ar"
    assert languages["zoe.martin@example.org"] == "fr"  # no choice: French

    mail = mail_to(smtp_server, MOTHER)
    assert " للتوقيع – " in str(mail["Subject"])
    text_body, html_body = body(mail), body(mail, "html")
    assert text_body.startswith("Message de ")  # one French line for a French reader
    assert ": document à signer." in text_body.splitlines()[0]
    assert "مرحبًا Nadia Martin،" in text_body
    assert "لقراءة الوثيقة ثم توقيعها، افتح هذا الرابط:" in text_body
    assert "تُفتح الصفحة بلغتك. أما الوثيقة نفسها فتبقى بالفرنسية." in text_body
    assert '<html lang="ar" dir="rtl">' in html_body
    assert "اقرأ الوثيقة ووقّعها" in html_body
    assert "Bonjour" not in text_body
    pupil_mail = mail_to(smtp_server, "zoe.martin@example.org")
    assert body(pupil_mail).startswith("Bonjour Zoé")  # her own mail stays French

    page = phone(app).get(link_in(mail))

    assert page.status_code == 200
    assert html_tag(page).startswith('<html lang="ar" dir="rtl"')
    said = text(page)
    assert "هذه الصفحة مترجمة لمساعدتك. الوثيقة المطلوب توقيعها تبقى بالفرنسية" in said
    assert "باختصار: ما الذي توافق عليه" in said
    assert "بتوقيعك، توافق على أن يتبع Zoé هذا المسار" in said  # the summary, translated
    assert "بصفتكِ الوليّة القانونية" in said  # her capacity, as the mother
    assert CONSENT_TEXT in said  # what is signed stays French…
    assert "قرأت الوثيقة وأوافق على توقيعها إلكترونيًا" in said  # …with its translation as help
    assert "Lisez le document" not in said


def test_the_page_switches_to_portuguese_and_keeps_it_for_that_link(
    app: Flask, document_id: int, smtp_server: SmtpServer
) -> None:
    link = link_in(mail_to(smtp_server, MOTHER))
    client = phone(app)
    menu = client.get(link).get_data(as_text=True)
    assert f'href="{link}?lang=pt" lang="pt" hreflang="pt"' in menu
    assert ">Português</a>" in menu

    switched = client.get(f"{link}?lang=pt")
    again = client.get(link)

    for page in (switched, again):
        assert page.status_code == 200
        assert html_tag(page).startswith('<html lang="pt"')
        assert 'dir="rtl"' not in html_tag(page)
        assert "Esta página está traduzida para o ajudar." in text(page)
        assert "1. Leia o documento" in text(page)
    assert html_tag(phone(app).get(link)).startswith('<html lang="ar"')  # another browser


def test_an_unknown_language_asked_gives_the_page_in_french(
    app: Flask, document_id: int, smtp_server: SmtpServer
) -> None:
    link = link_in(mail_to(smtp_server, MOTHER))

    for asked in ("xx", "", "../../etc", "ar-EG"):
        page = phone(app).get(link, query_string={"lang": asked})

        assert page.status_code == 200
        assert html_tag(page).startswith('<html lang="fr"')
        assert "1. Lisez le document" in text(page)


def test_an_unknown_language_in_the_data_is_refused_on_its_field(
    app: Flask, ctx: Context, head: User, make_request: Any
) -> None:
    with ctx.db.transaction() as session:
        token = create_api_token(session, session.merge(head))
    headers = {"Authorization": f"Bearer {token.secret}"}
    client = app.test_client()
    client.get("/api/v1/documents", headers=headers)  # the token's first use is recorded
    before = snapshot(ctx.db)

    body = make_request("parcours", guardians__0__language="klingon")
    response = client.post("/api/v1/documents", json=body, headers=headers)

    assert response.status_code == 422, response.json
    assert "guardians[0].language" in [e["field"] for e in response.json["errors"]]
    assert snapshot(ctx.db) == before


def test_the_staff_form_offers_the_languages_beside_the_email(app: Flask, head: User) -> None:
    page = logged_in(app, head).get("/documents/nouveau/parcours").get_data(as_text=True)

    assert "Langue des pages et courriels du représentant légal" in page
    for label in ("français", "anglais", "arabe", "portugais", "turc"):
        assert f">{label}</option>" in page


def test_her_code_comes_in_arabic_with_its_time_in_arabic(
    app: Flask, document_id: int, smtp_server: SmtpServer
) -> None:
    link = link_in(mail_to(smtp_server, MOTHER))
    client = phone(app)
    page = client.get(link).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    assert "2. استلم رمزك" in page

    sent = client.post(f"{link}/code", data={"csrf_token": token.group(1)})
    assert sent.status_code in {200, 303}, sent.status_code
    deliver_due(app.extensions["cosigne.db"], app.config["COSIGNE"], now=NOW)

    (code_mail,) = [
        m
        for m in smtp_server.messages
        if str(m["To"]).casefold() == MOTHER and "رمزك للتوقيع" in str(m["Subject"])
    ]
    said = body(code_mail)
    assert said.startswith("Message de ")
    assert "اكتبه في صفحة التوقيع. هو صالح لمدة 10 دقائق، حتى 28 نوفمبر 2026" in said


def test_the_api_describes_and_answers_each_signers_language(
    app: Flask, ctx: Context, head: User, document_id: int
) -> None:
    with ctx.db.transaction() as session:
        token = create_api_token(session, session.merge(head))
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token.secret}"}

    spec = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    document = client.get(f"/api/v1/documents/{document_id}", headers=headers).json

    guardian = spec["ParcoursData"]["properties"]["guardians"]["items"]["properties"]
    assert set(guardian["language"]["enum"]) >= {"fr", "en", "ar", "pt", "tr"}
    assert "language" in spec["ParcoursData"]["properties"]["pupil"]["properties"]
    languages = {s["email"]: s["language"] for s in document["signers"]}
    assert languages[MOTHER] == "ar"
    assert languages["zoe.martin@example.org"] == "fr"
    assert set(document["signers"][0]) == set(spec["Signer"]["properties"])


def test_her_cancelled_document_is_said_in_arabic_by_mail_and_on_her_link(
    app: Flask, ctx: Context, head: User, document_id: int, smtp_server: SmtpServer
) -> None:
    link = link_in(mail_to(smtp_server, MOTHER))
    cancel_document(ctx, head, document_id, "Erreur de saisie")

    page = phone(app).get(link)

    assert html_tag(page).startswith('<html lang="ar" dir="rtl"')
    said = text(page)
    assert "أُلغيت هذه الوثيقة" in said
    assert "ألغتها المؤسسة بتاريخ 28 نوفمبر 2026" in said
    deliver_due(ctx.db, ctx.settings, now=NOW)
    (cancelled,) = [
        m
        for m in smtp_server.messages
        if str(m["To"]).casefold() == MOTHER and str(m["Subject"]).startswith("أُلغي")
    ]
    assert body(cancelled).startswith("Message de ")
    assert "سبب الإلغاء: Erreur de saisie" in body(cancelled)
