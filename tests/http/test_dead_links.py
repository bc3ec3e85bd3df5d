"""Every dead signing link, as the signer meets it: the page says what became of the document
(signed and waiting for others, complete, declined, cancelled, expired, replaced, aged, not
yet their turn), names the document and the school with its phone and address, and, when only
the link is in the way, mails a new one to the registered address through a real SMTP server
on loopback, throttled and recorded. On SQLite and PostgreSQL; every refusal leaves every table
as it was."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from db import database, database_url, postgres_server, postgres_url, snapshot
from factories import FrozenClock, logged_in, make_school, make_user, serving_app
from flask import Flask
from flask.testing import FlaskClient
from pdftools import page_texts, squash
from smtp import SmtpServer, smtp_server, smtp_server_session
from sqlalchemy import select, update
from werkzeug.test import TestResponse

from service.accounts.models import User
from service.context import Context
from service.db import Database
from service.documents.cancel import cancel_document
from service.documents.create import create_document
from service.documents.expire import expire_due
from service.documents.issue import issue_document
from service.documents.models import Document, Event
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
"""10:00 in Paris: links made now expire on 28 December 2026 at 10:00, the document's deadline."""
IP = "203.0.113.7"
USER_AGENT = "Mozilla/5.0 (Linux; Android 14) Firefox/132.0"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
GUARDIAN = "nadia.martin@example.org"
SCHOOL = ("Lycée professionnel Michelet", "02 40 00 00 10", "ce.0440021J@example.edu")


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
    """The head of a school that asks no one-time code: these tests are about the link."""
    school = make_school(ctx.db, code_roles="")
    return make_user(ctx.db, school, role="head", session_version="session-du-chef")


@pytest.fixture
def document_id(ctx: Context, head: User, make_request, smtp_server: SmtpServer) -> int:
    """A minor's pathway contract, issued; its invitations handed to the mail server."""
    document = create_document(ctx, head, make_request("parcours"))
    issue_document(ctx, head, document.id)
    deliver_due(ctx.db, ctx.settings, now=NOW)
    smtp_server.clear()
    return document.id


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": IP, "HTTP_USER_AGENT": USER_AGENT})
    return client


def signers(db: Database, document_id: int) -> dict[str, Signer]:
    with db.new_session() as session:
        rows = session.scalars(select(Signer).where(Signer.document_id == document_id))
        return {s.role: s for s in rows}


def token_of(ctx: Context, signer: Signer, *, nonce: str | None = None) -> str:
    """The link the signer was mailed (or one with another `nonce`), made at NOW."""
    used = nonce or signer.link_nonce
    assert used
    return ctx.link_signer().make(signer.id, used, now=NOW)


def text(response: TestResponse) -> str:
    """The page as a person reads it: no tags, entities decoded, spaces folded."""
    page = response.get_data(as_text=True)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def csrf(response: TestResponse) -> str:
    found = CSRF.search(response.get_data(as_text=True))
    assert found, text(response)
    return found.group(1)


def sign(client: FlaskClient, token: str, full_name: str) -> TestResponse:
    page = client.get(f"/sign/{token}")
    assert page.status_code == 200, text(page)
    form = {"csrf_token": csrf(page), "consent": "oui", "full_name": full_name}
    response = client.post(f"/sign/{token}", data=form)
    assert response.status_code == 200, text(response)
    return response


def assert_names_the_document_and_the_school(response: TestResponse, document_id: int) -> None:
    page = text(response)
    assert f"Contrat de parcours individualisé n° {document_id} de Zoé M." in page
    for value in SCHOOL:
        assert value in page
    assert f'href="mailto:{SCHOOL[2]}"' in response.get_data(as_text=True)
    # Nothing more of the pupil or the family than the signer needs to recognise the document.
    for private in ("Martin-Lefèvre", "14 mai 2010", "2010-05-14", GUARDIAN, "06 98 76 54 32"):
        assert private not in page


def trail(db: Database, document_id: int) -> list[Event]:
    with db.new_session() as session:
        query = select(Event).where(Event.document_id == document_id).order_by(Event.seq)
        return list(session.scalars(query))


