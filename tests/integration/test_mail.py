"""Mail: French messages, the outbox, delivery over a real SMTP server on loopback (aiosmtpd) or as
.eml files, retries, two workers at once, and `cosigne worker`, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import logging
import threading
import time
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from smtp import SmtpServer, free_port
from sqlalchemy import select

from service import create_app
from service.accounts.models import School
from service.cli import cli
from service.db import Database
from service.documents.models import Document, Event
from service.mail.addresses import BadRecipient, header_text
from service.mail.compose import Message
from service.mail.compose import (
    cancelled as cancelled_mail,
)
from service.mail.compose import (
    invitation as invitation_mail,
)
from service.mail.compose import (
    reminder as reminder_mail,
)
from service.mail.deliver import DeliveryReport, deliver_due
from service.mail.models import OutboxMessage
from service.mail.outbox import MAX_ATTEMPTS
from service.mail.outbox import queue as queue_mail
from service.mail.staff_messages import declined_notice
from service.settings import Settings
from service.signers.models import Signer

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
DEADLINE = date(2026, 12, 7)
URL = "https://cosigne.example.fr/sign/eyJzaWduZXIiOjF9.aBcD-123_x"
MAIL_FROM = "Cosigne – Lycée Michelet <cosigne@lycee-michelet.example.fr>"


def settings_for(
    tmp_path: Path, database: Database, *, mail_from: str | None = MAIL_FROM, **env: str
) -> Settings:
    """Test settings; `mail_from=None` leaves the default sender."""
    sender = {"COSIGNE_MAIL_FROM": mail_from} if mail_from is not None else {}
    return Settings.from_env(
        {
            "COSIGNE_ENV": "test",
            "COSIGNE_DATA_DIR": str(tmp_path / "data"),
            "COSIGNE_DATABASE_URL": database.url.render_as_string(hide_password=False),
            "COSIGNE_BASE_URL": "https://cosigne.example.fr",
            **sender,
            **env,
        }
    )


def add_document(
    db: Database,
    data: dict[str, Any],
    *,
    kind: str = "parcours",
    school: dict[str, Any] | None = None,
    school_id: int | None = None,
    deadline: date | None = DEADLINE,
    invited_at: datetime = NOW,
) -> tuple[int, list[int]]:
    """A school, one document awaiting signatures and its signers (a guardian, the pupil, the
    head), stored as the operations leave them; a new school unless `school_id` is given.
    Returns the document's and signers' ids."""
    pupil, guardian = data["pupil"], data["guardians"][0]
    with db.transaction() as session:
        row = session.get(School, school_id) if school_id else None
        row = row or School(
            uai="0440021J",
            name="Lycée professionnel Michelet",
            address="2 boulevard de l'Égalité, 44100 Nantes",
            email="ce.0440021J@example.edu",
            phone="02 40 00 00 10",
            head_first_name="Anne",
            head_last_name="Leroy",
            head_title="Proviseure",
            head_email="anne.leroy@example.edu",
            board_approval_date=date(2026, 9, 22),
        )
        for name, value in (school or {}).items():
            setattr(row, name, value)
        document = Document(
            school=row,
            kind=kind,
            state="awaiting_signatures",
            data=data,
            deadline=deadline,
            issued_at=invited_at,
        )
        parties = [
            ("guardian", guardian, "invited"),
            ("pupil", pupil, "invited"),
            ("head", {"first_name": "Anne", "last_name": "Leroy", "email": row.head_email}, ""),
        ]
        for position, (role, person, state) in enumerate(parties):
            document.signers.append(
                Signer(
                    role=role,
                    position=position,
                    guardian_index=0 if role == "guardian" else None,
                    first_name=person["first_name"],
                    last_name=person["last_name"],
                    email=person["email"],
                    state=state or "waiting",
                    invited_at=invited_at if state else None,
                )
            )
        session.add(document)
        session.flush()
        return document.id, [s.id for s in document.signers]


def queue_message(
    db: Database,
    document_id: int,
    signer_id: int,
    *,
    compose: Any = invitation_mail,
    argument: str = URL,
    now: datetime = NOW,
) -> Message:
    with db.transaction() as session:
        document = session.get(Document, document_id)
        signer = session.get(Signer, signer_id)
        assert document is not None
        assert signer is not None
        message = compose(document, signer, document.school, argument)
        queue_mail(session, message, now=now)
    return message


def outbox(db: Database) -> list[OutboxMessage]:
    with db.new_session() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def parts(message: EmailMessage, *, isolated: bool = False) -> tuple[str, str]:
    """The text and HTML parts; names' bidirectional isolation (FSI…PDI, ``<bdi>``) taken out
    unless `isolated`, so that tests read the sentences as a reader sees them."""
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None
    assert html is not None
    plain, rich = text.get_content(), html.get_content()
    if isolated:
        return plain, rich
    return (
        plain.replace("\u2068", "").replace("\u2069", ""),
        rich.replace("<bdi>", "").replace("</bdi>", ""),
    )


@pytest.fixture
def case(database: Database, make_request: Any) -> tuple[int, list[int]]:
    return add_document(database, make_request("parcours")["data"])


# ---------------------------------------------------------------------------------------------
# Delivery over SMTP


def test_invitation_is_delivered_over_smtp_in_french_with_the_link_in_both_parts(
    database: Database, smtp_server: SmtpServer, tmp_path: Path, case: tuple[int, list[int]]
) -> None:
    document_id, (guardian_id, *_) = case
    queue_message(database, document_id, guardian_id)
    settings = settings_for(tmp_path, database, **smtp_server.env)

    report = deliver_due(database, settings, now=NOW)

    assert (report.sent, report.failed, report.abandoned) == (1, 0, 0)
    (received,) = smtp_server.wait_for(1)
    delivery = smtp_server.deliveries[0]
    assert delivery.rcpt_tos == ("nadia.martin@example.org",)
    assert delivery.mail_from == "cosigne@lycee-michelet.example.fr"
    assert received.get_content_type() == "multipart/alternative"
    assert received["Subject"] == (
        "Contrat de parcours individualisé de Zoé M. à signer – Lycée professionnel Michelet"
    )
    assert received["From"].addresses[0].addr_spec == "cosigne@lycee-michelet.example.fr"
    assert received["From"].addresses[0].display_name == "Cosigne – Lycée Michelet"
    assert received["To"] == "nadia.martin@example.org"
    assert received["Reply-To"] == "ce.0440021J@example.edu"
    assert received["Auto-Submitted"] == "auto-generated"
    assert received["Message-ID"].endswith("@lycee-michelet.example.fr>")
    assert received["Date"].datetime == NOW
    text, html = parts(received)
    for body in (text, html):
        assert URL in body
        assert "Bonjour Nadia Martin" in body
        assert "Anne Leroy (Proviseure, Lycée professionnel Michelet)" in body
        assert "en tant que représentant légal de Zoé Martin-Lefèvre" in body
        assert "7 décembre 2026" in body
        assert "ce.0440021J@example.edu" in body
        assert "02 40 00 00 10" in body
        assert "Vous ne vous attendiez pas à ce message ?" in body
        # A minor's data no wider than needed: no birth date, no other guardian.
        assert "2010" not in body
        assert "Karim" not in body
    assert f'href="{URL}"' in html
    assert "<img" not in html
    (row,) = outbox(database)
    assert (row.sent_at, row.attempts, row.last_error) == (NOW, 1, None)


def test_names_are_isolated_so_a_right_to_left_name_never_reorders_the_sentence(
    database: Database, tmp_path: Path, smtp_server: SmtpServer, make_request: Any
) -> None:
    data = make_request("parcours")["data"]
    data["guardians"][0]["first_name"] = "نادية"
    document_id, (guardian_id, *_) = add_document(database, data)
    queue_message(database, document_id, guardian_id)
    deliver_due(database, settings_for(tmp_path, database, **smtp_server.env), now=NOW)

    (message,) = smtp_server.wait_for(1)
    text, html = parts(message, isolated=True)
    assert "Bonjour \u2068نادية Martin\u2069," in text
    assert "Bonjour <bdi>نادية Martin</bdi>," in html


def test_html_part_escapes_names_and_the_text_part_keeps_them(
    database: Database, smtp_server: SmtpServer, tmp_path: Path, make_request: Any
) -> None:
    data = make_request("convention")["data"]
    document_id, (guardian_id, *_) = add_document(database, data, kind="convention")
    queue_message(database, document_id, guardian_id)

    deliver_due(database, settings_for(tmp_path, database, **smtp_server.env), now=NOW)

    (received,) = smtp_server.wait_for(1)
    assert received["Subject"].startswith("Convention de stage de Zoé M. à signer")
    text, html = parts(received)
    assert "chez Dupont & Fils Électricité" in text
    assert "chez Dupont &amp; Fils Électricité" in html


def test_the_head_is_told_everyone_else_has_signed(
    database: Database, smtp_server: SmtpServer, tmp_path: Path, case: tuple[int, list[int]]
) -> None:
    document_id, (*_, head_id) = case
    queue_message(database, document_id, head_id)

    deliver_due(database, settings_for(tmp_path, database, **smtp_server.env), now=NOW)

    text, _ = parts(smtp_server.wait_for(1)[0])
    assert "Toutes les autres personnes ont signé" in text
    assert "en tant que chef d'établissement" in text


def test_reminder_cancellation_and_declined_notice(
    database: Database, smtp_server: SmtpServer, tmp_path: Path, case: tuple[int, list[int]]
) -> None:
    document_id, (guardian_id, pupil_id, _) = case
    queue_message(database, document_id, pupil_id, compose=reminder_mail)
    queue_message(
        database, document_id, guardian_id, compose=cancelled_mail, argument="Erreur de dates"
    )
    queue_message(
        database,
        document_id,
        guardian_id,
        compose=declined_notice,
        argument="Je ne suis pas d'accord avec les horaires.",
    )

    deliver_due(database, settings_for(tmp_path, database, **smtp_server.env), now=NOW)

    reminder, cancelled, declined = smtp_server.wait_for(3)
    assert reminder["Subject"].startswith("Rappel : Contrat de parcours individualisé de Zoé M.")
    assert reminder["To"] == "zoe.martin@example.org"
    text, html = parts(reminder)
    assert "Ceci est un rappel" in text
    assert "en tant qu'élève" in text
    assert URL in text
    assert URL in html

    assert cancelled["Subject"].startswith("Annulé : Contrat de parcours individualisé")
    text, _ = parts(cancelled)
    assert "Motif de l'annulation : Erreur de dates" in text
    assert "ne fonctionne plus" in text
    assert "https://" not in text

    assert declined["To"] == "anne.leroy@example.edu"
    assert declined["Subject"].startswith("Signature refusée : Contrat de parcours individualisé")
    text, html = parts(declined)
    assert "Nadia Martin (représentante légale) a refusé de signer" in text
    assert "Motif indiqué : Je ne suis pas d'accord avec les horaires." in text
    assert "Contactez Nadia Martin (nadia.martin@example.org)" in text
    assert "nouvelle version" in text
    assert "Je ne suis pas d&#39;accord avec les horaires." in html


# ---------------------------------------------------------------------------------------------
# Without an SMTP server


def test_without_smtp_host_messages_become_eml_files_and_links_are_logged(
    database: Database, tmp_path: Path, case: tuple[int, list[int]], caplog: Any
) -> None:
    document_id, (guardian_id, *_) = case
    queue_message(database, document_id, guardian_id)
    # The embedded default: no SMTP host, the default sender.
    settings = settings_for(tmp_path, database, mail_from=None)
    assert settings.mail_from == "Cosigne <no-reply@localhost>"
    caplog.set_level(logging.INFO, logger="service.mail")

    report = deliver_due(database, settings, now=NOW)

    assert report.sent == 1
    files = sorted(settings.outbox_dir.glob("*.eml"))
    assert files == list(report.files)
    assert [f.name for f in files] == [f"20261128T090000000000Z-{outbox(database)[0].id}.eml"]
    parsed = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    assert parsed["To"] == "nadia.martin@example.org"
    assert parsed["From"] == "Cosigne <no-reply@localhost>"
    assert parsed["Message-ID"].endswith("@localhost>")
    assert parsed["Subject"].startswith("Contrat de parcours individualisé de Zoé M.")
    text, html = parts(parsed)
    assert URL in text
    assert URL in html
    assert f"Message pour nadia.martin@example.org : lien {URL}" in caplog.messages
    assert outbox(database)[0].sent_at == NOW
    assert not list(settings.outbox_dir.glob(".*"))  # no temporary file left behind


# ---------------------------------------------------------------------------------------------
# Failures and retries


def test_an_smtp_outage_loses_nothing_and_the_message_goes_once_when_the_server_is_back(
    database: Database, smtp_server: SmtpServer, tmp_path: Path, case: tuple[int, list[int]]
) -> None:
    document_id, (guardian_id, pupil_id, _) = case
    queue_message(database, document_id, guardian_id)
    queue_message(database, document_id, pupil_id)
    down = settings_for(
        tmp_path, database, **{**smtp_server.env, "COSIGNE_SMTP_PORT": str(free_port())}
    )
    up = settings_for(tmp_path, database, **smtp_server.env)

    report = deliver_due(database, down, now=NOW)

    assert (report.sent, report.failed, report.abandoned) == (0, 2, 0)
    for row in outbox(database):
        assert row.sent_at is None
        assert row.attempts == 1
        assert row.last_error
        assert row.next_attempt_at == NOW + timedelta(minutes=1)

    # Back up, but the next attempt is not due yet.
    assert deliver_due(database, up, now=NOW + timedelta(seconds=30)).sent == 0
    report = deliver_due(database, up, now=NOW + timedelta(minutes=1))
    assert report.sent == 2
    assert deliver_due(database, up, now=NOW + timedelta(hours=1)).sent == 0

    received = smtp_server.wait_for(2)
    time.sleep(0.2)
    assert len(smtp_server.messages) == 2
    assert sorted(m["To"] for m in received) == [
        "nadia.martin@example.org",
        "zoe.martin@example.org",
    ]
    assert all(row.sent_at == NOW + timedelta(minutes=1) for row in outbox(database))
    assert all(row.attempts == 2 for row in outbox(database))


def test_retries_back_off_then_stop_after_two_days_keeping_the_message(
    database: Database, tmp_path: Path, case: tuple[int, list[int]]
) -> None:
    document_id, (guardian_id, *_) = case
    queue_message(database, document_id, guardian_id)
    down = settings_for(
        tmp_path,
        database,
        COSIGNE_SMTP_HOST="127.0.0.1",
        COSIGNE_SMTP_PORT=str(free_port()),
        COSIGNE_SMTP_STARTTLS="0",
    )

    attempts_at = []
    moment = NOW
    while True:
        report = deliver_due(database, down, now=moment)
        if not (report.failed or report.abandoned):
            break
        attempts_at.append(moment)
        (row,) = outbox(database)
        moment = row.next_attempt_at
        if report.abandoned:
            break

    delays = [b - a for a, b in itertools.pairwise(attempts_at)]
    assert delays[:5] == [timedelta(minutes=m) for m in (1, 5, 15, 60, 60)]
    assert set(delays[4:]) == {timedelta(hours=1)}
    assert len(attempts_at) == MAX_ATTEMPTS
    assert timedelta(hours=48) <= attempts_at[-1] - NOW < timedelta(hours=49)
    (row,) = outbox(database)
    assert row.sent_at is None
    assert row.attempts == MAX_ATTEMPTS
    assert "Connection" in (row.last_error or "")
    # Given up: later passes leave it alone, and it is still there.
    later = deliver_due(database, down, now=NOW + timedelta(days=30))
    assert (later.sent, later.failed, later.abandoned) == (0, 0, 0)
    assert len(outbox(database)) == 1


def test_two_workers_at_once_send_each_message_exactly_once(
    database: Database,
    smtp_server: SmtpServer,
    tmp_path: Path,
    make_request: Any,
    case: tuple[int, list[int]],
) -> None:
    document_id, (guardian_id, pupil_id, head_id) = case
    for _ in range(5):
        for signer_id in (guardian_id, pupil_id, head_id):
            queue_message(database, document_id, signer_id)
    settings = settings_for(tmp_path, database, **smtp_server.env)
    start = threading.Barrier(2)
    reports: list[DeliveryReport] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            reports.append(deliver_due(database, settings, now=NOW, batch_size=2))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert sum(r.sent for r in reports) == 15
    received = smtp_server.wait_for(15)
    time.sleep(0.2)
    assert len(smtp_server.messages) == 15
    assert len({m["Message-ID"] for m in received}) == 15
    assert all(row.sent_at is not None and row.attempts == 1 for row in outbox(database))


# ---------------------------------------------------------------------------------------------
# Header safety


def test_names_with_line_breaks_add_no_header_and_no_recipient(
    database: Database, smtp_server: SmtpServer, tmp_path: Path, make_request: Any
) -> None:
    data = make_request("parcours", pupil__first_name="Zoé\r\nBcc: evil@example.org")
    data = data["data"]
    data["guardians"][0]["first_name"] = "Nadia\nBcc: evil@example.org"
    document_id, (guardian_id, *_) = add_document(
        database, data, school={"name": "Lycée\r\nX-Injected: 1\u2028Cc: evil@example.org"}
    )
    queue_message(database, document_id, guardian_id)

    deliver_due(database, settings_for(tmp_path, database, **smtp_server.env), now=NOW)

    (received,) = smtp_server.wait_for(1)
    assert smtp_server.deliveries[0].rcpt_tos == ("nadia.martin@example.org",)
    assert set(received.keys()) == {
        "From",
        "To",
        "Reply-To",
        "Subject",
        "Date",
        "Message-ID",
        "Auto-Submitted",
        "X-Auto-Response-Suppress",
        "Content-Type",
        "MIME-Version",
    }
    assert received["Subject"] == (
        "Contrat de parcours individualisé de Zoé Bcc: evil@example.org M. à signer "
        "– Lycée X-Injected: 1 Cc: evil@example.org"
    )
    text, _ = parts(received)
    assert "Bonjour Nadia Bcc: evil@example.org Martin," in text
    time.sleep(0.2)
    assert len(smtp_server.messages) == 1


@pytest.mark.parametrize(
    "to",
    [
        "nadia.martin@example.org\r\nBcc: evil@example.org",
        "nadia.martin@example.org, evil@example.org",
        "Nadia <nadia.martin@example.org>",
        "nadia.martin@example.org;evil@example.org",
        "",
        "pas une adresse",
    ],
)
def test_queue_refuses_anything_but_one_address(database: Database, to: str) -> None:
    message = Message(to=to, subject="Objet", text="Texte", html="<p>Texte</p>")
    with database.transaction() as session, pytest.raises(BadRecipient):
        queue_mail(session, message, now=NOW)
    assert outbox(database) == []


def test_header_text_keeps_one_line() -> None:
    assert header_text("Zoé\r\nBcc: x@example.org\t\x00\x85\u2028 fin ") == (
        "Zoé Bcc: x@example.org fin"
    )


# ---------------------------------------------------------------------------------------------
# The worker command


@pytest.fixture
def app_env(database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COSIGNE_ENV", "test")
    monkeypatch.setenv("COSIGNE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COSIGNE_DATABASE_URL", database.url.render_as_string(hide_password=False))
    monkeypatch.setenv("COSIGNE_BASE_URL", "https://cosigne.example.fr")
    monkeypatch.setenv("COSIGNE_MAIL_FROM", MAIL_FROM)
    monkeypatch.delenv("COSIGNE_SECRET_KEY", raising=False)
    monkeypatch.delenv("COSIGNE_SMTP_HOST", raising=False)


def run_cosigne(*args: str) -> Any:
    app = create_app({"TESTING": True})
    try:
        return CliRunner().invoke(cli, list(args), obj=ScriptInfo(create_app=lambda: app))
    finally:
        app.extensions["cosigne.db"].dispose()


def test_worker_once_expires_reminds_and_delivers(
    app_env: None,
    database: Database,
    smtp_server: SmtpServer,
    make_request: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in smtp_server.env.items():
        monkeypatch.setenv(name, value)
    real_now = datetime.now(UTC)
    # A document past its deadline, and another whose signers were invited 8 days ago.
    late_id, _ = add_document(
        database, make_request("parcours")["data"], deadline=real_now.date() - timedelta(days=2)
    )
    with database.transaction() as session:
        school_id = session.get(Document, late_id).school_id  # type: ignore[union-attr]
    waiting_id, (guardian_id, pupil_id, _) = add_document(
        database,
        make_request("parcours")["data"],
        school_id=school_id,
        deadline=real_now.date() + timedelta(days=20),
        invited_at=real_now - timedelta(days=8),
    )

    result = run_cosigne("worker", "--once")

    assert result.exit_code == 0, (result.output, result.exception)
    assert "Passe terminée : 2 courriel(s) envoyé(s)" in result.output
    assert "2 rappel(s)" in result.output
    assert "1 document(s) expiré(s)" in result.output
    received = smtp_server.wait_for(2)
    assert sorted(m["To"] for m in received) == [
        "nadia.martin@example.org",
        "zoe.martin@example.org",
    ]
    for message in received:
        assert message["Subject"].startswith("Rappel : ")
        text, _ = parts(message)
        assert "https://cosigne.example.fr/sign/" in text
    with database.new_session() as session:
        assert session.get(Document, late_id).state == "expired"  # type: ignore[union-attr]
        assert session.get(Document, waiting_id).state == "awaiting_signatures"  # type: ignore[union-attr]
        assert session.get(Signer, guardian_id).reminder_count == 1  # type: ignore[union-attr]
        assert session.get(Signer, pupil_id).reminder_count == 1  # type: ignore[union-attr]

    again = run_cosigne("worker", "--once")
    assert again.exit_code == 0, (again.output, again.exception)
    assert "0 courriel(s) envoyé(s), 0 en attente d'un nouvel essai, 0 rappel(s)" in again.output
    # Each delivery is its own event of the trail: the server's answer and the Message-ID.
    ids = {m["To"]: m["Message-ID"] for m in received}
    with database.new_session() as session:
        events = session.scalars(
            select(Event).where(Event.document_id == waiting_id, Event.type == "delivered")
        ).all()
        assert sorted(e.signer_id for e in events) == sorted([guardian_id, pupil_id])
        for event in events:
            assert event.data["smtp_reply"] == "250 Message accepted for delivery"
            assert event.data["message_id"] == ids[event.data["to"]]
            assert event.data["purpose"] == "reminder"


def test_a_refused_recipient_is_a_bounce_in_the_trail_at_once(
    app_env: None,
    database: Database,
    smtp_server: SmtpServer,
    make_request: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in smtp_server.env.items():
        monkeypatch.setenv(name, value)
    smtp_server.refused.add("nadia.martin@example.org")
    real_now = datetime.now(UTC)
    document_id, (guardian_id, pupil_id, _) = add_document(
        database,
        make_request("parcours")["data"],
        deadline=real_now.date() + timedelta(days=20),
        invited_at=real_now - timedelta(days=8),
    )

    result = run_cosigne("worker", "--once")

    assert result.exit_code == 0, (result.output, result.exception)
    assert "1 courriel(s) envoyé(s), 0 en attente d'un nouvel essai, 1 abandonné(s)" in (
        result.output
    )
    assert [m["To"] for m in smtp_server.wait_for(1)] == ["zoe.martin@example.org"]
    with database.new_session() as session:
        types = {
            (e.type, e.signer_id)
            for e in session.scalars(select(Event).where(Event.document_id == document_id))
        }
        assert ("bounced", guardian_id) in types
        assert ("delivered", pupil_id) in types
        assert ("delivered", guardian_id) not in types
        bounce = session.scalars(select(Event).where(Event.type == "bounced")).one()
        assert "550" in bounce.data["error"]
        assert "Mailbox unavailable" in bounce.data["error"]
        message = session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_address == "nadia.martin@example.org")
        ).one()
        assert message.sent_at is None
        assert message.attempts == MAX_ATTEMPTS  # never tried again


def test_worker_without_smtp_host_writes_eml_files(
    app_env: None, database: Database, tmp_path: Path, case: tuple[int, list[int]]
) -> None:
    document_id, (guardian_id, *_) = case
    queue_message(database, document_id, guardian_id, now=datetime.now(UTC))

    result = run_cosigne("worker", "--once")

    assert result.exit_code == 0, (result.output, result.exception)
    assert "1 courriel(s) envoyé(s)" in result.output
    assert len(list((tmp_path / "data" / "outbox").glob("*.eml"))) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--interval", "0"], "Erreur : --interval doit être un nombre de secondes positif"),
        (["--frequence", "3"], "Erreur : option inconnue : --frequence"),
    ],
)
def test_worker_refuses_bad_arguments_in_one_french_line(
    app_env: None, args: list[str], message: str
) -> None:
    result = run_cosigne("worker", *args)

    assert result.exit_code == 2
    assert result.stderr.strip().startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1


def test_worker_refuses_an_unusable_sender(app_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COSIGNE_MAIL_FROM", "Cosigne")

    result = run_cosigne("worker", "--once")

    assert result.exit_code == 2
    assert "COSIGNE_MAIL_FROM n'est pas une adresse valide" in result.stderr


def test_worker_once_reports_a_failed_pass_in_one_french_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    # A database never upgraded: every step fails, the pass says so, the details are logged.
    monkeypatch.setenv("COSIGNE_ENV", "test")
    monkeypatch.setenv("COSIGNE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COSIGNE_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    monkeypatch.delenv("COSIGNE_SMTP_HOST", raising=False)
    monkeypatch.delenv("COSIGNE_MAIL_FROM", raising=False)

    result = run_cosigne("worker", "--once")

    assert result.exit_code == 1
    assert result.stderr.strip() == "Erreur : la passe a rencontré des erreurs (voir le journal)"
    assert "7 erreur(s)" in result.stdout  # the page images step: no folder, nothing read
    assert "Échec de l'étape « envoi des courriels »" in caplog.messages
