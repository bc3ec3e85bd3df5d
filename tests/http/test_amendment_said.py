"""An amendment says it is one (issue 14 §5): its invitation's subject and body, and its
signer's page, name it « Avenant n° 1 au contrat de parcours n° N du … » and list the fields it
changes, old and new values; an original document says nothing of the kind. Real databases,
LibreOffice and the outbox's real messages."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest
from db import database, database_url, postgres_server, postgres_url
from factories import FrozenClock, complete_document, make_school, make_user
from flask import Flask
from served import app, ctx
from sqlalchemy import select

from service.accounts.models import User
from service.context import Context
from service.documents.amend import create_amendment
from service.documents.issue import issue_document
from service.mail.models import OutboxMessage
from service.signers.models import Signer

__all__ = [
    "app",
    "ctx",
    "database",
    "database_url",
    "postgres_server",
    "postgres_url",
]  # fixtures used below

pytestmark = pytest.mark.libreoffice

SIGNED_ON = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(SIGNED_ON)


@pytest.fixture
def head(ctx: Context) -> User:
    return make_user(ctx.db, make_school(ctx.db), role="head")


def _invitations(ctx: Context, document_id: int) -> list[OutboxMessage]:
    with ctx.db.new_session() as session:
        query = select(OutboxMessage).where(
            OutboxMessage.document_id == document_id, OutboxMessage.purpose == "invitation"
        )
        return list(session.scalars(query.order_by(OutboxMessage.id)))


def _page(app: Flask, ctx: Context, document_id: int) -> str:
    with ctx.db.new_session() as session:
        signer = session.scalars(
            select(Signer).where(Signer.document_id == document_id, Signer.link_nonce.is_not(None))
        ).first()
        assert signer is not None
        token = ctx.link_signer().make(signer.id, signer.link_nonce, now=ctx.now())
    response = app.test_client().get(f"/sign/{token}")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_an_amendment_is_named_and_its_changes_listed_in_its_mail_and_page(
    app: Flask, ctx: Context, head: User, make_request
) -> None:
    original = complete_document(ctx, head, make_request("parcours"))
    body = make_request("parcours", schedule="Cours tous les jours, stage le jeudi.")
    amendment = create_amendment(ctx, head, original, body)
    issue_document(ctx, head, amendment.id)

    heading = f"Avenant n°\u00a01 au contrat de parcours n°\u00a0{original} du 28 novembre 2026"
    (mail, *_) = _invitations(ctx, amendment.id)
    assert mail.subject.startswith(heading.replace("\u00a0", " ") + " de ")  # a plain subject
    assert "C'est un avenant : il modifie le document déjà signé" in mail.text_body
    text = re.sub("[\u2068\u2069]", "", mail.text_body)  # the names' direction isolates
    now = "Cours tous les jours, stage le jeudi."
    change = re.search(rf"^- (.+) : avant « (.+) », maintenant « {re.escape(now)} »$", text, re.M)
    assert change, text
    assert "Ce qui change" in (mail.html_body or "")

    page = _page(app, ctx, amendment.id)
    assert f"<title>{heading} à signer — Cosigne</title>" in page
    assert f"<h1>{heading}</h1>" in page
    listed = page[page.index('id="changements"') :].split("</section>")[0]
    assert f"<strong>{change.group(1)}</strong>" in listed
    assert listed.count("<li>") == 1  # the one field changed, and nothing else
    assert "Ce n’est pas un doublon" in page


def test_an_original_document_says_nothing_of_an_amendment(
    app: Flask, ctx: Context, head: User, make_request
) -> None:
    from service.documents.create import create_document  # noqa: PLC0415

    document = create_document(ctx, head, make_request("parcours"))
    issue_document(ctx, head, document.id)
    (mail, *_) = _invitations(ctx, document.id)
    assert "avenant" not in mail.subject.lower()
    assert "C'est un avenant" not in mail.text_body
    page = _page(app, ctx, document.id)
    assert 'id="changements"' not in page
    assert "Avenant n°" not in page
