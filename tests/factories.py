"""Factories with defaults for the rows tests need: `make_school(db)`, `make_user(db, school)`,
`make_context(db, tmp_path, converter)`."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from service.accounts.models import School, User
from service.context import Context, Origin
from service.db import Database
from service.documents.create import create_document
from service.documents.forms import build as build_form
from service.documents.issue import issue_document
from service.finalize.finalize import finalize
from service.mail.models import OutboxMessage
from service.settings import Settings
from service.signers import codes
from service.signers.codes import send_code
from service.signers.models import Signer
from service.signers.sign import sign
from service.signers.sign_as_staff import sign_as_staff
from signing.pdf.pipeline import Converter

if TYPE_CHECKING:
    from flask import Flask
    from flask.testing import FlaskClient

_numbers = itertools.count(1)

SCHOOL_UAIS = ("0440021J", "0170022G", "0750655E")


def make_school(db: Database, *, uai: str = "0440021J", **values: Any) -> School:
    fields: dict[str, Any] = {
        "uai": uai,
        "name": "Lycée professionnel Michelet",
        "status": "public",
        "address": "2 boulevard de l'Égalité, 44100 Nantes",
        "email": f"ce.{uai}@example.edu",
        "phone": "02 40 00 00 10",
        "head_first_name": "Anne",
        "head_last_name": "Leroy",
        "head_title": "Proviseure",
        "head_email": f"direction.{uai.lower()}@example.edu",
        "board_approval_date": date(2026, 9, 22),
    }
    fields.update(values)
    with db.transaction() as session:
        school = School(**fields)
        session.add(school)
    return school


def make_user(db: Database, school: School, *, role: str = "head", **values: Any) -> User:
    number = next(_numbers)
    fields: dict[str, Any] = {
        "school_id": school.id,
        "email": f"agent{number}@example.edu",
        "first_name": "Claire",
        "last_name": f"Dubois{number}",
        "role": role,
    }
    fields.update(values)
    with db.transaction() as session:
        user = User(**fields)
        session.add(user)
    return user


class FrozenClock:
    """The time, as tests set it: `clock.now`, moved with `clock.advance(days=…)`."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        from datetime import timedelta  # noqa: PLC0415

        self.now += timedelta(**delta)


def settings_for(tmp_path: Path, database_url: str, **env: str) -> Settings:
    return Settings.from_env(
        {
            "COSIGNE_ENV": "test",
            "COSIGNE_DATA_DIR": str(tmp_path / "data"),
            "COSIGNE_DATABASE_URL": database_url,
            "COSIGNE_BASE_URL": "http://cosigne.test",
            **env,
        }
    )


def make_context(
    db: Database,
    tmp_path: Path,
    converter: Converter,
    *,
    clock: Callable[[], datetime] | None = None,
    **env: str,
) -> Context:
    return Context(
        db=db,
        settings=settings_for(tmp_path, db.url.render_as_string(hide_password=False), **env),
        converter=lambda: converter,
        clock=clock or FrozenClock(datetime(2026, 11, 28, 9, 0, tzinfo=UTC)),
    )


