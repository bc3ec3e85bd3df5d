"""Staff accounts through the Flask test client, on real SQLite and PostgreSQL databases: login,
its rate limit, logout, password links read from the outbox, the users page, /dev/outbox and
`cosigne demo`."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from db import count, database, database_url, postgres_server, postgres_url
from factories import FrozenClock, make_school, make_user
from flask import Flask, render_template_string
from flask.cli import ScriptInfo
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from service import create_app
from service.accounts import csrf
from service.accounts.log_in import LOGIN_FAILED, MAX_FAILURES_PER_IP, MAX_FAILURES_PER_LOGIN
from service.accounts.models import School, User
from service.accounts.passwords import set_password
from service.accounts.request_password_reset import MAX_RESET_MAILS
from service.accounts.session import login_required, role_label
from service.cli import cli
from service.db import Database
from service.documents.models import Document
from service.mail.addresses import find_links
from service.mail.models import OutboxMessage
from signing.pdf.convert import ConverterPool

__all__ = ["database", "database_url", "postgres_server", "postgres_url"]  # fixtures used below

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
PASSWORD = "correct cheval pile agrafe"  # noqa: S105 — a test account's
BASE_URL = "http://cosigne.test"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


# ---------------------------------------------------------------------------------------------
# Fixtures and helpers


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


def _make_app(
    env: str, database_url: str, clock: FrozenClock, tmp_path: Path, monkeypatch
) -> Flask:
    monkeypatch.setenv("COSIGNE_ENV", env)
    monkeypatch.setenv("COSIGNE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COSIGNE_DATABASE_URL", database_url)
    monkeypatch.setenv("COSIGNE_BASE_URL", BASE_URL)
    for name in ("COSIGNE_SECRET_KEY", "COSIGNE_SECRET_KEY_FALLBACKS", "COSIGNE_SMTP_HOST"):
        monkeypatch.delenv(name, raising=False)
    return create_app({"TESTING": True, "COSIGNE_CLOCK": clock})


@pytest.fixture
def app(
    database: Database, database_url: str, clock: FrozenClock, tmp_path: Path, monkeypatch
) -> Iterator[Flask]:
    app = _make_app("test", database_url, clock, tmp_path, monkeypatch)
    yield app
    app.extensions["cosigne.db"].dispose()


@pytest.fixture
def db(app: Flask) -> Database:
    return app.extensions["cosigne.db"]


@pytest.fixture
def school(db: Database) -> School:
    return make_school(db)


def make_staff(db: Database, school: School, role: str = "head", **values) -> User:
    """A user of `school` who has chosen `PASSWORD`."""
    user = make_user(db, school, role=role, **values)
    with db.transaction() as tx:
        row = tx.get(User, user.id)
        set_password(row, PASSWORD)
    return user


@pytest.fixture
def head(db: Database, school: School) -> User:
    return make_staff(db, school, "head", email="anne.leroy@example.edu")


def browser(app: Flask, ip: str = "203.0.113.7") -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    return client


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return browser(app)


def token_of(client: FlaskClient) -> str:
    """The CSRF token of this browser's session, read from a form as a browser would: the login
    page's, or once logged in the logout button's on the users page, else the session's own."""
    for path in ("/connexion", "/utilisateurs"):
        match = CSRF.search(client.get(path).get_data(as_text=True))
        if match:
            return match.group(1)
    with client.session_transaction() as session:  # a referent: no form of ours to read
        secret = session.setdefault("csrf_secret", secrets.token_urlsafe(32))
    app = client.application
    with app.test_request_context():
        return csrf._mac(app.secret_key, secret)


def login(
    client: FlaskClient, email: str, password: str = PASSWORD, next_path: str | None = None
) -> TestResponse:
    form = {"email": email, "password": password, "csrf_token": token_of(client)}
    if next_path is not None:
        form["next"] = next_path
    return client.post("/connexion", data=form)


def post(client: FlaskClient, path: str, form: dict[str, str] | None = None) -> TestResponse:
    """A POST with this session's CSRF token (taken from the users page or the login page)."""
    return client.post(path, data={**(form or {}), "csrf_token": token_of(client)})


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def is_logged_in(client: FlaskClient) -> bool:
    response = client.get("/utilisateurs")
    return response.status_code != 302


