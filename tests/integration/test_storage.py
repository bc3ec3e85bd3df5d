"""Storage on real SQLite and PostgreSQL: migrations, types, accounts, concurrent writers."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from db import count, snapshot, sqlite_url, table_names
from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError, StatementError

from service import create_app, migrations
from service import db as service_db
from service.accounts.api_tokens import (
    create_api_token,
    find_api_token,
    hash_api_token,
    revoke_api_token,
)
from service.accounts.models import ApiToken, School, User
from service.accounts.passwords import (
    BadPassword,
    authenticate,
    check_password,
    password_link_signer,
    set_password,
    start_password_reset,
    user_for_password_token,
)
from service.db import Database
from service.documents.models import Document, Event
from service.orm import Base
from service.settings import Settings
from service.signers.models import Signer
from signing.errors import LinkRevoked

TABLES = {
    "schools",
    "users",
    "api_tokens",
    "documents",
    "earlier_final_files",
    "signers",
    "events",
    "job_runs",
    "outbox",
    "login_attempts",
    "attempts",
    "signing_codes",
    "objective_notes",
    "site_visits",
    "follow_up_notices",
}
NOW = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)


def _school(**changes: object) -> School:
    values: dict[str, object] = {
        "uai": "0440021J",
        "name": "Lycée professionnel Michelet",
        "address": "2 boulevard de l'Égalité, 44100 Nantes",
        "head_first_name": "Anne",
        "head_last_name": "Leroy",
        "head_email": "anne.leroy@example.edu",
    }
    values.update(changes)
    return School(**values)


def _user(school: School, **changes: object) -> User:
    values: dict[str, object] = {
        "school": school,
        "email": "claire.dubois@example.edu",
        "first_name": "Claire",
        "last_name": "Dubois",
        "role": "referent",
    }
    values.update(changes)
    return User(**values)


def _document(school: School, **changes: object) -> Document:
    values: dict[str, object] = {
        "school": school,
        "kind": "parcours",
        "data": {"pupil": {"first_name": "Zoé", "last_name": "Martin-Lefèvre"}},
    }
    values.update(changes)
    return Document(**values)


# Migrations


def test_upgrade_creates_every_table_and_a_second_upgrade_changes_nothing(database_url) -> None:
    db = Database(database_url)
    try:
        assert migrations.current_revision(db) is None

        migrations.upgrade(db)
        first = snapshot(db)
        migrations.upgrade(db)

        assert table_names(db) == {*TABLES, "alembic_version"}
        assert migrations.current_revision(db) == migrations.head_revision()
        assert count(db, "alembic_version") == 1
        assert snapshot(db) == first
    finally:
        db.dispose()


def test_the_migrations_build_exactly_the_models(database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)

    assert differences == []


def test_two_processes_upgrading_at_once_both_succeed(database_url) -> None:
    databases = [Database(database_url) for _ in range(4)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(databases))

    def run(db: Database) -> None:
        start.wait()
        try:
            migrations.upgrade(db)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(db,)) for db in databases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        assert count(databases[0], "alembic_version") == 1
    finally:
        for db in databases:
            db.dispose()


# Types


def test_datetimes_come_back_aware_in_utc_whatever_zone_they_were_given_in(database) -> None:
    paris_summer = timezone(timedelta(hours=2))
    given = datetime(2026, 7, 14, 11, 45, 30, 123456, tzinfo=paris_summer)
    with database.transaction() as session:
        school = _school(created_at=given)
        session.add(school)

    with database.new_session() as session:
        stored = session.scalars(select(School.created_at)).one()
        later = session.scalar(
            select(func.count()).where(School.created_at > given - timedelta(seconds=1))
        )

    assert stored == given
    assert stored.tzinfo is UTC
    assert stored.hour == 9
    assert later == 1


def test_a_naive_datetime_is_refused(database) -> None:
    with (
        pytest.raises(StatementError, match="sans fuseau horaire"),
        database.transaction() as session,
    ):
        session.add(_school(created_at=datetime(2026, 7, 14, 11, 45)))  # noqa: DTZ001 — the point

    assert count(database, "schools") == 0


def test_json_bytes_and_dates_round_trip(database) -> None:
    data = {"pupil": {"first_name": "Zoé", "last_name": "N'Diaye & Fils <test>"}, "hours": [1, 2.5]}
    pdf = b"%PDF-1.7\n\x00\xff\xfe binary"
    with database.transaction() as session:
        school = _school(board_approval_date=date(2026, 9, 22))
        document = _document(
            school,
            data=data,
            warnings=[{"field": "x", "message": "é"}],
            pdf=pdf,
            deadline=date(2027, 1, 31),
        )
        session.add(document)

    with database.new_session() as session:
        stored = session.scalars(select(Document)).one()
        assert stored.data == data
        assert stored.warnings == [{"field": "x", "message": "é"}]
        assert stored.pdf == pdf
        assert stored.deadline == date(2027, 1, 31)
        assert stored.school.board_approval_date == date(2026, 9, 22)
        assert stored.state == "draft"
        assert stored.version == 1


def test_a_single_read_returns_what_sqlalchemy_returns_aware_datetimes_and_json_included(
    database,
) -> None:
    """`Database.read_one` runs on the driver's cursor on PostgreSQL: same values, same types."""
    paris_summer = timezone(timedelta(hours=2))
    data = {"pupil": {"first_name": "Zoé", "last_name": "N'Diaye"}, "hours": [1, 2.5]}
    with database.transaction() as session:
        document = _document(_school(), data=data, deadline=date(2027, 1, 31))
        document.signers.append(
            Signer(
                role="guardian",
                position=1,
                first_name="Nadia",
                last_name="Martin",
                email="nadia.martin@example.net",
                opened_at=datetime(2026, 7, 14, 11, 45, 30, 123456, tzinfo=paris_summer),
            )
        )
        session.add(document)
    statement = (
        select(Signer.id, Signer.opened_at, Signer.invited_at, Document.data, Document.deadline)
        .join(Document, Document.id == Signer.document_id)
        .where(Signer.email == bindparam("email"))
    )
    with database.engine.connect() as connection:
        expected = tuple(connection.execute(statement, {"email": "nadia.martin@example.net"}).one())

    found = database.read_one(statement, {"email": "nadia.martin@example.net"})

    assert found == expected
    assert found is not None
    assert found[1] == datetime(2026, 7, 14, 9, 45, 30, 123456, tzinfo=UTC)
    assert found[1].tzinfo is UTC
    assert (found[2], found[3], found[4]) == (None, data, date(2027, 1, 31))
    assert database.read_one(statement, {"email": "nobody@example.net"}) is None


