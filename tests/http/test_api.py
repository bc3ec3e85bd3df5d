"""The JSON API through the Flask test client, on real SQLite and PostgreSQL databases, with the
real warm LibreOffice where a PDF is made. Every refusal is checked to leave every table as it
was (`snapshot` before and after)."""

from __future__ import annotations

import copy
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from db import count, database, database_url, postgres_server, postgres_url, snapshot
from factories import FrozenClock, serving_app
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select
from werkzeug.test import TestResponse

from service.accounts.api_tokens import create_api_token, revoke_api_token
from service.accounts.models import ApiToken, School, User
from service.db import Database
from service.documents.models import Document, Event
from service.mail.models import OutboxMessage
from signing.kinds import Kind
from signing.pdf.convert import ConverterPool, ConverterSettings

__all__ = ["database", "database_url", "postgres_server", "postgres_url"]  # fixtures used below

NOT_FOUND = {"errors": [{"field": "", "message": "Document introuvable."}]}
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
"""The app's time in every test (TODAY of conftest, 10:00 in Paris)."""
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


# ---------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def app(
    database: Database, database_url: str, clock: FrozenClock, tmp_path: Path, monkeypatch
) -> Iterator[Flask]:
    app = serving_app(database_url, tmp_path, monkeypatch, clock=clock)
    yield app
    app.extensions["cosigne.db"].dispose()


@pytest.fixture
def libreoffice(app: Flask, converter: ConverterPool) -> ConverterPool:
    """The session's warm LibreOffice, as the app's converter (`service.rendering.converter`)."""
    app.extensions["cosigne.converter"] = converter
    return converter


@dataclass(frozen=True)
class Staff:
    school_id: int
    user_id: int
    token: str


def make_staff(
    db: Database, *, uai: str = "0440021J", role: str = "head", email: str | None = None
) -> Staff:
    """A school (created if its UAI is new), one of its staff, and an API token of theirs."""
    with db.transaction() as session:
        school = session.scalar(select(School).where(School.uai == uai))
        if school is None:
            school = School(
                uai=uai,
                name=f"Lycée professionnel {uai}",
                status="public",
                address="2 boulevard de l'Égalité, 44100 Nantes",
                email=f"ce.{uai.lower()}@example.edu",
                phone="02 40 00 00 10",
                head_first_name="Anne",
                head_last_name="Leroy",
                head_title="Proviseure",
                head_email=f"direction.{uai.lower()}@example.edu",
                board_approval_date=date(2026, 9, 22),
            )
            session.add(school)
            session.flush()
        user = User(
            school_id=school.id,
            email=email or f"{role}.{uai.lower()}@example.edu",
            first_name="Claire",
            last_name="Dubois",
            role=role,
        )
        session.add(user)
        session.flush()
        token = create_api_token(session, user)
    return Staff(school.id, user.id, token.secret)


class Api:
    """The test client speaking to ``/api/v1`` with one staff member's token."""

    def __init__(self, client: FlaskClient, token: str | None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _call(self, method: str, path: str, **options: Any) -> TestResponse:
        headers = {**self.headers, **options.pop("headers", {})}
        return self.client.open(f"/api/v1{path}", method=method, headers=headers, **options)

    def get(self, path: str, **options: Any) -> TestResponse:
        return self._call("GET", path, **options)

    def post(self, path: str, **options: Any) -> TestResponse:
        return self._call("POST", path, **options)

    def put(self, path: str, **options: Any) -> TestResponse:
        return self._call("PUT", path, **options)

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        response = self.post("/documents", json=body)
        assert response.status_code == 201, response.json
        return response.json


@pytest.fixture
def staff(database: Database) -> Staff:
    return make_staff(database)


@pytest.fixture
def api(app: Flask, staff: Staff) -> Api:
    api = Api(app.test_client(), staff.token)
    # The first request records the token's use; later ones (within the minute) write nothing,
    # so a snapshot taken after this one shows only what the tested request changed.
    assert api.get("/documents").status_code == 200
    return api


@pytest.fixture
def other_api(app: Flask, database: Database) -> Api:
    """The head of another school."""
    return Api(app.test_client(), make_staff(database, uai="0170022G").token)


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _errors(response: TestResponse) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json["errors"]}


def _outbox(db: Database) -> list[OutboxMessage]:
    with db.new_session() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


# ---------------------------------------------------------------------------------------------
# Authentication


ROUTES = [
    ("GET", "/documents"),
    ("POST", "/documents"),
    ("GET", "/documents/1"),
    ("PUT", "/documents/1"),
    ("GET", "/documents/1/pdf"),
    ("POST", "/documents/1/issue"),
    ("POST", "/documents/1/cancel"),
    ("POST", "/documents/1/signers/1/remind"),
    ("GET", "/documents/1/events"),
]


def test_every_route_but_the_description_needs_a_token(app: Flask, database: Database) -> None:
    client = app.test_client()
    before = snapshot(database)

    for method, path in ROUTES:
        response = client.open(f"/api/v1{path}", method=method, json={"reason": "x"})

        assert response.status_code == 401, (method, path)
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="cosigne"'
        assert response.json == {
            "errors": [
                {
                    "field": "",
                    "message": "Authentification requise : envoyez l'en-tête "
                    "« Authorization: Bearer <jeton> ».",
                }
            ]
        }
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert snapshot(database) == before