def outbox(db: Database, to: str) -> list[OutboxMessage]:
    with db.new_session() as session:
        return list(
            session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.to_address == to)
                .order_by(OutboxMessage.id)
            )
        )


def password_path(message: OutboxMessage) -> str:
    links = [u for u in find_links(message.text_body) if "/compte/mot-de-passe/" in u]
    assert len(links) == 1, message.text_body
    assert links[0].startswith(BASE_URL)
    return links[0].removeprefix(BASE_URL)


def user_row(db: Database, user_id: int) -> User:
    with db.new_session() as session:
        user = session.get(User, user_id)
        assert user is not None
        return user


# ---------------------------------------------------------------------------------------------
# Login


def test_login_opens_a_session_and_goes_to_the_dashboard(client: FlaskClient, head: User) -> None:
    response = login(client, "Anne.Leroy@Example.edu ")

    assert response.status_code == 302
    assert response.headers["Location"] == "/tableau-de-bord"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Expires=" in cookie  # a permanent session: 8 hours
    page = client.get("/utilisateurs")
    assert page.status_code == 200
    assert head.full_name in text(page)
    assert "Lycée professionnel Michelet" in text(page)
    assert "Se déconnecter" in text(page)


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("anne.leroy@example.edu", "pas le bon mot de passe"),
        ("personne@example.edu", PASSWORD),
        ("pas une adresse", PASSWORD),
        ("anne.leroy@example.edu", ""),
    ],
)
def test_a_failed_login_says_the_same_thing_whatever_was_wrong(
    client: FlaskClient, head: User, email: str, password: str
) -> None:
    response = login(client, email, password)

    assert response.status_code == 200
    assert LOGIN_FAILED in text(response)
    assert 'role="alert"' in text(response)
    assert not is_logged_in(client)


def test_a_user_without_a_password_yet_cannot_log_in(
    client: FlaskClient, db: Database, school: School
) -> None:
    user = make_user(db, school, role="referent")

    assert LOGIN_FAILED in text(login(client, user.email, ""))


def test_failures_on_one_address_lock_it_whatever_the_case(
    app: Flask, head: User, clock: FrozenClock
) -> None:
    for i, spelling in enumerate(
        ["anne.leroy@example.edu", "ANNE.LEROY@EXAMPLE.EDU", " Anne.Leroy@example.edu"] * 2
    ):
        if i == MAX_FAILURES_PER_LOGIN:
            break
        response = login(browser(app, f"198.51.100.{i}"), spelling, "mauvais")
        assert LOGIN_FAILED in text(response)

    # Even the right password, from another address, in another case, must wait.
    client = browser(app, "192.0.2.99")
    response = login(client, "Anne.LEROY@example.edu", PASSWORD)
    assert response.status_code == 429
    assert "attendez 15 minutes" in text(response)
    assert not is_logged_in(client)

    clock.advance(minutes=16)
    assert login(client, "anne.leroy@example.edu").status_code == 302
    assert is_logged_in(client)


def test_failures_from_one_ip_lock_that_ip(app: Flask, db: Database, head: User) -> None:
    for i in range(MAX_FAILURES_PER_IP):
        login(browser(app, "198.51.100.1"), f"essai{i}@example.edu", "mauvais")

    assert login(browser(app, "198.51.100.1"), head.email).status_code == 429
    assert login(browser(app, "198.51.100.2"), head.email).status_code == 302


def test_a_success_clears_the_failures_of_the_address(app: Flask, head: User) -> None:
    client = browser(app)
    for _ in range(MAX_FAILURES_PER_LOGIN - 1):
        login(client, head.email, "mauvais")
    assert login(client, head.email).status_code == 302

    other = browser(app)
    for _ in range(MAX_FAILURES_PER_LOGIN - 1):
        login(other, head.email, "mauvais")
    assert login(other, head.email).status_code == 302


