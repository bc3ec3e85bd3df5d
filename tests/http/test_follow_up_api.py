"""The follow-up through the JSON API: a completed contract's follow-up (what its page shows)
and a note on an objective (the page's use case and rules). Real SQLite and PostgreSQL, a
contract really signed and sealed (LibreOffice), a frozen clock inside its period; every refusal
leaves every table as it was."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Any

import pytest
from db import database, database_url, postgres_server, postgres_url, snapshot
from factories import FrozenClock, complete_document, logged_in, make_school, make_user
from flask import Flask
from flask.testing import FlaskClient
from served import app, ctx
from sqlalchemy import select
from werkzeug.test import TestResponse

from service.accounts.api_tokens import create_api_token
from service.accounts.models import School, User
from service.context import Context
from service.documents.create import create_document
from service.documents.models import Event
from service.follow_up.models import ObjectiveNote

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
FOLLOWED_ON = datetime(2027, 2, 1, 10, 0, tzinfo=UTC)
"""A Monday of the example contract's period (4 January – 25 June 2027)."""


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(SIGNED_ON)


@pytest.fixture
def school(ctx: Context) -> School:
    return make_school(ctx.db)


@pytest.fixture
def head(ctx: Context, school: School) -> User:
    return make_user(
        ctx.db, school, role="head", first_name="Anne", last_name="Leroy", session_version="v1"
    )


@pytest.fixture
def contract(ctx: Context, head: User, make_request, clock: FrozenClock) -> int:
    """The example contract, signed by all and sealed on 28 November 2026; the clock then on
    1 February 2027, inside its period."""
    document_id = complete_document(ctx, head, make_request("parcours"))
    clock.now = FOLLOWED_ON
    return document_id


class Api:
    """The test client speaking to ``/api/v1`` with one user's token."""

    def __init__(self, app: Flask, ctx: Context, user: User) -> None:
        with ctx.db.transaction() as session:
            secret = create_api_token(session, session.get(User, user.id)).secret
        self.client = app.test_client()
        self.headers = {"Authorization": f"Bearer {secret}"}
        # Its first use writes its `last_used_at`: done here, before any snapshot is taken.
        assert self.get("/documents").status_code == 200

    def get(self, path: str) -> TestResponse:
        return self.client.get(f"/api/v1{path}", headers=self.headers)

    def post(self, path: str, body: Any) -> TestResponse:
        return self.client.post(f"/api/v1{path}", headers=self.headers, json=body)


@pytest.fixture
def api(app: Flask, ctx: Context, head: User, contract: int) -> Api:
    """The head's token, first used once the clock is inside the contract's period."""
    return Api(app, ctx, head)


def page_of(client: FlaskClient, document_id: int) -> str:
    return html.unescape(client.get(f"/documents/{document_id}").get_data(as_text=True))


def events(ctx: Context, document_id: int) -> list[Event]:
    with ctx.db.new_session() as session:
        query = select(Event).where(Event.document_id == document_id).order_by(Event.seq)
        return list(session.scalars(query))


def note(day: str = "2027-01-29", **values: Any) -> dict[str, Any]:
    return {"status": "partly_reached", "note": "Deux absences en janvier.", "date": day, **values}


def test_the_follow_up_answers_what_the_page_shows(
    app: Flask, api: Api, contract: int, head: User
) -> None:
    assert api.post(f"/documents/{contract}/objectives/1/notes", note()).status_code == 201
    response = api.get(f"/documents/{contract}/follow-up")
    assert response.status_code == 200
    body = response.json
    assert body["state"] == "ongoing"
    assert body["state_label"] == "En cours"
    assert body["period"]["start"] == "2027-01-04"
    assert body["period"]["end"] == "2027-06-25"
    assert body["reviews"] == []
    assert body["visits"] == []
    first, second = body["objectives"]
    assert first["label"] == "Retrouver une assiduité régulière"
    assert (first["status"], first["deadline"], first["overdue"]) == (
        "partly_reached",
        "2027-02-26",
        False,
    )
    (written,) = first["notes"]
    assert written["author"] == {"name": "Anne Leroy", "role": "head"}
    assert (written["date"], written["note"]) == ("2027-01-29", "Deux absences en janvier.")
    assert second["label"] == "Construire un projet d'orientation"
    assert (second["status"], second["notes"]) == ("ongoing", [])
    assert body["due"][0]["label"] == "Bilan intermédiaire"  # planned for today
    assert [d["objective"] for d in body["due"] if d["what"] == "objective"] == [2]  # 1 closed
    assert {
        "date": "2027-05-28",
        "what": "objective",
        "label": "Échéance de l'objectif 2",
        "objective": 2,
        "overdue": False,
        "document_id": None,
    } in body["due"]
    assert body["due"][-1]["what"] == "end"
    page = page_of(logged_in(app, head), contract)
    for item in (first, second):
        assert f"{item['number']}. {item['label']}" in page
    assert "29/01/2027 — Partiellement atteint" in page
    assert "Échéance : 26/02/2027" in page


