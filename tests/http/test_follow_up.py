"""Following a completed contract from its staff page: its state over its period, the notes on
its objectives (each an event of its trail), the amendment offered for a deadline beyond its end,
the pupil's page. Real SQLite and PostgreSQL, a contract really signed and sealed (LibreOffice),
a frozen clock moved across the contract's period; every refusal leaves every table as it was."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime

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

from service.accounts.models import School, User
from service.context import Context
from service.documents import trail
from service.documents.amend import create_amendment
from service.documents.create import create_document
from service.documents.models import Document, Event
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
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(SIGNED_ON)


@pytest.fixture
def school(ctx: Context) -> School:
    return make_school(ctx.db)


@pytest.fixture
def head(ctx: Context, school: School) -> User:
    return make_user(
        ctx.db,
        school,
        role="head",
        first_name="Anne",
        last_name="Leroy",
        session_version="v1",
    )


@pytest.fixture
def contract(ctx: Context, head: User, make_request, clock: FrozenClock) -> int:
    """The example contract, signed by all and sealed on 28 November 2026; the clock then on
    1 February 2027, inside its period."""
    document_id = complete_document(ctx, head, make_request("parcours"))
    clock.now = FOLLOWED_ON
    return document_id


@pytest.fixture
def client(app: Flask, head: User) -> FlaskClient:
    return logged_in(app, head)


def text(response: TestResponse) -> str:
    return html.unescape(response.get_data(as_text=True))


def csrf_of(client: FlaskClient, document_id: int) -> str:
    match = CSRF.search(client.get(f"/documents/{document_id}").get_data(as_text=True))
    assert match
    return match.group(1)


def notes(ctx: Context, document_id: int) -> list[ObjectiveNote]:
    with ctx.db.new_session() as session:
        query = select(ObjectiveNote).where(ObjectiveNote.document_id == document_id)
        return list(session.scalars(query.order_by(ObjectiveNote.id)))


def events(ctx: Context, document_id: int) -> list[Event]:
    with ctx.db.new_session() as session:
        query = select(Event).where(Event.document_id == document_id).order_by(Event.seq)
        return list(session.scalars(query))


def section(page: str) -> str:
    """The « Suivi du parcours » section of a document page."""
    assert 'id="suivi"' in page
    return page.split('id="suivi"', 1)[1].split("Contenu du document", 1)[0]


def test_the_contract_is_followed_from_its_start_to_its_end(
    client: FlaskClient, contract: int, clock: FrozenClock
) -> None:
    clock.now = SIGNED_ON
    assert "À venir" in section(text(client.get(f"/documents/{contract}")))
    clock.now = FOLLOWED_ON
    followed = section(text(client.get(f"/documents/{contract}")))
    assert re.search(r'id="etat-parcours">En cours<', followed)
    assert "Du 04/01/2027 au 25/06/2027" in followed
    assert "1. Retrouver une assiduité régulière" in followed
    assert "Échéance : 26/02/2027" in followed
    assert "2. Construire un projet d'orientation" in followed
    assert "26/02/2027 : Échéance de l'objectif 1" in followed  # the next date due
    clock.now = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
    overdue = section(text(client.get(f"/documents/{contract}")))
    assert overdue.count("Échéance dépassée") == 1  # objective 1, still « en cours »
    clock.now = datetime(2027, 6, 26, 10, 0, tzinfo=UTC)
    assert 'id="etat-parcours">Terminé<' in section(text(client.get(f"/documents/{contract}")))


def test_a_draft_or_a_convention_has_no_follow_up(
    client: FlaskClient, ctx: Context, head: User, make_request, contract: int
) -> None:
    draft = create_document(ctx, head, make_request("parcours"))
    convention = create_document(ctx, head, make_request("convention"))
    for document_id in (draft.id, convention.id):
        assert "Suivi du parcours" not in text(client.get(f"/documents/{document_id}"))
    token = csrf_of(client, contract)
    before = snapshot(ctx.db)
    response = client.post(
        f"/documents/{draft.id}/suivi/notes",
        data={"csrf_token": token, "objective": "1", "status": "reached", "note": "Vu."},
    )
    assert response.status_code == 302
    assert "Le suivi commence quand le contrat est signé par tous et finalisé" in text(
        client.get(response.headers["Location"])
    )
    assert snapshot(ctx.db) == before


def test_a_note_is_kept_with_its_author_and_each_one_is_an_event_of_the_trail(
    client: FlaskClient, ctx: Context, contract: int, head: User
) -> None:
    token = csrf_of(client, contract)
    before = len(events(ctx, contract))
    response = client.post(
        f"/documents/{contract}/suivi/notes",
        data={
            "csrf_token": token,
            "objective": "1",
            "status": "partly_reached",
            "date": "2027-01-29",
            "note": "Deux demi-journées d'absence en janvier.",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/documents/{contract}#suivi"
    (note,) = notes(ctx, contract)
    assert (note.objective, note.status, note.note_date) == (1, "partly_reached", date(2027, 1, 29))
    assert note.note == "Deux demi-journées d'absence en janvier."
    assert (note.author_id, note.author_name, note.author_role) == (head.id, "Anne Leroy", "head")
    # The same status again: a note, not a change.
    client.post(
        f"/documents/{contract}/suivi/notes",
        data={"csrf_token": token, "objective": "1", "status": "partly_reached", "note": "Idem."},
    )
    trail_events = events(ctx, contract)
    changed, noted = trail_events[before:]
    assert changed.type == "objective_status_changed"
    assert changed.actor_name == "Anne Leroy"
    assert changed.data["objective"] == 1
    assert changed.data["previous_status"] == "ongoing"
    assert changed.data["status"] == "partly_reached"
    assert changed.data["note_id"] == note.id
    assert noted.type == "objective_noted"
    assert noted.data["note_date"] == "2027-02-01"  # today, left empty
    assert not trail.check_chain(trail_events, ctx.db.trail_keys).breaks
    page = text(client.get(f"/documents/{contract}"))
    assert "La note sur l'objectif 1 est enregistrée." in page
    shown = section(page)
    assert "Partiellement atteint" in shown
    assert "29/01/2027 — Partiellement atteint" in shown
    assert re.search(r"Anne Leroy(</bdi>)? \(chef d’établissement\)", shown)
    assert "Statut d'un objectif modifié" in page  # the page's history


def test_a_postponement_inside_the_period_moves_the_deadline(
    client: FlaskClient, ctx: Context, contract: int
) -> None:
    token = csrf_of(client, contract)
    response = client.post(
        f"/documents/{contract}/suivi/notes",
        data={
            "csrf_token": token,
            "objective": "2",
            "status": "postponed",
            "new_deadline": "2027-06-18",
            "note": "Stage décalé : entretiens en juin.",
        },
    )
    assert response.status_code == 302
    assert notes(ctx, contract)[0].new_deadline == date(2027, 6, 18)
    assert events(ctx, contract)[-1].data["new_deadline"] == "2027-06-18"
    shown = section(text(client.get(f"/documents/{contract}")))
    assert "Échéance : 18/06/2027 (reportée ; prévue au contrat le 28/05/2027)" in shown


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"status": "fini"}, "status", "Statut : choisissez"),
        ({"note": "  "}, "note", "Note : écrivez ce qui a été constaté"),
        ({"note": "Zoé\u202eabc"}, "note", "U+202E"),
        ({"date": "2027-02-02"}, "date", "n'est pas encore arrivé"),
        ({"date": "2026-12-01"}, "date", "le suivi commence avec le contrat"),
        ({"status": "postponed"}, "new_deadline", "indiquez la date"),
        ({"status": "postponed", "new_deadline": "2027-02-01"}, "new_deadline", "après"),
        ({"objective": "3"}, "objective", "choisissez un des objectifs"),
        ({"objective": "un"}, "objective", "choisissez un des objectifs"),
    ],
)
def test_a_bad_note_gets_the_page_again_with_its_field_and_nothing_is_stored(
    client: FlaskClient,
    ctx: Context,
    contract: int,
    values: dict[str, str],
    field: str,
    message: str,
) -> None:
    token = csrf_of(client, contract)
    before = snapshot(ctx.db)
    post = {"csrf_token": token, "objective": "1", "status": "reached", "note": "Vu.", **values}
    response = client.post(f"/documents/{contract}/suivi/notes", data=post)
    assert response.status_code == 422
    page = text(response)
    assert "La note n’a pas été enregistrée" in page
    assert re.search(rf'id="note-{field}-error">[^<]*{re.escape(message)}', page), page
    assert snapshot(ctx.db) == before
    forged = client.post(f"/documents/{contract}/suivi/notes", data={**post, "csrf_token": ""})
    assert forged.status_code == 400
    assert snapshot(ctx.db) == before


def test_a_postponement_beyond_the_end_is_refused_and_the_amendment_offered(
    client: FlaskClient, ctx: Context, contract: int
) -> None:
    token = csrf_of(client, contract)
    before = snapshot(ctx.db)
    response = client.post(
        f"/documents/{contract}/suivi/notes",
        data={
            "csrf_token": token,
            "objective": "2",
            "status": "postponed",
            "new_deadline": "2027-09-30",
            "note": "Le projet demande l'été.",
        },
    )
    assert response.status_code == 422
    page = text(response)
    assert "après la fin du contrat (le 25 juin 2027)" in page
    assert "demande un avenant" in page
    assert re.search(
        rf'<form method="post" action="/documents/{contract}/avenant"[^>]*id="avenant-report"', page
    )
    assert snapshot(ctx.db) == before
    amended = client.post(f"/documents/{contract}/avenant", data={"csrf_token": token})
    assert amended.status_code == 302  # the existing amendment flow, prefilled from the contract
    assert amended.headers["Location"].endswith("/modifier")


def test_an_admin_reads_the_follow_up_but_writes_no_note(
    app: Flask, ctx: Context, school: School, contract: int
) -> None:
    admin = make_user(ctx.db, school, role="admin", session_version="v2")
    client = logged_in(app, admin)
    page = text(client.get(f"/documents/{contract}"))
    assert "Suivi du parcours" in page
    assert 'id="formulaire-note"' not in page
    token = CSRF.search(page)
    assert token
    before = snapshot(ctx.db)
    response = client.post(
        f"/documents/{contract}/suivi/notes",
        data={"csrf_token": token.group(1), "objective": "1", "status": "reached", "note": "Vu."},
    )
    assert response.status_code == 403
    assert snapshot(ctx.db) == before


def test_a_referent_writes_notes(app: Flask, ctx: Context, school: School, contract: int) -> None:
    referent = make_user(ctx.db, school, role="referent", session_version="v3")
    client = logged_in(app, referent)
    token = csrf_of(client, contract)
    response = client.post(
        f"/documents/{contract}/suivi/notes",
        data={"csrf_token": token, "objective": "1", "status": "reached", "note": "Assidue."},
    )
    assert response.status_code == 302
    assert notes(ctx, contract)[0].author_role == "referent"


def test_another_schools_contract_and_pupil_are_not_found(
    app: Flask, ctx: Context, contract: int
) -> None:
    other = make_user(
        ctx.db, make_school(ctx.db, uai="0170022G"), role="head", session_version="v4"
    )
    client = logged_in(app, other)
    token = CSRF.search(client.get("/tableau-de-bord").get_data(as_text=True))
    assert token
    before = snapshot(ctx.db)
    response = client.post(
        f"/documents/{contract}/suivi/notes",
        data={"csrf_token": token.group(1), "objective": "1", "status": "reached", "note": "Vu."},
    )
    assert response.status_code == 404
    assert client.get(f"/documents/{contract}/eleve").status_code == 404
    assert snapshot(ctx.db) == before


def test_the_pupils_page_lists_every_document_of_the_pupil_in_order(
    client: FlaskClient, ctx: Context, head: User, contract: int, make_request, clock
) -> None:
    clock.now = SIGNED_ON  # the convention's dates are checked against today
    convention = create_document(ctx, head, make_request("convention", parcours_id=contract))
    amendment = create_amendment(ctx, head, contract)
    namesake = create_document(
        ctx, head, make_request("parcours", pupil__birth_date="2010-06-01")
    )  # the same names, another birth date: another pupil
    someone = create_document(ctx, head, make_request("parcours", pupil__first_name="Léa"))
    page = text(client.get(f"/documents/{contract}"))
    assert f'href="/documents/{contract}/eleve"' in page

    response = client.get(f"/documents/{amendment.id}/eleve")  # from any of them

    assert response.status_code == 200
    listed = text(response)
    assert "Zoé Martin-Lefèvre" in listed
    assert "Né(e) le 14/05/2010" in listed
    rows = re.findall(r'<tr id="document-(\d+)">', listed)
    assert rows == [str(contract), str(convention.id), str(amendment.id)]
    assert f"Liée au contrat n° {contract}" in listed
    assert f"Avenant au n° {contract}" in listed
    for other in (namesake, someone):
        assert f'id="document-{other.id}"' not in listed
    with ctx.db.new_session() as session:
        assert session.get(Document, namesake.id) is not None


def test_the_follow_up_goes_on_on_the_amendment_that_replaces_the_contract(
    client: FlaskClient, ctx: Context, head: User, contract: int
) -> None:
    """Once a completed amendment replaces the contract, the amendment's page carries the
    follow-up with the contract's notes; the contract's page points to it, and a note on the
    replaced contract is refused with nothing stored."""
    token = csrf_of(client, contract)
    noted = client.post(
        f"/documents/{contract}/suivi/notes",
        data={"csrf_token": token, "objective": "1", "status": "reached", "note": "Assidue."},
    )
    assert noted.status_code == 302
    amendment = create_amendment(ctx, head, contract)
    finish_document(ctx, head, amendment.id)

    page = text(client.get(f"/documents/{amendment.id}"))
    assert 'id="formulaire-note"' in page
    card = page[page.index('id="objectif-1"') :][:3000]
    assert "Assidue." in card
    assert "Atteint" in card
    old = text(client.get(f"/documents/{contract}"))
    assert 'id="formulaire-note"' not in old
    assert f'remplacé par <a href="/documents/{amendment.id}#suivi">' in old
    pupil = text(client.get(f"/documents/{contract}/eleve"))
    pathways = pupil[pupil.index('id="parcours-eleve"') :].split("</ul>")[0]
    assert re.findall(r'id="parcours-(\d+)"', pathways) == [str(amendment.id)]  # one pathway

    before = snapshot(ctx.db)
    refused = client.post(
        f"/documents/{contract}/suivi/notes",
        data={"csrf_token": token, "objective": "2", "status": "reached", "note": "Vu."},
    )
    assert refused.status_code == 302  # back to the page, the refusal said there
    assert snapshot(ctx.db) == before
    said = text(client.get(refused.headers["Location"]))
    assert f"remplacé par l'avenant n° {amendment.id} : le suivi continue sur l'avenant" in said
