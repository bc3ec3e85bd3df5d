"""The one-time code before signing, as a guardian and as someone holding a forwarded link
would meet it: the invitation and the code arrive through a real SMTP server on loopback, the
pages through the Flask test client, on SQLite and PostgreSQL. Every refusal is checked in the
database and the trail."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from db import database, database_url, postgres_server, postgres_url, snapshot
from factories import FrozenClock, logged_in, make_school, make_user, serving_app
from flask import Flask
from flask.testing import FlaskClient
from smtp import SmtpServer, smtp_server, smtp_server_session
from sqlalchemy import select
from werkzeug.test import TestResponse

from service.accounts.models import School, User
from service.context import Context
from service.db import Database
from service.documents.create import create_document
from service.documents.issue import issue_document
from service.documents.models import Event
from service.mail.deliver import deliver_due
from service.signers.models import Signer, SigningCode
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

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
GUARDIAN_IP = "203.0.113.7"
FORWARDEE_IP = "198.51.100.23"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def app(
    database: Database,
    database_url: str,
    clock: FrozenClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    smtp_server: SmtpServer,
) -> Iterator[Flask]:
    app = serving_app(
        database_url,
        tmp_path,
        monkeypatch,
        clock=clock,
        COSIGNE_ATTEMPTS_MAX="8",
        **smtp_server.env,
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
def head(ctx: Context) -> User:
    return make_user(ctx.db, make_school(ctx.db), role="head", session_version="session-du-chef")


@pytest.fixture
def guardian(ctx: Context, head: User, make_request, smtp_server: SmtpServer) -> Signer:
    """A minor's pathway contract issued; its invitations handed to the mail server."""
    document = create_document(ctx, head, make_request("parcours"))
    issue_document(ctx, head, document.id)
    deliver_due(ctx.db, ctx.settings, now=NOW)
    with ctx.db.new_session() as session:
        return session.scalars(
            select(Signer).where(Signer.document_id == document.id, Signer.role == "guardian")
        ).first()


def mail_to(server: SmtpServer, address: str, subject_has: str) -> EmailMessage:
    found = [m for m in server.messages if m["To"] == address and subject_has in str(m["Subject"])]
    assert found, [str(m["Subject"]) for m in server.messages]
    return found[-1]


def body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def link_in(message: EmailMessage) -> str:
    found = re.search(r"http://cosigne\.test(/sign/[A-Za-z0-9_.\-]+)", body(message))
    assert found
    return found.group(1)


def code_in(message: EmailMessage) -> str:
    found = re.search(r"^\s+(\d{6})\s*$", body(message), re.MULTILINE)
    assert found, body(message)
    return found.group(1)


