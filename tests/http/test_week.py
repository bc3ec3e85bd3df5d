"""« Mon suivi »: the référent's page and ``GET /api/v1/follow-up/due``, over a contract really
signed and sealed (LibreOffice), on SQLite and PostgreSQL, with a frozen clock moved across its
period: the pupil and the next deadline, what falls due in the week, what is overdue; another
school's staff sees nothing; a bad ``within_days`` is a 422 naming it, nothing stored; the worker's
digests of contracts and of site visits, once each, over a real SMTP server."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from db import database, database_url, postgres_server, postgres_url, snapshot
from factories import FrozenClock, complete_document, logged_in, make_school, make_user, serving_app
from flask import Flask
from smtp import SmtpServer, smtp_server, smtp_server_session
from sqlalchemy import select
from werkzeug.test import TestResponse

from service.accounts.api_tokens import create_api_token
from service.accounts.models import School, User
from service.cli.worker import run_pass
from service.context import Context
from service.follow_up.notice_models import FollowUpNotice
from service.follow_up.record_visit import record_visit
from signing.pdf.convert import ConverterPool

__all__ = [  # fixtures used below
    "database",
    "database_url",
    "postgres_server",
    "postgres_url",
    "smtp_server",
    "smtp_server_session",
]

pytestmark = pytest.mark.libreoffice

SIGNED_ON = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
WEEK_BEFORE = datetime(2027, 2, 22, 10, 0, tzinfo=UTC)
"""A Monday, four days before objective 1's deadline (26 February 2027)."""
PAST_DEADLINE = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
REFERENT_EMAIL = "claire.dubois@example.edu"
"""The example contract's référent."""


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(SIGNED_ON)


@pytest.fixture
def app(
    database,
    database_url: str,
    clock: FrozenClock,
    converter: ConverterPool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    smtp_server: SmtpServer,
) -> Iterator[Flask]:
    app = serving_app(
        database_url, tmp_path, monkeypatch, clock=clock, converter=converter, **smtp_server.env
    )
    yield app
    app.extensions["cosigne.db"].dispose()


@pytest.fixture
def ctx(app: Flask, converter: ConverterPool, clock: FrozenClock) -> Context:
    return Context(
        db=app.extensions["cosigne.db"],
        settings=app.config["COSIGNE"],
        converter=lambda: converter,
        clock=clock,
    )


@pytest.fixture
def school(ctx: Context) -> School:
    return make_school(ctx.db)


@pytest.fixture
def head(ctx: Context, school: School) -> User:
    return make_user(ctx.db, school, role="head", session_version="v1")


@pytest.fixture
def referent(ctx: Context, school: School) -> User:
    return make_user(
        ctx.db,
        school,
        role="referent",
        email=REFERENT_EMAIL,
        first_name="Claire",
        last_name="Dubois",
        session_version="v2",
    )


@pytest.fixture
def contract(ctx: Context, head: User, referent: User, make_request, clock: FrozenClock) -> int:
    document_id = complete_document(ctx, head, make_request("parcours"))
    clock.now = WEEK_BEFORE
    return document_id


def text(response: TestResponse) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.get_data(as_text=True))


def part(page: str, anchor: str, end: str) -> str:
    assert f'id="{anchor}"' in page
    return page.split(f'id="{anchor}"', 1)[1].split(end, 1)[0]


def token_of(ctx: Context, user: User) -> str:
    with ctx.db.transaction() as session:
        stored = session.get(User, user.id)
        assert stored is not None
        return create_api_token(session, stored).secret


def test_the_referent_sees_the_pupil_the_week_and_then_the_overdue_deadline(
    app: Flask, referent: User, contract: int, clock: FrozenClock
) -> None:
    client = logged_in(app, referent)
    page = text(client.get("/suivi"))
    assert 'href="/suivi"' in page  # the nav entry
    followed = part(page, "table-eleves-suivis", "</table>")
    assert f'id="suivi-{contract}"' in followed
    assert "Zoé Martin-Lefèvre" in followed
    assert "26/02/2027 : Échéance de l'objectif 1" in followed
    week = part(page, "cette-semaine", "eleves-suivis")
    link = f'href="/documents/{contract}#objectif-1"'
    assert link in week
    assert re.search(r"26/02/2027</strong> — (<bdi>)?Zoé Martin-Lefèvre(</bdi>)? : Échéance", week)
    assert "Bilan intermédiaire" not in week  # 6 April: beyond the week
    assert "Rien en retard." in part(page, "en-retard", "cette-semaine")

    clock.now = PAST_DEADLINE
    page = text(client.get("/suivi"))
    overdue = part(page, "en-retard", "cette-semaine")
    assert link in overdue
    assert "En retard" in overdue
    assert "Échéance de l'objectif 1" not in part(page, "cette-semaine", "eleves-suivis")
    document = text(client.get(f"/documents/{contract}"))
    assert 'id="objectif-1"' in document  # where the link lands


