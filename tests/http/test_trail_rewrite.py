"""The audit trail rewritten in the database, as someone with write access would: an event edited
and every later hash recomputed, the document's head updated too. `cosigne audit verify` and the
staff audit page must report it: by the key (a rewrite by plain SHA-256 or under another key), and
by the head sealed in the final PDF (a rewrite even under the real key, by an insider holding it).
On SQLite and PostgreSQL, with a real sealed PDF."""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from db import database, database_url, postgres_server, postgres_url
from factories import FrozenClock, complete_document, logged_in, make_school, make_user, serving_app
from flask import Flask
from flask.cli import ScriptInfo
from flask.testing import FlaskClient
from sqlalchemy import select, update

from service.cli import cli
from service.context import Context
from service.documents.models import Document, Event
from service.documents.trail import chained_fields
from signing.pdf.sealed_trail import read_sealed_trail
from signing.trail import TrailKey, event_hash

__all__ = ["database", "database_url", "postgres_server", "postgres_url"]  # fixtures used below

pytestmark = pytest.mark.libreoffice

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


@pytest.fixture
def app(database, database_url, converter, tmp_path: Path, monkeypatch) -> Iterator[Flask]:
    app = serving_app(
        database_url, tmp_path, monkeypatch, clock=FrozenClock(NOW), converter=converter
    )
    yield app
    app.extensions["cosigne.db"].dispose()


@pytest.fixture
def ctx(app: Flask, converter) -> Context:
    return Context(
        db=app.extensions["cosigne.db"],
        settings=app.config["COSIGNE"],
        converter=lambda: converter,
        clock=FrozenClock(NOW),
    )


@pytest.fixture
def completed(app: Flask, ctx: Context, make_request) -> tuple[int, FlaskClient]:
    """A minor's contract signed by every party and sealed, and its head's browser."""
    head = make_user(ctx.db, make_school(ctx.db), role="head", session_version="v1")
    document_id = complete_document(ctx, head, make_request("parcours"))
    return document_id, logged_in(app, head)


def audit_verify(app: Flask, document_id: int) -> Result:
    return CliRunner().invoke(
        cli, ["audit", "verify", str(document_id)], obj=ScriptInfo(create_app=lambda: app)
    )


def audit_page(client: FlaskClient, document_id: int) -> str:
    response = client.get(f"/documents/{document_id}/piste-audit")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def rewrite(ctx: Context, document_id: int, key: TrailKey | None) -> None:
    """The issued event's age rule says the guardian was not required; every hash after it is
    recomputed (under `key`, or by plain SHA-256 with no key named), and the document's head."""
    with ctx.db.transaction() as session:
        events = list(
            session.scalars(
                select(Event).where(Event.document_id == document_id).order_by(Event.seq)
            )
        )
        issued = next(e for e in events if e.type == "issued")
        rule = dict(issued.data["age_rule"], guardian_required=False)
        issued.data = {**issued.data, "age_rule": rule}
        previous = issued.previous_hash
        for event in events[events.index(issued) :]:
            event.key_id = key.id if key else None
            event.previous_hash = previous
            event.hash = previous = event_hash(previous, chained_fields(event), key)
        session.execute(
            update(Document).where(Document.id == document_id).values(last_event_hash=previous)
        )


def test_an_untouched_sealed_trail_matches_its_final_pdf(
    app: Flask, ctx: Context, completed
) -> None:
    document_id, client = completed
    with ctx.db.new_session() as session:
        document = session.get(Document, document_id)
        events = list(document.events)
        sealed = read_sealed_trail(document.final_pdf)
    assert sealed is not None
    assert sealed.document_id == document_id
    assert sealed.head == events[sealed.events - 1].hash
    assert sealed.key_id == ctx.db.trail_keys.current.id
    assert {e.key_id for e in events} == {ctx.db.trail_keys.current.id}

    result = audit_verify(app, document_id)
    assert result.exit_code == 0, result.output
    assert f"intacte : {len(events)} événements" in result.output
    assert f"Conforme au PDF scellé : ses {sealed.events} premiers événements" in result.output
    page = audit_page(client, document_id)
    assert "la piste d’audit est intacte" in page
    assert "Conforme au PDF scellé" in page


@pytest.mark.parametrize(
    "key", [None, TrailKey(b"une-autre-cle-que-celle-de-cosigne-!!")], ids=["sha256", "other-key"]
)
def test_a_rewrite_without_the_trail_key_is_reported(
    app: Flask, ctx: Context, completed, key
) -> None:
    document_id, client = completed
    rewrite(ctx, document_id, key)

    result = audit_verify(app, document_id)
    assert result.exit_code == 1
    assert "Rompue : événement n° 2" in result.stderr
    assert "la piste ne correspond plus à celle scellée dans le PDF final" in result.stderr
    page = audit_page(client, document_id)
    assert "la piste d’audit a été altérée" in page
    assert "événement n° 2" in page


def test_a_rewrite_under_the_real_key_is_caught_by_the_sealed_head(
    app: Flask, ctx: Context, completed
) -> None:
    """An insider holding COSIGNE_TRAIL_KEY rewrites the chain so every link holds: the head
    the final PDF sealed still names the event as it was."""
    document_id, client = completed
    rewrite(ctx, document_id, ctx.db.trail_keys.current)

    result = audit_verify(app, document_id)
    assert result.exit_code == 1
    assert result.stderr.count("Rompue") == 1
    assert "les événements enregistrés jusque-là ont été réécrits" in result.stderr
    page = audit_page(client, document_id)
    assert "la piste d’audit a été altérée" in page
    assert "la piste ne correspond plus à celle scellée dans le PDF final" in page


def test_a_swapped_final_pdf_pointer_is_reported_by_the_trail_check(
    app: Flask, ctx: Context, completed, make_request
) -> None:
    document_id, client = completed
    head = make_user(ctx.db, make_school(ctx.db, uai="0170022G"), role="head")
    other_id = complete_document(ctx, head, make_request("parcours"))
    with ctx.db.transaction() as session:
        other = session.get(Document, other_id).final_pdf_sha256
        session.execute(
            update(Document).where(Document.id == document_id).values(final_pdf_sha256=other)
        )

    result = audit_verify(app, document_id)
    assert result.exit_code == 1
    assert f"est celui du document n° {other_id}" in result.stderr
    assert f"est celui du document n° {other_id}" in audit_page(client, document_id)