@pytest.mark.parametrize(
    "header",
    [
        "Bearer pas-un-jeton",
        "Bearer ",
        "Basic Y2xhaXJlOnNlY3JldA==",
        "Bearer deux morceaux",
        "Bearer " + "x" * 300,
    ],
)
def test_a_bad_token_gets_401_invalid_token(app: Flask, staff: Staff, header: str) -> None:
    response = app.test_client().get("/api/v1/documents", headers={"Authorization": header})

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="cosigne", error="invalid_token"'
    assert _errors(response) == {"": "Jeton d'API invalide, révoqué, ou compte désactivé."}


def test_a_revoked_token_or_a_disabled_account_stops_working(
    app: Flask, database: Database
) -> None:
    revoked, disabled = make_staff(database), make_staff(database, role="referent")
    client = app.test_client()
    for staff in (revoked, disabled):
        headers = {"Authorization": f"Bearer {staff.token}"}
        assert client.get("/api/v1/documents", headers=headers).status_code == 200

    with database.transaction() as session:
        token = session.scalar(select(ApiToken).where(ApiToken.user_id == revoked.user_id))
        revoke_api_token(token)
        session.get(User, disabled.user_id).active = False

    for staff in (revoked, disabled):
        headers = {"Authorization": f"Bearer {staff.token}"}
        response = client.get("/api/v1/documents", headers=headers)
        assert response.status_code == 401
        assert "invalid_token" in response.headers["WWW-Authenticate"]


def test_last_use_of_a_token_is_recorded_at_most_once_a_minute(
    app: Flask, database: Database, staff: Staff, clock: FrozenClock
) -> None:
    client = Api(app.test_client(), staff.token)

    def last_used() -> datetime | None:
        with database.new_session() as session:
            return session.scalar(
                select(ApiToken.last_used_at).where(ApiToken.user_id == staff.user_id)
            )

    assert last_used() is None
    client.get("/documents")
    assert last_used() == NOW

    clock.advance(seconds=59)
    client.get("/documents")
    assert last_used() == NOW

    clock.advance(seconds=1)
    client.get("/documents")
    assert last_used() == NOW + timedelta(minutes=1)


# ---------------------------------------------------------------------------------------------
# The description


def test_openapi_describes_every_route_and_both_kinds(app: Flask) -> None:
    response = app.test_client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    spec = response.json
    assert spec["openapi"].startswith("3.1")
    described = {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method != "parameters"
    }
    routed = {
        (method, re.sub(r"<[^:>]+:([^>]+)>", r"{\1}", rule.rule.removeprefix("/api/v1")))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(("api.", "api_verify."))
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert described == routed
    assert len(routed) == 19  # 12 + reviews, visits, /follow-up/due, follow-up, notes, paper (2)
    for path, item in spec["paths"].items():
        placeholders = set(re.findall(r"{(\w+)}", path))
        assert {p["name"] for p in item.get("parameters", []) if p["in"] == "path"} == placeholders

    schemas = spec["components"]["schemas"]
    parcours, convention = schemas["ParcoursData"], schemas["ConventionData"]
    guardian = parcours["properties"]["guardians"]["items"]
    assert "email" in guardian["properties"]
    assert {"first_name", "last_name", "birth_date"} <= set(
        parcours["properties"]["pupil"]["required"]
    )
    assert "parcours_individualise" in parcours["properties"]["scheme"]["enum"]
    assert set(convention["properties"]["schedule"]["properties"]) >= {"monday", "saturday"}
    assert convention["properties"]["host"]["properties"]["siret"]
    # Every reference points at something defined.
    text = response.get_data(as_text=True)
    for kind, name in re.findall(r'"#/components/(schemas|responses)/(\w+)"', text):
        assert name in spec["components"][kind], name


def test_the_examples_match_the_described_fields(app: Flask, make_request) -> None:
    spec = app.test_client().get("/api/v1/openapi.json").json["components"]["schemas"]

    for kind in Kind:
        schema = f"{kind.value.capitalize()}Data"
        described = spec[schema]["properties"]
        data = kind.spec.example["data"]
        assert set(data) <= set(described), kind
        assert set(spec[schema]["required"]) <= set(data), kind


# ---------------------------------------------------------------------------------------------
# Creating and reading


def test_create_answers_201_with_the_draft_and_its_location(
    api: Api, database: Database, make_request
) -> None:
    response = api.post("/documents", json=make_request("parcours"))

    assert response.status_code == 201
    document = response.json
    assert document["kind"] == "parcours"
    assert document["status"] == "draft"
    assert document["version"] == 1
    assert document["signers"] == []
    assert document["pdf_sha256"] is None
    assert document["issued_at"] is None
    assert isinstance(document["warnings"], list)
    assert ISO_UTC.match(document["created_at"])
    assert document["data"]["pupil"]["last_name"] == "Martin-Lefèvre"
    assert response.headers["Location"] == f"/api/v1/documents/{document['id']}"

    read = api.get(f"/documents/{document['id']}")
    assert read.status_code == 200
    assert read.json == document

    events = api.get(f"/documents/{document['id']}/events").json["events"]
    assert [e["type"] for e in events] == ["created"]
    assert events[0]["role"] == "head"
    assert events[0]["actor_name"] == "Claire Dubois"
    assert set(events[0]) == {"seq", "type", "at", "role", "actor_name", "signer_id", "data"}


def test_warnings_come_back_with_the_draft(api: Api, make_request) -> None:
    body = make_request("convention", start_date="2026-11-02", site_visit_date="2026-11-20")

    document = api.create(body)

    assert "start_date" in {w["field"] for w in document["warnings"]}


def test_invalid_data_is_refused_with_field_paths_and_nothing_stored(
    api: Api, database: Database, make_request
) -> None:
    body = make_request("parcours", guardians__0__email="pas-une-adresse", end_date="2026-12-01")
    before = snapshot(database)

    response = api.post("/documents", json=body)

    assert response.status_code == 422
    fields = _errors(response)
    assert "guardians[0].email" in fields
    assert "adresse électronique invalide" in fields["guardians[0].email"]
    assert "end_date" in fields or "objectives[0].deadline" in fields
    assert isinstance(response.json["warnings"], list)
    assert snapshot(database) == before
    assert count(database, "documents") == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "bail", "data": {}}, "kind"),
        ({"kind": "parcours"}, "data"),
        ({"kind": "parcours", "data": [], "extra": 1}, "extra"),
        (["parcours"], ""),
        ({"kind": "parcours", "data": "texte"}, ""),
    ],
)
def test_malformed_requests_get_422_naming_the_field(
    api: Api, database: Database, body: Any, field: str
) -> None:
    before = snapshot(database)

    response = api.post("/documents", json=body)

    assert response.status_code == 422
    assert field in _errors(response)
    assert snapshot(database) == before


