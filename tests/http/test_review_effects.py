"""What a completed review (bilan) does to its contract, as the staff meet it: its status
changes, early end and outcome written once on the contract's trail (still chained); « ajuster »
calling for the contract's amendment from both pages; the pupil's page telling where each
pathway stands; and a review not issued before the day it is held. Real SQLite and PostgreSQL,
LibreOffice, a frozen clock; every refusal leaves the tables as they were."""

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
    logged_in,
    make_user,
    sign_and_finalize,
)
from flask import Flask
from flask.testing import FlaskClient
from served import app, client, ctx, head, school
from sqlalchemy import select
from werkzeug.test import TestResponse

from service.accounts.api_tokens import create_api_token
from service.accounts.models import School, User
from service.context import Context
from service.documents.create import create_document
from service.documents.issue import issue_document
from service.documents.models import Document, Event
from service.documents.verify_trail import verify_trail
from service.finalize.finalize import finalize
from service.follow_up.add_objective_note import add_objective_note
from service.follow_up.review_effects import record_review_effects
from signing.kinds import Kind
from signing.kinds.bilan.contract import from_contract
from signing.vocabulary import DocumentState, EventType

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
REFUSED = "La date du bilan ne peut pas être postérieure à aujourd'hui"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(SIGNED_ON)


@pytest.fixture
def contract(ctx: Context, head: User, make_request, clock: FrozenClock) -> int:
    """Zoé's contract, completed on 28 November 2026; the clock then on its first review."""
    document_id = complete_document(ctx, head, make_request("parcours"))
    clock.now = HELD_ON
    return document_id


def text(response: TestResponse) -> str:
    return html.unescape(response.get_data(as_text=True))


def plain(response: TestResponse) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text(response)))


def review_body(ctx: Context, contract_id: int, **changes: Any) -> dict[str, Any]:
    with ctx.db.new_session() as session:
        found = session.get(Document, contract_id)
        assert found is not None
        data = from_contract(found.data, found.id)
    data["review_date"] = "2027-02-01"
    data["decision"] = "continue"
    data["objectives"][0] |= {"assessment": "Assiduité retrouvée.", "status": "reached"}
    data["objectives"][1] |= {"assessment": "Stage à trouver.", "status": "partly_reached"}
    return {"kind": Kind.REVIEW.value, "data": {**data, **changes}}


def events_of(ctx: Context, document_id: int) -> list[Event]:
    with ctx.db.new_session() as session:
        return list(
            session.scalars(
                select(Event).where(Event.document_id == document_id).order_by(Event.seq)
            )
        )


def test_a_completed_review_is_written_once_on_the_contracts_trail(
    ctx: Context, head: User, client: FlaskClient, contract: int
) -> None:
    # Objective 1 was already noted reached by hand: the review changes only objective 2.
    add_objective_note(ctx, head, contract, 1, status="reached", note="Assidue.", day="2027-01-29")
    before = len(events_of(ctx, contract))
    final = {"review_type": "final", "planned_date": "2027-06-22", "decision": "end"}
    body = review_body(
        ctx, contract, **final, early_end_date="2027-02-12", outcome="apprenticeship"
    )

    review = complete_document(ctx, head, body)

    written = [(e.type, e.data) for e in events_of(ctx, contract)[before:]]
    assert written == [
        (
            EventType.OBJECTIVE_STATUS_CHANGED,
            {"objective": 2, "previous_status": "ongoing", "status": "partly_reached",
             "review": review},
        ),
        (EventType.PATHWAY_ENDED_EARLY, {"early_end": "2027-02-12", "review": review}),
        (EventType.PATHWAY_OUTCOME, {"outcome": "apprenticeship", "review": review}),
    ]  # fmt: skip
    # Finalizing again, or writing the effects again, writes nothing twice.
    assert not finalize(ctx, review)
    with ctx.db.transaction() as session:
        document = session.get(Document, review)
        assert document is not None
        assert record_review_effects(session, document, at=HELD_ON) == 0
    assert len(events_of(ctx, contract)) == before + 3
    checked = verify_trail(ctx, contract)
    assert checked.breaks == []
    assert checked.sealed is not None
    assert checked.sealed.startswith("Conforme au PDF scellé")
    audit = text(client.get(f"/documents/{contract}/piste-audit"))
    assert "Fin anticipée du parcours décidée par un bilan" in audit
    assert "Issue du parcours donnée par le bilan final" in audit
    assert "Statut d'un objectif modifié" in audit
    effects = re.findall(r'cosigne-review-effect">([^<]+)<', audit)
    assert [re.sub(r"\s+", " ", e) for e in effects] == [
        f"Bilan n° {review} — objectif 2 : En cours → Partiellement atteint",
        f"Bilan n° {review} — fin du parcours le 12/02/2027",
        f"Bilan n° {review} — issue : Apprentissage",
    ]


