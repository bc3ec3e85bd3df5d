"""Behind a trusted proxy the signer's address comes from X-Forwarded-For, which the client can
write: it is parsed, normalised, and recorded as unknown when it is not an address, in the
signer's row, the chained trail and the sealed certificate alike."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from db import database, database_url, postgres_server, postgres_url
from factories import FrozenClock, code_through_page, make_school, make_user, serving_app
from flask import Flask
from flask.testing import FlaskClient
from pdftools import page_texts, squash
from sqlalchemy import select

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

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
PROXY = "10.0.0.2"
USER_AGENT = "Mozilla/5.0 (Linux; Android 14) Firefox/132.0"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app(
    database: Database, database_url: str, tmp_path: Path, monkeypatch, converter: ConverterPool
) -> Iterator[Flask]:
    app = serving_app(
        database_url,
        tmp_path,
        monkeypatch,
        clock=FrozenClock(NOW),
        converter=converter,
        COSIGNE_TRUSTED_PROXIES="1",
    )
    yield app
    app.extensions["cosigne.db"].dispose()


@pytest.fixture
def ctx(app: Flask, converter: ConverterPool) -> Context:
    return Context(
        db=app.extensions["cosigne.db"],
        settings=app.config["COSIGNE"],
        converter=lambda: converter,
        clock=FrozenClock(NOW),
    )


def behind_proxy(app: Flask, forwarded_for: str) -> FlaskClient:
    """A browser whose requests reach the app through the trusted proxy."""
    client = app.test_client()
    client.environ_base.update(
        {
            "REMOTE_ADDR": PROXY,
            "HTTP_USER_AGENT": USER_AGENT,
            "HTTP_X_FORWARDED_FOR": forwarded_for,
        }
    )
    return client


def signers_of(db: Database, document_id: int) -> list[Signer]:
    with db.new_session() as session:
        return list(
            session.scalars(
                select(Signer).where(Signer.document_id == document_id).order_by(Signer.position)
            )
        )


def sign_through_link(client: FlaskClient, ctx: Context, signer: Signer) -> None:
    assert signer.link_nonce
    url = f"/sign/{ctx.link_signer().make(signer.id, signer.link_nonce, now=NOW)}"
    page = client.get(url)
    assert page.status_code == 200, page.get_data(as_text=True)
    match = CSRF.search(page.get_data(as_text=True))
    assert match
    form = {"csrf_token": match.group(1), "consent": "oui", "full_name": signer.full_name}
    form |= code_through_page(client, url, page.get_data(as_text=True))
    response = client.post(url, data=form)
    assert response.status_code == 200, html.unescape(response.get_data(as_text=True))


def events_of(db: Database, signer_id: int) -> list[tuple[str, str | None]]:
    with db.new_session() as session:
        return [
            (e.type.value, e.ip)
            for e in session.scalars(
                select(Event).where(Event.signer_id == signer_id).order_by(Event.seq)
            )
            if e.type in ("opened", "signed")
        ]


def test_a_forwarded_address_that_is_not_an_ip_is_recorded_as_unknown(
    app: Flask, ctx: Context, make_request
) -> None:
    head = make_user(ctx.db, make_school(ctx.db), role="head")
    document = issue_document(ctx, head, create_document(ctx, head, make_request("parcours")).id)
    parties = signers_of(ctx.db, document.id)
    guardian = next(s for s in parties if s.role == "guardian")
    others = [s for s in parties if s.state == "invited" and s.id != guardian.id]

    sign_through_link(behind_proxy(app, "not-an-ip"), ctx, guardian)
    # The proxy appends what it saw on the right; an IPv4-mapped IPv6 address is the IPv4 one.
    for other in others:
        sign_through_link(behind_proxy(app, "not-an-ip, ::ffff:198.51.100.4"), ctx, other)

    stored = {s.id: s for s in signers_of(ctx.db, document.id)}
    assert stored[guardian.id].sign_ip is None
    assert events_of(ctx.db, guardian.id) == [("opened", None), ("signed", None)]
    for other in others:
        assert stored[other.id].sign_ip == "198.51.100.4"
        assert events_of(ctx.db, other.id) == [
            ("opened", "198.51.100.4"),
            ("signed", "198.51.100.4"),
        ]

    head_signer = next(s for s in stored.values() if s.role == "head")
    sign_through_link(behind_proxy(app, "garbage\x7f, "), ctx, head_signer)
    assert signers_of(ctx.db, document.id)[-1].sign_ip is None

    with ctx.db.new_session() as session:
        final = session.get(Document, document.id)
        assert final is not None
        assert final.state == "completed"
        pdf = Archive(ctx.settings.archive_dir).get(final.final_pdf_sha256 or "")
    certificate = squash(" ".join(page_texts(pdf)))
    block = certificate.split(guardian.full_name, 1)[1]
    assert re.match(r".*?Adresse IP inconnue ", block)
    assert "not-an-ip" not in certificate
    assert "garbage" not in certificate
    assert "Adresse IP 198.51.100.4" in certificate