def test_a_staff_page_sends_to_login_then_back(client: FlaskClient, head: User) -> None:
    response = client.get("/utilisateurs?tri=nom")

    assert response.status_code == 302
    assert response.headers["Location"] == "/connexion?next=/utilisateurs?tri%3Dnom"
    form = client.get(response.headers["Location"])
    assert 'value="/utilisateurs?tri=nom"' in text(form)
    assert login(client, head.email, next_path="/utilisateurs?tri=nom").headers["Location"] == (
        "/utilisateurs?tri=nom"
    )


@pytest.mark.parametrize(
    "next_path",
    [
        "https://evil.example/connexion",
        "//evil.example/connexion",
        "/\\evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/\r\nLocation: https://evil.example",
    ],
)
def test_next_accepts_only_paths_of_this_site(
    client: FlaskClient, head: User, next_path: str
) -> None:
    response = login(client, head.email, next_path=next_path)

    assert response.status_code == 302
    assert response.headers["Location"] == "/tableau-de-bord"


def test_login_starts_a_new_session(client: FlaskClient, head: User) -> None:
    before = token_of(client)
    login(client, head.email)

    assert token_of(client) != before


# ---------------------------------------------------------------------------------------------
# Logout, sessions ended elsewhere


def test_logout_ends_the_session_and_an_old_cookie_with_it(client: FlaskClient, head: User) -> None:
    login(client, head.email)
    old_cookie = client.get_cookie("session")
    assert old_cookie is not None

    response = post(client, "/deconnexion")

    assert response.status_code == 302
    assert response.headers["Location"] == "/connexion"
    assert "Vous êtes déconnecté." in text(client.get("/connexion"))
    assert not is_logged_in(client)
    client.set_cookie("session", old_cookie.value)
    assert not is_logged_in(client)


def test_a_deactivated_user_is_logged_out_at_once(
    app: Flask, db: Database, school: School, head: User
) -> None:
    referent = make_staff(db, school, "referent")
    theirs, manager = browser(app), browser(app)
    assert login(theirs, referent.email).status_code == 302
    login(manager, head.email)

    response = post(manager, f"/utilisateurs/{referent.id}/desactiver")

    assert response.status_code == 302
    assert "est désactivé" in text(manager.get("/utilisateurs"))
    assert theirs.get("/utilisateurs").status_code == 302  # logged out, not a 403
    assert LOGIN_FAILED in text(login(theirs, referent.email))

    post(manager, f"/utilisateurs/{referent.id}/reactiver")
    assert login(theirs, referent.email).status_code == 302


# ---------------------------------------------------------------------------------------------
# CSRF


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/connexion", {"email": "anne.leroy@example.edu", "password": PASSWORD}),
        ("/compte/mot-de-passe-oublie", {"email": "anne.leroy@example.edu"}),
        ("/deconnexion", {}),
        (
            "/utilisateurs",
            {"email": "x@example.edu", "first_name": "X", "last_name": "Y", "role": "head"},
        ),
    ],
)
def test_every_form_needs_its_csrf_token(
    app: Flask, db: Database, head: User, path: str, form: dict[str, str]
) -> None:
    client = browser(app)
    login(client, head.email)
    users, messages = count(db, "users"), count(db, "outbox")

    for token in (None, "faux"):
        data = form if token is None else {**form, "csrf_token": token}
        response = client.post(path, data=data)
        assert response.status_code == 400
        assert "Votre demande n’a pas pu être vérifiée" in text(response) or (
            "La demande est incorrecte." in text(response)
        )

    assert is_logged_in(client)
    assert (count(db, "users"), count(db, "outbox")) == (users, messages)


def test_no_csrf_token_no_login(client: FlaskClient, head: User) -> None:
    response = client.post("/connexion", data={"email": head.email, "password": PASSWORD})

    assert response.status_code == 400
    assert not is_logged_in(client)


# ---------------------------------------------------------------------------------------------
# Password links


