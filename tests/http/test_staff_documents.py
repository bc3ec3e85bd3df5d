"""The staff document pages through the Flask test client, logged in as a head, on real SQLite and
PostgreSQL databases, with PDFs made by the real warm LibreOffice. Every refusal is checked to
leave every table as it was (`snapshot` before and after)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from db import count, database, database_url, postgres_server, postgres_url, snapshot
from factories import (
    FrozenClock,
    complete_document,
    form_of,
    logged_in,
    make_school,
    make_user,
    serving_app,
    sign_all_but_head,
)
from flask import Flask
from flask.testing import FlaskClient
from pdftools import page_texts, squash
from sqlalchemy import select, update
from werkzeug.test import TestResponse

from service.accounts.models import School, User
from service.context import Context, Origin
from service.db import Database
from service.documents.amend import create_amendment
from service.documents.create import create_document
from service.documents.form_fields import input_name
from service.documents.forms import build as build_form
from service.documents.forms import parse as parse_form
from service.documents.issue import issue_document
from service.documents.models import Document, Event
from service.errors import DeadLink
from service.finalize.finalize import finalize
from service.mail.models import OutboxMessage
from service.signers.links import signing_view
from service.signers.sign_as_staff import sign_as_staff
from signing.data.school_year import school_year
from signing.data.validate import validate_document
from signing.pdf.convert import ConverterPool

__all__ = ["database", "database_url", "postgres_server", "postgres_url"]  # fixtures used below

pytestmark = pytest.mark.libreoffice

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


# ---------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def app(
    database: Database,
    database_url: str,
    clock: FrozenClock,
    converter: ConverterPool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Flask]:
    app = serving_app(database_url, tmp_path, monkeypatch, clock=clock, converter=converter)
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
def head(ctx: Context) -> User:
    return make_user(ctx.db, make_school(ctx.db), role="head", session_version="session-du-chef")


@pytest.fixture
def client(app: Flask, head: User) -> FlaskClient:
    return logged_in(app, head)


# ---------------------------------------------------------------------------------------------
# Helpers


def text(response: TestResponse) -> str:
    return html.unescape(response.get_data(as_text=True))


def csrf_of(client: FlaskClient, url: str = "/tableau-de-bord") -> str:
    response = client.get(url)
    assert response.status_code == 200, text(response)
    match = CSRF.search(response.get_data(as_text=True))
    assert match
    return match.group(1)


def field_messages(response: TestResponse, name: str) -> str:
    match = re.search(
        rf'<div class="fr-messages-group" id="champ-{name}-messages"[^>]*>(.*?)</div>',
        text(response),
        re.S,
    )
    assert match, f"no messages for {name}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def load(db: Database, document_id: int) -> Document:
    with db.new_session() as session:
        document = session.get(Document, document_id)
        assert document is not None
        _ = document.signers, document.events, document.pdf
        return document


def outbox(db: Database) -> list[OutboxMessage]:
    with db.new_session() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def two_guardians(make_request) -> dict[str, Any]:
    body = make_request("convention")
    body["data"]["guardians"].append(
        {
            "first_name": "Karim",
            "last_name": "Martin",
            "relationship": "père",
            "email": "karim.martin@example.org",
            "signs": True,
        }
    )
    return body


@pytest.fixture
def issued(ctx: Context, head: User, make_request) -> Document:
    """A convention of a minor with two guardians, issued: its signers invited by mail."""
    document = create_document(ctx, head, two_guardians(make_request))
    issue_document(ctx, head, document.id)
    return load(ctx.db, document.id)


# ---------------------------------------------------------------------------------------------
# Access


def test_pages_need_a_login(app: Flask, head: User, ctx: Context, make_request) -> None:
    document = create_document(ctx, head, make_request("parcours"))
    anonymous = app.test_client()
    for url in ("/tableau-de-bord", f"/documents/{document.id}", "/documents/nouveau/parcours"):
        response = anonymous.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/connexion?next=")


def test_another_schools_document_is_not_found(
    app: Flask, client: FlaskClient, ctx: Context, make_request
) -> None:
    other_head = make_user(ctx.db, make_school(ctx.db, uai="0170022G"), role="head")
    theirs = create_document(ctx, other_head, make_request("parcours"))
    token = csrf_of(client)
    before = snapshot(ctx.db)
    for url in ("", "/pdf", "/modifier"):
        assert client.get(f"/documents/{theirs.id}{url}").status_code == 404
    for url in ("/emettre", "/annuler"):
        response = client.post(
            f"/documents/{theirs.id}{url}", data={"csrf_token": token, "reason": "essai"}
        )
        assert response.status_code == 404
    assert snapshot(ctx.db) == before
    assert "Martin-Lefèvre" not in text(client.get("/tableau-de-bord"))


# ---------------------------------------------------------------------------------------------
# Dashboard


def test_dashboard_counts_filters_and_missing_signers(
    client: FlaskClient, ctx: Context, head: User, issued: Document, make_request
) -> None:
    create_document(
        ctx, head, make_request("parcours", pupil__first_name="Inès", pupil__last_name="Bernard")
    )
    page = text(client.get("/tableau-de-bord"))
    counts = dict(
        re.findall(r'data-state="(\w+)">\s*<span class="cosigne-count__number">(\d+)</span>', page)
    )
    assert counts["draft"] == "1"
    assert counts["awaiting_signatures"] == "1"
    assert counts["completed"] == "0"
    assert "Inès Bernard" in page
    assert "Zoé Martin-Lefèvre" in page
    assert "<bdi>Nadia Martin</bdi> (invité)" in page  # still missing

    by_kind = text(client.get("/tableau-de-bord?type=parcours"))
    assert "Inès Bernard" in by_kind
    assert "Zoé Martin-Lefèvre" not in by_kind

    by_pupil = text(client.get("/tableau-de-bord?eleve=lefevre"))  # accents aside
    assert "Zoé Martin-Lefèvre" in by_pupil
    assert "Inès Bernard" not in by_pupil

    by_state = text(client.get("/tableau-de-bord?etat=draft"))
    assert "Inès Bernard" in by_state
    assert "Zoé Martin-Lefèvre" not in by_state


# ---------------------------------------------------------------------------------------------
# Forms


def test_create_shows_errors_next_to_fields_then_saves(
    client: FlaskClient, ctx: Context, make_request
) -> None:
    page = client.get("/documents/nouveau/convention")
    assert page.status_code == 200
    for name in ("guardians-0-email", "guardians-1-email", "schedule-wednesday", "host-siret"):
        assert f'name="{name}"' in page.get_data(as_text=True)
    token = CSRF.search(page.get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    body = two_guardians(make_request)
    post = form_of("convention", body["data"])
    assert post["schedule-wednesday"] == "08:30-12:00, 13:00-16:30"
    post["guardians-1-email"] = "karim.martin@"

    response = client.post("/documents/nouveau/convention", data={**post, "csrf_token": token})

    assert response.status_code == 422
    assert "adresse électronique invalide" in field_messages(response, "guardians-1-email")
    assert 'href="#champ-guardians-1-email"' in response.get_data(as_text=True)
    assert 'value="Karim"' in response.get_data(as_text=True)  # what was typed is kept
    assert count(ctx.db, "documents") == 0

    post["guardians-1-email"] = "karim.martin@example.org"
    response = client.post("/documents/nouveau/convention", data={**post, "csrf_token": token})

    assert response.status_code == 302
    with ctx.db.new_session() as session:
        document = session.scalars(select(Document)).one()
    assert response.headers["Location"] == f"/documents/{document.id}"
    assert document.state == "draft"
    assert [g["email"] for g in document.data["guardians"]] == [
        "nadia.martin@example.org",
        "karim.martin@example.org",
    ]
    assert document.data["schedule"]["wednesday"] == ["08:30-12:00", "13:00-16:30"]
    shown = text(client.get(response.headers["Location"]))
    assert "Le brouillon est enregistré." in shown
    assert "Karim" in shown


def test_pathway_form_lists_objectives_and_commitments(
    client: FlaskClient, ctx: Context, make_request, today: date
) -> None:
    token = csrf_of(client, "/documents/nouveau/parcours")
    post = form_of("parcours", make_request("parcours")["data"])
    post["objectives-0-deadline"] = ""
    response = client.post("/documents/nouveau/parcours", data={**post, "csrf_token": token})
    assert response.status_code == 422
    assert "obligatoire" in field_messages(response, "objectives-0-deadline")

    post = form_of("parcours", make_request("parcours")["data"])
    response = client.post("/documents/nouveau/parcours", data={**post, "csrf_token": token})
    assert response.status_code == 302
    with ctx.db.new_session() as session:
        document = session.scalars(select(Document)).one()
    expected = validate_document("parcours", make_request("parcours")["data"], today=today)
    assert document.data == expected.data


def test_edit_a_draft_prefilled(
    client: FlaskClient, ctx: Context, head: User, make_request
) -> None:
    document = create_document(ctx, head, make_request("convention"))
    page = client.get(f"/documents/{document.id}/modifier")
    assert page.status_code == 200
    assert 'value="Martin-Lefèvre"' in text(page)
    token = CSRF.search(page.get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    post = form_of("convention", load(ctx.db, document.id).data)
    post["host-name"] = "Atelier Lenoir"
    response = client.post(f"/documents/{document.id}/modifier", data={**post, "csrf_token": token})
    assert response.status_code == 302
    assert load(ctx.db, document.id).data["host"]["name"] == "Atelier Lenoir"


def test_pathway_offers_its_convention_prefilled(
    client: FlaskClient, ctx: Context, head: User, make_request
) -> None:
    pathway = create_document(ctx, head, make_request("parcours", includes_internship=True))
    assert "Créer la convention de stage" in text(client.get(f"/documents/{pathway.id}"))
    page = text(client.get(f"/documents/nouveau/convention?parcours={pathway.id}"))
    assert 'value="Martin-Lefèvre"' in page
    assert f'name="parcours_id" value="{pathway.id}"' in page

    body = make_request("convention", parcours_id=pathway.id)
    convention = create_document(ctx, head, body)
    assert f"/documents/{pathway.id}" in text(client.get(f"/documents/{convention.id}"))
    assert f"Convention de stage n° {convention.id}" in text(client.get(f"/documents/{pathway.id}"))


# ---------------------------------------------------------------------------------------------
# The document page and its actions


def test_preview_then_issue(client: FlaskClient, ctx: Context, head: User, make_request) -> None:
    document = create_document(ctx, head, two_guardians(make_request))
    page = text(client.get(f"/documents/{document.id}"))
    assert "Aperçu PDF" in page
    assert ">Émettre<" in page

    preview = client.get(f"/documents/{document.id}/pdf")
    assert preview.status_code == 200
    assert preview.mimetype == "application/pdf"
    assert preview.data.startswith(b"%PDF-")
    assert preview.headers["Content-Disposition"].startswith("inline")
    assert load(ctx.db, document.id).state == "draft"  # a GET changes nothing

    response = client.post(
        f"/documents/{document.id}/emettre", data={"csrf_token": csrf_of(client)}
    )
    assert response.status_code == 302
    issued = load(ctx.db, document.id)
    assert issued.state == "awaiting_signatures"
    invited = {s.email for s in issued.signers if s.state == "invited"}
    assert {m.to_address for m in outbox(ctx.db)} == invited
    assert "karim.martin@example.org" in invited

    page = text(client.get(f"/documents/{document.id}"))
    assert "Le document est émis" in page
    assert "Télécharger le PDF" in page
    assert ">Émettre<" not in page
    assert "Document émis" in page  # the timeline
    assert "La représentante légale — nadia.martin@example.org" in page  # the mother
    assert "Le représentant légal — karim.martin@example.org" in page
    frozen = client.get(f"/documents/{document.id}/pdf")
    assert frozen.data == issued.pdf


def test_remind_keeps_the_link_and_resend_kills_it(
    client: FlaskClient, ctx: Context, issued: Document
) -> None:
    guardian = next(s for s in issued.signers if s.role == "guardian")
    old_token = ctx.link_signer().make(guardian.id, guardian.link_nonce, now=NOW)
    token = csrf_of(client)
    sent = len(outbox(ctx.db))

    response = client.post(
        f"/documents/{issued.id}/signataires/{guardian.id}/relancer", data={"csrf_token": token}
    )
    assert response.status_code == 302
    assert len(outbox(ctx.db)) == sent + 1
    signing_view(ctx, old_token)  # still alive
    assert "Une relance a été envoyée à Nadia Martin" in text(
        client.get(response.headers["Location"])
    )

    response = client.post(
        f"/documents/{issued.id}/signataires/{guardian.id}/renvoyer", data={"csrf_token": token}
    )
    assert response.status_code == 302
    assert len(outbox(ctx.db)) == sent + 2
    with pytest.raises(DeadLink):
        signing_view(ctx, old_token)
    assert "l'ancien lien ne fonctionne plus" in text(client.get(response.headers["Location"]))
    reminded = [e for e in load(ctx.db, issued.id).events if e.type == "reminded"]
    assert len(reminded) == 2


def test_cancel_needs_a_reason(client: FlaskClient, ctx: Context, issued: Document) -> None:
    token = csrf_of(client)
    before = snapshot(ctx.db)
    response = client.post(
        f"/documents/{issued.id}/annuler", data={"csrf_token": token, "reason": "  "}
    )
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert snapshot(ctx.db) == before

    response = client.post(
        f"/documents/{issued.id}/annuler",
        data={"csrf_token": token, "reason": "Stage reporté au printemps"},
    )
    assert response.status_code == 302
    cancelled = load(ctx.db, issued.id)
    assert cancelled.state == "cancelled"
    assert cancelled.cancel_reason == "Stage reporté au printemps"
    assert all(s.link_nonce is None for s in cancelled.signers)
    page = text(client.get(f"/documents/{issued.id}"))
    assert "Stage reporté au printemps" in page
    assert "Relancer" not in page


def test_a_refused_action_says_why_and_changes_nothing(
    client: FlaskClient, ctx: Context, issued: Document
) -> None:
    before = snapshot(ctx.db)
    response = client.post(f"/documents/{issued.id}/emettre", data={"csrf_token": csrf_of(client)})
    assert response.status_code == 302
    assert snapshot(ctx.db) == before
    page = text(client.get(response.headers["Location"]))
    assert 'class="fr-alert fr-alert--error' in page


@pytest.mark.parametrize(
    "url",
    ["/emettre", "/annuler", "/modifier", "/signataires/{signer}/relancer"],
)
def test_a_post_without_csrf_token_changes_nothing(
    client: FlaskClient, ctx: Context, issued: Document, url: str
) -> None:
    signer = issued.signers[0].id
    before = snapshot(ctx.db)
    response = client.post(
        f"/documents/{issued.id}" + url.format(signer=signer), data={"reason": "essai"}
    )
    assert response.status_code == 400
    assert snapshot(ctx.db) == before
    response = client.post(
        "/documents/nouveau/parcours", data=form_of("parcours", {"pupil": {"first_name": "A"}})
    )
    assert response.status_code == 400
    assert snapshot(ctx.db) == before


# ---------------------------------------------------------------------------------------------
# The head signs the school's part, logged in


def test_head_signs_logged_in_once_invited(
    app: Flask, client: FlaskClient, ctx: Context, issued: Document
) -> None:
    url = f"/documents/{issued.id}/signer"
    token = csrf_of(client)
    form = {"csrf_token": token, "consent": "oui", "full_name": "Anne Leroy"}
    assert "Signer pour l’établissement" not in text(client.get(f"/documents/{issued.id}"))
    before = snapshot(ctx.db)
    response = client.post(url, data=form)  # the head waits for the others
    assert response.status_code == 302
    assert snapshot(ctx.db) == before

    sign_all_but_head(ctx, issued.id)
    page = text(client.get(f"/documents/{issued.id}"))
    assert "Signer pour l’établissement" in page

    before = snapshot(ctx.db)
    response = client.post(url, data={**form, "full_name": "Jean Dupont"})
    assert response.status_code == 422
    assert "Anne Leroy" in field_messages_plain(response, "full_name")
    assert snapshot(ctx.db) == before

    response = client.post(url, data=form)
    assert response.status_code == 302
    document = load(ctx.db, issued.id)
    head_row = next(s for s in document.signers if s.role == "head")
    assert head_row.state == "signed"
    assert head_row.link_nonce is None
    assert document.state in ("signed", "completed")
    signed = [e for e in document.events if e.type == "signed" and e.signer_id == head_row.id]
    assert len(signed) == 1
    assert "Votre signature est enregistrée." in text(client.get(response.headers["Location"]))


def test_a_referent_cannot_sign_for_the_school(
    app: Flask, ctx: Context, head: User, issued: Document
) -> None:
    with ctx.db.new_session() as session:
        school = session.get(School, head.school_id)
    referent = make_user(ctx.db, school, role="referent", session_version="session-du-referent")
    sign_all_but_head(ctx, issued.id)
    client = logged_in(app, referent)
    assert "Signer pour l’établissement" not in text(client.get(f"/documents/{issued.id}"))
    before = snapshot(ctx.db)
    response = client.post(
        f"/documents/{issued.id}/signer",
        data={"csrf_token": csrf_of(client), "consent": "oui", "full_name": "Anne Leroy"},
    )
    assert response.status_code == 403
    assert snapshot(ctx.db) == before


def field_messages_plain(response: TestResponse, field_id: str) -> str:
    match = re.search(
        rf'<div class="fr-messages-group" id="{field_id}-messages"[^>]*>(.*?)</div>',
        text(response),
        re.S,
    )
    assert match
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


# ---------------------------------------------------------------------------------------------
# The form mapping alone (no database)


def test_form_names_follow_the_data_paths() -> None:
    assert input_name("guardians[1].email") == "guardians-1-email"
    assert input_name("host.representative.email") == "host-representative-email"
    data = parse_form(
        "parcours",
        {
            "objectives-0-label": "Assiduité",
            "objectives-0-indicator": "Moins de 2 absences par mois",
            "objectives-0-deadline": "2027-02-01",
            "objectives-1-label": "",  # a blank row is dropped
            "objectives-1-indicator": " ",
            "reviews-0": "2027-01-15",
            "reviews-1": "",
            "commitments-pupil": "Venir à l'heure\r\n\r\nPrévenir en cas d'absence\n",
            "guardians-0-signs": "oui",  # a tick alone does not make a row
        },
    )
    assert data["objectives"] == [
        {
            "label": "Assiduité",
            "indicator": "Moins de 2 absences par mois",
            "deadline": "2027-02-01",
        }
    ]
    assert data["reviews"] == ["2027-01-15"]
    assert data["commitments"]["pupil"] == ["Venir à l'heure", "Prévenir en cas d'absence"]
    assert data["guardians"] == []
    week = parse_form("convention", {"schedule-monday": "08:30-12:00; 13:00-16:30"})["schedule"]
    assert week["monday"] == ["08:30-12:00", "13:00-16:30"]
    assert week["tuesday"] == []


def test_messages_go_to_the_input_of_their_path() -> None:
    from signing.errors import FieldIssue  # noqa: PLC0415

    form = build_form(
        "parcours",
        {},
        [
            FieldIssue("schedule", "manque"),
            FieldIssue("commitments.pupil[1]", "trop long"),
            FieldIssue("objectives", "au moins un"),
        ],
        [FieldIssue("guardians[0].email", "à vérifier")],
    )
    targets = {m.message: m.target for m in form.errors}
    assert targets == {
        "manque": "champ-schedule",
        "trop long": "champ-commitments-pupil",
        "au moins un": "champ-objectives-0-label",
    }
    assert form.warnings[0].target == "champ-guardians-0-email"


def test_an_admin_reads_but_changes_nothing(
    app: Flask, ctx: Context, head: User, issued: Document
) -> None:
    with ctx.db.new_session() as session:
        school = session.get(School, head.school_id)
    admin = make_user(ctx.db, school, role="admin", session_version="session-admin")
    client = logged_in(app, admin)
    assert client.get("/tableau-de-bord").status_code == 200
    page = text(client.get(f"/documents/{issued.id}"))
    assert "Relancer" not in page
    assert "Annuler le document" not in page
    token = csrf_of(client)
    before = snapshot(ctx.db)
    assert (
        client.post(
            f"/documents/{issued.id}/annuler", data={"csrf_token": token, "reason": "x"}
        ).status_code
        == 403
    )
    assert client.get("/documents/nouveau/parcours").status_code == 403
    assert snapshot(ctx.db) == before


# ---------------------------------------------------------------------------------------------
# Amendments: the avenant of a completed document


def completed(ctx: Context, head: User, body: dict[str, Any]) -> Document:
    """A document issued, signed by every party (the head logged in, last) and finalized."""
    return load(ctx.db, complete_document(ctx, head, body))


def test_a_completed_document_is_amended_and_both_stay_readable(
    client: FlaskClient, ctx: Context, head: User, make_request, clock: FrozenClock
) -> None:
    original = completed(ctx, head, make_request("convention", pupil_minor=False))
    assert original.state == "completed"
    clock.advance(days=3)
    page = text(client.get(f"/documents/{original.id}"))
    assert "Établir un avenant" in page
    token = csrf_of(client)
    before = snapshot(ctx.db)
    assert client.post(f"/documents/{original.id}/avenant").status_code == 400  # no CSRF
    assert snapshot(ctx.db) == before

    response = client.post(f"/documents/{original.id}/avenant", data={"csrf_token": token})

    assert response.status_code == 302
    with ctx.db.new_session() as session:
        amendment = session.scalars(select(Document).where(Document.amends_id == original.id)).one()
    assert response.headers["Location"] == f"/documents/{amendment.id}/modifier"
    assert amendment.state == "draft"
    assert amendment.data["amends"] == {"id": original.id, "date": "2026-11-28"}
    assert {k: v for k, v in amendment.data.items() if k != "amends"} == {
        k: v for k, v in original.data.items() if k != "amends"
    }
    form_page = text(client.get(response.headers["Location"]))
    assert f"L'avenant n° {amendment.id} au document n° {original.id} est créé" in form_page
    assert f"Avenant au document n° {original.id}" in form_page
    assert 'value="Martin-Lefèvre"' in form_page  # prefilled
    assert 'name="amends' not in form_page  # Cosigne fills it, not the form

    # The draft is edited like any other; its link to the original stays.
    post = form_of("convention", amendment.data)
    post["host-name"] = "Atelier Lenoir"
    saved = client.post(f"/documents/{amendment.id}/modifier", data={**post, "csrf_token": token})
    assert saved.status_code == 302
    edited = load(ctx.db, amendment.id)
    assert edited.data["host"]["name"] == "Atelier Lenoir"
    assert edited.data["amends"] == {"id": original.id, "date": "2026-11-28"}

    new_page = text(client.get(f"/documents/{amendment.id}"))
    assert f"Avenant au document n° {original.id}" in new_page
    old_page = text(client.get(f"/documents/{original.id}"))
    assert f"Modifié par l’avenant n° {amendment.id}" in old_page
    assert "Établir un avenant" not in old_page  # one amendment at a time
    assert client.get(f"/documents/{original.id}/pdf").data.startswith(b"%PDF-")  # still readable
    assert f'href="/documents/{original.id}/verification"' in old_page
    checked = text(client.get(f"/documents/{original.id}/verification"))
    assert "Document authentique" in checked
    assert original.final_pdf_sha256 in checked
    refused = client.get(f"/documents/{amendment.id}/verification")  # a draft: nothing to check
    assert refused.status_code == 302
    assert "pas encore de PDF signé" in text(client.get(refused.headers["Location"]))

    preview = squash(" ".join(page_texts(client.get(f"/documents/{amendment.id}/pdf").data)))
    assert f"avenant au document n° {original.id} du 28 novembre 2026" in preview
    assert "Atelier Lenoir" in preview
    assert "avenant au document" not in squash(
        " ".join(page_texts(client.get(f"/documents/{original.id}/pdf").data))
    )

    # A second amendment while this one is under way is refused, and says why.
    before = snapshot(ctx.db)
    refused = client.post(f"/documents/{original.id}/avenant", data={"csrf_token": token})
    assert refused.status_code == 302
    assert snapshot(ctx.db) == before
    assert f"Un avenant à ce document est déjà en cours (n° {amendment.id})" in text(
        client.get(refused.headers["Location"])
    )


def test_only_a_completed_document_of_ones_school_is_amended(
    client: FlaskClient, ctx: Context, head: User, issued: Document, make_request
) -> None:
    token = csrf_of(client)
    draft = create_document(ctx, head, make_request("parcours"))
    assert "Établir un avenant" not in text(client.get(f"/documents/{issued.id}"))
    before = snapshot(ctx.db)
    for document_id in (draft.id, issued.id):
        response = client.post(f"/documents/{document_id}/avenant", data={"csrf_token": token})
        assert response.status_code == 302
        assert "avenant" in text(client.get(response.headers["Location"]))
    other_head = make_user(ctx.db, make_school(ctx.db, uai="0170022G"), role="head")
    theirs = create_document(ctx, other_head, make_request("parcours"))
    before = snapshot(ctx.db)
    response = client.post(f"/documents/{theirs.id}/avenant", data={"csrf_token": token})
    assert response.status_code == 404
    assert snapshot(ctx.db) == before


def test_an_amendment_of_an_amendment_once_it_is_completed(
    client: FlaskClient, ctx: Context, head: User, make_request
) -> None:
    original = completed(ctx, head, make_request("parcours", pupil_minor=False))
    first = create_amendment(ctx, head, original.id)
    issue_document(ctx, head, first.id)
    sign_all_but_head(ctx, first.id)
    sign_as_staff(
        ctx, head, first.id, Origin(), consent=True, full_name="Anne Leroy", signature_png=None
    )
    assert finalize(ctx, first.id)

    page = text(client.get(f"/documents/{original.id}"))
    assert f"Modifié par l’avenant n° {first.id}" in page
    assert "Établir un avenant" not in page  # the latest version is the amendment
    token = csrf_of(client)
    response = client.post(f"/documents/{original.id}/avenant", data={"csrf_token": token})
    assert f"modifié par l'avenant n° {first.id}" in text(client.get(response.headers["Location"]))

    response = client.post(f"/documents/{first.id}/avenant", data={"csrf_token": token})
    assert response.status_code == 302
    second = load(ctx.db, int(response.headers["Location"].split("/")[2]))
    assert second.amends_id == first.id
    assert second.data["amends"]["id"] == first.id


# ---------------------------------------------------------------------------------------------
# A pathway contract and its internship agreement


def test_a_pathway_with_an_internship_creates_its_linked_convention(
    client: FlaskClient, ctx: Context, head: User, make_request
) -> None:
    without = create_document(ctx, head, make_request("parcours", includes_internship=False))
    assert "Créer la convention de stage" not in text(client.get(f"/documents/{without.id}"))
    pathway = create_document(ctx, head, make_request("parcours", includes_internship=True))
    page = text(client.get(f"/documents/{pathway.id}"))
    assert "Créer la convention de stage" in page

    form_page = client.get(f"/documents/nouveau/convention?parcours={pathway.id}")
    inputs = r'name="([^"]+)"[^>]*value="([^"]*)"'
    post = dict(re.findall(inputs, html.unescape(form_page.get_data(as_text=True))))
    assert post["pupil-last_name"] == "Martin-Lefèvre"
    assert post["guardians-0-email"] == "nadia.martin@example.org"
    assert post["referent-email"] == pathway.data["referent"]["email"]
    assert post["parcours_id"] == str(pathway.id)
    assert 'value="stage_parcours" selected' in form_page.get_data(as_text=True)

    body = make_request("convention", parcours_id=pathway.id)
    full = form_of("convention", body["data"])
    response = client.post(
        "/documents/nouveau/convention", data={**full, "csrf_token": post["csrf_token"]}
    )
    assert response.status_code == 302
    convention = load(ctx.db, int(response.headers["Location"].split("/")[2]))
    assert convention.pathway_id == pathway.id
    assert f"contrat de parcours n° {pathway.id}" in text(client.get(f"/documents/{convention.id}"))
    assert f"Convention de stage n° {convention.id}" in text(client.get(f"/documents/{pathway.id}"))


def test_a_convention_cannot_name_another_schools_pathway(
    client: FlaskClient, ctx: Context, make_request
) -> None:
    other_head = make_user(ctx.db, make_school(ctx.db, uai="0170022G"), role="head")
    theirs = create_document(ctx, other_head, make_request("parcours"))
    token = csrf_of(client, "/documents/nouveau/convention")
    post = form_of("convention", make_request("convention", parcours_id=theirs.id)["data"])
    before = snapshot(ctx.db)
    response = client.post("/documents/nouveau/convention", data={**post, "csrf_token": token})
    assert response.status_code == 422
    assert f"aucun contrat de parcours n° {theirs.id}" in field_messages(response, "parcours_id")
    assert snapshot(ctx.db) == before


# ---------------------------------------------------------------------------------------------
# Dashboard by school year


def test_dashboard_filters_by_school_year_and_keeps_it_across_pages(
    client: FlaskClient, ctx: Context, head: User, make_request
) -> None:
    for number in range(21):
        create_document(
            ctx,
            head,
            make_request("parcours", pupil__last_name=f"Annee{number:02d}"),  # starts 2027-01
        )
    create_document(
        ctx,
        head,
        make_request(
            "parcours",
            pupil__last_name="Rentree",
            start_date="2027-09-01",
            end_date="2028-06-25",
            final_review="2028-06-22",
            reviews=[],
            objectives__0__deadline="2028-02-26",
            objectives__1__deadline="2028-05-28",
        ),
    )
    page = text(client.get("/tableau-de-bord?annee=2026-2027"))
    assert '<option value="2027-2028">' in page
    assert "Rentree" not in page
    assert "21 documents correspondant aux filtres" in page
    next_link = re.search(r'href="([^"]+)">Page suivante', page)
    assert next_link
    assert set(next_link.group(1).split("?")[1].split("&")) == {"annee=2026-2027", "page=2"}
    counts = dict(
        re.findall(r'data-state="(\w+)">\s*<span class="cosigne-count__number">(\d+)</span>', page)
    )
    assert counts["draft"] == "21"
    second = text(client.get("/tableau-de-bord?annee=2026-2027&page=2"))
    assert "page 2 sur 2" in second
    assert "Rentree" not in second

    next_year = text(client.get("/tableau-de-bord?annee=2027-2028"))
    assert "Rentree" in next_year
    assert "1 document correspondant aux filtres" in next_year
    everything = text(client.get("/tableau-de-bord?annee=n-importe-quoi"))
    assert "22 documents" in everything


def test_school_year_runs_from_september_to_august() -> None:
    assert school_year(date(2026, 9, 1)) == 2026
    assert school_year(date(2027, 8, 31)) == 2026
    assert school_year(date(2026, 8, 31)) == 2025


# ---------------------------------------------------------------------------------------------
# Audit trail, navigation


def test_the_audit_trail_page_lists_events_and_checks_the_chain(
    client: FlaskClient, ctx: Context, issued: Document
) -> None:
    page = text(client.get(f"/documents/{issued.id}"))
    assert f'href="/documents/{issued.id}/piste-audit"' in page
    trail = client.get(f"/documents/{issued.id}/piste-audit")
    assert trail.status_code == 200
    shown = text(trail)
    assert "la piste d’audit est intacte" in shown
    assert "Document émis" in shown
    assert "Invitation envoyée" in shown

    with ctx.db.transaction() as session:
        session.execute(
            update(Event)
            .where(Event.document_id == issued.id, Event.seq == 1)
            .values(actor_name="Quelqu'un d'autre")
        )
    assert "la piste d’audit a été altérée" in text(
        client.get(f"/documents/{issued.id}/piste-audit")
    )


def test_the_audit_trail_of_another_school_is_not_found(
    client: FlaskClient, ctx: Context, make_request
) -> None:
    other_head = make_user(ctx.db, make_school(ctx.db, uai="0170022G"), role="head")
    theirs = create_document(ctx, other_head, make_request("parcours"))
    assert client.get(f"/documents/{theirs.id}/piste-audit").status_code == 404
    assert client.get(f"/documents/{theirs.id}/preuves.json").status_code == 404


def test_the_evidence_file_downloads_as_json_from_the_document_page(
    client: FlaskClient, ctx: Context, issued: Document, make_request, head: User
) -> None:
    page = text(client.get(f"/documents/{issued.id}"))
    assert "Dossier de preuve (JSON)" in page

    answer = client.get(f"/documents/{issued.id}/preuves.json")

    assert answer.status_code == 200
    assert answer.mimetype == "application/json"
    assert f'filename="preuves-document-{issued.id}.json"' in answer.headers["Content-Disposition"]
    body = json.loads(answer.data)
    assert body["document"]["id"] == issued.id
    assert body["document"]["issued_pdf_sha256"] == issued.pdf_sha256
    draft = create_document(ctx, head, make_request("parcours"))
    refused = client.get(f"/documents/{draft.id}/preuves.json", follow_redirects=True)
    assert "n'a pas encore de dossier de preuve" in text(refused)


def test_the_staff_navigation_is_in_the_header(client: FlaskClient) -> None:
    page = client.get("/tableau-de-bord").get_data(as_text=True)
    header = page[page.index("<header") : page.index("</header>")]
    assert 'class="fr-nav"' in header
    assert 'aria-controls="menu-principal"' in header  # the mobile menu button
    assert 'href="/tableau-de-bord" target="_self" aria-current="page"' in header
    assert "Nouvelle convention de stage" in header
    assert "Se déconnecter" in header
    assert "Utilisateurs" in header  # a head manages the staff
    main = page[page.index("<main") :]
    assert 'class="fr-nav"' not in main
