"""The signer's pages through the Flask test client, on real SQLite and PostgreSQL databases, with
documents issued through the real warm LibreOffice. Every refusal is checked to leave every table
as it was (`snapshot` before and after)."""

from __future__ import annotations

import base64
import hashlib
import html
import io
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from db import database, database_url, postgres_server, postgres_url, snapshot
from factories import FrozenClock, make_school, make_user, serving_app
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image, ImageDraw
from sqlalchemy import select
from werkzeug.test import TestResponse

from service.accounts.models import School, User
from service.context import Context
from service.db import Database
from service.documents.cancel import cancel_document
from service.documents.create import create_document
from service.documents.issue import issue_document
from service.documents.models import Document, Event
from service.documents.store import lock_document
from service.mail.models import OutboxMessage
from service.signers.models import Signer
from service.signers.remind import remind_signer
from service.signers.sign import CONSENT_TEXT
from signing.errors import ValidationFailed
from signing.pdf.convert import ConverterPool

__all__ = ["database", "database_url", "postgres_server", "postgres_url"]  # fixtures used below

pytestmark = pytest.mark.libreoffice

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
"""The app's time (10:00 in Paris): the links made now expire on 28 December 2026 at 10:00."""
IP = "203.0.113.7"
USER_AGENT = "Mozilla/5.0 (Linux; Android 14) Firefox/132.0"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


# ---------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def app(
    database: Database, database_url: str, clock: FrozenClock, tmp_path: Path, monkeypatch
) -> Iterator[Flask]:
    app = serving_app(database_url, tmp_path, monkeypatch, clock=clock)
    yield app
    app.extensions["cosigne.db"].dispose()


@pytest.fixture
def ctx(app: Flask, converter: ConverterPool, clock: FrozenClock) -> Context:
    """The operations' context of the app (same database, keys and clock) for issuing."""
    return Context(
        db=app.extensions["cosigne.db"],
        settings=app.config["COSIGNE"],
        converter=lambda: converter,
        clock=clock,
    )


@pytest.fixture
def head(ctx: Context) -> User:
    """The head of a school that asks no one-time code: these tests are about the link alone
    (`test_sign_code` signs with the code, the default)."""
    return make_user(ctx.db, make_school(ctx.db, code_roles=""), role="head")


@dataclass(frozen=True)
class Invitation:
    """An issued document and one invited signer's link."""

    document: Document
    signer: Signer
    token: str

    @property
    def url(self) -> str:
        return f"/sign/{self.token}"


@pytest.fixture
def invitation(ctx: Context, head: User, make_request) -> Invitation:
    """A pathway contract of a minor, issued; the link mailed to the guardian who signs."""
    document = create_document(ctx, head, make_request("parcours"))
    document = issue_document(ctx, head, document.id)
    guardian = next(s for s in signers(ctx.db, document.id) if s.role == "guardian")
    assert guardian.state == "invited"
    return Invitation(document, guardian, link(ctx, guardian))


def browser(app: Flask) -> FlaskClient:
    """A browser of its own (its own cookies), at the signer's address."""
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": IP, "HTTP_USER_AGENT": USER_AGENT})
    return client


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return browser(app)


# ---------------------------------------------------------------------------------------------
# Helpers


def link(ctx: Context, signer: Signer) -> str:
    """The token of the signer's live link, as the invitation mailed it."""
    assert signer.link_nonce
    return ctx.link_signer().make(signer.id, signer.link_nonce, now=NOW)


def signers(db: Database, document_id: int) -> list[Signer]:
    with db.new_session() as session:
        return list(
            session.scalars(
                select(Signer).where(Signer.document_id == document_id).order_by(Signer.position)
            )
        )


def reload(db: Database, signer: Signer) -> Signer:
    with db.new_session() as session:
        found = session.get(Signer, signer.id)
        assert found is not None
        return found


def event_types(db: Database, document_id: int) -> list[str]:
    with db.new_session() as session:
        return list(
            session.scalars(
                select(Event.type).where(Event.document_id == document_id).order_by(Event.seq)
            )
        )


def mailed_link(ctx: Context, signer: Signer) -> str:
    """The token of the newest message mailed to `signer`."""
    with ctx.db.new_session() as session:
        body = session.scalars(
            select(OutboxMessage.text_body)
            .where(OutboxMessage.to_address == signer.email)
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        ).one()
    match = re.search(r"/sign/([A-Za-z0-9_.\-]+)", body)
    assert match
    return match.group(1)