def browser(app: Flask, ip: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": ip, "HTTP_USER_AGENT": "Mozilla/5.0 Firefox/132"})
    return client


def text(response: TestResponse) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def csrf(response: TestResponse) -> str:
    found = CSRF.search(response.get_data(as_text=True))
    assert found
    return found.group(1)


def sign_form(token: str, full_name: str, code: str | None) -> dict[str, str]:
    form = {"csrf_token": token, "consent": "oui", "full_name": full_name}
    if code is not None:
        form["code"] = code
    return form


def trail(db: Database, document_id: int) -> list[tuple[str, dict]]:
    with db.new_session() as session:
        return [
            (str(e.type), dict(e.data or {}))
            for e in session.scalars(
                select(Event).where(Event.document_id == document_id).order_by(Event.seq)
            )
        ]


def reload(db: Database, signer: Signer) -> Signer:
    with db.new_session() as session:
        found = session.get(Signer, signer.id)
        assert found is not None
        return found


def codes_of(db: Database, signer: Signer) -> list[SigningCode]:
    with db.new_session() as session:
        return list(
            session.scalars(
                select(SigningCode)
                .where(SigningCode.signer_id == signer.id)
                .order_by(SigningCode.id)
            )
        )


def test_a_forwarded_link_reads_the_document_but_cannot_sign_without_the_code(
    app: Flask, ctx: Context, guardian: Signer, smtp_server: SmtpServer
) -> None:
    url = link_in(mail_to(smtp_server, guardian.email, "à signer"))
    forwardee = browser(app, FORWARDEE_IP)

    page = forwardee.get(url)  # the link alone shows the document
    assert page.status_code == 200
    assert "Recevoir mon code par courriel" in text(page)
    masked = f"{guardian.email[0]}•••••@{guardian.email.split('@')[1]}"
    assert masked in text(page)
    assert guardian.email not in page.get_data(as_text=True)  # the address is not given away
    assert forwardee.get(f"{url}/document.pdf").status_code == 200

    before = snapshot(ctx.db)
    refused = forwardee.post(url, data=sign_form(csrf(page), guardian.full_name, None))
    assert refused.status_code == 422
    assert "Saisissez le code à 6 chiffres reçu par courriel" in text(refused)
    assert snapshot(ctx.db) == before  # nothing was recorded, the link still works

    for guess in ("000000", "111111", "222222", "333333"):
        wrong = forwardee.post(url, data=sign_form(csrf(page), guardian.full_name, guess))
        assert wrong.status_code == 422
    assert "Saisissez le code à 6 chiffres" in text(wrong)  # no code was ever sent
    assert reload(ctx.db, guardian).state == "opened"
    assert "signed" not in [t for t, _ in trail(ctx.db, guardian.document_id)]

    # The forwardee asks for a code: it goes to the guardian's own address, not theirs.
    asked = forwardee.post(f"{url}/code", data={"csrf_token": csrf(page)})
    assert asked.status_code == 303
    code_mail = mail_to(smtp_server, guardian.email, "Votre code pour signer")
    assert "valable 10 minutes" in body(code_mail)
    events = trail(ctx.db, guardian.document_id)
    sent = [d for t, d in events if t == "code_sent"]
    assert [d["to"] for d in sent] == [guardian.email]
    delivered = [d for t, d in events if t == "delivered" and d.get("purpose") == "code"]
    assert delivered
    assert delivered[0]["message_id"] == code_mail["Message-ID"]

    for attempt in range(1, 6):
        guess = f"{(int(code_in(code_mail)) + attempt) % 1_000_000:06d}"
        wrong = forwardee.post(url, data=sign_form(csrf(page), guardian.full_name, guess))
        assert wrong.status_code == 422
    assert "Trop d'essais avec ce code" in text(wrong)
    (row,) = codes_of(ctx.db, guardian)
    assert row.tries == 5
    assert row.used_at is None
    assert row.digest != code_in(code_mail)  # only an HMAC of it is stored
    rejected = [d for t, d in trail(ctx.db, guardian.document_id) if t == "code_rejected"]
    assert [d["verdict"] for d in rejected] == ["wrong"] * 5
    # Even the right code is dead now.
    late = forwardee.post(url, data=sign_form(csrf(page), guardian.full_name, code_in(code_mail)))
    assert late.status_code == 422
    assert "Trop d'essais avec ce code" in text(late)
    assert reload(ctx.db, guardian).state == "opened"


def test_the_guardian_signs_with_the_code_from_her_mail_and_the_trail_says_how(
    app: Flask, ctx: Context, guardian: Signer, smtp_server: SmtpServer
) -> None:
    url = link_in(mail_to(smtp_server, guardian.email, "à signer"))
    phone = browser(app, GUARDIAN_IP)
    page = phone.get(url)
    assert phone.post(f"{url}/code", data={"csrf_token": csrf(page)}).status_code == 303
    again = phone.get(url)
    assert "Un code a été envoyé le 28 novembre 2026 à 10 h" in text(again)
    assert "Recevoir un nouveau code" in text(again)
    code = code_in(mail_to(smtp_server, guardian.email, "Votre code pour signer"))

    spaced = f"{code[:3]} {code[3:]}"  # as a phone may paste it
    signed = phone.post(url, data=sign_form(csrf(again), guardian.full_name, spaced))
    assert signed.status_code == 200, text(signed)
    assert "Merci, votre signature est enregistrée" in text(signed)

    (row,) = codes_of(ctx.db, guardian)
    assert row.used_at == NOW
    events = trail(ctx.db, guardian.document_id)
    types = [t for t, _ in events]
    assert types.index("code_sent") < types.index("code_accepted") < types.index("signed")
    signed_data = next(d for t, d in events if t == "signed")
    assert signed_data["identification"] == "email_link_code"
    assert signed_data["code_id"] == row.id
    assert signed_data["code_sent_at"] == NOW.isoformat()


def test_a_code_expires_after_ten_minutes_and_a_new_one_waits_a_minute(
    app: Flask, ctx: Context, guardian: Signer, smtp_server: SmtpServer, clock: FrozenClock
) -> None:
    url = link_in(mail_to(smtp_server, guardian.email, "à signer"))
    phone = browser(app, GUARDIAN_IP)
    page = phone.get(url)
    token = csrf(page)
    assert phone.post(f"{url}/code", data={"csrf_token": token}).status_code == 303
    first = code_in(mail_to(smtp_server, guardian.email, "Votre code pour signer"))
    mails = len(smtp_server.messages)

    before = snapshot(ctx.db)
    clock.advance(seconds=30)
    too_soon = phone.post(f"{url}/code", data={"csrf_token": token})
    assert too_soon.status_code == 429
    assert "patientez 30 s" in text(too_soon)
    assert snapshot(ctx.db) == before
    assert len(smtp_server.messages) == mails

    clock.advance(minutes=10)
    expired = phone.post(url, data=sign_form(token, guardian.full_name, first))
    assert expired.status_code == 422
    assert "Ce code a expiré" in text(expired)
    assert "Recevoir mon code par courriel" in text(expired)  # no live code any more

    assert phone.post(f"{url}/code", data={"csrf_token": token}).status_code == 303
    second = code_in(mail_to(smtp_server, guardian.email, "Votre code pour signer"))
    if second != first:  # one chance in a million that they are equal
        stale = phone.post(url, data=sign_form(token, guardian.full_name, first))
        assert "Ce code n'est pas le bon" in text(stale)
    signed = phone.post(url, data=sign_form(token, guardian.full_name, second))
    assert signed.status_code == 200, text(signed)
    assert [r.used_at is not None for r in codes_of(ctx.db, guardian)] == [False, True]


def test_wrong_codes_from_one_address_are_limited_across_codes_with_a_french_429(
    app: Flask, ctx: Context, guardian: Signer, smtp_server: SmtpServer, clock: FrozenClock
) -> None:
    url = link_in(mail_to(smtp_server, guardian.email, "à signer"))
    guesser = browser(app, FORWARDEE_IP)
    token = csrf(guesser.get(url))
    for _ in range(2):  # two codes, four wrong tries each: the address's limit (8) is reached
        assert guesser.post(f"{url}/code", data={"csrf_token": token}).status_code == 303
        for guess in ("000001", "000002", "000003", "000004"):
            guesser.post(url, data=sign_form(token, guardian.full_name, guess))
        clock.advance(minutes=2)
    assert guesser.post(f"{url}/code", data={"csrf_token": token}).status_code == 303
    code = code_in(mail_to(smtp_server, guardian.email, "Votre code pour signer"))

    before = snapshot(ctx.db)
    blocked = guesser.post(url, data=sign_form(token, guardian.full_name, code))
    assert blocked.status_code == 429
    assert "Trop de codes incorrects ont été essayés" in text(blocked)
    assert int(blocked.headers["Retry-After"]) > 0
    assert snapshot(ctx.db) == before  # not even the right code is looked at

    # The guardian, from her own connection, is not locked out.
    own = browser(app, GUARDIAN_IP)
    signed = own.post(url, data=sign_form(csrf(own.get(url)), guardian.full_name, code))
    assert signed.status_code == 200, text(signed)


def test_the_head_chooses_who_types_a_code_and_an_admin_cannot(
    app: Flask, ctx: Context, head: User, make_request, smtp_server: SmtpServer
) -> None:
    staff = logged_in(app, head)
    settings = staff.get("/etablissement")
    assert settings.status_code == 200, settings.headers.get("Location")
    checked = re.findall(r'value="(\w+)" checked', settings.get_data(as_text=True))
    assert checked == ["guardian", "host_representative"]  # the default

    before = snapshot(ctx.db)
    bad = staff.post(
        "/etablissement", data={"csrf_token": csrf(settings), "code_roles": ["pupil", "x"]}
    )
    assert bad.status_code == 422
    assert "Rôle inconnu : « x »" in text(bad)
    assert snapshot(ctx.db) == before
    assert staff.post("/etablissement", data={"code_roles": ["pupil"]}).status_code == 400

    saved = staff.post(
        "/etablissement", data={"csrf_token": csrf(settings), "code_roles": ["pupil"]}
    )
    assert saved.status_code == 303
    with ctx.db.new_session() as session:
        school = session.get(School, head.school_id)
        assert school is not None
        assert school.code_roles == "pupil"

    admin = make_user(ctx.db, school, role="admin", session_version="session-admin")
    admin_browser = logged_in(app, admin)
    page = admin_browser.get("/etablissement")
    assert "Seul le chef d’établissement peut modifier ce réglage" in text(page)
    before = snapshot(ctx.db)
    refused = admin_browser.post("/etablissement", data={"csrf_token": csrf(page)})
    assert refused.status_code == 403
    assert snapshot(ctx.db) == before

    # The guardian now signs with the link alone; the pupil is asked a code.
    document = create_document(ctx, head, make_request("parcours"))
    issue_document(ctx, head, document.id)
    deliver_due(ctx.db, ctx.settings, now=NOW)
    with ctx.db.new_session() as session:
        parties = {
            s.role: s
            for s in session.scalars(select(Signer).where(Signer.document_id == document.id))
        }
    pupil_url = link_in(mail_to(smtp_server, parties["pupil"].email, "à signer"))
    assert "Recevoir mon code par courriel" in text(browser(app, GUARDIAN_IP).get(pupil_url))
    guardian = parties["guardian"]
    url = link_in(mail_to(smtp_server, guardian.email, "à signer"))
    phone = browser(app, GUARDIAN_IP)
    page = phone.get(url)
    assert "Recevoir mon code" not in text(page)
    signed = phone.post(url, data=sign_form(csrf(page), guardian.full_name, None))
    assert signed.status_code == 200, text(signed)
    signed_data = next(d for t, d in trail(ctx.db, document.id) if t == "signed")
    assert signed_data["identification"] == "email_link"
