"""The bootstrap commands, run as an operator would, on real SQLite and PostgreSQL databases."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from db import (
    database_url,
    postgres_server,
    postgres_url,
    snapshot,
    sqlite_url,
    table_names,
)
from flask import Flask
from flask.cli import ScriptInfo
from sqlalchemy import select

from service import create_app
from service.accounts.api_tokens import find_api_token, hash_api_token
from service.accounts.models import ApiToken, School
from service.accounts.passwords import (
    check_password,
    find_user,
    password_link_signer,
    user_for_password_token,
)
from service.cli import cli
from service.db import Database

__all__ = ["database_url", "postgres_server", "postgres_url"]  # fixtures used below

SCHOOL = {
    "--uai": "0440021J",
    "--name": "Lycée professionnel Michelet",
    "--address": "2 boulevard de l'Égalité, 44100 Nantes",
    "--head-first-name": "Anne",
    "--head-last-name": "Leroy",
    "--head-email": "anne.leroy@example.edu",
    "--phone": "02 40 00 00 10",
    "--email": "ce.0440021J@example.edu",
    "--board-approval-date": "2026-09-22",
}
USER = {
    "--email": "claire.dubois@example.edu",
    "--first-name": "Claire",
    "--last-name": "Dubois",
    "--school": "0440021J",
    "--role": "referent",
}
PASSWORD = "un mot de passe solide\n"  # noqa: S105 — a test account's


def _args(command: list[str], options: dict[str, str], changes: dict[str, str | None]) -> list[str]:
    merged = {**options, **changes}
    return [
        *command,
        *(part for name, value in merged.items() if value is not None for part in (name, value)),
    ]


class Cosigne:
    """The `cosigne` command on one app (one database), as a test runs it."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.db: Database = app.extensions["cosigne.db"]
        self._runner = CliRunner()

    def __call__(self, *args: str, stdin: str | None = None) -> Result:
        info = ScriptInfo(create_app=lambda: self.app)
        return self._runner.invoke(cli, list(args), obj=info, input=stdin)

    def school_add(self, **changes: str | None) -> Result:
        return self(*_args(["school", "add"], SCHOOL, _options(changes)))

    def user_add(self, *flags: str, stdin: str | None = None, **changes: str | None) -> Result:
        return self(*_args(["user", "add"], USER, _options(changes)), *flags, stdin=stdin)


def _options(changes: dict[str, str | None]) -> dict[str, str | None]:
    return {"--" + name.replace("_", "-"): value for name, value in changes.items()}


@pytest.fixture
def app(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    monkeypatch.setenv("COSIGNE_ENV", "test")
    monkeypatch.setenv("COSIGNE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COSIGNE_DATABASE_URL", database_url)
    monkeypatch.setenv("COSIGNE_BASE_URL", "https://cosigne.example.fr")
    monkeypatch.delenv("COSIGNE_SECRET_KEY", raising=False)
    app = create_app({"TESTING": True})
    yield app
    app.extensions["cosigne.db"].dispose()


@pytest.fixture
def cosigne(app: Flask) -> Cosigne:
    return Cosigne(app)


@pytest.fixture
def ready(cosigne: Cosigne) -> Cosigne:
    """A migrated database with one school, its referent, and a head who has a password."""
    assert cosigne("db", "upgrade").exit_code == 0
    assert cosigne.school_add().exit_code == 0
    assert cosigne.user_add().exit_code == 0
    assert (
        cosigne.user_add(
            "--password-stdin", stdin=PASSWORD, email="anne.leroy@example.edu", role="head"
        ).exit_code
        == 0
    )
    return cosigne


def _ok(result: Result) -> Result:
    assert result.exit_code == 0, (result.output, result.exception)
    return result


# db upgrade


def test_db_upgrade_creates_the_schema_then_has_nothing_to_do(cosigne: Cosigne) -> None:
    first = _ok(cosigne("db", "upgrade"))
    second = _ok(cosigne("db", "upgrade"))

    assert "mise à jour" in first.stdout
    assert "déjà à jour" in second.stdout
    assert {"schools", "users", "api_tokens", "documents", "signers", "events", "outbox"} <= (
        table_names(cosigne.db)
    )


# school add


def test_school_add_stores_the_school_with_every_option(cosigne: Cosigne) -> None:
    _ok(cosigne("db", "upgrade"))

    result = _ok(
        cosigne.school_add(
            uai="440021j",
            status="private_contract",
            email="ce.0440021J@example.edu",
            phone="02 40 00 00 10",
            head_title="Proviseure",
            board_approval_date="2026-09-22",
        )
    )

    assert "0440021J" in result.stdout
    with cosigne.db.new_session() as session:
        school = session.scalars(select(School)).one()
    assert (school.uai, school.name, school.status) == (
        "0440021J",
        "Lycée professionnel Michelet",
        "private_contract",
    )
    assert (school.head_first_name, school.head_last_name, school.head_title) == (
        "Anne",
        "Leroy",
        "Proviseure",
    )
    assert school.head_email == "anne.leroy@example.edu"
    assert school.email == "ce.0440021J@example.edu"
    assert school.phone == "02 40 00 00 10"
    assert school.board_approval_date == date(2026, 9, 22)
    assert school.created_at.tzinfo is UTC


def test_school_add_defaults_to_a_public_school(cosigne: Cosigne) -> None:
    _ok(cosigne("db", "upgrade"))

    _ok(cosigne.school_add())

    with cosigne.db.new_session() as session:
        school = session.scalars(select(School)).one()
    assert (school.status, school.email, school.phone, school.board_approval_date) == (
        "public",
        "ce.0440021J@example.edu",
        "02 40 00 00 10",
        date(2026, 9, 22),
    )


def test_a_private_school_needs_no_board_approval(cosigne: Cosigne) -> None:
    _ok(cosigne("db", "upgrade"))

    _ok(cosigne.school_add(status="private_contract", board_approval_date=None))

    with cosigne.db.new_session() as session:
        school = session.scalars(select(School)).one()
    assert (school.status, school.board_approval_date) == ("private_contract", None)


def test_school_update_completes_the_identity_and_says_what_is_left(ready: Cosigne) -> None:
    result = _ok(ready("school", "update", "--uai", "0440021J", "--dpo-email", "dpd@ac-nantes.fr"))

    assert "Établissement modifié : 0440021J" in result.stdout
    assert "À compléter" not in result.stdout
    with ready.db.new_session() as session:
        school = session.scalars(select(School)).one()
    assert school.dpo_email == "dpd@ac-nantes.fr"
    assert school.phone == "02 40 00 00 10"  # untouched


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--uai", "0330021U", "--phone", "02 40 00 00 11"], "aucun établissement d'UAI 0330021U"),
        (["--uai", "0440021J"], "rien à modifier"),
        (["--uai", "0440021J", "--phone", "12"], "numéro de téléphone incorrect"),
        (["--uai", "0440021J", "--status", "prive"], "statut inconnu"),
    ],
)
def test_school_update_refusals(ready: Cosigne, args: list[str], message: str) -> None:
    before = snapshot(ready.db)

    _refused(ready("school", "update", *args), message)

    assert snapshot(ready.db) == before