# Constraints the operations rely on


def test_compare_and_set_changes_a_state_once(database) -> None:
    with database.transaction() as session:
        document = _document(_school())
        session.add(document)

    def issue() -> int:
        with database.transaction() as session:
            result = session.execute(
                update(Document)
                .where(Document.id == document.id, Document.state == "draft")
                .values(state="awaiting_signatures", issued_at=NOW)
            )
            return result.rowcount

    assert [issue(), issue()] == [1, 0]


def test_concurrent_compare_and_set_has_exactly_one_winner(database) -> None:
    with database.transaction() as session:
        document = _document(_school(), state="awaiting_signatures")
        session.add(document)
    contenders = [Database(database.url) for _ in range(20)]
    wins: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(len(contenders))

    def complete(db: Database) -> None:
        start.wait()
        try:
            with db.transaction() as session:
                result = session.execute(
                    update(Document)
                    .where(Document.id == document.id, Document.state == "awaiting_signatures")
                    .values(state="signed")
                )
                wins.append(result.rowcount)
        except BaseException as exc:
            errors.append(exc)

    try:
        _run_all(complete, contenders)
    finally:
        for db in contenders:
            db.dispose()

    assert errors == []
    assert sorted(wins) == [0] * 19 + [1]


def test_event_numbers_are_unique_per_document(database) -> None:
    with database.transaction() as session:
        document = _document(_school())
        session.add(document)
        session.add(Event(document=document, seq=1, type="created", at=NOW, hash="a" * 64))
    before = snapshot(database)

    with pytest.raises(IntegrityError), database.transaction() as session:
        session.add(Event(document_id=document.id, seq=1, type="issued", at=NOW, hash="b" * 64))

    assert snapshot(database) == before