def link_in(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    found = re.search(r"http://cosigne\.test(/sign/[A-Za-z0-9_.\-]+)", str(part.get_content()))
    assert found
    return found.group(1)


# ---------------------------------------------------------------------------------------------
# Each end, told as it is


def test_a_signer_who_signed_is_told_the_document_waits_for_the_others(
    client: FlaskClient, ctx: Context, document_id: int
) -> None:
    guardian = signers(ctx.db, document_id)["guardian"]
    token = token_of(ctx, guardian)
    sign(client, token, guardian.full_name)
    before = snapshot(ctx.db)

    response = client.get(f"/sign/{token}")

    assert response.status_code == 410
    page = text(response)
    assert "Vous avez déjà signé" in page
    assert "Vous avez signé le 28 novembre 2026." in page
    assert "attend encore la signature des parties suivantes" in page
    assert "L'élève" in page
    assert "Le chef d'établissement" in page
    assert "quand toutes les parties auront signé" in page
    assert "nouveau lien" not in page
    assert_names_the_document_and_the_school(response, document_id)
    assert snapshot(ctx.db) == before


def test_a_signer_is_told_when_every_party_signed_and_the_final_pdf_is_on_its_way(
    client: FlaskClient, ctx: Context, document_id: int
) -> None:
    guardian = signers(ctx.db, document_id)["guardian"]
    token = token_of(ctx, guardian)
    sign(client, token, guardian.full_name)
    with ctx.db.transaction() as session:  # as the last signature leaves it, sealing postponed
        session.execute(update(Document).where(Document.id == document_id).values(state="signed"))

    response = client.get(f"/sign/{token}")

    assert response.status_code == 410
    page = text(response)
    assert "Toutes les parties ont signé" in page
    assert "en cours de finalisation et vous sera envoyé par courriel" in page
    assert "Vous avez signé le 28 novembre 2026. Vous n’avez plus rien à faire." in page
    assert_names_the_document_and_the_school(response, document_id)


def test_a_signer_of_a_complete_document_is_told_when_it_was_mailed(
    client: FlaskClient, ctx: Context, document_id: int, clock: FrozenClock
) -> None:
    parties = signers(ctx.db, document_id)
    tokens = {role: token_of(ctx, s) for role, s in parties.items() if s.link_nonce}
    for role, token in tokens.items():
        sign(client, token, parties[role].full_name)
    head = signers(ctx.db, document_id)["head"]
    clock.advance(days=2)
    last = sign(client, token_of(ctx, head), head.full_name)
    assert "Toutes les parties ont maintenant signé" in text(last)
    assert "quand toutes les parties auront signé" not in text(last)
    clock.advance(days=3)
    before = snapshot(ctx.db)

    response = client.get(f"/sign/{tokens['guardian']}")

    assert response.status_code == 410
    page = text(response)
    assert "Ce document est signé par toutes les parties" in page
    assert "vous a été envoyé par courriel le 30 novembre 2026" in page
    assert "demandez-en une copie à l’établissement" in page
    assert 'href="/verifier"' in response.get_data(as_text=True)
    assert "quand toutes les parties auront signé" not in page
    assert_names_the_document_and_the_school(response, document_id)
    assert snapshot(ctx.db) == before


def test_a_cancelled_document_says_by_whom_and_when(
    client: FlaskClient, ctx: Context, document_id: int, head: User, clock: FrozenClock
) -> None:
    token = token_of(ctx, signers(ctx.db, document_id)["guardian"])
    clock.advance(days=1)
    cancel_document(ctx, head, document_id, "Erreur dans les dates")
    before = snapshot(ctx.db)

    response = client.get(f"/sign/{token}")

    assert response.status_code == 410
    page = text(response)
    assert "Ce document a été annulé" in page
    assert "L’établissement l’a annulé le 29 novembre 2026" in page
    assert "M’envoyer un nouveau lien" not in page
    assert_names_the_document_and_the_school(response, document_id)
    assert snapshot(ctx.db) == before


def test_a_declined_link_reopened_later_gets_a_clear_page_never_a_405(
    client: FlaskClient, ctx: Context, document_id: int, smtp_server: SmtpServer
) -> None:
    token = token_of(ctx, signers(ctx.db, document_id)["guardian"])
    page = client.get(f"/sign/{token}")
    form = {"csrf_token": csrf(page), "reason": "Nous voulons en parler d'abord."}
    assert client.post(f"/sign/{token}/decline", data=form).status_code == 200
    deliver_due(ctx.db, ctx.settings, now=NOW)
    smtp_server.clear()
    before = snapshot(ctx.db)

    reopened = client.get(f"/sign/{token}/decline", follow_redirects=True)
    posts = [
        client.post(f"/sign/{token}/decline", data=form),
        client.post(f"/sign/{token}", data={**form, "consent": "oui", "full_name": "N M"}),
        client.post(f"/sign/{token}/code", data=form),
        client.post(f"/sign/{token}/nouveau-lien", data=form),
        client.post(f"/sign/{token}/document.pdf", data=form, follow_redirects=True),
    ]

    assert client.get(f"/sign/{token}/decline").status_code == 303
    for response in (reopened, *posts):
        assert response.status_code == 410, text(response)
        assert "Vous avez refusé de signer ce document le 28 novembre 2026." in text(response)
        assert "nouvelle version du document" in text(response)
        assert_names_the_document_and_the_school(response, document_id)
    assert snapshot(ctx.db) == before
    assert smtp_server.messages == []


def test_another_party_s_refusal_is_told_to_the_others(
    client: FlaskClient, ctx: Context, document_id: int
) -> None:
    parties = signers(ctx.db, document_id)
    pupil_token = token_of(ctx, parties["pupil"])
    guardian_token = token_of(ctx, parties["guardian"])
    page = client.get(f"/sign/{guardian_token}")
    form = {"csrf_token": csrf(page), "reason": "Pas d'accord sur les horaires."}
    assert client.post(f"/sign/{guardian_token}/decline", data=form).status_code == 200

    response = client.get(f"/sign/{pupil_token}")

    assert response.status_code == 410
    page_text = text(response)
    assert "Ce document ne sera pas signé" in page_text
    assert "La représentante légale a refusé de le signer le 28 novembre 2026." in page_text
    assert_names_the_document_and_the_school(response, document_id)


def test_the_head_s_link_before_her_turn_says_so(
    client: FlaskClient, ctx: Context, document_id: int
) -> None:
    head = signers(ctx.db, document_id)["head"]
    assert head.state == "waiting"
    before = snapshot(ctx.db)

    response = client.get(f"/sign/{token_of(ctx, head, nonce='pas-encore-son-tour')}")

    assert response.status_code == 410
    assert "Ce n'est pas encore à vous de signer" in text(response)
    assert "M’envoyer un nouveau lien" not in text(response)
    assert_names_the_document_and_the_school(response, document_id)
    assert snapshot(ctx.db) == before


def test_a_document_past_its_deadline_gets_no_new_link(
    client: FlaskClient, ctx: Context, document_id: int, clock: FrozenClock, smtp_server: SmtpServer
) -> None:
    token = token_of(ctx, signers(ctx.db, document_id)["guardian"])
    csrf_token = csrf(client.get(f"/sign/{token}"))
    clock.advance(days=31)
    assert expire_due(ctx) == 1
    page = client.get(f"/sign/{token}")
    before = snapshot(ctx.db)

    asked = client.post(f"/sign/{token}/nouveau-lien", data={"csrf_token": csrf_token})

    for response in (page, asked):
        assert response.status_code == 410
        assert "Le délai de signature est dépassé" in text(response)
        assert "au plus tard le 28 décembre 2026" in text(response)
        assert "seul l’établissement peut fixer un nouveau délai" in text(response)
        assert "M’envoyer un nouveau lien" not in text(response)
        assert_names_the_document_and_the_school(response, document_id)
    assert snapshot(ctx.db) == before
    assert smtp_server.messages == []


def test_a_replaced_link_past_the_deadline_gets_no_new_link_before_the_worker_runs(
    client: FlaskClient, ctx: Context, document_id: int, head: User, clock: FrozenClock
) -> None:
    guardian = signers(ctx.db, document_id)["guardian"]
    token = token_of(ctx, guardian)
    csrf_token = csrf(client.get(f"/sign/{token}"))
    clock.advance(days=20)
    remind_signer(ctx, head, document_id, guardian.id, rotate=True)
    clock.advance(days=11)  # past the deadline; the worker has not expired the document yet
    before = snapshot(ctx.db)

    page = client.get(f"/sign/{token}")
    asked = client.post(f"/sign/{token}/nouveau-lien", data={"csrf_token": csrf_token})

    for response in (page, asked):
        assert response.status_code == 410
        assert "Le délai de signature est dépassé" in text(response)
        assert "M’envoyer un nouveau lien" not in text(response)
    assert snapshot(ctx.db) == before


# ---------------------------------------------------------------------------------------------
# « M'envoyer un nouveau lien »


def ask_new_link(client: FlaskClient, token: str) -> TestResponse:
    page = client.get(f"/sign/{token}")
    assert "M’envoyer un nouveau lien" in text(page), text(page)
    return client.post(f"/sign/{token}/nouveau-lien", data={"csrf_token": csrf(page)})


def test_a_replaced_link_mails_a_new_one_to_the_registered_address_only(
    client: FlaskClient,
    ctx: Context,
    document_id: int,
    head: User,
    clock: FrozenClock,
    smtp_server: SmtpServer,
) -> None:
    guardian = signers(ctx.db, document_id)["guardian"]
    old = token_of(ctx, guardian)
    remind_signer(ctx, head, document_id, guardian.id, rotate=True)
    clock.advance(hours=1)
    page = client.get(f"/sign/{old}")
    assert page.status_code == 410
    assert "Ce lien a été remplacé" in text(page)
    assert_names_the_document_and_the_school(page, document_id)
    form = {"csrf_token": csrf(page), "email": "pirate@example.com", "to": "pirate@example.com"}

    response = client.post(f"/sign/{old}/nouveau-lien", data=form)

    assert response.status_code == 200, text(response)
    assert "Un nouveau lien a été envoyé à l’adresse enregistrée (n•••••@example.org)." in (
        text(response)
    )
    assert_names_the_document_and_the_school(response, document_id)
    mails = smtp_server.wait_for(1)
    assert [m["To"] for m in smtp_server.messages] == [GUARDIAN]
    assert "à signer" in str(mails[0]["Subject"])
    fresh = link_in(mails[0])
    assert client.get(fresh).status_code == 200
    assert client.get(f"/sign/{old}").status_code == 410
    renewed = [e for e in trail(ctx.db, document_id) if e.type == "link_renewed"]
    assert len(renewed) == 1
    assert (renewed[0].signer_id, renewed[0].ip, renewed[0].user_agent) == (
        guardian.id,
        IP,
        USER_AGENT,
    )
    assert renewed[0].data == {"to": GUARDIAN, "from_link": "replaced"}
    assert renewed[0].at == NOW.replace(hour=10)


def test_an_aged_link_mails_a_new_one_that_works(
    client: FlaskClient, ctx: Context, document_id: int, clock: FrozenClock, smtp_server: SmtpServer
) -> None:
    token = token_of(ctx, signers(ctx.db, document_id)["guardian"])
    assert client.get(f"/sign/{token}").status_code == 200
    clock.advance(days=30, hours=2)  # the link aged; the deadline is that very day

    page = client.get(f"/sign/{token}")
    assert page.status_code == 410
    assert "Ce lien a expiré" in text(page)
    assert "Ce lien était valable jusqu'au 28 décembre 2026 à 10 h (heure de Paris)." in text(page)
    response = ask_new_link(client, token)

    assert response.status_code == 200
    fresh = link_in(smtp_server.wait_for(1)[0])
    assert client.get(fresh).status_code == 200


def test_new_links_are_throttled_and_a_refusal_says_when_to_ask_again(
    client: FlaskClient,
    ctx: Context,
    document_id: int,
    head: User,
    clock: FrozenClock,
    smtp_server: SmtpServer,
) -> None:
    guardian = signers(ctx.db, document_id)["guardian"]
    old = token_of(ctx, guardian)
    remind_signer(ctx, head, document_id, guardian.id, rotate=True)
    assert ask_new_link(client, old).status_code == 200
    smtp_server.wait_for(1)
    clock.advance(minutes=4)
    before = snapshot(ctx.db)

    too_soon = ask_new_link(client, old)

    assert too_soon.status_code == 429
    assert too_soon.headers["Retry-After"] == str(6 * 60)
    assert "vous pourrez en demander un autre à partir du 28 novembre 2026 à 10 h 10" in (
        text(too_soon)
    )
    assert_names_the_document_and_the_school(too_soon, document_id)
    assert snapshot(ctx.db) == before
    assert len(smtp_server.messages) == 1

    clock.advance(minutes=6)
    assert ask_new_link(client, old).status_code == 200
    clock.advance(minutes=10)
    assert ask_new_link(client, old).status_code == 200
    clock.advance(minutes=10)
    before = snapshot(ctx.db)
    fourth = ask_new_link(client, old)  # three a day

    assert fourth.status_code == 429
    assert "à partir du 29 novembre 2026 à 10 h" in text(fourth)
    assert snapshot(ctx.db) == before
    assert len(smtp_server.wait_for(3)) == 3
    clock.advance(days=1)
    assert ask_new_link(client, old).status_code == 200


def test_a_live_link_asking_for_a_new_one_is_sent_back_to_its_page(
    client: FlaskClient, ctx: Context, document_id: int, smtp_server: SmtpServer
) -> None:
    token = token_of(ctx, signers(ctx.db, document_id)["guardian"])
    page = client.get(f"/sign/{token}")
    before = snapshot(ctx.db)

    response = client.post(f"/sign/{token}/nouveau-lien", data={"csrf_token": csrf(page)})
    reopened = client.get(f"/sign/{token}/nouveau-lien")

    assert (response.status_code, response.headers["Location"]) == (303, f"/sign/{token}")
    assert reopened.status_code == 303
    assert snapshot(ctx.db) == before
    assert smtp_server.messages == []


def test_a_new_link_asked_without_its_csrf_token_sends_nothing(
    client: FlaskClient, ctx: Context, document_id: int, head: User, smtp_server: SmtpServer
) -> None:
    guardian = signers(ctx.db, document_id)["guardian"]
    old = token_of(ctx, guardian)
    remind_signer(ctx, head, document_id, guardian.id, rotate=True)
    before = snapshot(ctx.db)

    response = client.post(f"/sign/{old}/nouveau-lien", data={})

    assert response.status_code == 400
    assert "Votre demande n’a pas été enregistrée" in text(response)
    assert "aucun courriel n’a été envoyé" in text(response)
    for value in SCHOOL:
        assert value in text(response)
    assert snapshot(ctx.db) == before
    assert smtp_server.messages == []


def test_a_new_link_shows_in_the_staff_trail_and_in_the_certificate(
    app: Flask,
    client: FlaskClient,
    ctx: Context,
    document_id: int,
    head: User,
    smtp_server: SmtpServer,
) -> None:
    guardian = signers(ctx.db, document_id)["guardian"]
    old = token_of(ctx, guardian)
    remind_signer(ctx, head, document_id, guardian.id, rotate=True)
    assert ask_new_link(client, old).status_code == 200
    fresh = link_in(smtp_server.wait_for(1)[0]).removeprefix("/sign/")

    sign(client, fresh, guardian.full_name)
    for role, party in signers(ctx.db, document_id).items():
        if role not in {"guardian", "head"}:
            sign(client, token_of(ctx, party), party.full_name)
    last = signers(ctx.db, document_id)["head"]
    sign(client, token_of(ctx, last), last.full_name)

    staff_page = logged_in(app, head).get(f"/documents/{document_id}")
    assert "Nouveau lien demandé par le signataire" in text(staff_page)
    with ctx.db.new_session() as session:
        document = session.get(Document, document_id)
        assert document is not None
        assert document.state == "completed"
        final = document.final_pdf
    assert final is not None
    certificate = squash(" ".join(page_texts(final)))
    assert "Nouveau lien de signature envoyé à la demande du signataire" in certificate
    assert f"Demandé depuis un lien remplacé ; nouveau lien envoyé à {GUARDIAN}" in certificate