def test_the_head_sees_the_schools_and_another_referent_or_school_sees_nothing(
    app: Flask, ctx: Context, head: User, school: School, contract: int
) -> None:
    assert f'id="suivi-{contract}"' in text(logged_in(app, head).get("/suivi"))
    colleague = make_user(ctx.db, school, role="referent", session_version="v3")
    other_school = make_school(ctx.db, uai="0170022G")
    for user in (
        colleague,
        make_user(ctx.db, other_school, role="head", session_version="v4"),
        make_user(ctx.db, other_school, role="referent", session_version="v5"),
    ):
        page = text(logged_in(app, user).get("/suivi"))
        assert "Aucun parcours suivi pour l’instant." in page
        assert "Zoé" not in page
        headers = {"Authorization": f"Bearer {token_of(ctx, user)}"}
        answer = app.test_client().get("/api/v1/follow-up/due?within_days=366", headers=headers)
        assert answer.get_json()["items"] == []
    admin = make_user(ctx.db, school, role="admin", session_version="v6")
    assert logged_in(app, admin).get("/suivi").status_code == 403
    headers = {"Authorization": f"Bearer {token_of(ctx, admin)}"}
    refused = app.test_client().get("/api/v1/follow-up/due", headers=headers)
    assert refused.status_code == 403
    assert "« Mon suivi »" in refused.get_json()["errors"][0]["message"]


def test_the_api_answers_the_same_items(
    app: Flask, ctx: Context, referent: User, contract: int, clock: FrozenClock
) -> None:
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token_of(ctx, referent)}"}
    response = client.get("/api/v1/follow-up/due?within_days=7", headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["today"] == "2027-02-22"
    assert body["items"] == [
        {
            "document_id": contract,
            "pupil_name": "Zoé Martin-Lefèvre",
            "what": "objective",
            "day": "2027-02-26",
            "label": "Échéance de l'objectif 1",
            "objective": 1,
            "overdue": False,
            "url": f"http://cosigne.test/documents/{contract}#objectif-1",
        }
    ]
    wider = client.get("/api/v1/follow-up/due?within_days=60", headers=headers).get_json()
    assert [i["label"] for i in wider["items"]] == [
        "Échéance de l'objectif 1",
        "Bilan intermédiaire",
    ]
    clock.now = PAST_DEADLINE
    (item,) = client.get("/api/v1/follow-up/due", headers=headers).get_json()["items"]
    assert (item["day"], item["overdue"]) == ("2027-02-26", True)


def test_a_bad_within_days_is_refused_with_its_field(
    app: Flask, ctx: Context, referent: User, contract: int
) -> None:
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token_of(ctx, referent)}"}
    assert client.get("/api/v1/follow-up/due?within_days=0", headers=headers).status_code == 200
    before = snapshot(ctx.db)  # the token's last use recorded: the clock stands still
    for raw in ("sept", "-1", "367", "2.5", "\u0661", " "):
        response = client.get(
            "/api/v1/follow-up/due", query_string={"within_days": raw}, headers=headers
        )
        if raw == " ":  # left empty: the default week
            assert response.get_json()["within_days"] == 7
            continue
        assert response.status_code == 422, raw
        (error,) = response.get_json()["errors"]
        assert error["field"] == "within_days"
        assert "nombre entier de jours entre 0 et 366" in error["message"]
    assert snapshot(ctx.db) == before


def test_the_api_is_in_the_openapi_document(app: Flask) -> None:
    described = app.test_client().get("/api/v1/openapi.json").get_json()
    operation = described["paths"]["/follow-up/due"]["get"]
    assert operation["parameters"][0]["name"] == "within_days"
    assert "422" in operation["responses"]


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T10:00:00+00:00")


