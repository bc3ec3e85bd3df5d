"""Verification as a visitor of ``/verifier`` and a school's API client do it: real sealed PDFs
(sealed with the app's own seal), real databases, files changed the way a forger would."""

from __future__ import annotations

import hashlib
import html
import io
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from db import database, database_url, postgres_server, postgres_url
from factories import make_school, make_user, serving_app
from flask import Flask
from flask.testing import FlaskClient
from pdftools import slow_pdf
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pypdf import PdfWriter
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, encode_multipart

from service.accounts.api_tokens import create_api_token
from service.db import Database
from service.documents.models import Document
from service.signers.models import Signer
from service.verify.checks import OTHER_SCHOOL, UNKNOWN
from signing.pdf.dev_seal import ensure_dev_seal
from signing.pdf.seal import Sealer, SealSettings

__all__ = ["database", "database_url", "postgres_server", "postgres_url"]  # fixtures used below

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
COMPLETED_AT = datetime(2026, 11, 27, 15, 42, tzinfo=UTC)
SIGNERS = (
    # role, first name, last name, signed at (UTC)
    ("pupil", "Lina", "Nguyễn", datetime(2026, 11, 26, 8, 5, tzinfo=UTC)),
    ("guardian", "Nadia", "Marchetti", datetime(2026, 11, 26, 19, 30, tzinfo=UTC)),
    ("head", "Anne", "Leroy", datetime(2026, 11, 27, 15, 40, tzinfo=UTC)),
)
NAMES = ("Lina", "Nguyễn", "Nadia", "Marchetti", "Leroy")


# ---------------------------------------------------------------------------------------------
# Fixtures


def make_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Producer": "Cosigne tests"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seal(tmp_path_factory: pytest.TempPathFactory) -> SealSettings:
    """The app's seal: generated once, handed to the app as COSIGNE_SEAL_P12."""
    return ensure_dev_seal(tmp_path_factory.mktemp("seal"))


@pytest.fixture(scope="module")
def sealed(seal: SealSettings) -> bytes:
    return Sealer(seal).seal(make_pdf(), document_id=1)


@pytest.fixture
def app(
    database: Database, database_url: str, seal: SealSettings, tmp_path: Path, monkeypatch
) -> Iterator[Flask]:
    app = serving_app(
        database_url,
        tmp_path,
        monkeypatch,
        COSIGNE_SEAL_P12=str(seal.p12_path),
        COSIGNE_SEAL_PASSPHRASE=(seal.passphrase or b"").decode(),
    )
    yield app
    app.extensions["cosigne.db"].dispose()


@dataclass(frozen=True)
class Staff:
    school_id: int
    token: str


def make_staff(db: Database, uai: str) -> Staff:
    """A school, its head, and an API token of theirs."""
    school = make_school(db, uai=uai)
    user = make_user(db, school)
    with db.transaction() as session:
        token = create_api_token(session, session.merge(user))
    return Staff(school.id, token.secret)


def make_completed(db: Database, school_id: int, final_pdf: bytes) -> int:
    """A completed document whose final PDF is `final_pdf`, signed by a minor pupil, a guardian
    and the head; its id."""
    with db.transaction() as session:
        document = Document(
            school_id=school_id,
            kind="convention",
            state="completed",
            data={"pupil": {"first_name": "Lina", "last_name": "Nguyễn"}},
            final_pdf_sha256=hashlib.sha256(final_pdf).hexdigest(),
            completed_at=COMPLETED_AT,
        )
        session.add(document)
        session.flush()
        for position, (role, first, last, at) in enumerate(SIGNERS):
            session.add(
                Signer(
                    document_id=document.id,
                    role=role,
                    position=position,
                    first_name=first,
                    last_name=last,
                    email=f"{first.lower()}@example.org",
                    state="signed",
                    signed_at=at,
                )
            )
        return document.id


@pytest.fixture
def staff(database: Database) -> Staff:
    return make_staff(database, "0440021J")


@pytest.fixture
def other_staff(database: Database) -> Staff:
    return make_staff(database, "0170022G")


def changed_byte(sealed: bytes) -> bytes:
    """One letter changed inside the bytes the seal covers."""
    where = sealed.index(b"Cosigne tests")
    assert where < sealed.index(b"/Contents <")
    tampered = bytearray(sealed)
    tampered[where] = ord("c")
    return bytes(tampered)


def appended(sealed: bytes) -> bytes:
    """An incremental update after the seal, as any PDF editor writes one."""
    writer = IncrementalPdfFileWriter(io.BytesIO(sealed))
    writer.root["/Lang"] = generic.TextStringObject("en-GB")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    assert out.getvalue().startswith(sealed)
    return out.getvalue()