@pytest.mark.parametrize("payload", [b"{pas du json", b"", b"\xff\xfe"])
def test_a_body_that_is_not_json_gets_400(api: Api, database: Database, payload: bytes) -> None:
    before = snapshot(database)

    response = api.post("/documents", data=payload, content_type="application/json")

    assert response.status_code == 400
    assert response.json == {
        "errors": [
            {"field": "", "message": "Le corps de la demande doit être un document JSON valide."}
        ]
    }
    assert snapshot(database) == before


def test_another_schools_document_is_not_found_exactly_like_a_missing_one(
    api: Api, other_api: Api, database: Database, make_request
) -> None:
    theirs = other_api.create(make_request("parcours"))["id"]
    missing = theirs + 1000
    before = snapshot(database)

    for document_id in (theirs, missing):
        for method, route in ROUTES[2:]:
            path = route.replace("/documents/1", f"/documents/{document_id}")
            body = make_request("parcours") if method == "PUT" else {"reason": "erreur"}
            response = api._call(method, path, json=body)

            assert response.status_code == 404, (method, path)
            assert response.json == NOT_FOUND

    assert theirs not in [d["id"] for d in api.get("/documents").json["items"]]
    assert snapshot(database) == before
    assert other_api.get(f"/documents/{theirs}").status_code == 200


def test_ids_out_of_range_are_simply_not_found(api: Api) -> None:
    for path in ("/documents/0", "/documents/99999999999999999999", "/documents/abc"):
        response = api.get(path)

        assert response.status_code == 404
        assert response.json["errors"][0]["field"] == ""


# ---------------------------------------------------------------------------------------------
# Listing


def test_list_paginates_newest_first(api: Api, make_request) -> None:
    ids = [api.create(make_request("parcours"))["id"] for _ in range(3)]

    first = api.get("/documents?per_page=2").json
    second = api.get("/documents?per_page=2&page=2").json
    beyond = api.get("/documents?per_page=2&page=3").json

    assert (first["total"], first["page"], first["per_page"]) == (3, 1, 2)
    assert [d["id"] for d in first["items"]] == ids[:0:-1]
    assert [d["id"] for d in second["items"]] == ids[:1]
    assert beyond["items"] == []
    assert beyond["total"] == 3
    summary = first["items"][0]
    assert summary["status"] == "draft"
    assert summary["pupil"] == {
        "first_name": "Zoé",
        "last_name": "Martin-Lefèvre",
        "class_name": "2nde pro MELEC",
    }
    assert summary["url"] == f"/api/v1/documents/{summary['id']}"
    assert api.get("/documents").json["per_page"] == 20