def serving_app(
    database_url: str,
    tmp_path: Path,
    monkeypatch: Any,
    *,
    clock: Callable[[], datetime] | None = None,
    converter: Converter | None = None,
    **env: str,
) -> Any:
    """The Flask app of the HTTP tests: test settings on `database_url`, a random secret in the
    test's folder, no SMTP host, links on http://cosigne.test, `clock` as the app's time,
    `converter` (the session's warm LibreOffice) as its converter when given.
    The caller disposes `app.extensions["cosigne.db"]` when done."""
    from service import create_app  # noqa: PLC0415 — the app only where a test asks for it

    values = {
        "COSIGNE_ENV": "test",
        "COSIGNE_DATA_DIR": str(tmp_path / "data"),
        "COSIGNE_DATABASE_URL": database_url,
        "COSIGNE_BASE_URL": "http://cosigne.test",
        **env,
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    for name in (
        "COSIGNE_SECRET_KEY",
        "COSIGNE_SECRET_KEY_FALLBACKS",
        "COSIGNE_TRAIL_KEY",
        "COSIGNE_TRAIL_KEY_FALLBACKS",
        "COSIGNE_SMTP_HOST",
        "COSIGNE_TSA_URL",
        "COSIGNE_TSA_URLS",
        "COSIGNE_TSA_ROOTS",
    ):
        if name not in env:
            monkeypatch.delenv(name, raising=False)
    config: dict[str, Any] = {"TESTING": True}
    if clock is not None:
        config["COSIGNE_CLOCK"] = clock
    app = create_app(config)
    if converter is not None:
        app.extensions["cosigne.converter"] = converter
    return app


def mailed_code(db: Database, signer_id: int | None = None) -> str:
    """The one-time code in the latest code mail queued (for a signer), read from the outbox
    as written for the mail server."""
    query = select(OutboxMessage.text_body).where(OutboxMessage.purpose == "code")
    if signer_id is not None:
        query = query.where(OutboxMessage.signer_id == signer_id)
    with db.new_session() as session:
        text = session.scalars(query.order_by(OutboxMessage.id.desc())).first()
    assert text is not None, "no code was mailed to this signer"
    found = re.search(r"^\s+(\d{6})$", text, re.MULTILINE)
    assert found is not None, text
    return found.group(1)


def signing_code(ctx: Context, token: str, origin: Origin | None = None) -> str | None:
    """For a signer whose school asks them a code: one sent through their link, as read from
    its mail; None for a signer who is asked none."""
    claims = ctx.link_signer().read(token, now=ctx.now())
    with ctx.db.new_session() as session:
        signer = session.get(Signer, claims.subject_id)
        assert signer is not None
        if not codes.required(signer.document.school, signer):
            return None
    send_code(ctx, token, origin or Origin(ip="203.0.113.9", user_agent="test"))
    return mailed_code(ctx.db, claims.subject_id)


def code_through_page(client: FlaskClient, url: str, page: str) -> dict[str, str]:
    """What a signer adds to the signing form: when their page (`page`, its HTML) offers a
    one-time code, they ask for it there and copy it from the mail that comes; else nothing."""
    if f'action="{url}/code"' not in page:
        return {}
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None
    sent = client.post(f"{url}/code", data={"csrf_token": csrf.group(1)})
    assert sent.status_code == 303, sent.get_data(as_text=True)
    assert client.application is not None
    return {"code": mailed_code(client.application.extensions["cosigne.db"])}


def sign_all_but_head(ctx: Context, document_id: int) -> None:
    """Every invited party but the head signs through their live link, with their typed name
    (and the one-time code mailed to them, when their school asks one)."""
    with ctx.db.new_session() as session:
        links = [
            (ctx.link_signer().make(s.id, s.link_nonce, now=ctx.now()), s.full_name)
            for s in session.scalars(
                select(Signer).where(Signer.document_id == document_id, Signer.role != "head")
            )
            if s.link_nonce
        ]
    for token, name in links:
        sign(
            ctx,
            token,
            Origin(ip="203.0.113.9", user_agent="test"),
            consent=True,
            full_name=name,
            signature_png=None,
            shown_pdf_sha256=None,
            code=signing_code(ctx, token),
        )


def complete_document(ctx: Context, head: User, body: dict[str, Any]) -> int:
    """A document created, issued, signed by every party (the head logged in, last) and
    finalized; its id."""
    document = create_document(ctx, head, body)
    finish_document(ctx, head, document.id)
    return document.id


def finish_document(ctx: Context, head: User, document_id: int) -> None:
    """A draft (a document or an amendment) issued, signed by every party (the head logged in,
    last) and finalized."""
    issue_document(ctx, head, document_id)
    sign_and_finalize(ctx, head, document_id)


def sign_and_finalize(ctx: Context, head: User, document_id: int) -> None:
    """An issued document signed by every party (the head logged in, last) and finalized."""
    sign_all_but_head(ctx, document_id)
    with ctx.db.new_session() as session:
        query = select(Signer).where(Signer.document_id == document_id, Signer.role == "head")
        name = session.scalars(query).one().full_name
    sign_as_staff(
        ctx,
        head,
        document_id,
        Origin(ip="203.0.113.10", user_agent="test"),
        consent=True,
        full_name=name,
        signature_png=None,
    )
    assert finalize(ctx, document_id)


def logged_in(app: Flask, user: User) -> FlaskClient:
    """A browser with `user`'s session, as the login page leaves it."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["user_id"] = user.id
        session["session_version"] = user.session_version
    return client


def form_of(kind: str, data: dict[str, Any]) -> dict[str, str]:
    """What a browser posts for `data`: every input of the generated form with its value."""
    post: dict[str, str] = {}
    stack = list(build_form(kind, data).sections)
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if node.kind != "input":
            continue
        if node.widget == "checkbox":
            if node.value:
                post[node.name] = "oui"
        else:
            post[node.name] = str(node.value)
    return post
