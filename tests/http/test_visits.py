"""The site visit of a completed convention de stage (issue 13 §4): its task planned at
completion from the convention's date, recorded done or moved from the staff page and the API
(each an event of the trail), flagged when its date passed, listed among what falls due. Real
SQLite and PostgreSQL, a convention really signed and sealed (LibreOffice), a frozen clock;
every refusal leaves every table as it was."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from db import database, database_url, postgres_server, postgres_url, snapshot
from factories import (
    FrozenClock,
    complete_document,
    finish_document,
    logged_in,
    make_school,
    make_user,
)
from flask import Flask
from flask.testing import FlaskClient
from served import app, ctx
from sqlalchemy import select
from werkzeug.test import TestResponse

from service.accounts.api_tokens import create_api_token
from service.accounts.models import School, User
from service.context import Context
from service.db import Database
from service.documents.amend import create_amendment
from service.documents.create import create_document
from service.documents.models import Event
from service.follow_up.visit_model import SiteVisit
from service.follow_up.visits_due import visits_due
from signing.vocabulary import EventType

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
AFTER_VISIT = datetime(2027, 2, 5, 10, 0, tzinfo=UTC)
"""Two days after the example convention's planned visit (3 February 2027; internship from 6
January to 26 March 2027)."""
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
DONE = {
    "done_date": "2027-02-04",
    "visited_by": "Paul Garnier",
    "report": "Élève ponctuel, bien intégré à l'équipe ; consignes de sécurité respectées.",
    "tutor_met": "Luc Moreau",
}


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
def convention(ctx: Context, head: User, make_request) -> int:
    """The example convention, signed by all and sealed on 28 November 2026."""
    return complete_document(ctx, head, make_request("convention"))


@pytest.fixture
def client(app: Flask, head: User) -> FlaskClient:
    return logged_in(app, head)


def token_of(db: Database, user: User) -> str:
    with db.transaction() as session:
        return create_api_token(session, session.get(User, user.id)).secret


@pytest.fixture
def api(app: Flask, ctx: Context, head: User) -> FlaskClient:
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token_of(ctx.db, head)}"
    assert client.get("/api/v1/documents").status_code == 200  # records the token's first use
    return client


def text(response: TestResponse) -> str:
    return html.unescape(response.get_data(as_text=True))


def section(page: str) -> str:
    """The « Visite du lieu de stage » section of a document page (names without their
    isolating ``<bdi>``)."""
    assert 'id="visite"' in page
    found = page.split('id="visite"', 1)[1].split("Contenu du document", 1)[0]
    return re.sub(r"</?bdi>", "", found)


def csrf_of(client: FlaskClient, document_id: int) -> str:
    match = CSRF.search(client.get(f"/documents/{document_id}").get_data(as_text=True))
    assert match
    return match.group(1)


def visit(ctx: Context, document_id: int) -> SiteVisit | None:
    with ctx.db.new_session() as session:
        return session.scalars(
            select(SiteVisit).where(SiteVisit.document_id == document_id)
        ).first()


def events(ctx: Context, document_id: int, type_: EventType) -> list[Event]:
    with ctx.db.new_session() as session:
        query = select(Event).where(Event.document_id == document_id, Event.type == type_)
        return list(session.scalars(query.order_by(Event.seq)))


def due(ctx: Context, school: School, today: date, **kwargs: Any) -> list[tuple[int, date, bool]]:
    with ctx.db.new_session() as session:
        items = visits_due(session, school.id, today=today, within_days=7, **kwargs)
        return [(i.document_id or 0, i.day, i.overdue) for i in items if i.what == "visit"]


def test_a_completed_convention_has_its_visit_planned_from_its_date(
    client: FlaskClient, ctx: Context, convention: int, head: User, make_request
) -> None:
    task = visit(ctx, convention)
    assert task is not None
    assert (task.planned_date, task.visitor_name, task.done_date) == (
        date(2027, 2, 3),
        "Paul Garnier",
        None,
    )
    shown = section(text(client.get(f"/documents/{convention}")))
    assert re.search(r'id="etat-visite">Prévue<', shown)
    assert "Prévue le 03/02/2027 (Paul Garnier)" in shown
    assert "Noter la visite faite" in shown
    assert "Déplacer la visite" in shown

    draft = create_document(ctx, head, make_request("convention"))
    contract = complete_document(ctx, head, make_request("parcours"))
    assert visit(ctx, draft.id) is None
    assert visit(ctx, contract) is None
    assert 'id="visite"' not in text(client.get(f"/documents/{contract}"))


def test_a_visit_whose_date_passed_is_flagged_and_due(
    client: FlaskClient, ctx: Context, convention: int, school: School, clock: FrozenClock
) -> None:
    clock.now = datetime(2027, 1, 20, 10, 0, tzinfo=UTC)
    assert due(ctx, school, date(2027, 1, 20)) == []  # 14 days ahead: not within 7
    assert due(ctx, school, date(2027, 1, 30)) == [(convention, date(2027, 2, 3), False)]
    assert "Visite non faite" not in section(text(client.get(f"/documents/{convention}")))

    clock.now = AFTER_VISIT
    shown = section(text(client.get(f"/documents/{convention}")))
    assert re.search(r'cosigne-overdue" id="etat-visite">Visite non faite<', shown)
    assert due(ctx, school, date(2027, 2, 5)) == [(convention, date(2027, 2, 3), True)]


def test_the_visit_recorded_done_from_the_page_closes_its_task(
    client: FlaskClient, ctx: Context, convention: int, school: School, clock: FrozenClock
) -> None:
    clock.now = AFTER_VISIT
    token = csrf_of(client, convention)
    response = client.post(
        f"/documents/{convention}/visite/faite", data={**DONE, "csrf_token": token}
    )
    assert response.status_code == 302

    shown = section(text(client.get(f"/documents/{convention}")))
    assert re.search(r'id="etat-visite">Faite<', shown)
    assert "Faite le 04/02/2027</strong> par Paul Garnier — tuteur rencontré : Luc Moreau" in shown
    assert DONE["report"] in shown
    assert "Visite non faite" not in shown
    assert "Noter la visite faite" not in shown
    assert due(ctx, school, date(2027, 2, 5)) == []
    (event,) = events(ctx, convention, EventType.VISIT_DONE)
    assert (event.actor_name, event.data["done_date"]) == ("Anne Leroy", "2027-02-04")
    assert "Visite du lieu de stage faite" in text(
        client.get(f"/documents/{convention}/piste-audit")
    )


def test_the_visit_recorded_done_through_the_api_closes_its_task(
    api: FlaskClient, ctx: Context, convention: int, school: School, clock: FrozenClock
) -> None:
    clock.now = AFTER_VISIT
    response = api.post(f"/api/v1/documents/{convention}/visits", json=DONE)
    assert response.status_code == 201, response.json
    assert response.json["state"] == "done"
    assert response.json["overdue"] is False
    assert response.json["tutor_met"] == "Luc Moreau"
    assert response.json["planned_date"] == "2027-02-03"
    assert due(ctx, school, date(2027, 2, 5)) == []
    assert len(events(ctx, convention, EventType.VISIT_DONE)) == 1

    again = api.post(f"/api/v1/documents/{convention}/visits", json=DONE)
    assert again.status_code == 422
    assert again.json["errors"][0]["field"] == "done_date"


def test_moving_the_visit_records_its_reason(
    api: FlaskClient, client: FlaskClient, ctx: Context, convention: int, clock: FrozenClock
) -> None:
    clock.now = datetime(2027, 2, 1, 10, 0, tzinfo=UTC)
    reason = "Le tuteur est en déplacement la semaine du 1er février."
    response = api.post(
        f"/api/v1/documents/{convention}/visits",
        json={"planned_date": "2027-02-10", "reason": reason},
    )
    assert response.status_code == 200, response.json
    assert (response.json["planned_date"], response.json["moved_reason"]) == ("2027-02-10", reason)
    (event,) = events(ctx, convention, EventType.VISIT_MOVED)
    assert event.data == {
        "planned_date": "2027-02-10",
        "previous_date": "2027-02-03",
        "reason": reason,
    }

    token = csrf_of(client, convention)
    moved = client.post(
        f"/documents/{convention}/visite/date",
        data={"planned_date": "2027-02-12", "reason": "Grève des transports.", "csrf_token": token},
    )
    assert moved.status_code == 302
    shown = section(text(client.get(f"/documents/{convention}")))
    assert "Prévue le 12/02/2027" in shown
    assert "Déplacée : Grève des transports." in shown
    assert len(events(ctx, convention, EventType.VISIT_MOVED)) == 2


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({**DONE, "done_date": "2027-02-06"}, "done_date", "ne peut être à venir"),
        ({**DONE, "done_date": "2027-01-02"}, "done_date", "précéder le début du stage"),
        ({**DONE, "done_date": "04/02/2027"}, "done_date", "AAAA-MM-JJ"),
        ({**DONE, "report": "  "}, "report", "obligatoire"),
        ({**DONE, "tutor_met": None}, "tutor_met", "obligatoire"),
        ({**DONE, "visited_by": 12}, "visited_by", "obligatoire"),
        ({"planned_date": "2027-04-02", "reason": "Trop tôt."}, "planned_date", "pendant le stage"),
        ({"planned_date": "2027-02-04", "reason": "Hier."}, "planned_date", "passée"),
        ({"planned_date": "2027-02-10"}, "reason", "obligatoire"),
        ({"planned_date": 20270210, "reason": "x"}, "planned_date", "AAAA-MM-JJ"),
        ({"date": "2027-02-04"}, "", "planned_date"),
        (["2027-02-04"], "", "planned_date"),
    ],
)
def test_bad_input_through_the_api_changes_nothing(
    api: FlaskClient,
    ctx: Context,
    convention: int,
    clock: FrozenClock,
    body: Any,
    field: str,
    message: str,
) -> None:
    clock.now = AFTER_VISIT
    assert api.get(f"/api/v1/documents/{convention}").status_code == 200  # the token's last use
    before = snapshot(ctx.db)
    response = api.post(f"/api/v1/documents/{convention}/visits", json=body)
    assert response.status_code == 422
    issues = response.json["errors"]
    assert any(i["field"] == field and message in i["message"] for i in issues), issues
    assert snapshot(ctx.db) == before


def test_bad_input_from_the_page_is_shown_and_changes_nothing(
    client: FlaskClient, ctx: Context, convention: int, clock: FrozenClock
) -> None:
    clock.now = AFTER_VISIT
    token = csrf_of(client, convention)
    before = snapshot(ctx.db)
    response = client.post(
        f"/documents/{convention}/visite/faite",
        data={**DONE, "report": "", "csrf_token": token},
    )
    assert response.status_code == 422
    shown = section(text(response))
    assert "La visite n’a pas été notée" in shown
    assert "Compte rendu : ce champ est obligatoire." in shown
    assert DONE["tutor_met"] in shown  # what was typed is kept
    no_csrf = client.post(f"/documents/{convention}/visite/faite", data=DONE)
    assert no_csrf.status_code in (400, 403)
    assert snapshot(ctx.db) == before


def test_a_document_without_an_internship_or_not_completed_is_refused(
    api: FlaskClient, ctx: Context, head: User, make_request
) -> None:
    contract = complete_document(ctx, head, make_request("parcours"))
    draft = create_document(ctx, head, make_request("convention"))
    assert api.get(f"/api/v1/documents/{contract}").status_code == 200  # the token's last use
    before = snapshot(ctx.db)
    for document_id, words in ((contract, "pas de stage"), (draft.id, "finalisée")):
        response = api.post(f"/api/v1/documents/{document_id}/visits", json=DONE)
        assert response.status_code == 409
        assert words in response.json["errors"][0]["message"]
    assert snapshot(ctx.db) == before


def test_another_schools_convention_is_not_found(
    app: Flask, ctx: Context, convention: int, clock: FrozenClock
) -> None:
    clock.now = AFTER_VISIT
    other = make_user(
        ctx.db, make_school(ctx.db, uai="0170022G"), role="head", session_version="v4"
    )
    api = app.test_client()
    api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token_of(ctx.db, other)}"
    page = logged_in(app, other)
    token = CSRF.search(page.get("/tableau-de-bord").get_data(as_text=True))
    assert token
    assert api.get("/api/v1/documents").status_code == 200  # the token's first use
    before = snapshot(ctx.db)
    assert api.post(f"/api/v1/documents/{convention}/visits", json=DONE).status_code == 404
    data = {**DONE, "csrf_token": token.group(1)}
    assert page.post(f"/documents/{convention}/visite/faite", data=data).status_code == 404
    assert page.get(f"/documents/{convention}").status_code == 404
    assert snapshot(ctx.db) == before


def test_the_visit_falls_due_on_mon_suivi_until_it_is_done(
    client: FlaskClient, convention: int, clock: FrozenClock
) -> None:
    """The head's « Mon suivi » lists the visit a week ahead, then overdue, linked to the
    convention's visit section; recorded done, it leaves the page."""
    link = f'href="/documents/{convention}#visite"'
    clock.now = datetime(2027, 1, 20, 10, 0, tzinfo=UTC)
    assert link not in client.get("/suivi").get_data(as_text=True)  # 14 days ahead
    clock.now = datetime(2027, 1, 30, 10, 0, tzinfo=UTC)
    ahead = client.get("/suivi").get_data(as_text=True)
    assert link in ahead

    clock.now = AFTER_VISIT
    overdue = client.get("/suivi").get_data(as_text=True)
    late = overdue[overdue.index("En retard") :]
    assert link in late
    token = csrf_of(client, convention)
    done = client.post(f"/documents/{convention}/visite/faite", data={**DONE, "csrf_token": token})
    assert done.status_code == 302
    assert link not in client.get("/suivi").get_data(as_text=True)