def test_list_filters_by_status_kind_and_pupil_name(api: Api, other_api: Api, make_request) -> None:
    zoe = api.create(make_request("parcours"))["id"]
    zoe_internship = api.create(make_request("convention"))["id"]
    noah = api.create(
        make_request("parcours", pupil__first_name="Élodie", pupil__last_name="Bérénger")
    )["id"]
    other_api.create(make_request("parcours"))
    assert api.post(f"/documents/{noah}/cancel", json={"reason": "Doublon"}).status_code == 200

    def ids(query: str) -> list[int]:
        response = api.get(f"/documents?{query}")
        assert response.status_code == 200, response.json
        return [d["id"] for d in response.json["items"]]

    assert ids("") == [noah, zoe_internship, zoe]
    assert ids("status=cancelled") == [noah]
    assert ids("status=draft") == [zoe_internship, zoe]
    assert ids("kind=convention") == [zoe_internship]
    assert ids("kind=parcours&status=draft") == [zoe]
    assert ids("pupil=zoé") == [zoe_internship, zoe]
    assert ids("pupil=ZOÉ") == [zoe_internship, zoe]
    assert ids("pupil=LEFÈVRE") == [zoe_internship, zoe]
    assert ids("pupil=bérénger") == [noah]
    assert ids("pupil=BÉRÉNGER") == [noah]
    assert ids("pupil=personne") == []
    assert api.get("/documents?pupil=zo%C3%A9&kind=parcours").json["total"] == 1


def test_list_filters_by_school_year(api: Api, make_request) -> None:
    this_year = api.create(make_request("parcours"))["id"]  # starts in January 2027
    next_year = api.create(
        make_request(
            "parcours",
            start_date="2027-09-01",
            end_date="2028-06-25",
            final_review="2028-06-22",
            reviews=[],
            objectives__0__deadline="2028-02-26",
            objectives__1__deadline="2028-05-28",
        )
    )["id"]

    def ids(query: str) -> list[int]:
        response = api.get(f"/documents?{query}")
        assert response.status_code == 200, response.json
        return [d["id"] for d in response.json["items"]]

    assert ids("school_year=2026-2027") == [this_year]
    assert ids("school_year=2027-2028") == [next_year]
    assert ids("school_year=2025-2026") == []
    assert ids("") == [next_year, this_year]


def test_pupil_search_ignores_case_and_accents(api: Api, make_request) -> None:
    elodie = api.create(
        make_request("parcours", pupil__first_name="Élodie", pupil__last_name="Øster")
    )["id"]

    for query in ("élodie", "ÉLODIE", "Élodie", "elodie", "øster", "ØSTER"):
        assert [d["id"] for d in api.get(f"/documents?pupil={query}").json["items"]] == [elodie]


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("status=signe", {"status"}),
        ("kind=bail", {"kind"}),
        ("page=0", {"page"}),
        ("page=-1", {"page"}),
        ("page=un", {"page"}),
        ("per_page=0", {"per_page"}),
        ("per_page=101", {"per_page"}),
        ("per_page=2.5", {"per_page"}),
        ("page=%C2%B2", {"page"}),
        ("pupil=" + "a" * 101, {"pupil"}),
        ("school_year=2026", {"school_year"}),
        ("school_year=2026-2028", {"school_year"}),
        ("status=x&kind=y&page=z&per_page=1000", {"status", "kind", "page", "per_page"}),
    ],
)
def test_bad_list_parameters_get_422_naming_each(api: Api, query: str, fields: set[str]) -> None:
    response = api.get(f"/documents?{query}")

    assert response.status_code == 422
    assert set(_errors(response)) == fields


def test_per_page_100_is_allowed(api: Api) -> None:
    assert api.get("/documents?per_page=100").json["per_page"] == 100


# ---------------------------------------------------------------------------------------------
# Editing a draft


def test_put_replaces_the_data_of_a_draft(api: Api, make_request) -> None:
    document = api.create(make_request("parcours"))
    body = make_request("parcours", pupil__class_name="1re pro MELEC")

    by_data = api.put(f"/documents/{document['id']}", json={"data": body["data"]})
    with_kind = api.put(f"/documents/{document['id']}", json=body)

    assert by_data.status_code == 200
    assert by_data.json["data"]["pupil"]["class_name"] == "1re pro MELEC"
    assert by_data.json["status"] == "draft"
    assert with_kind.status_code == 200
    events = api.get(f"/documents/{document['id']}/events").json["events"]
    assert [e["type"] for e in events] == ["created", "updated", "updated"]
    assert [e["seq"] for e in events] == [1, 2, 3]


def test_put_with_invalid_data_or_another_kind_changes_nothing(
    api: Api, database: Database, make_request
) -> None:
    document_id = api.create(make_request("parcours"))["id"]
    before = snapshot(database)

    invalid = api.put(
        f"/documents/{document_id}", json={"data": {**make_request()["data"], "pupil": None}}
    )
    other_kind = api.put(f"/documents/{document_id}", json=make_request("convention"))
    not_json = api.put(f"/documents/{document_id}", data="{", content_type="application/json")

    assert invalid.status_code == 422
    assert "pupil" in _errors(invalid)
    assert other_kind.status_code == 422
    assert "kind" in _errors(other_kind)
    assert not_json.status_code == 400
    assert snapshot(database) == before


# ---------------------------------------------------------------------------------------------
# Cancelling