def test_a_review_that_decides_to_adjust_calls_for_the_contracts_amendment(
    ctx: Context, head: User, school: School, client: FlaskClient, contract: int
) -> None:
    review = complete_document(ctx, head, review_body(ctx, contract, decision="adjust"))

    page = text(client.get(f"/documents/{contract}"))
    call = page[page.index('id="bilan-ajuster"') : page.index('id="tenir-bilan"')]
    assert "Le bilan du 01/02/2027 a décidé d’ajuster le contrat" in call
    assert f'action="/documents/{contract}/avenant"' in call
    assert 'name="csrf_token"' in call
    assert "Établir un avenant" in call
    own = text(client.get(f"/documents/{review}"))
    call = own[own.index('id="bilan-ajuster"') :].split("</div>")[0]
    assert "Le bilan du 01/02/2027 a décidé d’ajuster le contrat" in call
    assert f'action="/documents/{contract}/avenant"' in call
    assert "Établir un avenant au contrat" in call
    api = _api(client.application, ctx, head)
    awaited = api.get(f"/api/v1/documents/{contract}/follow-up").json["amendment_awaited"]
    assert awaited == {"review": review, "date": "2027-02-01"}
    token = CSRF.search(own)
    assert token
    admin = make_user(ctx.db, school, role="admin", email="a@example.edu", session_version="v2")
    for address in (f"/documents/{contract}", f"/documents/{review}"):
        read = text(logged_in(client.application, admin).get(address))
        assert "a décidé d’ajuster le contrat" in read
        assert f'action="/documents/{contract}/avenant"' not in read  # who reads, amends not

    amended = client.post(f"/documents/{contract}/avenant", data={"csrf_token": token.group(1)})

    assert amended.status_code == 302
    assert amended.headers["Location"].endswith("/modifier")
    with ctx.db.new_session() as session:
        amendment = session.scalars(select(Document).where(Document.amends_id == contract)).one()
        amendment_id = amendment.id
    page = text(client.get(f"/documents/{contract}"))
    call = page[page.index('id="bilan-ajuster"') : page.index('id="tenir-bilan"')]
    assert "<form" not in call  # the amendment under way answers the call
    assert f"avenant n° {amendment_id}" in call
    issue_document(ctx, head, amendment_id)
    for address in (f"/documents/{contract}", f"/documents/{review}"):
        assert 'id="bilan-ajuster"' not in text(client.get(address))  # issued: answered
    assert api.get(f"/api/v1/documents/{contract}/follow-up").json["amendment_awaited"] is None

    sign_and_finalize(ctx, head, amendment_id)  # the amendment replaces the contract
    page = text(client.get(f"/documents/{amendment_id}"))
    assert f'href="/documents/{review}"' in page[page.index('id="bilans-tenus"') :][:600]
    assert 'id="bilan-ajuster"' not in page  # its own issue answered its version's review


def test_a_review_that_continues_calls_for_nothing(
    ctx: Context, head: User, client: FlaskClient, contract: int
) -> None:
    review = complete_document(ctx, head, review_body(ctx, contract))

    for address in (f"/documents/{contract}", f"/documents/{review}"):
        assert 'id="bilan-ajuster"' not in text(client.get(address))


def test_the_pupils_page_tells_each_pathways_state_early_end_and_outcome(
    ctx: Context, head: User, client: FlaskClient, contract: int, clock: FrozenClock
) -> None:
    before = plain(client.get(f"/documents/{contract}/eleve"))
    assert "En cours du 04/01/2027 au 25/06/2027" in before
    assert "Issue du parcours" not in before
    final = {"review_type": "final", "planned_date": "2027-06-22", "decision": "end"}
    body = review_body(ctx, contract, **final, early_end_date="2027-02-12", outcome="employment")
    review = complete_document(ctx, head, body)

    page = plain(client.get(f"/documents/{review}/eleve"))  # from any document of the pupil

    assert "En cours du 04/01/2027 au 12/02/2027" in page
    assert (
        f"Fin anticipée le 12/02/2027, décidée par le bilan n° {review} du 01/02/2027 "
        "(fin prévue au contrat le 25/06/2027)"
    ) in page
    assert "Issue du parcours : Insertion professionnelle" in page
    clock.now = datetime(2027, 2, 15, 9, 0, tzinfo=UTC)
    assert "Terminé du 04/01/2027 au 12/02/2027" in plain(
        client.get(f"/documents/{contract}/eleve")
    )


def _api(app: Flask, ctx: Context, user: User) -> FlaskClient:
    with ctx.db.new_session() as session:
        secret = create_api_token(session, session.get(User, user.id)).secret  # type: ignore[arg-type]
        session.commit()
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def test_a_review_is_not_issued_before_it_is_held_but_may_be_prepared(
    app: Flask, ctx: Context, head: User, client: FlaskClient, contract: int, clock: FrozenClock
) -> None:
    body = review_body(ctx, contract, review_date="2027-02-10", planned_date=None)
    draft = create_document(ctx, head, body).id  # prepared in advance: a draft
    page = text(client.get(f"/documents/{draft}"))
    assert f'action="/documents/{draft}/emettre"' in page  # it may be issued, once held
    api = _api(app, ctx, head)
    assert api.get(f"/api/v1/documents/{draft}").status_code == 200  # the token is used
    token = CSRF.search(page)
    assert token
    before = snapshot(ctx.db)

    refused = api.post(f"/api/v1/documents/{draft}/issue")
    through_page = client.post(f"/documents/{draft}/emettre", data={"csrf_token": token.group(1)})

    assert refused.status_code == 422
    (error,) = refused.get_json()["errors"]
    assert error["field"] == "review_date"
    assert REFUSED in error["message"]
    assert through_page.status_code == 302
    assert REFUSED in text(client.get(f"/documents/{draft}"))
    assert snapshot(ctx.db) == before
    clock.now = datetime(2027, 2, 10, 8, 0, tzinfo=UTC)  # the day it is held
    issued = api.post(f"/api/v1/documents/{draft}/issue")
    assert issued.status_code == 200, issued.get_json()
    assert issued.get_json()["status"] == DocumentState.AWAITING_SIGNATURES