def _signer(document: Document, **changes: object) -> Signer:
    values: dict[str, object] = {
        "document": document,
        "role": "pupil",
        "position": 0,
        "first_name": "Zoé",
        "last_name": "Martin",
        "email": "zoe.martin@example.org",
    }
    values.update(changes)
    return Signer(**values)


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda school: _document(school, state="approved"), id="document-state"),
        pytest.param(lambda school: _document(school, kind="contrat"), id="document-kind"),
        pytest.param(
            lambda school: _user(school, email="Claire.Dubois@example.edu"), id="uppercase-login"
        ),
        pytest.param(lambda school: _user(school, role="proviseur"), id="user-role"),
        pytest.param(lambda school: _signer(_document(school), role="witness"), id="signer-role"),
        pytest.param(lambda school: _signer(_document(school), state="done"), id="signer-state"),
    ],
)
def test_values_outside_the_domain_are_refused_by_the_database(database, make) -> None:
    with database.transaction() as session:
        school = _school()
        session.add(school)
    before = snapshot(database)

    def insert() -> None:
        with database.transaction() as session:
            session.add(make(session.merge(school)))

    with pytest.raises(IntegrityError):
        insert()

    assert snapshot(database) == before


def test_a_transaction_that_raises_leaves_nothing(database) -> None:
    def add_then_fail() -> None:
        with database.transaction() as session:
            session.add(_school())
            session.flush()
            raise RuntimeError

    with pytest.raises(RuntimeError):
        add_then_fail()

    assert count(database, "schools") == 0


# Accounts


def test_password_is_hashed_with_scrypt_and_verifies(database) -> None:
    with database.transaction() as session:
        user = _user(_school())
        set_password(user, "correct horse battery")
        session.add(user)

    with database.new_session() as session:
        stored = session.scalars(select(User)).one()
        assert stored.password_hash.startswith("scrypt:")
        assert "correct horse battery" not in stored.password_hash
        assert check_password(stored, "correct horse battery")
        assert not check_password(stored, "correct horse batterie")
        assert authenticate(session, "CLAIRE.Dubois@Example.edu", "correct horse battery") is stored
        assert authenticate(session, "nobody@example.edu", "correct horse battery") is None


def test_a_short_password_is_refused() -> None:
    user = User(email="a@example.org", first_name="A", last_name="B", role="head")

    with pytest.raises(BadPassword, match="au moins 12 caractères"):
        set_password(user, "onze-signes")

    assert user.password_hash is None


def test_api_token_is_stored_as_its_sha256_only(database) -> None:
    with database.transaction() as session:
        user = _user(_school())
        session.add(user)
        new = create_api_token(session, user, now=NOW)

    with database.engine.connect() as connection:
        rows = [tuple(row) for row in connection.execute(select(ApiToken.__table__))]
    assert len(new.secret) >= 43
    assert not any(new.secret in str(value) for row in rows for value in row)
    assert rows[0][2] == hash_api_token(new.secret)
    assert new.secret.startswith(rows[0][3])
    with database.new_session() as session:
        found = find_api_token(session, new.secret)
        assert found is not None
        assert found.user.email == "claire.dubois@example.edu"
        assert found.created_at == NOW
        assert find_api_token(session, new.secret[:-1] + "x") is None
        revoke_api_token(found, now=NOW)
        session.commit()
        assert find_api_token(session, new.secret) is None


def test_password_link_works_once(database, tmp_path) -> None:
    settings = Settings.from_env({"COSIGNE_DATA_DIR": str(tmp_path), "COSIGNE_ENV": "test"})
    signer = password_link_signer(settings)
    with database.transaction() as session:
        user = _user(_school())
        session.add(user)
        session.flush()
        token = start_password_reset(user, signer, now=NOW)

    with database.transaction() as session:
        found = user_for_password_token(session, signer, token, now=NOW + timedelta(days=1))
        set_password(found, "un mot de passe solide")

    with pytest.raises(LinkRevoked), database.new_session() as session:
        user_for_password_token(session, signer, token, now=NOW + timedelta(days=1))