def test_password_reset_end_to_end_through_the_outbox(app: Flask, db: Database, head: User) -> None:
    elsewhere = browser(app)
    login(elsewhere, head.email)
    client = browser(app)

    response = post(client, "/compte/mot-de-passe-oublie", {"email": "ANNE.LEROY@example.edu"})
    unknown = post(client, "/compte/mot-de-passe-oublie", {"email": "personne@example.edu"})

    assert response.status_code == unknown.status_code == 200
    assert "Si un compte actif existe" in text(response)
    same = text(response).replace("ANNE.LEROY@example.edu", "X")
    assert same == text(unknown).replace("personne@example.edu", "X")
    assert outbox(db, "personne@example.edu") == []
    [message] = outbox(db, head.email)
    assert message.subject == "Cosigne : choisir un nouveau mot de passe"
    assert "valable 1 heure" in message.text_body
    path = password_path(message)

    form = client.get(path)
    assert form.status_code == 200
    assert "Choisir un nouveau mot de passe" in text(form)
    assert head.email in text(form)

    short = post(client, path, {"password": "court", "password_confirmation": "court"})
    assert short.status_code == 422
    assert "au moins 12 caractères" in text(short)
    assert 'aria-invalid="true"' in text(short)
    different = post(
        client, path, {"password": "une phrase assez longue", "password_confirmation": "autre"}
    )
    assert different.status_code == 422
    assert "ne sont pas identiques" in text(different)

    new = "une nouvelle phrase secrète"
    done = post(client, path, {"password": new, "password_confirmation": new})
    assert done.status_code == 302
    assert done.headers["Location"] == "/connexion"
    assert "Votre mot de passe est enregistré" in text(client.get("/connexion"))

    again = client.get(path)
    assert again.status_code == 410
    assert "Ce lien a déjà servi" in text(again)
    assert (
        post(client, path, {"password": "x" * 20, "password_confirmation": "x" * 20}).status_code
        == 410
    )
    assert not is_logged_in(elsewhere)  # the old password's sessions are over
    assert LOGIN_FAILED in text(login(client, head.email, PASSWORD))
    assert login(client, head.email, new).status_code == 302


def test_a_reset_link_lives_one_hour_and_the_newest_wins(
    client: FlaskClient, db: Database, head: User, clock: FrozenClock
) -> None:
    post(client, "/compte/mot-de-passe-oublie", {"email": head.email})
    clock.advance(minutes=5)
    post(client, "/compte/mot-de-passe-oublie", {"email": head.email})
    first, second = (password_path(m) for m in outbox(db, head.email))

    assert "déjà servi" in text(client.get(first))
    assert client.get(second).status_code == 200
    clock.advance(minutes=61)
    expired = client.get(second)
    assert expired.status_code == 410
    assert "Ce lien a expiré" in text(expired)


def test_reset_mails_to_one_address_are_limited(
    client: FlaskClient, db: Database, head: User, clock: FrozenClock
) -> None:
    for _ in range(MAX_RESET_MAILS + 2):
        response = post(client, "/compte/mot-de-passe-oublie", {"email": head.email})
        assert "Si un compte actif existe" in text(response)

    assert len(outbox(db, head.email)) == MAX_RESET_MAILS
    clock.advance(minutes=16)
    post(client, "/compte/mot-de-passe-oublie", {"email": head.email})
    assert len(outbox(db, head.email)) == MAX_RESET_MAILS + 1


@pytest.mark.parametrize("token", ["abc", "x" * 600])
def test_a_garbled_link_gets_a_french_page(client: FlaskClient, token: str) -> None:
    response = client.get(f"/compte/mot-de-passe/{token}")

    assert response.status_code == 404
    assert "Ce lien n’est pas valable" in text(response)


def test_a_deactivated_user_gets_no_reset_mail(
    client: FlaskClient, db: Database, school: School
) -> None:
    user = make_staff(db, school, "referent", active=False)

    response = post(client, "/compte/mot-de-passe-oublie", {"email": user.email})

    assert "Si un compte actif existe" in text(response)
    assert outbox(db, user.email) == []


# ---------------------------------------------------------------------------------------------
# Users page