def sign_through_link(client: FlaskClient, ctx: Context, signer: Signer) -> None:
    """The signer opens the link mailed to them and signs with their typed name."""
    url = f"/sign/{mailed_link(ctx, signer)}"
    page = client.get(url)
    assert page.status_code == 200, text(page)
    match = CSRF.search(page.get_data(as_text=True))
    assert match
    form = {"csrf_token": match.group(1), "consent": "oui", "full_name": signer.full_name}
    response = client.post(url, data=form)
    assert response.status_code == 200, text(response)
    assert "Merci, votre signature est enregistrée" in text(response)


def text(response: TestResponse) -> str:
    """The page as a person reads it: tags kept, entities decoded."""
    return html.unescape(response.get_data(as_text=True))


def open_page(client: FlaskClient, invitation: Invitation) -> str:
    """Open the signer's page; the CSRF token of its forms."""
    response = client.get(invitation.url)
    assert response.status_code == 200, text(response)
    match = CSRF.search(response.get_data(as_text=True))
    assert match
    return match.group(1)


def sign_form(invitation: Invitation, csrf_token: str | None, **changes: object) -> dict:
    form: dict[str, object] = {
        "csrf_token": csrf_token,
        "consent": "oui",
        "full_name": "nadia MARTIN",  # case aside, the guardian's name
        "signature": "",
        "pdf_sha256": invitation.document.pdf_sha256,
        **changes,
    }
    return {name: value for name, value in form.items() if value is not None}