def test_cancel_needs_a_reason_and_then_closes_the_document(
    api: Api, database: Database, make_request
) -> None:
    document_id = api.create(make_request("parcours"))["id"]
    before = snapshot(database)

    for body in ({}, {"reason": "   "}, {"reason": 3}, {"reason": "x" * 501}, []):
        response = api.post(f"/documents/{document_id}/cancel", json=body)
        assert response.status_code == 422, body
        assert "reason" in _errors(response)
    no_body = api.post(f"/documents/{document_id}/cancel")
    assert no_body.status_code == 422
    assert "reason" in _errors(no_body)
    assert snapshot(database) == before

    cancelled = api.post(f"/documents/{document_id}/cancel", json={"reason": "Saisie en double"})
    assert cancelled.status_code == 200
    assert cancelled.json["status"] == "cancelled"
    assert cancelled.json["cancel_reason"] == "Saisie en double"

    after = snapshot(database)
    again = api.post(f"/documents/{document_id}/cancel", json={"reason": "Encore"})
    edit = api.put(f"/documents/{document_id}", json=make_request("parcours"))
    issue = api.post(f"/documents/{document_id}/issue")
    for response in (again, edit, issue):
        assert response.status_code == 409
        assert _errors(response) == {"": "Ce document a été annulé."}
    assert snapshot(database) == after


# ---------------------------------------------------------------------------------------------
# Issuing, with the real LibreOffice


