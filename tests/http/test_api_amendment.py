"""Amendments through the JSON API: ``"amends": id`` on the create call, with the rule of the
staff pages (a completed document of one's school, one amendment at a time). Real databases,
the real warm LibreOffice and a real seal; every refusal leaves every table as it was."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from db import database, database_url, postgres_server, postgres_url, snapshot
from factories import FrozenClock, complete_document, make_school, make_user, serving_app
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from service.accounts.api_tokens import create_api_token
from service.accounts.models import User
from service.context import Context
from service.db import Database
from service.documents.create import create_document
from service.documents.models import Document
from signing.pdf.convert import ConverterPool

__all__ = ["database", "database_url", "postgres_server", "postgres_url"]  # fixtures used below

pytestmark = pytest.mark.libreoffice

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


@pytest.fixture
def app(
    database: Database,
    database_url: str,
    converter: ConverterPool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Flask]:
    app = serving_app(database_url, tmp_path, monkeypatch, clock=FrozenClock(NOW))
    app.extensions["cosigne.converter"] = converter
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


@pytest.fixture
def head(ctx: Context) -> User:
    return make_user(ctx.db, make_school(ctx.db), role="head")


def token_of(db: Database, user: User) -> str:
    with db.transaction() as session:
        return create_api_token(session, session.get(User, user.id)).secret


@pytest.fixture
def client(app: Flask, ctx: Context, head: User) -> FlaskClient:
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token_of(ctx.db, head)}"
    assert client.get("/api/v1/documents").status_code == 200  # records the token's first use
    return client


def test_the_api_creates_an_amendment_of_a_completed_document(
    client: FlaskClient, ctx: Context, head: User, make_request
) -> None:
    original_id = complete_document(ctx, head, make_request("parcours", pupil_minor=False))
    body = make_request("parcours", pupil_minor=False, schedule="Cours tous les jours.")

    response = client.post("/api/v1/documents", json={**body, "amends": original_id})

    assert response.status_code == 201, response.json
    created = response.json
    assert created["status"] == "draft"
    assert created["amends_id"] == original_id
    assert created["data"]["amends"] == {"id": original_id, "date": "2026-11-28"}
    assert created["data"]["schedule"] == "Cours tous les jours."

    before = snapshot(ctx.db)
    again = client.post("/api/v1/documents", json={**body, "amends": original_id})
    assert again.status_code == 409
    assert "déjà en cours" in again.json["errors"][0]["message"]
    assert snapshot(ctx.db) == before


def test_the_api_refuses_a_bad_amendment_and_changes_nothing(
    client: FlaskClient, ctx: Context, head: User, make_request
) -> None:
    draft = create_document(ctx, head, make_request("parcours"))
    other = make_user(ctx.db, make_school(ctx.db, uai="0170022G"), role="head")
    theirs = create_document(ctx, other, make_request("parcours"))
    body = make_request("parcours")
    before = snapshot(ctx.db)

    not_completed = client.post("/api/v1/documents", json={**body, "amends": draft.id})
    assert not_completed.status_code == 409
    assert "avenant" in not_completed.json["errors"][0]["message"]
    assert client.post("/api/v1/documents", json={**body, "amends": theirs.id}).status_code == 404
    for wrong in ("12", 0, True, None):
        response = client.post("/api/v1/documents", json={**body, "amends": wrong})
        assert response.status_code == 422
        assert response.json["errors"][0]["field"] == "amends"
    forged = make_request("parcours", amends={"id": draft.id, "date": "2026-11-01"})
    response = client.post("/api/v1/documents", json=forged)
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "amends"
    assert snapshot(ctx.db) == before
    with ctx.db.new_session() as session:
        assert session.scalars(select(Document).where(Document.amends_id.is_not(None))).all() == []


def test_a_damaged_or_foreign_final_pdf_is_never_served(
    client: FlaskClient, ctx: Context, head: User, make_request
) -> None:
    """One byte flipped on disk, or another document's file under this one's pointer: the API
    says so in French (not « réessayez », not a 500) and serves nothing."""
    from service.finalize.final_pdf import archive  # noqa: PLC0415

    first = complete_document(ctx, head, make_request("parcours", pupil_minor=False))
    second = complete_document(ctx, head, make_request("parcours", pupil_minor=False))
    with ctx.db.transaction() as session:
        rows = [session.get(Document, first), session.get(Document, second)]
        first_sha = rows[0].final_pdf_sha256
        rows[1].final_pdf_sha256 = first_sha  # the second points at the first's file
    assert client.get(f"/api/v1/documents/{first}/pdf").status_code == 200

    swapped = client.get(f"/api/v1/documents/{second}/pdf")
    path = archive(ctx.settings).path(first_sha)
    damaged = bytearray(path.read_bytes())
    damaged[len(damaged) // 2] ^= 0x01
    path.chmod(0o644)
    path.write_bytes(bytes(damaged))
    flipped = client.get(f"/api/v1/documents/{first}/pdf")

    for response in (swapped, flipped):
        assert response.status_code == 503
        assert response.mimetype == "application/json"
        (error,) = response.json["errors"]
        assert "endommagé ou n'est plus le sien : il n'est pas servi" in error["message"]
        assert "réessayez" not in error["message"].lower()