def png_data_url(image: Image.Image) -> str:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def drawn_signature(size: tuple[int, int] = (600, 200)) -> Image.Image:
    """What the pad sends: black strokes on a transparent background."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.line(
        [(30, 150), (120, 40), (200, 160), (320, 50), (560, 120)], fill=(0, 0, 0, 255), width=4
    )
    return image


def field_messages(response: TestResponse, field: str) -> str:
    """The text of the messages shown under one form field."""
    match = re.search(
        rf'<div class="fr-messages-group" id="{field}-messages"[^>]*>(.*?)</div>',
        text(response),
        re.S,
    )
    assert match, f"no messages group for {field}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


# ---------------------------------------------------------------------------------------------
# Opening the page


def test_the_page_says_who_asks_what_and_in_which_role(
    client: FlaskClient, ctx: Context, invitation: Invitation
) -> None:
    response = client.get(invitation.url)

    page = text(response)
    assert response.status_code == 200
    assert '<html lang="fr"' in page
    assert "Lycée professionnel Michelet vous demande de signer ce document." in page
    assert "Contrat de parcours individualisé" in page
    assert "Zoé Martin-Lefèvre" in page
    assert "du 4 janvier 2027 au 25 juin 2027" in page
    assert "Anne Leroy, Proviseure" in page
    assert "<strong><bdi>Nadia Martin</bdi></strong>, en tant que représentante légale" in page
    assert "Ce lien est valable jusqu’au 28 décembre 2026 à 10 h (heure de Paris)." in page
    assert CONSENT_TEXT in page
    assert "Télécharger le document (PDF" in page
    assert f'data="{invitation.url}/document.pdf"' in page
    assert f'name="pdf_sha256" value="{invitation.document.pdf_sha256}"' in page
    assert CSRF.search(page)
    for name in ("consent", "full_name", "signature", "reason"):
        assert f'name="{name}"' in page
    assert f'action="{invitation.url}/decline"' in page


def test_the_first_open_is_recorded_and_later_ones_change_nothing(
    app: Flask, client: FlaskClient, ctx: Context, invitation: Invitation, clock: FrozenClock
) -> None:
    first = client.get(invitation.url)
    after_first = snapshot(ctx.db)
    clock.advance(minutes=10)
    again = [client.get(invitation.url), browser(app).get(invitation.url)]

    assert [r.status_code for r in (first, *again)] == [200, 200, 200]
    assert snapshot(ctx.db) == after_first  # later visits: no event, no write
    signer = reload(ctx.db, invitation.signer)
    assert signer.state == "opened"
    assert signer.opened_at == NOW
    assert signer.link_nonce == invitation.signer.link_nonce
    assert event_types(ctx.db, invitation.document.id)[-2:] == ["invited", "opened"]
    with ctx.db.new_session() as session:
        opened = session.scalars(select(Event).where(Event.type == "opened")).one()
        assert (opened.ip, opened.user_agent, opened.role) == (IP, USER_AGENT, "guardian")
        assert opened.signer_id == invitation.signer.id
    assert all(CSRF.search(r.get_data(as_text=True)) for r in again)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_links_still_open_and_sign_after_the_database_server_dropped_every_connection(
    client: FlaskClient, ctx: Context, invitation: Invitation
) -> None:
    """As after a PostgreSQL restart: the pooled connections are dead, and nobody notices."""
    open_page(client, invitation)  # the first open (a write), pooled connections left behind
    csrf_token = open_page(client, invitation)  # a re-open, on the read-only connections
    with ctx.db.engine.connect() as connection:
        killed = connection.exec_driver_sql(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).scalar_one()
    assert killed >= 1

    assert open_page(client, invitation) == csrf_token
    signed = client.post(invitation.url, data=sign_form(invitation, csrf_token))
    assert "Merci, votre signature est enregistrée" in text(signed)


def test_a_later_open_neither_writes_nor_waits_for_the_documents_lock(
    client: FlaskClient, ctx: Context, invitation: Invitation
) -> None:
    assert client.get(invitation.url).status_code == 200
    answers: list[int] = []
    reader = threading.Thread(target=lambda: answers.append(client.get(invitation.url).status_code))

    with ctx.db.transaction() as session:  # another writer holds the document, mid-transaction
        lock_document(session, invitation.document.id)
        reader.start()
        reader.join(timeout=5)
        answered_meanwhile = not reader.is_alive()
    reader.join()

    assert answered_meanwhile
    assert answers == [200]


def test_the_signers_form_is_bound_to_its_link_and_the_page_sets_no_cookie(
    app: Flask, ctx: Context, invitation: Invitation
) -> None:
    """The form's token is the link's: the same page for every visit through it (a page kept
    from an earlier visit included), no session cookie, and no use on another link's form."""
    first, second = browser(app), browser(app)
    tokens = [open_page(first, invitation), open_page(first, invitation)]
    tokens.append(open_page(second, invitation))  # a phone after the computer, say
    pupil = next(s for s in signers(ctx.db, invitation.document.id) if s.role == "pupil")
    pupil_page = first.get(f"/sign/{link(ctx, pupil)}")
    other_link_token = CSRF.search(pupil_page.get_data(as_text=True))

    assert len(set(tokens)) == 1
    assert other_link_token
    assert other_link_token.group(1) != tokens[0]
    assert "Set-Cookie" not in first.get(invitation.url).headers
    assert first.get_cookie("session") is None
    refused = first.post(invitation.url, data=sign_form(invitation, other_link_token.group(1)))
    assert refused.status_code == 400  # the pupil's form, posted to the guardian's link
    assert reload(ctx.db, invitation.signer).state == "opened"
    signed = second.post(invitation.url, data=sign_form(invitation, tokens[0]))
    assert "Merci, votre signature est enregistrée" in text(signed)


def test_a_resent_link_makes_the_old_pages_form_useless(
    client: FlaskClient, ctx: Context, head: User, invitation: Invitation
) -> None:
    old_token = open_page(client, invitation)
    remind_signer(ctx, head, invitation.document.id, invitation.signer.id, rotate=True)
    new_url = f"/sign/{mailed_link(ctx, invitation.signer)}"
    before = snapshot(ctx.db)

    refused = client.post(new_url, data=sign_form(invitation, old_token))

    assert refused.status_code == 400
    assert snapshot(ctx.db) == before


def test_a_later_visit_shows_what_changed_since_the_last_one(
    client: FlaskClient, ctx: Context, invitation: Invitation
) -> None:
    open_page(client, invitation)
    assert "Lycée professionnel Michelet" in text(client.get(invitation.url))
    with ctx.db.transaction() as session:
        school = session.get(School, invitation.document.school_id)
        assert school is not None
        school.name = "Lycée des métiers Gustave Eiffel"

    page = text(client.get(invitation.url))

    assert "Lycée des métiers Gustave Eiffel" in page
    assert "Lycée professionnel Michelet" not in page