def test_a_note_changes_the_status_and_is_an_event_of_the_trail(
    api: Api, ctx: Context, contract: int
) -> None:
    before = len(events(ctx, contract))
    response = api.post(
        f"/documents/{contract}/objectives/2/notes",
        {"status": "postponed", "note": "Stage décalé.", "new_deadline": "2027-06-18"},
    )
    assert response.status_code == 201, response.json
    assert response.headers["Location"] == f"/api/v1/documents/{contract}/follow-up"
    answer = response.json
    assert (answer["objective"], answer["status"], answer["status_label"]) == (
        2,
        "postponed",
        "Reporté",
    )
    assert (answer["date"], answer["new_deadline"]) == ("2027-02-01", "2027-06-18")
    (event,) = events(ctx, contract)[before:]
    assert event.type == "objective_status_changed"
    assert event.data["note_id"] == answer["id"]
    assert event.data["previous_status"] == "ongoing"
    second = api.get(f"/documents/{contract}/follow-up").json["objectives"][1]
    assert (second["status"], second["deadline"], second["planned_deadline"]) == (
        "postponed",
        "2027-06-18",
        "2027-05-28",
    )


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (note(status="fini"), "status", "Statut : choisissez"),
        (note(status=None), "status", "Statut : choisissez"),
        (note(note="  "), "note", "Note : écrivez ce qui a été constaté"),
        (note(note=12), "note", "Note"),
        (note(day="2027-02-02"), "date", "n'est pas encore arrivé"),
        (note(day="hier"), "date", "Date"),
        (note(status="postponed"), "new_deadline", "indiquez la date"),
        (note(status="postponed", new_deadline="2027-09-30"), "new_deadline", "avenant"),
        (note(colour="rouge"), "colour", "champ inconnu"),
        (["pas", "un", "objet"], "", "objet JSON"),
    ],
)
def test_bad_input_is_422_with_its_field_and_nothing_changes(
    api: Api, ctx: Context, contract: int, body: Any, field: str, message: str
) -> None:
    before = snapshot(ctx.db)
    response = api.post(f"/documents/{contract}/objectives/1/notes", body)
    assert response.status_code == 422
    errors = response.json["errors"]
    assert any(e["field"] == field and message in e["message"] for e in errors), errors
    assert snapshot(ctx.db) == before


def test_an_unknown_objective_or_another_schools_contract_is_not_found(
    app: Flask, api: Api, ctx: Context, contract: int
) -> None:
    other = Api(app, ctx, make_user(ctx.db, make_school(ctx.db, uai="0170022G"), role="head"))
    before = snapshot(ctx.db)
    assert api.post(f"/documents/{contract}/objectives/3/notes", note()).status_code == 404
    assert other.get(f"/documents/{contract}/follow-up").status_code == 404
    response = other.post(f"/documents/{contract}/objectives/1/notes", note())
    assert response.status_code == 404
    assert response.json == {"errors": [{"field": "", "message": "Document introuvable."}]}
    assert snapshot(ctx.db) == before


def test_a_document_not_followed_is_a_conflict(
    api: Api, ctx: Context, head: User, make_request, contract: int
) -> None:
    draft = create_document(ctx, head, make_request("parcours"))
    convention = create_document(ctx, head, make_request("convention"))
    before = snapshot(ctx.db)
    for document_id in (draft.id, convention.id):
        response = api.get(f"/documents/{document_id}/follow-up")
        assert response.status_code == 409
        assert response.json["errors"][0]["message"]  # in French, from the rule
        posted = api.post(f"/documents/{document_id}/objectives/1/notes", note())
        assert posted.status_code == 409
    assert "finalisé" in api.get(f"/documents/{draft.id}/follow-up").json["errors"][0]["message"]
    assert snapshot(ctx.db) == before


def test_an_admin_token_reads_as_the_admin_on_the_page_and_writes_nothing(
    app: Flask, api: Api, ctx: Context, school: School, contract: int
) -> None:
    api.post(f"/documents/{contract}/objectives/1/notes", note())
    admin = make_user(ctx.db, school, role="admin", session_version="v2")
    as_admin = Api(app, ctx, admin)
    assert (
        as_admin.get(f"/documents/{contract}/follow-up").json
        == api.get(f"/documents/{contract}/follow-up").json
    )
    assert "Suivi du parcours" in page_of(logged_in(app, admin), contract)
    before = snapshot(ctx.db)
    assert as_admin.post(f"/documents/{contract}/objectives/1/notes", note()).status_code == 403
    assert snapshot(ctx.db) == before
    referent = Api(app, ctx, make_user(ctx.db, school, role="referent"))
    assert referent.post(f"/documents/{contract}/objectives/2/notes", note()).status_code == 201
    with ctx.db.new_session() as session:
        roles = session.scalars(select(ObjectiveNote.author_role).order_by(ObjectiveNote.id))
        assert list(roles) == ["head", "referent"]