def contract_visits_part(page: str) -> str:
    """The « Visites de stage » block of a contract's « Suivi du parcours » section."""
    assert 'id="suivi"' in page
    found = page.split('id="visites-stage"', 1)[1].split("</ul>", 1)[0]
    return re.sub(r"</?bdi>", "", found)


def test_the_contracts_page_lists_its_conventions_visits_and_flags_an_overdue_one(
    client: FlaskClient, ctx: Context, head: User, make_request, clock: FrozenClock
) -> None:
    contract = complete_document(ctx, head, make_request("parcours"))
    assert 'id="visites-stage"' not in text(client.get(f"/documents/{contract}"))  # none yet
    convention = complete_document(ctx, head, make_request("convention", parcours_id=contract))
    complete_document(ctx, head, make_request("convention"))  # of no contract: not listed

    clock.now = datetime(2027, 1, 30, 10, 0, tzinfo=UTC)
    listed = contract_visits_part(text(client.get(f"/documents/{contract}")))
    assert listed.count("<li") == 1
    assert f'href="/documents/{convention}#visite">Convention n° {convention}</a>' in listed
    assert "Prévue</span> — prévue le 03/02/2027 (Paul Garnier)" in listed
    assert "cosigne-overdue" not in listed
    page = text(client.get(f"/documents/{contract}"))
    due = page[page.index('id="prochaines-echeances"') :].split("</ul>")[0]
    link = f'<a href="/documents/{convention}#visite">Visite du lieu de stage (convention n° '
    assert f"03/02/2027 : {link}{convention})</a>" in due

    clock.now = AFTER_VISIT
    late = contract_visits_part(text(client.get(f"/documents/{contract}")))
    assert re.search(r'cosigne-overdue">Visite non faite</span>', late)
    assert "(date passée sans compte rendu)" in late

    token = csrf_of(client, convention)
    response = client.post(
        f"/documents/{convention}/visite/faite", data={**DONE, "csrf_token": token}
    )
    assert response.status_code == 302
    done = contract_visits_part(text(client.get(f"/documents/{contract}")))
    assert "Faite</span> le 04/02/2027 (Paul Garnier)" in done
    assert "cosigne-overdue" not in done
    landing = text(client.get(f"/documents/{convention}"))
    assert 'id="visite"' in landing  # where the link lands


def test_an_amended_contract_keeps_the_visits_of_the_conventions_made_before(
    api: FlaskClient, client: FlaskClient, ctx: Context, head: User, make_request
) -> None:
    """The convention stays linked to the contract it was made for; once the amendment replaces
    that contract, the amendment's follow-up and page list the convention's visit."""
    contract = complete_document(ctx, head, make_request("parcours"))
    convention = complete_document(ctx, head, make_request("convention", parcours_id=contract))
    amendment = create_amendment(ctx, head, contract)
    finish_document(ctx, head, amendment.id)

    answer = api.get(f"/api/v1/documents/{amendment.id}/follow-up")
    assert answer.status_code == 200, answer.json
    visits = answer.json["visits"]
    assert [(v["convention_id"], v["state"]) for v in visits] == [(convention, "planned")]
    replaced = api.get(f"/api/v1/documents/{contract}/follow-up")
    assert replaced.status_code == 409
    assert f"avenant n° {amendment.id}" in replaced.json["errors"][0]["message"]
    page = contract_visits_part(text(client.get(f"/documents/{amendment.id}")))
    assert f'href="/documents/{convention}#visite"' in page