def test_the_link_is_still_checked_on_every_later_open(
    client: FlaskClient, ctx: Context, invitation: Invitation, head: User
) -> None:
    assert client.get(invitation.url).status_code == 200
    assert client.get(invitation.url).status_code == 200

    cancel_document(ctx, head, invitation.document.id, "Erreur sur les dates")
    response = client.get(invitation.url)

    assert response.status_code == 410
    assert "Ce document a été annulé par l'établissement." in text(response)


def test_the_first_open_of_a_resent_link_is_recorded_once(
    client: FlaskClient,
    ctx: Context,
    invitation: Invitation,
    head: User,
    clock: FrozenClock,
) -> None:
    assert client.get(invitation.url).status_code == 200
    clock.advance(hours=2)
    remind_signer(ctx, head, invitation.document.id, invitation.signer.id, rotate=True)
    resent = mailed_link(ctx, invitation.signer)
    assert resent != invitation.token
    assert reload(ctx.db, invitation.signer).state == "opened"  # a resend keeps the state
    clock.advance(hours=1)

    first = client.get(f"/sign/{resent}")
    after_first = snapshot(ctx.db)
    clock.advance(minutes=5)
    again = client.get(f"/sign/{resent}")
    old = client.get(invitation.url)

    assert (first.status_code, again.status_code, old.status_code) == (200, 200, 410)
    assert snapshot(ctx.db) == after_first
    assert event_types(ctx.db, invitation.document.id)[-3:] == ["opened", "reminded", "opened"]
    signer = reload(ctx.db, invitation.signer)
    assert (signer.state, signer.opened_at) == ("opened", NOW + timedelta(hours=3))


def test_the_first_open_of_a_reminders_link_is_recorded_and_the_first_link_still_reads(
    client: FlaskClient,
    ctx: Context,
    invitation: Invitation,
    head: User,
    clock: FrozenClock,
) -> None:
    assert client.get(invitation.url).status_code == 200
    clock.advance(days=7)
    remind_signer(ctx, head, invitation.document.id, invitation.signer.id)
    reminded = mailed_link(ctx, invitation.signer)
    clock.advance(hours=1)

    answers = [client.get(f"/sign/{reminded}"), client.get(f"/sign/{reminded}")]
    answers.append(client.get(invitation.url))  # the first message's link, opened before

    assert [r.status_code for r in answers] == [200, 200, 200]
    assert event_types(ctx.db, invitation.document.id)[-3:] == ["opened", "reminded", "opened"]