# SQLite under concurrent writers


def test_sqlite_connections_are_set_for_concurrency(tmp_path) -> None:
    db = Database(sqlite_url(tmp_path))
    try:
        with db.engine.connect() as connection:
            pragmas = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "busy_timeout", "foreign_keys", "synchronous")
            }
    finally:
        db.dispose()

    assert pragmas == {
        "journal_mode": "wal",
        "busy_timeout": 15000,
        "foreign_keys": 1,
        "synchronous": 1,
    }


def test_twenty_sqlite_writers_at_once_are_never_told_the_database_is_locked(tmp_path) -> None:
    url = sqlite_url(tmp_path)
    setup = Database(url)
    migrations.upgrade(setup)
    with setup.transaction() as session:
        document = _document(_school(), state="awaiting_signatures")
        session.add(document)
    setup.dispose()
    # One engine per writer, as in separate worker processes.
    writers = [Database(url) for _ in range(20)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(writers))

    def sign(db: Database) -> None:
        start.wait()
        try:
            # Read, then write, in one transaction: the pattern that deadlocks SQLite's lock
            # upgrade when transactions begin deferred.
            with db.transaction() as session:
                last = session.scalar(
                    select(func.coalesce(func.max(Event.seq), 0)).where(
                        Event.document_id == document.id
                    )
                )
                session.add(
                    Event(
                        document_id=document.id,
                        seq=last + 1,
                        type="signed",
                        at=NOW,
                        hash=f"{last + 1:064d}",
                    )
                )
        except OperationalError as exc:
            errors.append(exc)

    try:
        _run_all(sign, writers)
    finally:
        for db in writers:
            db.dispose()

    assert errors == []
    check = Database(url)
    try:
        with check.new_session() as session:
            seqs = session.scalars(select(Event.seq).order_by(Event.seq)).all()
    finally:
        check.dispose()
    assert seqs == list(range(1, 21))


def _run_all(work, databases: list[Database]) -> None:
    threads = [threading.Thread(target=work, args=(db,)) for db in databases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# The app's accessors


def test_the_app_factory_does_not_connect(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COSIGNE_ENV", "test")
    monkeypatch.setenv("COSIGNE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COSIGNE_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/nowhere")

    app = create_app({"TESTING": True})

    with app.app_context():
        assert service_db.database().url.drivername == "postgresql+psycopg"
        with pytest.raises(OperationalError):
            service_db.session().execute(text("SELECT 1"))


def test_request_session_is_shared_within_a_context_and_closed_after(
    database_url, database, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("COSIGNE_ENV", "test")
    monkeypatch.setenv("COSIGNE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COSIGNE_DATABASE_URL", database_url)
    app = create_app({"TESTING": True})

    with app.app_context():
        with service_db.transaction() as session:
            session.add(_school())
        request_session = service_db.session()
        assert service_db.session() is request_session
        assert request_session.scalars(select(School.uai)).all() == ["0440021J"]
        assert request_session.in_transaction()
        app_database = service_db.database()
    assert not request_session.in_transaction()
    app_database.dispose()


def test_the_request_session_sees_a_write_made_during_the_request(
    database_url, database, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("COSIGNE_ENV", "test")
    monkeypatch.setenv("COSIGNE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COSIGNE_DATABASE_URL", database_url)
    app = create_app({"TESTING": True})
    with database.transaction() as session:
        document = _document(_school())
        session.add(document)

    with app.app_context():
        assert service_db.session().get(Document, document.id).state == "draft"
        with service_db.transaction() as session:
            session.execute(update(Document).values(state="cancelled", cancel_reason="erreur"))
        seen = service_db.session().get(Document, document.id)
        assert (seen.state, seen.cancel_reason) == ("cancelled", "erreur")
        app_database = service_db.database()
    app_database.dispose()