def test_the_users_page_lists_only_the_school_staff(
    app: Flask, db: Database, school: School, head: User
) -> None:
    other_school = make_school(db, uai="0170022G", name="Collège Fromentin")
    stranger = make_staff(db, other_school, "referent", email="stranger@example.edu")
    colleague = make_staff(db, school, "referent", email="colleague@example.edu")
    client = browser(app)
    login(client, head.email)

    page = text(client.get("/utilisateurs"))

    assert colleague.email in page
    assert stranger.email not in page
    for action in ("desactiver", "reactiver"):
        assert post(client, f"/utilisateurs/{stranger.id}/{action}").status_code == 404
        assert post(client, f"/utilisateurs/999999/{action}").status_code == 404
    assert user_row(db, stranger.id).active


@pytest.mark.parametrize("role", ["referent"])
def test_referents_cannot_manage_users(app: Flask, db: Database, school: School, role: str) -> None:
    user = make_staff(db, school, role)
    colleague = make_staff(db, school, "referent")
    client = browser(app)
    login(client, user.email)

    assert client.get("/utilisateurs").status_code == 403
    assert "Vous n’avez pas accès à cette page." in text(client.get("/utilisateurs"))
    response = client.post(
        f"/utilisateurs/{colleague.id}/desactiver", data={"csrf_token": token_of(client)}
    )
    assert response.status_code in (400, 403)
    assert user_row(db, colleague.id).active


@pytest.mark.parametrize(
    ("role", "sees_users"), [("head", True), ("admin", True), ("referent", False)]
)
def test_the_staff_layout_shows_who_is_there_and_what_they_may_open(
    app: Flask, db: Database, school: School, role: str, sees_users: bool
) -> None:
    """A page of another blueprint, as the documents pages use the interface."""

    @login_required()
    def any_staff() -> str:
        return render_template_string(
            '{% extends "staff/layout.html" %}{% block staff_content %}<h1>Essai</h1>{% endblock %}'
        )

    @login_required("head")
    def heads_only() -> str:
        return "ok"

    app.add_url_rule("/essai", view_func=any_staff)
    app.add_url_rule("/essai/direction", view_func=heads_only)
    user = make_staff(db, school, role, first_name="Jeanne", last_name="Essai")
    client = browser(app)
    assert client.get("/essai").headers["Location"] == "/connexion?next=/essai"
    login(client, user.email)

    page = text(client.get("/essai"))

    assert "Jeanne Essai" in page
    assert role_label(role) in page
    assert school.name in page
    assert 'action="/deconnexion"' in page
    assert ('href="/utilisateurs"' in page) is sees_users
    assert 'href="/tableau-de-bord"' in page
    for href in ("/documents/nouveau/parcours", "/documents/nouveau/convention"):
        # An admin manages users and reads documents; only heads and referents create them.
        assert (f'href="{href}"' in page) is (role != "admin")
        assert client.get(href).status_code == (403 if role == "admin" else 200)
    assert client.get("/essai/direction").status_code == (200 if role == "head" else 403)


def test_nobody_deactivates_themselves(client: FlaskClient, db: Database, head: User) -> None:
    login(client, head.email)

    response = post(client, f"/utilisateurs/{head.id}/desactiver")

    assert response.status_code == 302
    assert "votre propre compte" in text(client.get("/utilisateurs"))
    assert user_row(db, head.id).active


def test_an_admin_manages_referents_and_admins_but_not_heads(
    app: Flask, db: Database, school: School, head: User
) -> None:
    admin = make_staff(db, school, "admin")
    client = browser(app)
    login(client, admin.email)

    page = text(client.get("/utilisateurs"))
    assert '<option value="head"' not in page
    assert post(client, f"/utilisateurs/{head.id}/desactiver").status_code == 403
    assert user_row(db, head.id).active
    response = post(
        client,
        "/utilisateurs",
        {
            "email": "nouveau@example.edu",
            "first_name": "Nouveau",
            "last_name": "Chef",
            "role": "head",
        },
    )
    assert response.status_code == 422
    assert "Choisissez un rôle" in text(response)