# user add


def test_user_add_with_a_password_from_stdin(ready: Cosigne) -> None:
    result = _ok(
        ready.user_add(
            "--password-stdin",
            stdin="correct horse battery staple\nignored\n",
            email="Admin.Cosigne@Example.EDU",
            role="admin",
        )
    )

    assert "/compte/mot-de-passe/" not in result.stdout
    with ready.db.new_session() as session:
        user = find_user(session, "admin.cosigne@example.edu")
        assert user is not None
        assert user.email == "admin.cosigne@example.edu"
        assert (user.role, user.school.uai, user.active) == ("admin", "0440021J", True)
        assert check_password(user, "correct horse battery staple")
        assert user.password_reset_nonce is None


def test_user_add_without_a_password_prints_a_one_time_link(ready: Cosigne) -> None:
    result = _ok(ready.user_add(email="paul.martin@example.edu"))

    link = result.stdout.splitlines()[-1]
    prefix = "https://cosigne.example.fr/compte/mot-de-passe/"
    assert link.startswith(prefix)
    signer = password_link_signer(ready.app.config["COSIGNE"])
    with ready.db.new_session() as session:
        user = user_for_password_token(
            session, signer, link.removeprefix(prefix), now=datetime.now(UTC)
        )
        assert user.email == "paul.martin@example.edu"
        assert user.password_hash is None


# token create


def test_token_create_prints_the_token_alone_on_the_last_line_and_stores_its_hash(
    ready: Cosigne,
) -> None:
    first = _ok(ready("token", "create", "--email", "Claire.Dubois@example.edu"))
    second = _ok(ready("token", "create", "--email", "claire.dubois@example.edu"))

    token = first.stdout.splitlines()[-1]
    assert token == token.strip()
    assert " " not in token
    assert len(token) >= 43
    assert token != second.stdout.splitlines()[-1]
    stored = snapshot(ready.db)["api_tokens"]
    assert len(stored) == 2
    assert not any(token in str(value) for row in stored for value in row)
    with ready.db.new_session() as session:
        row = session.scalars(
            select(ApiToken).where(ApiToken.token_hash == hash_api_token(token))
        ).one()
        assert token.startswith(row.prefix)
        assert row.prefix in first.stdout.splitlines()[0]
        found = find_api_token(session, token)
        assert found is not None
        assert found.user.email == "claire.dubois@example.edu"


# Refusals: one French line on stderr, exit code 2, nothing changed


