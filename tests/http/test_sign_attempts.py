"""Guessing signing links and API tokens is limited per address, through the database: the 21st
forged link from one address within 10 minutes gets a French 429 page (the 21st unknown token, a
JSON 429), every other address is still served, and the count is the same for every app process
on the database."""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from db import database, database_url, postgres_server, postgres_url
from factories import FrozenClock, make_school, make_user, serving_app
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from service.accounts.api_tokens import create_api_token
from service.attempts.models import Attempt
from service.context import Context
from service.db import Database
from service.documents.create import create_document
from service.documents.issue import issue_document
from service.signers.models import Signer
from signing.pdf.convert import ConverterPool

__all__ = ["database", "database_url", "postgres_server", "postgres_url"]  # fixtures used below

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
GUESSER = "198.51.100.66"
PARENT = "203.0.113.7"
FORGED = "eyJzIjoxLCJuIjoiYWJjIn0.Zz9kQw.forged-signature-"
TOO_MANY_LINKS = (
    "Trop de liens de signature incorrects ont été essayés depuis votre connexion. "
    "Patientez {} minutes, puis ouvrez le lien directement depuis le courriel reçu."
)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


def make_app(database_url: str, tmp_path: Path, monkeypatch, clock: FrozenClock) -> Flask:
    return serving_app(database_url, tmp_path, monkeypatch, clock=clock)


@pytest.fixture
def app(
    database: Database, database_url: str, tmp_path: Path, monkeypatch, clock: FrozenClock
) -> Iterator[Flask]:
    app = make_app(database_url, tmp_path, monkeypatch, clock)
    yield app
    app.extensions["cosigne.db"].dispose()


