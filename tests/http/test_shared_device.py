"""Two parties signing through their own links from one browser on one network, minutes apart,
are flagged (never refused): an event in the trail naming the other party, a warning on the
staff's document page, a line in the sealed certificate."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from db import database, database_url, postgres_server, postgres_url
from factories import FrozenClock, code_through_page, logged_in, make_school, make_user, serving_app
from flask import Flask
from flask.testing import FlaskClient
from pdftools import page_texts, squash
from sqlalchemy import select

from service.accounts.models import User
from service.context import Context
from service.db import Database
from service.documents.create import create_document
from service.documents.issue import issue_document
from service.documents.models import Document, Event
from service.signers.models import Signer
from signing.pdf.archive import Archive
from signing.pdf.convert import ConverterPool

__all__ = ["database", "database_url", "postgres_server", "postgres_url"]  # fixtures used below

pytestmark = pytest.mark.libreoffice

NOW = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)
HOME = "203.0.113.7"
PHONE = "Mozilla/5.0 (Android 14; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0"
LAPTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0.0.0 Safari/537.36"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def app(
    database: Database,
    database_url: str,
    tmp_path: Path,
    monkeypatch,
    converter: ConverterPool,
    clock: FrozenClock,
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
    return make_user(ctx.db, make_school(ctx.db), role="head", session_version="session-du-chef")


@pytest.fixture
def document(ctx: Context, head: User, make_request) -> Document:
    """A pathway contract of a minor, issued: the pupil and the guardian are invited."""
    return issue_document(ctx, head, create_document(ctx, head, make_request("parcours")).id)


def signers_of(db: Database, document_id: int) -> dict[str, Signer]:
    with db.new_session() as session:
        return {
            s.role: s
            for s in session.scalars(select(Signer).where(Signer.document_id == document_id))
        }


def device(app: Flask, ip: str, agent: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": ip, "HTTP_USER_AGENT": agent})
    return client


def text(body: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def sign_through_link(client: FlaskClient, ctx: Context, signer: Signer) -> None:
    assert signer.link_nonce
    url = f"/sign/{ctx.link_signer().make(signer.id, signer.link_nonce, now=NOW)}"
    page = client.get(url)
    assert page.status_code == 200
    match = CSRF.search(page.get_data(as_text=True))
    assert match
    form = {"csrf_token": match.group(1), "consent": "oui", "full_name": signer.full_name}
    form |= code_through_page(client, url, page.get_data(as_text=True))
    response = client.post(url, data=form)
    assert response.status_code == 200, text(response.get_data(as_text=True))
    assert "Merci, votre signature est enregistrée" in text(response.get_data(as_text=True))


def flags(db: Database, document_id: int) -> list[Event]:
    with db.new_session() as session:
        return list(
            session.scalars(
                select(Event)
                .where(Event.document_id == document_id, Event.type == "shared_device")
                .order_by(Event.seq)
            )
        )


def test_the_guardian_signing_on_the_pupils_phone_is_flagged_and_named(
    app: Flask, ctx: Context, head: User, document: Document, clock: FrozenClock
) -> None:
    parties = signers_of(ctx.db, document.id)
    pupil, guardian = parties["pupil"], parties["guardian"]

    sign_through_link(device(app, HOME, PHONE), ctx, pupil)
    clock.advance(minutes=3, seconds=20)
    sign_through_link(device(app, HOME, PHONE), ctx, guardian)

    [flag] = flags(ctx.db, document.id)
    assert (flag.signer_id, flag.ip, flag.user_agent) == (guardian.id, HOME, PHONE)
    assert flag.data["other_signer_id"] == pupil.id
    assert flag.data["other_role"] == "pupil"
    assert flag.data["other_name"] == pupil.full_name
    assert flag.data["minutes"] == 3
    with ctx.db.new_session() as session:
        types = [
            e.type
            for e in session.scalars(
                select(Event).where(Event.document_id == document.id).order_by(Event.seq)
            )
        ]
    assert types[-2:] == ["signed", "shared_device"]  # after the signature, which stands

    staff = logged_in(app, head)
    page = text(staff.get(f"/documents/{document.id}").get_data(as_text=True))
    with ctx.db.new_session() as session:
        guardian_role = session.get(Signer, guardian.id).role_noun
        pupil_role = session.get(Signer, pupil.id).role_noun
    assert "Signatures depuis le même appareil" in page
    assert (
        f"{guardian.full_name} ({guardian_role}) a signé depuis le même appareil et le même "
        f"réseau que {pupil.full_name} ({pupil_role}), qui avait signé 3 minutes plus tôt."
    ) in page
    assert "Même appareil qu'un autre signataire" in page.replace("’", "'")
    audit = text(staff.get(f"/documents/{document.id}/piste-audit").get_data(as_text=True))
    assert f"Même appareil et même réseau que {pupil.full_name} ({pupil_role})" in audit

    # The document completes as usual, and its certificate says it too.
    for role, party in signers_of(ctx.db, document.id).items():
        if party.state == "invited" and role != "head":
            sign_through_link(device(app, "198.51.100.20", LAPTOP), ctx, party)
    sign_through_link(
        device(app, "192.0.2.50", LAPTOP), ctx, signers_of(ctx.db, document.id)["head"]
    )
    with ctx.db.new_session() as session:
        final = session.get(Document, document.id)
        assert final is not None
        assert final.state == "completed"
        pdf = Archive(ctx.settings.archive_dir).get(final.final_pdf_sha256 or "")
    certificate = squash(" ".join(page_texts(pdf)))
    assert "Signé depuis le même appareil qu'un autre signataire" in certificate
    assert f"Même navigateur et même réseau que {pupil.full_name}" in certificate


@pytest.mark.parametrize(
    ("second_agent", "minutes_later"),
    [(LAPTOP, 3), (PHONE, 11)],
    ids=["another-browser", "eleven-minutes-later"],
)
def test_another_browser_or_a_later_signature_is_not_flagged(
    app: Flask,
    ctx: Context,
    head: User,
    document: Document,
    clock: FrozenClock,
    second_agent: str,
    minutes_later: int,
) -> None:
    parties = signers_of(ctx.db, document.id)

    sign_through_link(device(app, HOME, PHONE), ctx, parties["pupil"])
    clock.advance(minutes=minutes_later)
    sign_through_link(device(app, HOME, second_agent), ctx, parties["guardian"])

    assert flags(ctx.db, document.id) == []
    page = text(logged_in(app, head).get(f"/documents/{document.id}").get_data(as_text=True))
    assert "même appareil" not in page.lower()


def test_three_parties_on_one_phone_read_as_a_chain_one_flag_each(
    app: Flask, ctx: Context, document: Document, clock: FrozenClock
) -> None:
    """The pupil, the guardian, then the référent on one phone: the guardian is flagged after
    the pupil, the référent after the guardian only (the most recent), not once per pair."""
    parties = signers_of(ctx.db, document.id)
    order = [parties["pupil"], parties["guardian"], parties["referent"]]

    for signer in order:
        sign_through_link(device(app, HOME, PHONE), ctx, signer)
        clock.advance(minutes=1)

    pairs = [(f.signer_id, f.data["other_signer_id"]) for f in flags(ctx.db, document.id)]
    assert pairs == [(order[1].id, order[0].id), (order[2].id, order[1].id)]