def test_the_openapi_document_describes_both_routes(api: Api) -> None:
    paths = api.client.get("/api/v1/openapi.json").json["paths"]
    follow_up = paths["/documents/{document_id}/follow-up"]["get"]
    schema = follow_up["responses"]["200"]["content"]["application/json"]["schema"]
    assert {"objectives", "due", "reviews", "visits", "state"} <= set(schema["properties"])
    add = paths["/documents/{document_id}/objectives/{number}/notes"]["post"]
    body = add["requestBody"]["content"]["application/json"]["schema"]
    assert set(body["properties"]) == {"status", "note", "date", "new_deadline"}
    assert {"201", "404", "409", "422"} <= set(add["responses"])


def test_the_follow_up_lists_the_visits_of_the_contracts_conventions(
    api: Api, ctx: Context, head: User, make_request, contract: int, clock: FrozenClock
) -> None:
    """A convention of the contract completed: its visit planned (3 February 2027), moved with
    its reason, overdue once its new date passed, then recorded done; a convention of no contract
    is not listed."""
    clock.now = SIGNED_ON  # a convention's dates are checked against today
    convention = complete_document(ctx, head, make_request("convention", parcours_id=contract))
    complete_document(ctx, head, make_request("convention"))
    clock.now = FOLLOWED_ON
    (planned,) = api.get(f"/documents/{contract}/follow-up").json["visits"]
    assert planned == {
        "convention_id": convention,
        "state": "planned",
        "state_label": "Prévue",
        "overdue": False,
        "planned_date": "2027-02-03",
        "visitor": "Paul Garnier",
        "done_date": None,
        "visited_by": None,
        "tutor_met": None,
        "report": None,
        "moves": [],
    }
    due = api.get(f"/documents/{contract}/follow-up").json["due"]
    visits_due = [d for d in due if d["what"] == "visit"]
    assert visits_due == [
        {
            "date": "2027-02-03",
            "what": "visit",
            "label": "Visite du lieu de stage",
            "objective": None,
            "overdue": False,
            "document_id": convention,
        }
    ]
    reason = "Le tuteur est absent cette semaine."
    move = {"planned_date": "2027-02-10", "reason": reason}
    assert api.post(f"/documents/{convention}/visits", move).status_code == 200

    clock.now = datetime(2027, 2, 12, 10, 0, tzinfo=UTC)
    (late,) = api.get(f"/documents/{contract}/follow-up").json["visits"]
    assert (late["state"], late["overdue"], late["planned_date"]) == ("overdue", True, "2027-02-10")
    due = api.get(f"/documents/{contract}/follow-up").json["due"]
    assert [(d["date"], d["overdue"]) for d in due if d["what"] == "visit"] == [
        ("2027-02-10", True)
    ]
    assert late["moves"] == [
        {
            "date": "2027-02-10",
            "previous_date": "2027-02-03",
            "reason": reason,
            "moved_at": "2027-02-01T10:00:00.000000Z",
        }
    ]
    done = {
        "done_date": "2027-02-11",
        "visited_by": "Paul Garnier",
        "report": "Élève bien intégré.",
        "tutor_met": "Luc Moreau",
    }
    assert api.post(f"/documents/{convention}/visits", done).status_code == 201
    (visit,) = api.get(f"/documents/{contract}/follow-up").json["visits"]
    assert (visit["state"], visit["state_label"], visit["overdue"]) == ("done", "Faite", False)
    assert (visit["done_date"], visit["tutor_met"], visit["report"]) == (
        "2027-02-11",
        "Luc Moreau",
        "Élève bien intégré.",
    )
    assert len(visit["moves"]) == 1
    assert not [
        d for d in api.get(f"/documents/{contract}/follow-up").json["due"] if d["document_id"]
    ]

    paths = api.client.get("/api/v1/openapi.json").json["paths"]
    answer = paths["/documents/{document_id}/follow-up"]["get"]["responses"]["200"]
    item = answer["content"]["application/json"]["schema"]["properties"]["visits"]["items"]
    assert set(item["properties"]) == set(visit)
    assert set(item["properties"]["moves"]["items"]["properties"]) == set(visit["moves"][0])
    assert item["properties"]["state"]["enum"] == ["to_plan", "planned", "overdue", "done"]