BAD_SCHOOLS = [
    pytest.param({"uai": "0440021K"}, "la lettre clé de 0440021 est J", id="uai-check-letter"),
    pytest.param({"uai": "44-0021"}, "UAI incorrect", id="uai-malformed"),
    pytest.param({}, "un établissement d'UAI 0440021J existe déjà", id="duplicate-uai"),
    pytest.param(
        {"uai": "0330021U", "head_email": "anne.leroy@"},
        "adresse électronique",
        id="bad-head-email",
    ),
    pytest.param({"uai": "0330021U", "status": "prive"}, "statut inconnu", id="bad-status"),
    pytest.param(
        {"uai": "0330021U", "board_approval_date": "22/09/2026"}, "AAAA-MM-JJ", id="bad-date"
    ),
    pytest.param({"uai": "0330021U", "phone": "12"}, "téléphone", id="bad-phone"),
    pytest.param(
        {"uai": "0330021U", "phone": None},
        "indiquez aussi --phone : les documents les impriment",
        id="no-phone",
    ),
    pytest.param(
        {"uai": "0330021U", "email": None, "board_approval_date": None},
        "indiquez aussi --email, --board-approval-date",
        id="public-school-without-board-approval",
    ),
    pytest.param({"uai": "0330021U", "name": "  "}, "ne peut pas être vide", id="blank-name"),
    pytest.param(
        {"uai": "0330021U", "address": None},
        "l'option --address est obligatoire",
        id="missing-option",
    ),
]

BAD_USERS = [
    pytest.param({"school": "0330021U"}, "aucun établissement d'UAI 0330021U", id="unknown-school"),
    pytest.param({"school": "0440021A"}, "la lettre clé", id="school-uai-check-letter"),
    pytest.param(
        {"email": "CLAIRE.DUBOIS@example.edu"},
        "un compte existe déjà",
        id="duplicate-email-other-case",
    ),
    pytest.param({"email": "x@example.edu", "role": "proviseur"}, "rôle inconnu", id="bad-role"),
    pytest.param(
        {"email": "claire@@example.edu"}, "adresse électronique incorrecte", id="bad-email"
    ),
]


def _refused(result: Result, message: str) -> None:
    assert result.exit_code == 2, (result.output, result.exception)
    assert result.stderr.startswith("Erreur : ")
    assert result.stderr.count("\n") == 1
    assert message in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("changes", "message"), BAD_SCHOOLS)
def test_school_add_refusals(ready: Cosigne, changes: dict[str, str | None], message: str) -> None:
    before = snapshot(ready.db)

    _refused(ready.school_add(**changes), message)

    assert snapshot(ready.db) == before


@pytest.mark.parametrize(("changes", "message"), BAD_USERS)
def test_user_add_refusals(ready: Cosigne, changes: dict[str, str | None], message: str) -> None:
    before = snapshot(ready.db)

    _refused(ready.user_add(**changes), message)

    assert snapshot(ready.db) == before


@pytest.mark.parametrize("stdin", ["onze-signes\n", "", "\n"], ids=["short", "no-input", "empty"])
def test_user_add_refuses_a_short_password(ready: Cosigne, stdin: str) -> None:
    before = snapshot(ready.db)

    _refused(
        ready.user_add("--password-stdin", stdin=stdin, email="x@example.edu"),
        "au moins 12 caractères",
    )

    assert snapshot(ready.db) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["--email", "nobody@example.edu"], "aucun compte pour l'adresse", id="unknown"
        ),
        pytest.param(["--email", "nobody"], "adresse électronique incorrecte", id="bad-email"),
        pytest.param([], "l'option --email est obligatoire", id="missing"),
        pytest.param(
            ["--email", "claire.dubois@example.edu", "--ttl", "3"],
            "option inconnue",
            id="unknown-option",
        ),
    ],
)
def test_token_create_refusals(ready: Cosigne, args: list[str], message: str) -> None:
    before = snapshot(ready.db)

    _refused(ready("token", "create", *args), message)

    assert snapshot(ready.db) == before


def test_a_disabled_account_gets_no_token(ready: Cosigne) -> None:
    with ready.db.transaction() as session:
        user = find_user(session, "claire.dubois@example.edu")
        assert user is not None
        user.active = False
    before = snapshot(ready.db)

    _refused(ready("token", "create", "--email", "claire.dubois@example.edu"), "désactivé")

    assert snapshot(ready.db) == before


# The installed command itself


def test_the_installed_command_on_its_default_sqlite_database(tmp_path: Path) -> None:
    command = Path(sys.executable).with_name("cosigne")
    env = {name: value for name, value in os.environ.items() if not name.startswith("COSIGNE_")}
    env.update({"COSIGNE_ENV": "test", "COSIGNE_DATA_DIR": str(tmp_path)})

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [command, *args], env=env, capture_output=True, text=True, timeout=60, check=False
        )

    upgraded = run("db", "upgrade")
    added = run(*_args(["school", "add"], SCHOOL, {}))
    refused = run(*_args(["school", "add"], SCHOOL, {"--uai": "0440021K"}))

    assert (upgraded.returncode, added.returncode) == (0, 0), upgraded.stderr + added.stderr
    assert refused.returncode == 2
    assert refused.stderr == "Erreur : UAI incorrect : 0440021K (la lettre clé de 0440021 est J)\n"
    assert (tmp_path / "cosigne.sqlite3").is_file()
    check = Database(sqlite_url(tmp_path))
    try:
        with check.new_session() as session:
            assert session.scalars(select(School.uai)).all() == ["0440021J"]
    finally:
        check.dispose()
