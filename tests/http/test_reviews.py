"""A review (bilan) of a completed contract: started from the contract's page, prefilled from it,
signed and sealed like any document; once completed, its decision changes the contract's
follow-up (statuses, early end, outcome); a pupil of 18 on the review signs it alone. Real SQLite
and PostgreSQL, LibreOffice, a frozen clock; every refusal leaves the tables as they were."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from db import database, database_url, postgres_server, postgres_url, snapshot
from factories import (
    FrozenClock,
    complete_document,
    form_of,
    logged_in,
    make_school,
    make_user,
)
from flask import Flask
from flask.testing import FlaskClient
from pdftools import page_texts, squash
from served import app, client, ctx, head, school
from sqlalchemy import select
from werkzeug.test import TestResponse

from service.accounts.api_tokens import create_api_token
from service.accounts.models import User
from service.context import Context
from service.documents.create import create_document
from service.documents.models import Document, Event
from service.mail.models import OutboxMessage
from service.signers.models import Signer
from signing.errors import TransitionRefused
from signing.kinds import Kind
from signing.kinds.bilan.contract import from_contract
from signing.vocabulary import EventType

__all__ = [
    "app",
    "client",
    "ctx",
    "database",
    "database_url",
    "head",
    "postgres_server",
    "postgres_url",
    "school",
]  # fixtures used below

pytestmark = pytest.mark.libreoffice

SIGNED_ON = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
HELD_ON = datetime(2027, 2, 1, 15, 0, tzinfo=UTC)
"""The contract's first planned review (4 January – 25 June 2027)."""
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(SIGNED_ON)


def text(response: TestResponse) -> str:
    return html.unescape(response.get_data(as_text=True))


def _contract(ctx: Context, head: User, make_request, clock: FrozenClock, **changes: Any) -> int:
    document_id = complete_document(ctx, head, make_request("parcours", **changes))
    clock.now = HELD_ON
    return document_id


def _review_body(ctx: Context, contract_id: int, **changes: Any) -> dict[str, Any]:
    with ctx.db.new_session() as session:
        contract = session.get(Document, contract_id)
        assert contract is not None
        data = from_contract(contract.data, contract.id)
    data["review_date"] = "2027-02-01"
    data["decision"] = "continue"
    data["objectives"][0] |= {"assessment": "Assiduité retrouvée.", "status": "reached"}
    data["objectives"][1] |= {"assessment": "Stage à trouver.", "status": "partly_reached"}
    return {"kind": Kind.REVIEW.value, "data": {**data, **changes}}


def test_a_review_is_started_from_the_contracts_page_prefilled_and_linked(
    ctx: Context, head: User, client: FlaskClient, make_request, clock: FrozenClock
) -> None:
    contract = _contract(ctx, head, make_request, clock)
    page = text(client.get(f"/documents/{contract}"))
    assert "Tenir le bilan intermédiaire prévu le 01/02/2027" in page
    address = (
        f"/documents/nouveau/bilan?parcours={contract}&planned_date=2027-02-01"
        "&review_type=intermediate"
    )

    form_page = client.get(address)

    assert form_page.status_code == 200
    assert "Martin-Lefèvre" in text(form_page)
    assert "Retrouver une assiduité régulière" in text(form_page)
    token = CSRF.search(form_page.get_data(as_text=True))
    assert token
    body = _review_body(ctx, contract)
    saved = client.post(
        "/documents/nouveau/bilan",
        data={**form_of(Kind.REVIEW, body["data"]), "csrf_token": token.group(1)},
    )
    assert saved.status_code == 302, text(saved)
    with ctx.db.new_session() as session:
        review = session.scalars(select(Document).where(Document.kind == Kind.REVIEW)).one()
        assert review.pathway_id == contract
        assert review.data["planned_date"] == "2027-02-01"