def test_the_worker_mails_the_referent_once_before_the_deadline_and_once_when_overdue(
    ctx: Context,
    head: User,
    referent: User,
    make_request,
    clock: FrozenClock,
    smtp_server: SmtpServer,
) -> None:
    contract = complete_document(ctx, head, make_request("parcours"))
    run_pass(ctx)  # the signing mails go out; nothing of the follow-up is near
    smtp_server.clear()
    clock.now = at("2027-02-22")  # four days before objective 1's deadline: not yet
    assert run_pass(ctx).follow_up_digests == 0
    assert smtp_server.messages == []

    clock.now = at("2027-02-23")  # three days before (COSIGNE_FOLLOW_UP_LEAD_DAYS)
    report = run_pass(ctx)
    assert report.follow_up_digests == 1
    assert "1 récapitulatif(s) de suivi" in report.summary()
    (digest,) = smtp_server.wait_for(1)
    assert digest["To"] == REFERENT_EMAIL
    assert digest["Subject"].startswith("Mon suivi – À venir : 1 échéance(s)")
    body = digest.get_body(("plain",)).get_content()
    assert "Bonjour Claire Dubois," in body
    assert "26 février 2027 : Zoé Martin-Lefèvre — Échéance de l'objectif 1" in body
    assert f"http://cosigne.test/documents/{contract}#objectif-1" in body
    assert "En retard" not in body
    html_body = digest.get_body(("html",)).get_content()
    assert f'href="http://cosigne.test/documents/{contract}#objectif-1"' in html_body

    clock.now = at("2027-02-24")  # the next day, the job due again: nothing new to say
    assert run_pass(ctx).follow_up_digests == 0
    clock.now = at("2027-02-26")  # the day itself
    assert run_pass(ctx).follow_up_digests == 0
    assert len(smtp_server.messages) == 1

    clock.now = at("2027-03-01")  # past it, still « en cours »: one reminder
    assert run_pass(ctx).follow_up_digests == 1
    _, reminder = smtp_server.wait_for(2)
    assert reminder["Subject"].startswith("Mon suivi – En retard : 1 échéance(s)")
    reminded = reminder.get_body(("plain",)).get_content()
    assert "En retard" in reminded
    assert "Échéance de l'objectif 1" in reminded
    clock.now = at("2027-03-02")
    assert run_pass(ctx).follow_up_digests == 0
    assert len(smtp_server.messages) == 2
    with ctx.db.new_session() as session:
        kept = session.scalars(select(FollowUpNotice).order_by(FollowUpNotice.id)).all()
        assert [(n.what, n.objective, n.item_day.isoformat(), n.notice) for n in kept] == [
            ("objective", 1, "2027-02-26", "upcoming"),
            ("objective", 1, "2027-02-26", "overdue"),
        ]
        assert {n.recipient for n in kept} == {REFERENT_EMAIL}


VISITOR_EMAIL = "paul.garnier@example.edu"
"""The example convention's référent."""


def test_the_worker_mails_the_visitor_once_before_the_visit_and_once_when_it_is_overdue(
    ctx: Context, head: User, school: School, make_request, clock: FrozenClock, smtp_server
) -> None:
    """The example convention's visit is planned on 3 February 2027: its référent's account
    gets one digest three days before, one reminder once it passed without a report, and
    nothing after it is recorded done."""
    visitor = make_user(
        ctx.db,
        school,
        role="referent",
        email=VISITOR_EMAIL,
        first_name="Paul",
        last_name="Garnier",
        session_version="v7",
    )
    convention = complete_document(ctx, head, make_request("convention"))
    run_pass(ctx)  # the signing mails go out
    smtp_server.clear()
    clock.now = at("2027-01-30")  # four days before the visit: not yet
    assert run_pass(ctx).follow_up_digests == 0

    clock.now = at("2027-01-31")
    assert run_pass(ctx).follow_up_digests == 1
    (digest,) = smtp_server.wait_for(1)
    assert digest["To"] == VISITOR_EMAIL
    assert digest["Subject"].startswith("Mon suivi – À venir : 1 échéance(s)")
    body = digest.get_body(("plain",)).get_content()
    assert "Bonjour Paul Garnier," in body
    assert "3 février 2027 : Zoé Martin-Lefèvre — Visite du lieu de stage" in body
    assert f"http://cosigne.test/documents/{convention}#visite" in body
    clock.now = at("2027-02-01")  # the next pass: nothing new
    assert run_pass(ctx).follow_up_digests == 0
    assert len(smtp_server.messages) == 1

    clock.now = at("2027-02-04")  # the day passed without a report: one reminder
    assert run_pass(ctx).follow_up_digests == 1
    _, reminder = smtp_server.wait_for(2)
    assert reminder["To"] == VISITOR_EMAIL
    assert reminder["Subject"].startswith("Mon suivi – En retard : 1 échéance(s)")
    assert "Visite non faite du lieu de stage" in reminder.get_body(("plain",)).get_content()
    clock.now = at("2027-02-05")
    assert run_pass(ctx).follow_up_digests == 0
    report = {"visited_by": "Paul Garnier", "report": "Bien intégré.", "tutor_met": "Luc Moreau"}
    record_visit(ctx, visitor, convention, done_date="2027-02-05", **report)
    clock.now = at("2027-02-06")
    assert run_pass(ctx).follow_up_digests == 0
    assert len(smtp_server.messages) == 2
    with ctx.db.new_session() as session:
        kept = session.scalars(select(FollowUpNotice).order_by(FollowUpNotice.id)).all()
        assert [(n.document_id, n.what, n.item_day.isoformat(), n.notice) for n in kept] == [
            (convention, "visit", "2027-02-03", "upcoming"),
            (convention, "visit", "2027-02-03", "overdue"),
        ]
        assert {n.recipient for n in kept} == {VISITOR_EMAIL}
