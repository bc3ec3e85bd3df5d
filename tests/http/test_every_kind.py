"""Every kind of the registry, the whole way, as its users meet it: the head fills the generated
form, issues the document, every party signs from the link of their own mail, and the sealed
final PDF verifies. A kind added to `signing.kinds` runs through here the day it exists, on
SQLite and PostgreSQL, with the real LibreOffice."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from db import database, database_url, postgres_server, postgres_url
from factories import (
    FrozenClock,
    code_through_page,
    form_of,
    logged_in,
    make_school,
    make_user,
    serving_app,
)
from flask import Flask
from pdftools import page_texts, squash
from sqlalchemy import select
from werkzeug.test import TestResponse

from service.accounts.api_tokens import create_api_token
from service.accounts.models import User
from service.accounts.schools import school_identity
from service.db import Database
from service.documents.models import Document
from service.mail.models import OutboxMessage
from signing.data.validate import validate_document
from signing.kinds import Kind
from signing.pdf.convert import ConverterPool
from signing.vocabulary import Role

__all__ = ["database", "database_url", "postgres_server", "postgres_url"]  # fixtures used below

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
"""The app's time: the reference date of the examples (TODAY of conftest), 10:00 in Paris."""
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
pytestmark = pytest.mark.libreoffice


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
def head(app: Flask) -> User:
    db = app.extensions["cosigne.db"]
    return make_user(db, make_school(db), role="head", session_version="session-du-chef")


def _text(response: TestResponse) -> str:
    return html.unescape(response.get_data(as_text=True))


def _mailed_links(db: Database, document_id: int) -> dict[str, str]:
    """The newest signing link mailed to each address, read from the messages' own text."""
    with db.new_session() as session:
        messages = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.document_id == document_id)
            .order_by(OutboxMessage.id)
        ).all()
    links: dict[str, str] = {}
    for message in messages:
        match = re.search(r"https?://[^/\s]+(/sign/[A-Za-z0-9_.\-]+)", message.text_body)
        if match:
            links[message.to_address] = match.group(1)
    return links


def _sign_from_mail(app: Flask, url: str, name: str, title: str) -> None:
    signer_browser = app.test_client()
    page = signer_browser.get(url)
    assert page.status_code == 200, _text(page)
    assert title in _text(page)
    token = CSRF.search(page.get_data(as_text=True))
    assert token
    form = {"csrf_token": token.group(1), "consent": "oui", "full_name": name}
    form |= code_through_page(signer_browser, url, page.get_data(as_text=True))
    signed = signer_browser.post(url, data=form)
    assert signed.status_code == 200, _text(signed)
    assert "Merci, votre signature est enregistrée" in _text(signed)


@pytest.mark.parametrize("kind", list(Kind))
def test_a_document_of_every_kind_is_filled_issued_signed_sealed_and_verified(
    kind: Kind, app: Flask, head: User, clock: FrozenClock
) -> None:
    db: Database = app.extensions["cosigne.db"]
    spec, example = kind.spec, kind.spec.example["data"]
    if example.get("review_date"):  # a review is issued once held (`held_before_issue`)
        clock.now = datetime.fromisoformat(example["review_date"]).replace(hour=9, tzinfo=UTC)
    staff = logged_in(app, head)

    # The head fills the form generated from the kind's schema.
    form_page = staff.get(f"/documents/nouveau/{kind}")
    assert form_page.status_code == 200
    assert spec.title.lower() in _text(form_page)
    token = CSRF.search(form_page.get_data(as_text=True))
    assert token
    saved = staff.post(
        f"/documents/nouveau/{kind}", data={**form_of(kind, example), "csrf_token": token.group(1)}
    )
    assert saved.status_code == 302, _text(saved)
    with db.new_session() as session:
        document = session.scalars(select(Document)).one()
        school = school_identity(document.school)
    expected = validate_document(kind, example, today=clock().date()).data
    assert document.kind == kind
    assert document.data == expected  # the form loses nothing of the example

    issued = staff.post(f"/documents/{document.id}/emettre", data={"csrf_token": token.group(1)})
    assert issued.status_code == 302

    # Every party signs from their own mail; the head is invited last, once the others signed.
    plan = spec.plan(expected, school, clock().date())
    for party in plan.parties:
        links = _mailed_links(db, document.id)
        email = party.email if party.role is not Role.HEAD else school["head"]["email"]
        assert email in links, f"{party.role}: no invitation"
        _sign_from_mail(app, links[email], party.full_name, spec.title)

    with db.new_session() as session:
        done = session.get(Document, document.id)
        assert done is not None
        assert done.state == "completed"
        assert [s.role for s in done.signers] == [p.role for p in plan.parties]
        api_token = create_api_token(session, session.get(User, head.id)).secret  # type: ignore[arg-type]
        session.commit()
    headers = {"Authorization": f"Bearer {api_token}"}
    client = app.test_client()
    final = client.get(f"/api/v1/documents/{document.id}/pdf", headers=headers)
    assert final.status_code == 200
    printed = squash(" ".join(page_texts(final.data)))
    assert squash(spec.title) in printed
    assert "Certificat de signature" in printed
    for party in plan.parties:
        assert squash(party.full_name) in printed

    report = client.post(
        "/api/v1/verify", headers=headers, data={"file": (io.BytesIO(final.data), "final.pdf")}
    ).json
    assert (report["seal_valid"], report["intact"], report["known"]) == (True, True, True), report
    assert report["document_id"] == document.id