def test_inviting_a_user_creates_the_account_and_mails_a_link(
    app: Flask, db: Database, school: School, head: User
) -> None:
    client = browser(app)
    login(client, head.email)

    response = post(
        client,
        "/utilisateurs",
        {
            "email": "Paul.Durand@Example.edu",
            "first_name": " Paul ",
            "last_name": "Durand",
            "role": "referent",
        },
    )

    assert response.status_code == 302
    assert "Le compte de Paul Durand est créé" in text(client.get("/utilisateurs"))
    [message] = outbox(db, "paul.durand@example.edu")
    assert message.subject == "Votre compte Cosigne – Lycée professionnel Michelet"
    path = password_path(message)
    duplicate = post(
        client,
        "/utilisateurs",
        {"email": "paul.durand@example.edu", "first_name": "P", "last_name": "D", "role": "admin"},
    )
    assert duplicate.status_code == 422
    assert "Un compte existe déjà" in text(duplicate)

    newcomer = browser(app)
    assert "Choisir votre mot de passe" in text(newcomer.get(path))
    chosen = "le mot de passe de Paul"
    post(newcomer, path, {"password": chosen, "password_confirmation": chosen})
    assert login(newcomer, "paul.durand@example.edu", chosen).status_code == 302
    with db.new_session() as session:
        paul = session.scalar(select(User).where(User.email == "paul.durand@example.edu"))
        assert (paul.school_id, paul.role) == (school.id, "referent")


def test_an_invitation_shows_errors_next_to_each_field(client: FlaskClient, head: User) -> None:
    login(client, head.email)

    response = post(
        client, "/utilisateurs", {"email": "pas une adresse", "first_name": "", "last_name": ""}
    )

    page = text(response)
    assert response.status_code == 422
    assert 'role="alert"' in page
    assert "Cette adresse électronique n’est pas valide" in page
    assert "Indiquez le prénom." in page
    assert "Indiquez le nom." in page
    assert 'aria-describedby="invite-email-error"' in page


# ---------------------------------------------------------------------------------------------
# /dev/outbox and `cosigne demo`


def test_the_outbox_page_is_404_outside_development(client: FlaskClient) -> None:
    assert client.get("/dev/outbox").status_code == 404


def test_the_outbox_page_lists_messages_and_links_in_development(
    database: Database, database_url: str, clock: FrozenClock, tmp_path: Path, monkeypatch
) -> None:
    app = _make_app("development", database_url, clock, tmp_path, monkeypatch)
    db = app.extensions["cosigne.db"]
    try:
        user = make_staff(db, make_school(db))
        client = browser(app)
        post(client, "/compte/mot-de-passe-oublie", {"email": user.email})

        page = text(client.get("/dev/outbox"))

        assert "Cosigne : choisir un nouveau mot de passe" in page
        assert user.email in page
        assert f'href="{BASE_URL}/compte/mot-de-passe/' in page
    finally:
        db.dispose()


@pytest.mark.libreoffice
def test_cosigne_demo_is_idempotent_and_prints_working_credentials(
    app: Flask, db: Database, converter: ConverterPool
) -> None:
    app.extensions["cosigne.converter"] = converter  # the test run's warm LibreOffice
    runner = CliRunner()

    def demo() -> str:
        result = runner.invoke(cli, ["demo"], obj=ScriptInfo(create_app=lambda: app))
        assert result.exit_code == 0, (result.output, result.exception)
        return result.output

    first = demo()
    with db.new_session() as session:
        states = sorted(session.scalars(select(Document.state)))
    second = demo()

    assert "Démonstration créée." in first
    assert "Démonstration déjà en place" in second
    assert "Attention" not in first
    assert states == ["awaiting_signatures", "cancelled", "completed", "draft"]
    with db.new_session() as session:
        completed = session.scalars(select(Document).where(Document.state == "completed")).one()
        assert completed.kind == "convention"
        assert completed.final_pdf_sha256  # sealed and archived: the demo shows a final PDF
    password = re.search(r"Mot de passe  : (\S+)", first).group(1)
    assert re.search(r"Mot de passe  : (\S+)", second).group(1) == password
    assert f"{BASE_URL}/connexion" in first
    email = re.search(r"Identifiant   : (\S+)", first).group(1)
    assert (count(db, "schools"), count(db, "users"), count(db, "documents")) == (1, 1, 4)
    assert login(browser(app), email, password).status_code == 302