def test_issue_freezes_the_pdf_invites_the_signers_and_queues_their_mail(
    api: Api, database: Database, libreoffice: ConverterPool, make_request
) -> None:
    document_id = api.create(make_request("parcours", pupil_minor=True))["id"]

    response = api.post(f"/documents/{document_id}/issue")

    assert response.status_code == 200, response.json
    document = response.json
    assert document["status"] == "awaiting_signatures"
    assert ISO_UTC.match(document["issued_at"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", document["deadline"])
    signers = document["signers"]
    assert [(s["role"], s["status"]) for s in signers] == [
        ("pupil", "invited"),
        ("guardian", "invited"),
        ("referent", "invited"),
        ("head", "waiting"),
    ]
    assert [s["last_name"] for s in signers] == ["Martin-Lefèvre", "Martin", "Dubois", "Leroy"]
    assert signers[1]["email"] == "nadia.martin@example.org"
    for signer in signers:
        assert set(signer) >= {"id", "first_name", "email", "invited_at", "signed_at"}
        assert signer["signed_at"] is None
        assert (signer["invited_at"] is None) == (signer["role"] == "head")
    assert ISO_UTC.match(signers[0]["invited_at"])

    # The mail is queued in the issuing transaction: one message per invited signer, and the
    # document itself, attached, for the father who does not sign but is informed.
    outbox = _outbox(database)
    invitations = [m for m in outbox if m.attachment_sha256 is None]
    assert sorted(m.to_address for m in invitations) == sorted(
        s["email"] for s in signers if s["status"] == "invited"
    )
    assert all(m.document_id == document_id for m in outbox)
    (informed,) = [m for m in outbox if m.attachment_sha256 is not None]
    assert informed.to_address == "k.lefevre@example.net"
    assert informed.subject.startswith("Pour information : ")
    assert "vous n'avez pas à le signer" in informed.text_body
    assert informed.attachment_sha256 == document["pdf_sha256"]

    events = api.get(f"/documents/{document_id}/events").json["events"]
    assert [e["type"] for e in events] == ["created", "issued", "invited", "invited", "invited"]
    assert events[1]["data"]["pdf_sha256"] == document["pdf_sha256"]
    assert events[1]["data"]["age_rule"]["guardian_required"] is True
    assert events[1]["data"]["informed"] == ["Karim Lefèvre"]
    assert {e["signer_id"] for e in events[2:]} == {s["id"] for s in signers[:3]}
    assert all("ip" not in e and "user_agent" not in e for e in events)

    pdf = api.get(f"/documents/{document_id}/pdf")
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"] == f'inline; filename="parcours-{document_id}.pdf"'
    assert pdf.data.startswith(b"%PDF")
    assert hashlib.sha256(pdf.data).hexdigest() == document["pdf_sha256"]
    assert api.get(f"/documents/{document_id}").json == document


def test_the_evidence_file_is_refused_for_a_draft_and_tells_the_facts_once_issued(
    api: Api, database: Database, libreoffice: ConverterPool, make_request
) -> None:
    document_id = api.create(make_request("parcours", pupil_minor=True))["id"]

    draft = api.get(f"/documents/{document_id}/evidence")

    assert draft.status_code == 409
    assert "n'a pas encore de dossier de preuve" in draft.json["errors"][0]["message"]
    issued = api.post(f"/documents/{document_id}/issue").json
    evidence = api.get(f"/documents/{document_id}/evidence")
    assert evidence.status_code == 200
    body = evidence.json
    assert body["format"] == "cosigne-evidence/1"
    assert body["document"]["issued_pdf_sha256"] == issued["pdf_sha256"]
    assert body["document"]["final_pdf_sha256"] is None
    assert [s["email"] for s in body["signers"]] == [s["email"] for s in issued["signers"]]
    assert all(s["signed_at"] is None and s["identification"] is None for s in body["signers"])
    with database.new_session() as session:
        stored = session.scalars(
            select(Event).where(Event.document_id == document_id).order_by(Event.seq)
        ).all()
        assert [e["hash"] for e in body["events"]] == [e.hash for e in stored]
        assert body["trail"]["head"] == stored[-1].hash
    assert body["events"][1]["label"] == "Document émis pour signature"
    assert body["events"][1]["at"]["utc"].endswith("Z")
    assert "Code civil 1356" in body["proof_agreement"]["source"]


def test_an_issued_document_refuses_edits_and_a_second_issue(
    api: Api, database: Database, libreoffice: ConverterPool, make_request
) -> None:
    document_id = api.create(make_request("parcours"))["id"]
    assert api.post(f"/documents/{document_id}/issue").status_code == 200
    before = snapshot(database)

    edit = api.put(f"/documents/{document_id}", json=make_request("parcours", pupil_minor=False))
    again = api.post(f"/documents/{document_id}/issue")

    assert edit.status_code == 409
    assert "ne peut plus être modifié" in _errors(edit)[""]
    assert again.status_code == 409
    assert _errors(again) == {"": "Ce document a déjà été envoyé pour signature."}
    assert snapshot(database) == before


def test_remind_a_signer_then_cancel_and_reminders_are_refused(
    api: Api, database: Database, libreoffice: ConverterPool, make_request
) -> None:
    document = api.create(make_request("parcours"))
    document_id = document["id"]
    signers = api.post(f"/documents/{document_id}/issue").json["signers"]
    pupil, head = signers[0], signers[-1]
    mails = len(_outbox(database))

    reminded = api.post(f"/documents/{document_id}/signers/{pupil['id']}/remind")

    assert reminded.status_code == 200
    assert reminded.json["id"] == pupil["id"]
    assert reminded.json["status"] == "invited"
    assert reminded.json["reminder_count"] == 1
    assert ISO_UTC.match(reminded.json["last_reminded_at"])
    assert len(_outbox(database)) == mails + 1
    assert _outbox(database)[-1].to_address == pupil["email"]

    before = snapshot(database)
    not_their_turn = api.post(f"/documents/{document_id}/signers/{head['id']}/remind")
    unknown = api.post(f"/documents/{document_id}/signers/{head['id'] + 100}/remind")
    assert not_their_turn.status_code == 409
    assert "pas encore le tour" in _errors(not_their_turn)[""]
    assert unknown.status_code == 404
    assert _errors(unknown) == {"": "Ce document n'a pas de signataire de ce numéro."}
    assert snapshot(database) == before

    cancelled = api.post(f"/documents/{document_id}/cancel", json={"reason": "Erreur de dates"})
    assert cancelled.status_code == 200
    assert cancelled.json["status"] == "cancelled"

    after = snapshot(database)
    refused = api.post(f"/documents/{document_id}/signers/{pupil['id']}/remind")
    assert refused.status_code == 409
    assert _errors(refused) == {"": "Ce document a été annulé."}
    assert snapshot(database) == after

    types = [e["type"] for e in api.get(f"/documents/{document_id}/events").json["events"]]
    assert types == ["created", "issued", *["invited"] * 3, "reminded", "cancelled"]


def test_a_draft_pdf_is_a_fresh_preview(
    api: Api, database: Database, libreoffice: ConverterPool, make_request
) -> None:
    document_id = api.create(make_request("convention"))["id"]
    before = snapshot(database)

    pdf = api.get(f"/documents/{document_id}/pdf")

    assert pdf.status_code == 200
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.headers["Content-Disposition"] == (
        f'inline; filename="convention-{document_id}.pdf"'
    )
    assert pdf.data.startswith(b"%PDF")
    assert snapshot(database) == before


def test_a_convention_is_issued_to_the_host_the_referent_the_family_then_the_head(
    api: Api, libreoffice: ConverterPool, make_request
) -> None:
    document_id = api.create(make_request("convention"))["id"]

    signers = api.post(f"/documents/{document_id}/issue").json["signers"]

    assert [(s["role"], s["status"]) for s in signers] == [
        ("host_representative", "invited"),
        ("host_tutor", "invited"),
        ("referent", "invited"),
        ("pupil", "invited"),
        ("guardian", "invited"),
        ("head", "waiting"),
    ]


def test_issue_refuses_a_draft_no_longer_valid_today(
    api: Api, database: Database, staff: Staff, make_request
) -> None:
    # Saved when the pupil was 25; they are 26 on the issue date, out of the schemes' range.
    data = copy.deepcopy(make_request("parcours")["data"])
    data["pupil"]["birth_date"] = "2000-11-27"
    with database.transaction() as session:
        document = Document(school_id=staff.school_id, kind="parcours", data=data, warnings=[])
        session.add(document)
    before = snapshot(database)

    response = api.post(f"/documents/{document.id}/issue")

    assert response.status_code == 422
    assert "pupil.birth_date" in _errors(response)
    assert snapshot(database) == before


def test_a_contract_with_an_internship_is_issued_with_its_convention_printed(
    api: Api, database: Database, libreoffice: ConverterPool, make_request
) -> None:
    pathway_id = api.create(make_request("parcours", includes_internship=True))["id"]
    before = snapshot(database)

    alone = api.post(f"/documents/{pathway_id}/issue")

    assert alone.status_code == 422
    errors = _errors(alone)
    assert list(errors) == ["internships"]
    assert "créez d'abord sa convention de stage" in errors["internships"]
    assert snapshot(database) == before
    convention_id = api.create(make_request("convention", parcours_id=pathway_id))["id"]

    issued = api.post(f"/documents/{pathway_id}/issue")

    assert issued.status_code == 200, issued.json
    assert issued.json["data"]["internships"] == [
        {
            "convention_id": convention_id,
            "host_name": "Dupont & Fils Électricité",
            "start_date": "2027-01-06",
            "end_date": "2027-03-26",
            "site_visit_date": "2027-02-03",
        }
    ]
    text = " ".join(_pdf_text(api.get(f"/documents/{pathway_id}/pdf").data).split())
    assert (
        "Stage dans l'organisme Dupont & Fils Électricité, du 6 janvier 2027 au 26 mars 2027 : "
        f"convention de stage n° {convention_id}, visite du lieu de stage prévue le 3 février 2027."
    ) in text


def test_the_internships_of_a_contract_are_not_the_callers_to_set(
    api: Api, database: Database, make_request
) -> None:
    before = snapshot(database)
    body = make_request("parcours")
    body["data"]["internships"] = [{"convention_id": 9, "host_name": "X"}]

    response = api.post("/documents", json=body)

    assert response.status_code == 422
    assert "rempli par Cosigne" in _errors(response)["internships"]
    assert snapshot(database) == before


def test_a_second_college_observation_beyond_five_days_is_refused(
    api: Api, database: Database, make_request
) -> None:
    def observation(start: str, end: str) -> dict[str, Any]:
        body = make_request(
            "convention",
            internship_type="observation_college",
            start_date=start,
            end_date=end,
            site_visit_date=start,
            pupil__class_name="3e B",
            pupil__birth_date="2011-06-01",
        )
        weekdays = ("monday", "tuesday", "wednesday", "thursday", "friday")
        body["data"]["schedule"] = {day: ["09:00-12:00"] for day in weekdays}
        return body

    first = api.create(observation("2027-01-11", "2027-01-13"))["id"]  # three days
    before = snapshot(database)

    second = api.post("/documents", json=observation("2027-02-01", "2027-02-03"))

    assert second.status_code == 422
    errors = _errors(second)
    assert list(errors) == ["end_date"]
    assert (
        f"L'élève a déjà 3 jour(s) de séquence d'observation cette année (n° {first})"
        in (errors["end_date"])
    )
    assert snapshot(database) == before
    api.create(observation("2027-02-01", "2027-02-02"))  # two more: five in all


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        ({"pupil__first_name": "Léa"}, "parcours_id", "est celui de Zoé Martin-Lefèvre"),
        ({"start_date": "2027-01-01"}, "start_date", "doit se dérouler pendant le contrat"),
    ],
)
def test_a_convention_linked_to_another_pupils_or_period_is_refused(
    api: Api, database: Database, make_request, changes: dict[str, str], field: str, expected: str
) -> None:
    pathway_id = api.create(make_request("parcours"))["id"]
    before = snapshot(database)

    body = make_request("convention", parcours_id=pathway_id, **changes)
    created = api.post("/documents", json=body)

    assert created.status_code == 422
    errors = _errors(created)
    assert list(errors) == [field]
    assert expected in errors[field]
    assert snapshot(database) == before
    fitting = api.create(make_request("convention", parcours_id=pathway_id))
    assert fitting["data"]["parcours_id"] == pathway_id