def text(response: TestResponse) -> str:
    """The page as a person reads it: tags removed, entities decoded, spaces collapsed."""
    without_tags = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return " ".join(html.unescape(without_tags).split())


def csrf_token(client: FlaskClient) -> str:
    response = client.get("/verifier")
    assert response.status_code == 200
    match = CSRF.search(response.get_data(as_text=True))
    assert match
    return match.group(1)


def upload(client: FlaskClient, data: bytes, name: str = "convention.pdf") -> TestResponse:
    return client.post(
        "/verifier",
        data={"csrf_token": csrf_token(client), "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def api_verify(client: FlaskClient, token: str, data: bytes | None) -> TestResponse:
    form = {} if data is None else {"file": (io.BytesIO(data), "document.pdf")}
    return client.post(
        "/api/v1/verify",
        data=form,
        content_type="multipart/form-data",
        headers={"Authorization": f"Bearer {token}"},
    )


# ---------------------------------------------------------------------------------------------
# The public page


def test_the_page_shows_an_upload_form(app: Flask) -> None:
    response = app.test_client().get("/verifier")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page
    assert CSRF.search(page)
    assert response.headers["Cache-Control"] == "no-store"


def test_an_archived_file_is_valid_intact_and_known_without_naming_anyone(
    app: Flask, database: Database, staff: Staff, sealed: bytes
) -> None:
    document_id = make_completed(database, staff.school_id, sealed)

    response = upload(app.test_client(), sealed)

    page = text(response)
    assert response.status_code == 200, page
    assert "Document authentique" in page
    assert "Sceau valide : Cachet Cosigne (développement)" in page
    assert "Document intact" in page
    assert "Connu de Cosigne : oui" in page
    assert "Convention de stage" in page
    assert f"Document n° : {document_id}" in page
    assert "27 novembre 2026 à 16 h 42" in page  # completion, Paris time
    assert "L'élève 26 novembre 2026 à 9 h 05" in page
    assert "Le représentant légal 26 novembre 2026 à 20 h 30" in page
    assert "Le chef d'établissement 27 novembre 2026 à 16 h 40" in page
    for name in NAMES:
        assert name not in page


def test_a_file_from_a_school_overseas_gives_its_times_in_the_schools_time(
    app: Flask, database: Database, sealed: bytes
) -> None:
    reunion = make_staff(database, "9740001H")  # La Réunion, UTC+4
    make_completed(database, reunion.school_id, sealed)

    page = text(upload(app.test_client(), sealed))

    assert "27 novembre 2026 à 19 h 42 (heure de La Réunion)" in page  # completion, 15:42 UTC
    assert "Signé le (heure de La Réunion)" in page
    assert "L'élève 26 novembre 2026 à 12 h 05" in page
    assert "heure de Paris" not in page


def test_a_swapped_pointer_is_reported_never_believed(
    app: Flask, database: Database, staff: Staff, sealed: bytes
) -> None:
    """Document 2's final-PDF hash set to document 1's: the file is claimed twice, and the seal
    (« document n° 1 ») is compared with the records."""
    first = make_completed(database, staff.school_id, sealed)
    second = make_completed(database, staff.school_id, b"another final PDF")
    assert first == 1  # the number `sealed` carries in its seal
    with database.transaction() as session:
        session.get(Document, second).final_pdf_sha256 = hashlib.sha256(sealed).hexdigest()

    page = text(upload(app.test_client(), sealed))
    body = api_verify(app.test_client(), staff.token, sealed).json

    assert "Document authentique" not in page
    assert f"Plusieurs documents (n° {first}, n° {second}) désignent ce même fichier" in page
    assert body["known"] is False
    assert any("Plusieurs documents" in problem for problem in body["problems"])


def test_a_file_sealed_for_another_document_is_not_that_document(
    app: Flask, database: Database, staff: Staff, sealed: bytes
) -> None:
    with database.transaction() as session:  # document 1 exists, with another file
        session.add(Document(school_id=staff.school_id, kind="convention", state="draft", data={}))
    make_completed(database, staff.school_id, sealed)  # document 2 points at document 1's file

    page = text(upload(app.test_client(), sealed))

    assert "Document authentique" not in page
    assert "Le cachet de ce fichier est celui du document n° 1" in page
    assert "rattachent au document n° 2" in page


def test_one_byte_changed_is_not_valid(
    app: Flask, database: Database, staff: Staff, sealed: bytes
) -> None:
    make_completed(database, staff.school_id, sealed)

    page = text(upload(app.test_client(), changed_byte(sealed)))

    assert "Sceau non valide" in page
    assert "Document modifié après scellement" in page
    assert "Connu de Cosigne : non" in page
    assert "a été modifié" in page
    assert "Document authentique" not in page


def test_an_update_appended_after_the_seal_is_not_intact(
    app: Flask, database: Database, staff: Staff, sealed: bytes
) -> None:
    make_completed(database, staff.school_id, sealed)

    page = text(upload(app.test_client(), appended(sealed)))

    assert "Sceau valide" in page
    assert "Document modifié après scellement" in page
    assert "Connu de Cosigne : non" in page
    assert "mise à jour incrémentale" in page
    assert "Document authentique" not in page


def test_a_sealed_file_we_never_archived_is_not_known(app: Flask, sealed: bytes) -> None:
    page = text(upload(app.test_client(), sealed))

    assert "Sceau valide" in page
    assert "Document intact" in page
    assert "Connu de Cosigne : non" in page
    assert UNKNOWN in page
    assert "Document authentique" not in page


def test_a_file_that_is_not_a_pdf_is_said_so(app: Flask) -> None:
    response = upload(app.test_client(), b"PK\x03\x04 un document Word", name="contrat.docx")

    assert response.status_code == 200
    assert "Ce fichier n'est pas un PDF." in text(response)


def test_a_file_too_slow_to_read_is_stopped_and_the_next_one_still_verified(
    app: Flask, database: Database, staff: Staff, sealed: bytes
) -> None:
    make_completed(database, staff.school_id, sealed)
    client = app.test_client()
    app.config["COSIGNE_VERIFY_TIMEOUT"] = 0.3
    started = time.monotonic()

    # Encoded here, in memory: the test client would spool so large a body to a file it never
    # closes.
    slow_file = FileStorage(io.BytesIO(slow_pdf(600_000)), "lent.pdf")  # 12 MB: under the limit
    boundary, body = encode_multipart({"csrf_token": csrf_token(client), "file": slow_file})
    slow = client.post(
        "/verifier", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )

    assert time.monotonic() - started < 3.0
    assert slow.status_code == 200
    assert "Le fichier n'a pas pu être analysé dans le temps imparti." in text(slow)
    app.config["COSIGNE_VERIFY_TIMEOUT"] = 10.0
    after = upload(client, sealed)
    assert after.status_code == 200
    assert "Document authentique" in text(after)


def test_a_file_over_the_limit_is_refused_before_being_read(app: Flask, sealed: bytes) -> None:
    app.config["COSIGNE_VERIFY_MAX_BYTES"] = 2048

    response = upload(app.test_client(), sealed)

    assert response.status_code == 413
    assert "Le fichier dépasse la taille maximale acceptée (2 Ko)." in text(response)


def test_a_request_over_the_limit_is_refused_unread(app: Flask, staff: Staff) -> None:
    app.config["COSIGNE_VERIFY_MAX_BYTES"] = 2048
    huge = b"%PDF-1.7\n" + b"0" * 200_000  # beyond the file limit and the form's allowance
    client = app.test_client()

    page = upload(client, huge)
    api = api_verify(client, staff.token, huge)

    assert page.status_code == api.status_code == 413
    assert "Le fichier dépasse la taille maximale acceptée (2 Ko)." in text(page)
    assert api.json["errors"][0]["field"] == "file"


def test_a_form_without_a_file_asks_for_one(app: Flask) -> None:
    client = app.test_client()

    response = client.post("/verifier", data={"csrf_token": csrf_token(client)})

    assert response.status_code == 422
    assert "Choisissez le fichier PDF à vérifier." in text(response)


@pytest.mark.parametrize("token", [None, "forged"])
def test_the_form_needs_its_csrf_token(app: Flask, sealed: bytes, token: str | None) -> None:
    client = app.test_client()
    csrf_token(client)  # the session exists: only the token is missing or wrong
    form = {"file": (io.BytesIO(sealed), "convention.pdf")}
    if token is not None:
        form["csrf_token"] = token

    response = client.post("/verifier", data=form, content_type="multipart/form-data")

    assert response.status_code == 400
    page = text(response)
    assert "Votre demande n'a pas pu être vérifiée" in page
    assert "Résultat de la vérification" not in page


# ---------------------------------------------------------------------------------------------
# The API


def test_the_api_tells_its_school_which_document_and_who_signed(
    app: Flask, database: Database, staff: Staff, sealed: bytes
) -> None:
    document_id = make_completed(database, staff.school_id, sealed)

    response = api_verify(app.test_client(), staff.token, sealed)

    assert response.status_code == 200, response.json
    body = response.json
    assert body["is_pdf"] is True
    assert body["seal_valid"] is True
    assert body["intact"] is True
    assert body["known"] is True
    assert body["trustworthy"] is True
    assert body["document_id"] == document_id
    assert body["kind"] == "convention"
    assert body["completed_at"] == "2026-11-27T15:42:00.000000Z"
    assert body["signed_by"] == "Cachet Cosigne (développement)"
    assert body["problems"] == []
    assert [(s["role"], s["name"], s["signed_at"]) for s in body["signers"]] == [
        ("pupil", "Lina Nguyễn", "2026-11-26T08:05:00.000000Z"),
        ("guardian", "Nadia Marchetti", "2026-11-26T19:30:00.000000Z"),
        ("head", "Anne Leroy", "2026-11-27T15:40:00.000000Z"),
    ]
    assert response.headers["Cache-Control"] == "no-store"


def test_another_schools_document_is_not_known_and_not_disclosed(
    app: Flask, database: Database, staff: Staff, other_staff: Staff, sealed: bytes
) -> None:
    make_completed(database, other_staff.school_id, sealed)

    response = api_verify(app.test_client(), staff.token, sealed)

    assert response.status_code == 200
    body = response.json
    assert body["seal_valid"] is True
    assert body["intact"] is True
    assert body["known"] is False
    assert body["trustworthy"] is False
    assert body["document_id"] is None
    assert body["kind"] is None
    assert body["completed_at"] is None
    assert body["signers"] == []
    assert body["problems"] == [OTHER_SCHOOL]
    for name in NAMES:
        assert name not in response.get_data(as_text=True)


def test_the_api_reports_a_changed_byte_and_an_appended_update(
    app: Flask, database: Database, staff: Staff, sealed: bytes
) -> None:
    make_completed(database, staff.school_id, sealed)
    client = app.test_client()

    changed = api_verify(client, staff.token, changed_byte(sealed)).json
    updated = api_verify(client, staff.token, appended(sealed)).json

    assert (changed["seal_valid"], changed["intact"], changed["known"]) == (False, False, False)
    assert (updated["seal_valid"], updated["intact"], updated["known"]) == (True, False, False)
    assert any("mise à jour incrémentale" in problem for problem in updated["problems"])
    assert changed["signers"] == updated["signers"] == []


def test_the_api_answers_a_file_that_is_not_a_pdf(app: Flask, staff: Staff) -> None:
    response = api_verify(app.test_client(), staff.token, b"GIF89a pas un PDF")

    assert response.status_code == 200
    body = response.json
    assert body["is_pdf"] is False
    assert body["seal_valid"] is False
    assert body["known"] is False
    assert body["problems"] == ["Ce fichier n'est pas un PDF."]


def test_the_api_answers_a_broken_pdf(app: Flask, staff: Staff, sealed: bytes) -> None:
    response = api_verify(app.test_client(), staff.token, sealed[: len(sealed) // 2])

    assert response.status_code == 200
    body = response.json
    assert body["is_pdf"] is True
    assert (body["seal_valid"], body["intact"], body["known"]) == (False, False, False)
    assert body["problems"]


def test_the_api_needs_a_file(app: Flask, staff: Staff) -> None:
    client = app.test_client()

    missing = api_verify(client, staff.token, None)
    as_json = client.post(
        "/api/v1/verify", json={"file": "x"}, headers={"Authorization": f"Bearer {staff.token}"}
    )
    empty = api_verify(client, staff.token, b"")

    for response in (missing, as_json, empty):
        assert response.status_code == 422
        (error,) = response.json["errors"]
        assert error["field"] == "file"


def test_the_api_refuses_a_file_over_the_limit(app: Flask, staff: Staff, sealed: bytes) -> None:
    app.config["COSIGNE_VERIFY_MAX_BYTES"] = 2048

    response = api_verify(app.test_client(), staff.token, sealed)

    assert response.status_code == 413
    assert response.json == {
        "errors": [
            {
                "field": "file",
                "message": "Le fichier dépasse la taille maximale acceptée (2 Ko).",
            }
        ]
    }


@pytest.mark.parametrize("header", [None, "Bearer inconnu"])
def test_the_api_needs_a_token(app: Flask, sealed: bytes, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}

    response = app.test_client().post(
        "/api/v1/verify",
        data={"file": (io.BytesIO(sealed), "document.pdf")},
        content_type="multipart/form-data",
        headers=headers,
    )

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_api_description_lists_verification(app: Flask) -> None:
    description = app.test_client().get("/api/v1/openapi.json").json

    operation = description["paths"]["/verify"]["post"]
    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert {"200", "401", "413", "422"} <= set(operation["responses"])