def test_a_completed_review_is_sealed_and_changes_the_contract(
    ctx: Context, head: User, client: FlaskClient, make_request, clock: FrozenClock
) -> None:
    contract = _contract(ctx, head, make_request, clock)
    body = _review_body(
        ctx,
        contract,
        review_type="final",
        planned_date="2027-06-22",
        decision="end",
        early_end_date="2027-02-12",
        outcome="apprenticeship",
    )

    review = complete_document(ctx, head, body)

    pdf = client.get(f"/documents/{review}/pdf")
    assert pdf.status_code == 200
    printed = squash(" ".join(page_texts(pdf.data)))
    assert "Bilan de parcours individualisé – Bilan final" in printed
    assert "Le parcours prend fin le 12 février 2027." in printed
    assert "Issue du parcours : Apprentissage." in printed
    page = text(client.get(f"/documents/{contract}"))
    assert "Issue du parcours : Apprentissage" in re.sub(r"<[^>]+>", "", page)
    assert "fin le 12/02/2027" in page
    section = page[page.index('id="objectif-1"') : page.index('id="objectif-2"')]
    assert "Atteint" in section
    assert "Bilan final" not in page[page.index('id="prochaines-echeances"') :].split("</ul>")[0]

    # The follow-up API tells the same: the review, its decision, the outcome, the early end.
    follow_up = _api(client.application, ctx, head).get(f"/api/v1/documents/{contract}/follow-up")
    assert follow_up.status_code == 200, follow_up.json
    (held,) = follow_up.json["reviews"]
    assert held["document_id"] == review
    assert (held["type"], held["decision"]) == ("final", "end")
    assert (held["early_end"], held["outcome"]) == ("2027-02-12", "apprenticeship")
    assert held["statuses"]["1"] == "reached"
    with ctx.db.new_session() as session:
        recorded = session.get(Document, review).data["attendees"]
    assert len(recorded) >= 2
    assert held["attendees"] == recorded  # as the review names them


def test_a_pupil_of_18_on_the_review_signs_it_alone(
    app: Flask, ctx: Context, head: User, make_request, clock: FrozenClock
) -> None:
    # Zoé turns 18 on 15 January 2027: a minor when the contract is signed, not at the review.
    contract = _contract(ctx, head, make_request, clock, pupil__birth_date="2009-01-15")
    with ctx.db.new_session() as session:
        signed = session.scalars(select(Signer.role).where(Signer.document_id == contract)).all()
    assert "guardian" in signed

    silent = complete_document(ctx, head, _review_body(ctx, contract))
    agreed = complete_document(ctx, head, _review_body(ctx, contract, inform_guardians=True))

    with ctx.db.new_session() as session:
        roles = session.scalars(select(Signer.role).where(Signer.document_id == silent)).all()
        assert list(roles) == ["pupil", "referent", "head"]
        switches = session.scalars(
            select(Event).where(
                Event.document_id == contract, Event.type == EventType.PUPIL_CAME_OF_AGE
            )
        ).all()
        assert [(e.data["birthday"], e.data["act"]) for e in switches] == [("2027-01-15", silent)]

        def mailed(review: int) -> set[str]:
            return set(
                session.scalars(
                    select(OutboxMessage.to_address).where(OutboxMessage.document_id == review)
                )
            )

        guardians = {"nadia.martin@example.org", "k.lefevre@example.net"}
        assert not mailed(silent) & guardians  # no copy without the pupil's agreement
        assert mailed(agreed) & guardians == guardians  # the final PDF, with it
        copies = session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.document_id == agreed,
                OutboxMessage.to_address == "nadia.martin@example.org",
            )
        ).all()
        assert len(copies) == 1
        assert copies[0].attachment_sha256 is not None
    pupil_page = text(logged_in(app, head).get(f"/documents/{contract}/eleve"))
    assert "Majeur(e) depuis le 15/01/2027 : signe seul(e)" in pupil_page


