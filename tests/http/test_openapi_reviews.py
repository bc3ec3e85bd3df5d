"""The OpenAPI document says what the reviews' API answers (issue 13 §8): a contract's completed
reviews in its follow-up (``GET /documents/{id}/follow-up``, every field of each, the nullable
ones both null and set) and the review's draft of ``POST /documents/{id}/reviews`` (a document of
kind ``bilan`` with its data), compared field by field with answers of the served app (a contract
and two reviews really signed and sealed, LibreOffice). On SQLite only: the description does not
depend on the database."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from db import database, sqlite_url
from described import mismatches
from factories import FrozenClock, complete_document, make_school, make_user
from flask import Flask
from flask.testing import FlaskClient
from served import app, ctx

from service.accounts.api_tokens import create_api_token
from service.accounts.models import User
from service.context import Context
from service.documents.models import Document
from signing.kinds import Kind
from signing.kinds.bilan.contract import from_contract

__all__ = ["app", "ctx", "database"]  # fixtures used below

pytestmark = pytest.mark.libreoffice

SIGNED_ON = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
HELD_ON = datetime(2027, 2, 1, 15, 0, tzinfo=UTC)
"""The example contract's first planned review (4 January – 25 June 2027)."""
NEW_REVIEW = {
    "date": "2027-02-01",
    "attendees": [{"name": "Claire Dubois", "capacity": "CPE"}],
    "objectives": [
        {"number": 1, "assessment": "Assiduité retrouvée.", "status": "reached"},
        {"number": 2, "assessment": "Stage à trouver.", "status": "ongoing"},
    ],
    "decision": "continue",
    "observations": "Bon investissement.",
}


@pytest.fixture
def database_url(tmp_path: Any) -> str:
    return sqlite_url(tmp_path)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(SIGNED_ON)


@pytest.fixture
def head(ctx: Context) -> User:
    return make_user(ctx.db, make_school(ctx.db), role="head", session_version="v1")


@pytest.fixture
def api(app: Flask, ctx: Context, head: User) -> FlaskClient:
    with ctx.db.transaction() as session:
        secret = create_api_token(session, session.get(User, head.id)).secret  # type: ignore[arg-type]
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


@pytest.fixture
def contract(ctx: Context, head: User, make_request, clock: FrozenClock) -> int:
    document_id = complete_document(ctx, head, make_request("parcours"))
    clock.now = HELD_ON
    return document_id


def review(ctx: Context, contract_id: int, **changes: Any) -> dict[str, Any]:
    """A review's body, started from the contract as its page starts one."""
    with ctx.db.new_session() as session:
        contract = session.get(Document, contract_id)
        assert contract is not None
        data = from_contract(contract.data, contract.id)
    data["review_date"] = "2027-02-01"
    data["decision"] = "continue"
    data["objectives"][0] |= {"assessment": "Assiduité retrouvée.", "status": "reached"}
    data["objectives"][1] |= {"assessment": "Stage à trouver.", "status": "partly_reached"}
    return {"kind": Kind.REVIEW.value, "data": {**data, **changes}}


def described(spec: dict[str, Any], path: str, method: str, status: str) -> dict[str, Any]:
    answer = spec["paths"][path][method]["responses"][status]
    schema: dict[str, Any] = answer["content"]["application/json"]["schema"]
    return schema


def test_the_follow_ups_reviews_are_described_field_by_field(
    api: FlaskClient, ctx: Context, head: User, contract: int
) -> None:
    # An added review (no planned date, nothing ended), then the final one that ends early.
    added = complete_document(ctx, head, review(ctx, contract, planned_date=None))
    final = complete_document(
        ctx,
        head,
        review(
            ctx,
            contract,
            review_type="final",
            planned_date="2027-06-22",
            decision="end",
            early_end_date="2027-02-12",
            outcome="apprenticeship",
        ),
    )
    spec = api.get("/api/v1/openapi.json").get_json()
    schema = described(spec, "/documents/{document_id}/follow-up", "get", "200")
    follow_up = api.get(f"/api/v1/documents/{contract}/follow-up").get_json()

    held = follow_up["reviews"]
    assert [r["document_id"] for r in held] == [added, final]
    assert (held[0]["planned_date"], held[0]["early_end"], held[0]["outcome"]) == (None,) * 3
    assert (held[1]["early_end"], held[1]["outcome"]) == ("2027-02-12", "apprenticeship")
    item = schema["properties"]["reviews"]["items"]
    for one in held:
        assert set(one) == set(item["properties"]) == set(item["required"])
        assert all(item["properties"][name].get("description") for name in one), one
    assert mismatches(follow_up, schema, spec) == []


def test_the_reviews_draft_is_described_with_its_data(
    api: FlaskClient, ctx: Context, contract: int
) -> None:
    spec = api.get("/api/v1/openapi.json").get_json()
    created = api.post(f"/api/v1/documents/{contract}/reviews", json=NEW_REVIEW)
    assert created.status_code == 201, created.get_json()

    schema = described(spec, "/documents/{document_id}/reviews", "post", "201")
    assert mismatches(created.get_json(), schema, spec) == []
    wrong = {**created.get_json(), "kind": "parcours"}
    assert mismatches(wrong, schema, spec)  # the description would see a mistake
    body = spec["paths"]["/documents/{document_id}/reviews"]["post"]["requestBody"]
    request = body["content"]["application/json"]["schema"]
    assert set(NEW_REVIEW) <= set(request["properties"])
    assert mismatches(NEW_REVIEW, request, spec) == []