@pytest.mark.parametrize(
    ("status", "blank", "field"),
    [
        ("public", "phone", "school.phone"),
        ("public", "board_approval_date", "school.board_approval_date"),
        ("private_contract", "phone", "school.phone"),
    ],
)
def test_issue_refuses_while_the_schools_identity_is_incomplete(
    api: Api, database: Database, staff: Staff, make_request, status: str, blank: str, field: str
) -> None:
    document_id = api.create(make_request("parcours"))["id"]
    with database.transaction() as session:
        school = session.get(School, staff.school_id)
        assert school is not None
        school.status = status
        setattr(school, blank, None)
    before = snapshot(database)

    response = api.post(f"/documents/{document_id}/issue")

    assert response.status_code == 422
    errors = _errors(response)
    assert list(errors) == [field]
    assert "à renseigner avant d'émettre un document" in errors[field]
    assert "cosigne school update --uai 0440021J" in errors[field]
    assert snapshot(database) == before


def test_a_private_school_issues_without_a_board_approval(
    api: Api, database: Database, staff: Staff, libreoffice: ConverterPool, make_request
) -> None:
    document_id = api.create(make_request("convention"))["id"]
    with database.transaction() as session:
        school = session.get(School, staff.school_id)
        assert school is not None
        school.status, school.board_approval_date = "private_contract", None

    response = api.post(f"/documents/{document_id}/issue")

    assert response.status_code == 200, response.json
    pdf = api.get(f"/documents/{document_id}/pdf").data
    text = " ".join(_pdf_text(pdf).split())
    assert "l'établissement d'enseignement privé sous contrat Lycée professionnel" in text
    assert "délibération du conseil d'administration" not in text
    assert "établissement public local d'enseignement" not in text


