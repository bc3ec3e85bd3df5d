"""« L'année en chiffres »: the school's completed contracts of a year counted on the page and in
the CSV export, read back; a pupil's name that a spreadsheet would run as a formula comes out
quoted. Real SQLite and PostgreSQL, contracts really signed and sealed (LibreOffice), a frozen
clock."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, datetime

import pytest
from db import database, database_url, postgres_server, postgres_url, snapshot
from factories import FrozenClock, complete_document, logged_in, make_school, make_user
from flask import Flask
from flask.testing import FlaskClient
from served import app, ctx
from werkzeug.test import TestResponse

from service.accounts.models import School, User
from service.context import Context
from service.documents.create import create_document
from service.follow_up.add_objective_note import add_objective_note
from service.follow_up.move_visit import move_visit
from service.follow_up.record_visit import record_visit

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
COUNTED_ON = datetime(2027, 2, 1, 10, 0, tzinfo=UTC)
FORMULA = '=HYPERLINK("http://evil.example","Cliquez")'


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(SIGNED_ON)


@pytest.fixture
def school(ctx: Context) -> School:
    return make_school(ctx.db)


@pytest.fixture
def head(ctx: Context, school: School) -> User:
    return make_user(ctx.db, school, role="head", session_version="v1")


@pytest.fixture
def year(ctx: Context, head: User, make_request, clock: FrozenClock) -> dict[str, int]:
    """Three contracts of 2026-2027 completed, one per scheme and per pathway state on 1 February
    2027, with notes; a draft and a convention that do not count."""
    ongoing = complete_document(ctx, head, make_request("parcours"))
    upcoming = complete_document(
        ctx,
        head,
        make_request(
            "parcours",
            scheme="pafi",
            guardians__1__signs=True,
            start_date="2027-03-01",
            objectives__0__deadline="2027-04-30",
            reviews=["2027-04-06"],
        ),
    )
    ended = complete_document(
        ctx,
        head,
        make_request(
            "parcours",
            scheme="mlds",
            guardians__1__signs=True,
            pupil__first_name=FORMULA,
            start_date="2026-12-01",
            end_date="2027-01-29",
            objectives__0__deadline="2027-01-15",
            objectives__1__deadline="2027-01-29",
            reviews=["2027-01-04"],
            final_review="2027-01-28",
        ),
    )
    relais = make_request("parcours", scheme="dispositif_relais", guardians__1__signs=True)
    create_document(ctx, head, relais)
    create_document(ctx, head, make_request("convention"))
    clock.now = COUNTED_ON
    add_objective_note(ctx, head, ongoing, 1, status="reached", note="Assidu.", day="2027-01-29")
    add_objective_note(ctx, head, ended, 1, status="not_reached", note="Absent.", day="2027-01-20")
    add_objective_note(ctx, head, ended, 2, status="partly_reached", note="Un entretien.")
    return {"ongoing": ongoing, "upcoming": upcoming, "ended": ended}


@pytest.fixture
def client(app: Flask, head: User) -> FlaskClient:
    return logged_in(app, head)


def text(response: TestResponse) -> str:
    return html.unescape(response.get_data(as_text=True))


def rows_of(page: str) -> dict[tuple[str, str], str]:
    table = page.split('id="chiffres"', 1)[1].split("</table>", 1)[0]
    found = re.findall(r"<tr><td>([^<]*)</td><th scope=\"row\">([^<]*)</th><td>([^<]*)</td>", table)
    return {(section, line): value for section, line, value in found}


def csv_rows(response: TestResponse) -> list[list[str]]:
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


EXPECTED = {
    ("Parcours", "Contrats de parcours suivis"): "3",
    ("Par dispositif", "Parcours individualisé"): "1",
    ("Par dispositif", "Parcours aménagé de formation initiale (PAFI)"): "1",
    ("Par dispositif", "Mission de lutte contre le décrochage scolaire (MLDS)"): "1",
    ("Par dispositif", "Dispositif relais"): "0",
    ("Par état", "À venir"): "1",
    ("Par état", "En cours"): "1",
    ("Par état", "Terminé"): "1",
    ("Par issue", "Non renseignée"): "3",
    ("Objectifs", "En cours"): "3",
    ("Objectifs", "Atteint"): "1",
    ("Objectifs", "Non atteint"): "1",
    ("Objectifs", "Partiellement atteint"): "1",
    ("Objectifs", "Reporté"): "0",
    ("Bilans", "Bilans tenus à la date prévue"): "0",
    ("Visites", "Visites de stage effectuées"): "0",
    ("Visites", "Visites de stage à faire"): "0",
    ("Visites", "Visites de stage en retard"): "0",
}


def test_the_page_counts_the_years_contracts(client: FlaskClient, year: dict[str, int]) -> None:
    page = text(client.get("/chiffres?year=2026-2027"))
    shown = rows_of(page)
    for key, value in EXPECTED.items():
        assert shown[key] == value, key
    assert text(client.get("/chiffres")) == page  # the current year, by default
    assert 'href="/chiffres"' in text(client.get("/tableau-de-bord"))  # the nav entry
    assert '<option value="2026-2027" selected>' in page


def test_the_csv_has_the_same_figures_and_quotes_a_formula(
    client: FlaskClient, year: dict[str, int]
) -> None:
    response = client.get("/chiffres.csv?year=2026-2027")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "annee-en-chiffres-2026-2027.csv" in response.headers["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:2] == ["Année scolaire", "2026-2027"]
    figures = {(r[0], r[1]): r[2] for r in rows if len(r) == 3}
    for key, value in EXPECTED.items():
        assert figures[key] == value, key
    details = {int(r[0]): r for r in rows if len(r) == 6 and r[0].isdigit()}
    assert set(details) == set(year.values())
    ended = details[year["ended"]]
    assert ended[1] == f"'{FORMULA} Martin-Lefèvre"  # read as text, never run
    assert (ended[3], ended[4], ended[5]) == ("Terminé", "Non renseignée", "0/2")
    assert details[year["ongoing"]][5] == "1/2"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_a_year_with_nothing_shows_zeros(client: FlaskClient, year: dict[str, int]) -> None:
    shown = rows_of(text(client.get("/chiffres?year=2025-2026")))
    assert shown[("Parcours", "Contrats de parcours suivis")] == "0"
    assert shown[("Par état", "En cours")] == "0"
    assert shown[("Objectifs", "Atteint")] == "0"
    assert shown[("Par issue", "Non renseignée")] == "0"
    rows = csv_rows(client.get("/chiffres.csv?year=2025-2026"))
    assert ["Parcours", "Contrats de parcours suivis", "0"] in rows
    assert rows[-1][0] == "Contrat n°"  # no detail line


def test_another_school_and_an_admin_see_none_of_it(
    app: Flask, ctx: Context, school: School, year: dict[str, int]
) -> None:
    other = make_user(
        ctx.db, make_school(ctx.db, uai="0170022G"), role="referent", session_version="v3"
    )
    shown = rows_of(text(logged_in(app, other).get("/chiffres?year=2026-2027")))
    assert shown[("Parcours", "Contrats de parcours suivis")] == "0"
    admin = logged_in(app, make_user(ctx.db, school, role="admin", session_version="v2"))
    assert admin.get("/chiffres").status_code == 403
    assert admin.get("/chiffres.csv").status_code == 403
    assert 'href="/chiffres"' not in text(admin.get("/tableau-de-bord"))


def test_a_year_that_does_not_read_is_refused_in_french(
    client: FlaskClient, ctx: Context, year: dict[str, int]
) -> None:
    before = snapshot(ctx.db)
    for asked in ("2026", "=1+1", "2026-2028"):
        page = client.get("/chiffres", query_string={"year": asked})
        assert page.status_code == 422
        assert "Année scolaire : choisissez une année" in text(page)
        assert client.get("/chiffres.csv", query_string={"year": asked}).status_code == 422
    assert snapshot(ctx.db) == before


def visits_shown(client: FlaskClient) -> dict[str, str]:
    page = rows_of(text(client.get("/chiffres?year=2026-2027")))
    rows = csv_rows(client.get("/chiffres.csv?year=2026-2027"))
    in_csv = {r[1]: r[2] for r in rows if len(r) == 3 and r[0] == "Visites"}
    assert in_csv == {line: value for (part, line), value in page.items() if part == "Visites"}
    return in_csv


def test_the_visits_of_the_contracts_conventions_are_counted(
    client: FlaskClient, ctx: Context, head: User, make_request, clock: FrozenClock, year
) -> None:
    """Two conventions of the ongoing contract, their visits planned on 3 February 2027: one
    recorded done, the other overdue, then moved; a visit done of a convention of no contract
    does not count."""
    clock.now = SIGNED_ON  # a convention's dates are checked against today
    linked = make_request("convention", parcours_id=year["ongoing"])
    done, late = (complete_document(ctx, head, linked) for _ in range(2))
    alone = complete_document(ctx, head, make_request("convention"))
    clock.now = COUNTED_ON
    assert visits_shown(client) == {
        "Visites de stage effectuées": "0",
        "Visites de stage à faire": "2",
        "Visites de stage en retard": "0",
    }

    clock.now = datetime(2027, 2, 5, 10, 0, tzinfo=UTC)
    report = {"visited_by": "Paul Garnier", "report": "Bien intégré.", "tutor_met": "Luc Moreau"}
    for convention in (done, alone):
        record_visit(ctx, head, convention, done_date="2027-02-04", **report)
    assert visits_shown(client) == {
        "Visites de stage effectuées": "1",
        "Visites de stage à faire": "0",
        "Visites de stage en retard": "1",
    }
    move_visit(ctx, head, late, planned_date="2027-02-19", reason="Tuteur absent.")
    assert visits_shown(client) == {
        "Visites de stage effectuées": "1",
        "Visites de stage à faire": "1",
        "Visites de stage en retard": "0",
    }