def test_the_pdf_is_the_frozen_document_and_reading_it_changes_nothing(
    client: FlaskClient, ctx: Context, invitation: Invitation
) -> None:
    before = snapshot(ctx.db)

    response = client.get(f"{invitation.url}/document.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert hashlib.sha256(response.data).hexdigest() == invitation.document.pdf_sha256
    assert response.data == invitation.document.pdf
    assert response.headers["Content-Disposition"] == (
        'inline; filename="contrat-de-parcours-individualise-martin-lefevre-zoe.pdf"'
    )
    assert response.headers["Content-Security-Policy"] == "frame-ancestors 'self'"
    assert snapshot(ctx.db) == before


# ---------------------------------------------------------------------------------------------
# Signing


@pytest.mark.parametrize("drawn", [True, False], ids=["drawn", "typed-name-only"])
def test_signing_records_who_when_where_and_what(
    client: FlaskClient, ctx: Context, invitation: Invitation, clock: FrozenClock, drawn: bool
) -> None:
    csrf_token = open_page(client, invitation)
    clock.advance(minutes=5)
    signature = png_data_url(drawn_signature()) if drawn else ""

    response = client.post(
        invitation.url, data=sign_form(invitation, csrf_token, signature=signature)
    )

    page = text(response)
    assert response.status_code == 200
    assert "Merci, votre signature est enregistrée" in page
    assert (
        "Vous recevrez le document signé par courriel quand toutes les parties auront signé."
        in page
    )
    signer = reload(ctx.db, invitation.signer)
    assert signer.state == "signed"
    assert signer.signed_at == NOW + timedelta(minutes=5)
    assert (signer.sign_ip, signer.sign_user_agent) == (IP, USER_AGENT)
    assert signer.typed_name == "nadia MARTIN"
    assert signer.consent_text == CONSENT_TEXT
    assert signer.signed_pdf_sha256 == invitation.document.pdf_sha256
    assert signer.link_nonce is None
    assert event_types(ctx.db, invitation.document.id)[-1] == "signed"
    if drawn:
        assert signer.signature_png is not None
        with Image.open(io.BytesIO(signer.signature_png)) as stored:
            assert (stored.format, stored.size, stored.mode) == ("PNG", (600, 200), "RGBA")
    else:
        assert signer.signature_png is None


def test_the_last_signature_through_a_link_completes_the_document_at_once(
    client: FlaskClient, ctx: Context, invitation: Invitation
) -> None:
    for signer in signers(ctx.db, invitation.document.id):
        if signer.state == "invited":
            sign_through_link(client, ctx, signer)
    head = next(s for s in signers(ctx.db, invitation.document.id) if s.role == "head")
    assert head.state == "invited"  # once everyone else has signed

    sign_through_link(client, ctx, head)

    with ctx.db.new_session() as session:
        document = session.get(Document, invitation.document.id)
        assert document is not None
        assert document.state == "completed"
        assert document.final_pdf_sha256
    types = event_types(ctx.db, invitation.document.id)
    # One browser signed for every party: flagged (`test_shared_device`), never refused.
    assert types[-1] == "completed"
    assert "shared_device" in types
    assert [t for t in types if t != "shared_device"][-2:] == ["signed", "completed"]


def test_a_used_link_gets_the_already_signed_page(
    client: FlaskClient, ctx: Context, invitation: Invitation
) -> None:
    csrf_token = open_page(client, invitation)
    assert client.post(invitation.url, data=sign_form(invitation, csrf_token)).status_code == 200
    before = snapshot(ctx.db)

    page_again = client.get(invitation.url)
    post_again = client.post(invitation.url, data=sign_form(invitation, csrf_token))
    pdf_again = client.get(f"{invitation.url}/document.pdf")

    assert page_again.status_code == 410
    assert "Vous avez déjà signé ce document" in text(page_again)
    assert "ce.0440021J@example.edu" in text(page_again)
    assert (post_again.status_code, pdf_again.status_code) == (410, 410)
    assert snapshot(ctx.db) == before


@pytest.mark.parametrize("csrf", ["missing", "wrong", "session-token"])
def test_a_post_without_its_csrf_token_is_refused_and_changes_nothing(
    app: Flask, client: FlaskClient, ctx: Context, invitation: Invitation, csrf: str
) -> None:
    csrf_token = open_page(client, invitation)
    if csrf == "session-token":  # a staff page's token, made from this browser's session
        with app.test_request_context():
            from service.accounts import csrf as csrf_module  # noqa: PLC0415

            session_token = csrf_module.token()
    sent = {
        "missing": None,
        "wrong": csrf_token[:-1] + ("0" if csrf_token[-1] != "0" else "1"),
        "session-token": session_token if csrf == "session-token" else None,
    }[csrf]
    before = snapshot(ctx.db)

    signing = client.post(invitation.url, data=sign_form(invitation, sent))
    declining = client.post(
        f"{invitation.url}/decline", data={"reason": "Non.", "csrf_token": sent}
    )

    assert (signing.status_code, declining.status_code) == (400, 400)
    assert "Votre demande n’a pas été enregistrée" in text(signing)
    assert f'href="{invitation.url}"' in text(declining)
    assert snapshot(ctx.db) == before


def test_a_name_that_is_not_the_signers_is_shown_next_to_the_field(
    client: FlaskClient, ctx: Context, invitation: Invitation
) -> None:
    csrf_token = open_page(client, invitation)
    before = snapshot(ctx.db)

    response = client.post(
        invitation.url, data=sign_form(invitation, csrf_token, full_name="Karim Lefèvre")
    )

    page = text(response)
    assert response.status_code == 422
    assert page.count("Saisissez votre nom tel qu'il figure sur le document : Nadia Martin.") == 2
    assert "Nadia Martin" in field_messages(response, "full_name")
    assert 'aria-describedby="full_name-messages"' in page
    assert 'value="Karim Lefèvre"' in page  # what was typed is kept
    assert 'id="consent" name="consent" value="oui" checked' in page
    assert '<a href="#full_name">' in page  # the summary leads to the field
    assert "<title>Erreur : " in page
    assert snapshot(ctx.db) == before


@pytest.mark.parametrize("hidden", ["\u202e", "\u200b", "\x07"], ids=["bidi", "zw", "bell"])
def test_a_typed_name_with_a_hidden_character_is_refused_and_never_stored(
    client: FlaskClient, ctx: Context, invitation: Invitation, hidden: str
) -> None:
    csrf_token = open_page(client, invitation)
    before = snapshot(ctx.db)

    response = client.post(
        invitation.url, data=sign_form(invitation, csrf_token, full_name=f"Nadia{hidden} Martin")
    )

    assert response.status_code == 422
    message = field_messages(response, "full_name")
    assert f"caractère invisible ou de contrôle interdit (U+{ord(hidden):04X})" in message
    assert snapshot(ctx.db) == before


@pytest.mark.parametrize(
    "unprintable", ["\ue000", "\u1200", "\u0926"], ids=["private-use", "ethiopic", "devanagari"]
)
def test_a_typed_name_with_a_character_no_font_draws_is_refused_naming_it(
    client: FlaskClient, ctx: Context, invitation: Invitation, unprintable: str
) -> None:
    """A private-use code point, or a script none of the embedded faces draws: refused at input
    (it would be a box on the signed page and the certificate), the character named."""
    csrf_token = open_page(client, invitation)
    before = snapshot(ctx.db)

    response = client.post(
        invitation.url,
        data=sign_form(invitation, csrf_token, full_name=f"Nadia Martin{unprintable}"),
    )

    assert response.status_code == 422
    message = field_messages(response, "full_name")
    assert (
        f"Nom : le caractère « {unprintable} » (U+{ord(unprintable):04X}) ne peut pas être "
        "imprimé sur le document" in message
    ), message
    assert snapshot(ctx.db) == before


@pytest.mark.parametrize(
    ("first", "last"), [("小明", "王"), ("علي", "محمد"), ("דוד", "כהן")], ids=["zh", "ar", "he"]
)
def test_a_guardian_with_a_chinese_arabic_or_hebrew_name_signs_with_it(
    client: FlaskClient, ctx: Context, head: User, make_request, first: str, last: str
) -> None:
    body = make_request("parcours", guardians__0__first_name=first, guardians__0__last_name=last)
    document = issue_document(ctx, head, create_document(ctx, head, body).id)
    guardian = next(s for s in signers(ctx.db, document.id) if s.role == "guardian")
    invitation = Invitation(document, guardian, link(ctx, guardian))
    csrf_token = open_page(client, invitation)

    response = client.post(
        invitation.url, data=sign_form(invitation, csrf_token, full_name=f"{first} {last}")
    )

    assert response.status_code == 200, field_messages(response, "full_name")
    assert reload(ctx.db, guardian).typed_name == f"{first} {last}"


def test_a_name_no_font_draws_is_refused_when_the_document_is_drafted(
    ctx: Context, head: User, make_request
) -> None:
    """The same rule for the names the head registers: they are printed on the certificate."""
    before = snapshot(ctx.db)

    with pytest.raises(ValidationFailed) as refused:
        create_document(ctx, head, make_request("parcours", guardians__0__last_name="Ma\ue000rtin"))

    messages = {issue.field: issue.message for issue in refused.value.errors}
    assert "ne peut pas être imprimé sur le document" in messages["guardians[0].last_name"]
    assert snapshot(ctx.db) == before


@pytest.mark.parametrize("hidden", ["\u202e", "\u2066", "\ufeff"])
def test_a_decline_reason_with_a_hidden_character_is_refused(
    client: FlaskClient, ctx: Context, invitation: Invitation, hidden: str
) -> None:
    csrf_token = open_page(client, invitation)
    before = snapshot(ctx.db)

    response = client.post(
        f"{invitation.url}/decline",
        data={"csrf_token": csrf_token, "reason": f"Pas d'accord {hidden}sur les horaires"},
    )

    assert response.status_code == 422
    assert f"(U+{ord(hidden):04X})" in field_messages(response, "reason")
    assert snapshot(ctx.db) == before


def test_signing_without_consent_is_refused(
    client: FlaskClient, ctx: Context, invitation: Invitation
) -> None:
    csrf_token = open_page(client, invitation)
    before = snapshot(ctx.db)

    response = client.post(invitation.url, data=sign_form(invitation, csrf_token, consent=None))

    assert response.status_code == 422
    assert "Cochez la case pour accepter de signer." in field_messages(response, "consent")
    assert field_messages(response, "full_name") == ""
    assert snapshot(ctx.db) == before


def test_a_document_changed_since_it_was_shown_is_not_signed(
    client: FlaskClient, ctx: Context, invitation: Invitation
) -> None:
    csrf_token = open_page(client, invitation)
    before = snapshot(ctx.db)

    response = client.post(
        invitation.url, data=sign_form(invitation, csrf_token, pdf_sha256="0" * 64)
    )

    assert response.status_code == 422
    assert "Le document a changé depuis son affichage : rechargez la page." in text(response)
    assert snapshot(ctx.db) == before


def _noise(size: tuple[int, int]) -> Image.Image:
    return Image.frombytes("RGBA", size, os.urandom(size[0] * size[1] * 4))


@pytest.mark.parametrize(
    ("signature", "message"),
    [
        pytest.param(
            "data:image/png;base64," + base64.b64encode(b"pas une image").decode(),
            "n'est pas une image PNG",
            id="not-a-png",
        ),
        pytest.param("data:image/png;base64,@@@", "illisible", id="not-base64"),
        pytest.param(
            "data:image/jpeg;base64,/9j/4AAQ", "n'est pas une image PNG", id="not-a-png-url"
        ),
        pytest.param(png_data_url(_noise((280, 280))), "trop volumineux", id="too-big"),
        pytest.param(
            png_data_url(drawn_signature((3000, 400))), "3000 × 400 pixels", id="too-wide"
        ),
        pytest.param(
            png_data_url(Image.new("RGBA", (600, 200), (0, 0, 0, 0))), "est vide", id="blank"
        ),
        pytest.param(
            png_data_url(drawn_signature()).replace("base64,iVBOR", "base64,iVBOX"),
            "n'est pas une image PNG",
            id="corrupt",
        ),
    ],
)
def test_a_bad_drawing_is_refused_next_to_the_pad(
    client: FlaskClient, ctx: Context, invitation: Invitation, signature: str, message: str
) -> None:
    csrf_token = open_page(client, invitation)
    before = snapshot(ctx.db)

    response = client.post(
        invitation.url, data=sign_form(invitation, csrf_token, signature=signature)
    )

    assert response.status_code == 422
    assert message in field_messages(response, "signature")
    assert 'value="nadia MARTIN"' in text(response)
    assert snapshot(ctx.db) == before


def test_a_used_link_with_a_bad_drawing_gets_the_already_signed_page(
    client: FlaskClient, ctx: Context, invitation: Invitation
) -> None:
    csrf_token = open_page(client, invitation)
    assert client.post(invitation.url, data=sign_form(invitation, csrf_token)).status_code == 200
    before = snapshot(ctx.db)

    response = client.post(
        invitation.url, data=sign_form(invitation, csrf_token, signature="data:image/png;base64,x")
    )

    assert response.status_code == 410
    assert "Vous avez déjà signé ce document" in text(response)
    assert snapshot(ctx.db) == before


# ---------------------------------------------------------------------------------------------
# Declining


def test_declining_with_a_reason(client: FlaskClient, ctx: Context, invitation: Invitation) -> None:
    csrf_token = open_page(client, invitation)

    response = client.post(
        f"{invitation.url}/decline",
        data={"csrf_token": csrf_token, "reason": "  Nous voulons en parler d'abord.  "},
    )

    assert response.status_code == 200
    assert "Votre refus est enregistré" in text(response)
    signer = reload(ctx.db, invitation.signer)
    assert (signer.state, signer.decline_reason) == ("declined", "Nous voulons en parler d'abord.")
    assert (signer.sign_ip, signer.link_nonce) == (IP, None)
    with ctx.db.new_session() as session:
        assert session.get(Document, invitation.document.id).state == "declined"
    assert client.get(invitation.url).status_code == 410


def test_declining_without_a_reason_is_refused(
    client: FlaskClient, ctx: Context, invitation: Invitation
) -> None:
    csrf_token = open_page(client, invitation)
    before = snapshot(ctx.db)

    response = client.post(
        f"{invitation.url}/decline", data={"csrf_token": csrf_token, "reason": "   "}
    )

    assert response.status_code == 422
    assert "Indiquez en quelques mots pourquoi vous refusez" in field_messages(response, "reason")
    assert '<details class="cosigne-decline" id="refus" open>' in text(response)
    assert "Votre refus n’a pas été enregistré" in text(response)
    assert snapshot(ctx.db) == before


# ---------------------------------------------------------------------------------------------
# Dead links


def test_a_forged_link_gets_a_404_page_that_reveals_nothing(
    client: FlaskClient, ctx: Context, invitation: Invitation
) -> None:
    before = snapshot(ctx.db)
    forged = invitation.token[:-3] + ("aaa" if not invitation.token.endswith("aaa") else "bbb")

    answers = [
        client.get(f"/sign/{forged}"),
        client.get("/sign/n-importe-quoi"),
        client.get(f"/sign/{forged}/document.pdf"),
    ]

    for response in answers:
        page = text(response)
        assert response.status_code == 404
        assert "Ce lien n'est pas valide" in page
        assert "Michelet" not in page
        assert "Traceback" not in page
    after = snapshot(ctx.db)
    # Nothing changed but the count of guesses from this address (`test_sign_attempts`).
    assert [(row[1], row[2]) for row in after.pop("attempts")] == [("link", IP)] * 3
    assert before.pop("attempts") == []
    assert after == before


def test_an_expired_link_says_when_it_expired(
    client: FlaskClient, ctx: Context, invitation: Invitation, clock: FrozenClock
) -> None:
    csrf_token = open_page(client, invitation)
    clock.advance(days=30, hours=2)  # the link is dead; the deadline (that day) is not past
    before = snapshot(ctx.db)

    answers = [
        client.get(invitation.url),
        client.post(invitation.url, data=sign_form(invitation, csrf_token)),
        client.get(f"{invitation.url}/document.pdf"),
    ]

    for response in answers:
        assert response.status_code == 410
        assert "Ce lien a expiré" in text(response)
        assert "Ce lien était valable jusqu'au 28 décembre 2026 à 10 h (heure de Paris)." in (
            text(response)
        )
    assert snapshot(ctx.db) == before


def test_a_cancelled_document_names_the_school_to_contact(
    client: FlaskClient, ctx: Context, invitation: Invitation, head: User
) -> None:
    csrf_token = open_page(client, invitation)
    cancel_document(ctx, head, invitation.document.id, "Erreur dans les dates")
    before = snapshot(ctx.db)

    page = client.get(invitation.url)
    post = client.post(invitation.url, data=sign_form(invitation, csrf_token))

    assert (page.status_code, post.status_code) == (410, 410)
    assert "Ce document a été annulé par l'établissement." in text(page)
    assert "Lycée professionnel Michelet" in text(page)
    assert 'href="mailto:ce.0440021J@example.edu"' in text(page)
    assert snapshot(ctx.db) == before


def test_a_replaced_link_points_to_the_newest_email(
    client: FlaskClient, ctx: Context, invitation: Invitation, head: User
) -> None:
    remind_signer(ctx, head, invitation.document.id, invitation.signer.id, rotate=True)
    before = snapshot(ctx.db)

    response = client.get(invitation.url)

    assert response.status_code == 410
    assert "utilisez le dernier courriel reçu" in text(response)
    assert snapshot(ctx.db) == before


# ---------------------------------------------------------------------------------------------
# Headers


def test_every_answer_forbids_framing_referrers_caching_and_foreign_scripts(
    client: FlaskClient, invitation: Invitation
) -> None:
    answers = {
        "page": client.get(invitation.url),
        "dead": client.get("/sign/faux"),
        "pdf": client.get(f"{invitation.url}/document.pdf"),
    }

    for name, response in answers.items():
        headers = response.headers
        assert headers["Referrer-Policy"] == "no-referrer", name
        assert headers["Cache-Control"] == "no-store", name
        assert headers["X-Content-Type-Options"] == "nosniff", name
    for name in ("page", "dead"):
        csp = answers[name].headers["Content-Security-Policy"]
        assert answers[name].headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self';" in csp
        assert "default-src 'self'" in csp
    assert "<script>" not in answers["page"].get_data(as_text=True)  # scripts are files only
    assert answers["pdf"].headers["Content-Security-Policy"] == "frame-ancestors 'self'"