def test_issue_when_libreoffice_fails_answers_503_and_changes_nothing(
    app: Flask, api: Api, database: Database, tmp_path: Path, make_request
) -> None:
    broken = ConverterPool(ConverterSettings(work_dir=tmp_path / "lo", soffice="/nulle/part"))
    broken.close()
    app.extensions["cosigne.converter"] = broken
    document_id = api.create(make_request("parcours"))["id"]
    before = snapshot(database)

    issued = api.post(f"/documents/{document_id}/issue")
    preview = api.get(f"/documents/{document_id}/pdf")

    for response in (issued, preview):
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "30"
        assert "La fabrication du PDF a échoué" in _errors(response)[""]
    assert snapshot(database) == before
    assert api.get(f"/documents/{document_id}").json["status"] == "draft"


def test_a_school_overseas_dates_and_times_its_documents_in_its_own_time(
    app: Flask,
    database: Database,
    clock: FrozenClock,
    libreoffice: ConverterPool,
    make_request,
) -> None:
    staff = make_staff(database, uai="9740001H")  # La Réunion, UTC+4
    api = Api(app.test_client(), staff.token)
    clock.now = datetime(2026, 11, 28, 21, 30, tzinfo=UTC)  # 22:30 in Paris, 01:30 on the 29th
    document_id = api.create(make_request("convention"))["id"]

    issued = api.post(f"/documents/{document_id}/issue")

    assert issued.status_code == 200, issued.json
    events = api.get(f"/documents/{document_id}/events").json["events"]
    assert events[1]["data"]["age_rule"]["issue_date"] == "2026-11-29"
    text = " ".join(_pdf_text(api.get(f"/documents/{document_id}/pdf").data).split())
    assert "Document établi le : 29 novembre 2026" in text
    assert "Horaires de présence (heure de La Réunion)" in text


def test_an_admin_token_reads_but_cannot_prepare_issue_remind_or_cancel(
    app: Flask, api: Api, database: Database, libreoffice: ConverterPool, make_request
) -> None:
    """The API asks the pages' table (`signing.permissions`): an admin reads, changes nothing."""
    draft = api.create(make_request("convention"))["id"]
    issued = api.create(make_request("parcours"))["id"]
    assert api.post(f"/documents/{issued}/issue").status_code == 200
    signer = api.get(f"/documents/{issued}").json["signers"][0]["id"]
    admin = Api(app.test_client(), make_staff(database, role="admin").token)
    assert admin.get(f"/documents/{issued}").status_code == 200  # the token's first use, noted
    before = snapshot(database)

    refused = {
        "create": admin.post("/documents", json=make_request("convention")),
        "update": admin.put(f"/documents/{draft}", json=make_request("convention")),
        "issue": admin.post(f"/documents/{draft}/issue"),
        "remind": admin.post(f"/documents/{issued}/signers/{signer}/remind"),
        "cancel": admin.post(f"/documents/{issued}/cancel", json={"reason": "essai"}),
    }

    for name, response in refused.items():
        assert response.status_code == 403, (name, response.json)
        (error,) = response.json["errors"]
        assert "« Administrateur » ne peut pas" in error["message"], (name, error)
    assert snapshot(database) == before
    assert admin.get(f"/documents/{issued}").status_code == 200
    assert admin.get("/documents").json["total"] == 2
    assert admin.get(f"/documents/{issued}/events").status_code == 200


def test_no_signer_may_use_the_heads_address(api: Api, database: Database, make_request) -> None:
    """A link mailed there would be the head's: she could sign for the guardian too."""
    body = make_request("convention")
    body["data"]["guardians"][0]["email"] = "Direction.0440021J@example.edu"  # the head's
    before = snapshot(database)

    response = api.post("/documents", json=body)

    assert response.status_code == 422, response.json
    assert {
        "field": "guardians[0].email",
        "message": "Ce courriel est déjà celui du chef d'établissement : chaque signataire doit "
        "avoir sa propre adresse électronique (seuls les représentants légaux peuvent partager "
        "la leur).",
    } in [{k: e[k] for k in ("field", "message")} for e in response.json["errors"]]
    assert snapshot(database) == before


def test_a_cancel_reason_with_a_bidi_override_is_refused(
    api: Api, database: Database, libreoffice: ConverterPool, make_request
) -> None:
    document_id = api.create(make_request("parcours"))["id"]
    assert api.post(f"/documents/{document_id}/issue").status_code == 200
    before = snapshot(database)

    response = api.post(
        f"/documents/{document_id}/cancel", json={"reason": "Erreur \u202edans les dates"}
    )

    assert response.status_code == 422
    (error,) = response.json["errors"]
    assert error["field"] == "reason"
    assert "(U+202E)" in error["message"]
    assert snapshot(database) == before