def from_address(app: Flask, ip: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": ip, "HTTP_USER_AGENT": "Firefox/132.0"})
    return client


def text(response: TestResponse) -> str:
    return html.unescape(response.get_data(as_text=True))


def attempts(db: Database) -> list[tuple[str, str, datetime]]:
    with db.new_session() as session:
        return [
            (a.kind.value, a.address, a.at)
            for a in session.scalars(select(Attempt).order_by(Attempt.id))
        ]


def guess(client: FlaskClient, times: int, *, start: int = 0) -> list[int]:
    """`times` forged links, each different, as a guesser tries them."""
    return [client.get(f"/sign/{FORGED}{n}").status_code for n in range(start, start + times)]


@pytest.fixture
def real_link(app: Flask, converter: ConverterPool, clock: FrozenClock, make_request) -> str:
    """The live link of a guardian invited to sign an issued pathway contract."""
    ctx = Context(
        db=app.extensions["cosigne.db"],
        settings=app.config["COSIGNE"],
        converter=lambda: converter,
        clock=clock,
    )
    head = make_user(ctx.db, make_school(ctx.db), role="head")
    document = issue_document(ctx, head, create_document(ctx, head, make_request("parcours")).id)
    with ctx.db.new_session() as session:
        guardian = session.scalars(
            select(Signer).where(Signer.document_id == document.id, Signer.role == "guardian")
        ).first()
    assert guardian is not None
    assert guardian.link_nonce
    return f"/sign/{ctx.link_signer().make(guardian.id, guardian.link_nonce, now=NOW)}"


# ---------------------------------------------------------------------------------------------
# Signing links


@pytest.mark.libreoffice
def test_the_21st_forged_link_waits_and_every_other_address_is_served(
    app: Flask, database: Database, clock: FrozenClock, real_link: str
) -> None:
    guesser = from_address(app, GUESSER)

    assert guess(guesser, 20) == [404] * 20
    assert attempts(database) == [("link", GUESSER, NOW)] * 20
    clock.advance(minutes=4)
    refused = guesser.get(f"/sign/{FORGED}20")

    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "360"  # the first failure leaves the window then
    page = text(refused)
    assert "<h1>Trop de tentatives</h1>" in page
    assert TOO_MANY_LINKS.format(6) in page
    assert "Traceback" not in page
    assert len(attempts(database)) == 20  # a refused guess is not looked at, nor counted
    # A link we signed is still served from that address (a school behind one address is never
    # locked out by someone else's guesses: a signed link cannot be guessed)...
    assert guesser.get(real_link).status_code == 200
    assert guesser.get(f"{real_link}/document.pdf").status_code == 200
    # ...and every other address is served: the parent's link opens, a mistyped link is a 404.
    parent = from_address(app, PARENT)
    assert parent.get(real_link).status_code == 200
    assert parent.get(f"/sign/{FORGED}x").status_code == 404

    clock.advance(minutes=6)  # ten minutes after the guesses

    opened = guesser.get(real_link)
    assert opened.status_code == 200, text(opened)
    assert "Signer le document" in text(opened)
    # Counting a new failure prunes the ones that left the window.
    assert guess(guesser, 1, start=100) == [404]
    assert attempts(database) == [
        ("link", PARENT, NOW + timedelta(minutes=4)),
        ("link", GUESSER, NOW + timedelta(minutes=10)),
    ]


def test_the_count_is_shared_by_every_app_process_on_the_database(
    app: Flask, database: Database, database_url: str, tmp_path: Path, monkeypatch, clock
) -> None:
    second = make_app(database_url, tmp_path, monkeypatch, clock)
    try:
        assert guess(from_address(app, GUESSER), 12) == [404] * 12
        assert guess(from_address(second, GUESSER), 8, start=12) == [404] * 8

        for process in (app, second):
            response = from_address(process, GUESSER).get(f"/sign/{FORGED}99")
            assert response.status_code == 429
            assert TOO_MANY_LINKS.format(10) in text(response)
    finally:
        second.extensions["cosigne.db"].dispose()


def test_an_ipv6_guesser_is_counted_by_its_network(app: Flask, database: Database) -> None:
    for host in range(20):
        assert guess(from_address(app, f"2001:db8:1:2::{host:x}"), 1, start=host) == [404]

    assert from_address(app, "2001:db8:1:2:ffff::1").get(f"/sign/{FORGED}").status_code == 429
    assert from_address(app, "2001:db8:1:3::1").get(f"/sign/{FORGED}").status_code == 404
    assert {address for _, address, _ in attempts(database)} == {
        "2001:db8:1:2::/64",
        "2001:db8:1:3::/64",
    }


# ---------------------------------------------------------------------------------------------
# API tokens


def test_the_21st_unknown_api_token_gets_a_json_429(
    app: Flask, database: Database, clock: FrozenClock
) -> None:
    head = make_user(database, make_school(database), role="head")
    with database.transaction() as session:
        secret = create_api_token(session, head).secret
    guesser = from_address(app, GUESSER)

    for n in range(20):
        response = guesser.get("/api/v1/documents", headers={"Authorization": f"Bearer guess{n}"})
        assert response.status_code == 401
    assert attempts(database) == [("bearer", GUESSER, NOW)] * 20
    clock.advance(seconds=30)

    refused = guesser.get("/api/v1/documents", headers={"Authorization": "Bearer guess20"})
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "570"
    assert refused.headers["Cache-Control"] == "no-store"
    assert refused.json == {
        "errors": [
            {
                "field": "",
                "message": "Trop de jetons d'API invalides ont été essayés depuis cette adresse : "
                "réessayez dans 10 minutes (en-tête Retry-After, en secondes).",
            }
        ]
    }
    real = {"Authorization": f"Bearer {secret}"}
    assert guesser.get("/api/v1/documents", headers=real).status_code == 429
    assert from_address(app, PARENT).get("/api/v1/documents", headers=real).status_code == 200
    # Without a token nothing is guessed: the usual 401, never counted.
    assert guesser.get("/api/v1/documents").status_code == 401
    assert len(attempts(database)) == 20

    clock.advance(minutes=10)
    assert guesser.get("/api/v1/documents", headers=real).status_code == 200