def test_a_review_of_a_contract_not_completed_is_refused_and_nothing_is_stored(
    ctx: Context, head: User, make_request, clock: FrozenClock
) -> None:
    draft = create_document(ctx, head, make_request("parcours")).id
    clock.now = HELD_ON
    body = _review_body(ctx, draft)
    before = snapshot(ctx.db)

    with pytest.raises(TransitionRefused) as refused:
        create_document(ctx, head, body)

    assert "finalisé" in str(refused.value)
    assert snapshot(ctx.db) == before


def _api(app: Flask, ctx: Context, user: User) -> FlaskClient:
    with ctx.db.new_session() as session:
        secret = create_api_token(session, session.get(User, user.id)).secret  # type: ignore[arg-type]
        session.commit()
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


API_BODY = {
    "date": "2027-02-01",
    "attendees": [{"name": "Claire Dubois", "capacity": "CPE"}],
    "objectives": [
        {"number": 1, "assessment": "Assiduité retrouvée.", "status": "reached"},
        {"number": 2, "assessment": "Stage à trouver.", "status": "ongoing"},
    ],
    "decision": "continue",
    "observations": "Bon investissement.",
}


def test_the_api_creates_a_reviews_draft_from_the_contract(
    app: Flask, ctx: Context, head: User, make_request, clock: FrozenClock
) -> None:
    contract = _contract(ctx, head, make_request, clock)
    api = _api(app, ctx, head)

    created = api.post(f"/api/v1/documents/{contract}/reviews", json=API_BODY)

    assert created.status_code == 201, created.get_json()
    answer = created.get_json()
    assert answer["kind"] == "bilan"
    assert answer["pathway_id"] == contract
    assert answer["data"]["objectives"][0]["label"] == "Retrouver une assiduité régulière"
    assert answer["data"]["pupil"]["last_name"] == "Martin-Lefèvre"
    spec = api.get("/api/v1/openapi.json").get_json()
    assert "post" in spec["paths"]["/documents/{document_id}/reviews"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date": "2027-13-01"}, "date"),
        ({"decision": "partir"}, "decision"),
        ({"decision": "end"}, "early_end_date"),
        ({"final": True}, "outcome"),
        ({"objectives": [{"number": 9, "assessment": "x", "status": "reached"}]}, "objectives[0]"),
        ({"couleur": "bleu"}, "couleur"),
    ],
)
def test_bad_input_gets_its_field_in_french_and_nothing_is_stored(
    app: Flask, ctx: Context, head: User, make_request, clock: FrozenClock, change, field
) -> None:
    contract = _contract(ctx, head, make_request, clock)
    api = _api(app, ctx, head)
    assert api.get(f"/api/v1/documents/{contract}").status_code == 200  # the token is used
    before = snapshot(ctx.db)

    refused = api.post(f"/api/v1/documents/{contract}/reviews", json={**API_BODY, **change})

    assert refused.status_code == 422
    errors = refused.get_json()["errors"]
    assert any(e["field"].startswith(field) for e in errors), errors
    assert snapshot(ctx.db) == before


def test_another_schools_contract_is_not_found_and_a_draft_is_a_conflict(
    app: Flask, ctx: Context, head: User, make_request, clock: FrozenClock
) -> None:
    draft = create_document(ctx, head, make_request("parcours")).id
    other = make_user(ctx.db, make_school(ctx.db, uai="0440001M"), role="head", email="o@x.fr")
    theirs, ours = _api(app, ctx, other), _api(app, ctx, head)
    for api in (theirs, ours):
        assert api.get("/api/v1/documents").status_code == 200  # each token is used
    before = snapshot(ctx.db)

    missing = theirs.post(f"/api/v1/documents/{draft}/reviews", json=API_BODY)
    conflict = ours.post(f"/api/v1/documents/{draft}/reviews", json=API_BODY)

    assert missing.status_code == 404
    assert conflict.status_code == 409
    assert "finalisé" in conflict.get_json()["errors"][0]["message"]
    assert snapshot(ctx.db) == before
