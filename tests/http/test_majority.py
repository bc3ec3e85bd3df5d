"""Turning 18 during the pathway (issue 13 §6): the worker writes the switch on the pupil's
birthday, once, and the pupil's page shows it; a new act judges the pupil's age on the day it is
created or issued, as its signers are; an amendment of a pupil of age is signed by the pupil
alone, and the guardians get the final PDF only when the pupil agreed. Real SQLite and
PostgreSQL, LibreOffice, mail through a real SMTP server (aiosmtpd), a frozen clock."""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from db import database, database_url, postgres_server, postgres_url, snapshot
from factories import (
    FrozenClock,
    complete_document,
    logged_in,
    make_school,
    make_user,
    serving_app,
    sign_all_but_head,
)
from flask import Flask
from pdftools import page_texts, squash
from served import ctx
from smtp import SmtpServer, smtp_server, smtp_server_session
from sqlalchemy import select

from service.accounts.api_tokens import create_api_token
from service.accounts.models import User
from service.cli.worker import run_pass
from service.context import Context, Origin
from service.documents.amend import create_amendment
from service.documents.create import create_document
from service.documents.issue import issue_document
from service.documents.models import Document, Event
from service.finalize.finalize import finalize
from service.mail.deliver import deliver_due
from service.signers.models import Signer
from service.signers.sign_as_staff import sign_as_staff
from signing.kinds import Kind
from signing.kinds.bilan.contract import from_contract
from signing.pdf.convert import ConverterPool
from signing.vocabulary import EventType

__all__ = [
    "ctx",
    "database",
    "database_url",
    "postgres_server",
    "postgres_url",
    "smtp_server",
    "smtp_server_session",
]  # fixtures used below

pytestmark = pytest.mark.libreoffice

SIGNED_ON = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
BIRTH = "2009-01-15"
"""Zoé turns 18 on 15 January 2027, in the contract's period (4 January – 25 June 2027)."""
GUARDIANS = {"nadia.martin@example.org", "k.lefevre@example.net"}
COPY_LABEL = "L'élève accepte que ses représentants légaux reçoivent une copie"
REVIEW_COPY_LABEL = "L'élève majeur accepte que ses représentants légaux reçoivent une copie"


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
def head(ctx: Context) -> User:
    return make_user(
        ctx.db,
        make_school(ctx.db),
        role="head",
        first_name="Anne",
        last_name="Leroy",
        session_version="v1",
    )


@pytest.fixture
def contract(ctx: Context, head: User, make_request) -> int:
    """Zoé's contract, signed by her mother while Zoé is 17."""
    document_id = complete_document(ctx, head, make_request("parcours", pupil__birth_date=BIRTH))
    with ctx.db.new_session() as session:
        roles = session.scalars(select(Signer.role).where(Signer.document_id == document_id))
        assert "guardian" in set(roles)
    return document_id


def switches(ctx: Context, contract: int) -> list[dict[str, Any]]:
    with ctx.db.new_session() as session:
        return [
            dict(e.data or {})
            for e in session.scalars(
                select(Event).where(
                    Event.document_id == contract, Event.type == EventType.PUPIL_CAME_OF_AGE
                )
            )
        ]


def roles_of(ctx: Context, document_id: int) -> list[str]:
    with ctx.db.new_session() as session:
        return list(
            session.scalars(
                select(Signer.role)
                .where(Signer.document_id == document_id)
                .order_by(Signer.position)
            )
        )


def pupil_page(app: Flask, head: User, contract: int) -> str:
    response = logged_in(app, head).get(f"/documents/{contract}/eleve")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_the_worker_writes_the_switch_on_the_schools_birthday_once(
    app: Flask, ctx: Context, head: User, contract: int, clock: FrozenClock
) -> None:
    # 14 January, 23:30 in Paris: still the day before the birthday at the school.
    clock.now = datetime(2027, 1, 14, 22, 30, tzinfo=UTC)
    assert run_pass(ctx).came_of_age == 0
    assert switches(ctx, contract) == []
    assert "Majeur(e) depuis" not in pupil_page(app, head, contract)

    # 15 January, 00:30 in Paris: the birthday, before any new act.
    clock.now = datetime(2027, 1, 14, 23, 30, tzinfo=UTC)
    first = run_pass(ctx)
    again = run_pass(ctx)

    assert first.came_of_age == 1
    assert "1 élève(s) devenu(s) majeur(s)" in first.summary()
    assert again.came_of_age == 0
    assert "majeur" not in again.summary()
    assert switches(ctx, contract) == [{"birthday": "2027-01-15"}]
    page = pupil_page(app, head, contract)
    assert (
        "Majeur(e) depuis le 15/01/2027 : signe seul(e) les actes suivants du contrat "
        f"n° {contract}" in page
    )
    # The review that follows finds the switch there and writes no second one.
    clock.now = datetime(2027, 2, 1, 15, 0, tzinfo=UTC)
    create_document(ctx, head, _review(ctx, contract, "2027-02-01"))
    assert switches(ctx, contract) == [{"birthday": "2027-01-15"}]


def test_the_worker_leaves_alone_a_contract_signed_alone_or_out_of_its_period(
    ctx: Context, head: User, contract: int, make_request, clock: FrozenClock
) -> None:
    adult = complete_document(ctx, head, make_request("parcours", pupil_minor=False))
    assert "guardian" not in roles_of(ctx, adult)

    clock.now = datetime(2027, 6, 26, 9, 0, tzinfo=UTC)  # the day after the contracts' end
    assert run_pass(ctx).came_of_age == 0
    assert switches(ctx, contract) == []
    clock.now = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)  # back in the period: only Zoé's
    run_pass(ctx)

    assert switches(ctx, adult) == []
    assert switches(ctx, contract) == [{"birthday": "2027-01-15"}]


def test_a_review_held_before_the_birthday_and_issued_after_is_signed_alone_and_switches(
    ctx: Context, head: User, contract: int, clock: FrozenClock
) -> None:
    # Held and written down on 14 January, while Zoé is 17: no switch yet.
    clock.now = datetime(2027, 1, 14, 15, 0, tzinfo=UTC)
    review = create_document(ctx, head, _review(ctx, contract, "2027-01-14")).id
    assert switches(ctx, contract) == []

    # Issued on 20 January, no worker having run: Zoé, 18 that day, signs it alone, and the
    # contract's trail says why, on the same day the signers were decided.
    clock.now = datetime(2027, 1, 20, 9, 0, tzinfo=UTC)
    issue_document(ctx, head, review)

    assert roles_of(ctx, review) == ["pupil", "referent", "head"]
    assert switches(ctx, contract) == [{"birthday": "2027-01-15", "act": review}]


def _review(ctx: Context, contract: int, held: str) -> dict[str, Any]:
    with ctx.db.new_session() as session:
        document = session.get_one(Document, contract)
        data = from_contract(document.data, document.id)
    data |= {"review_date": held, "decision": "continue"}
    for item in data["objectives"]:
        item["assessment"] = "En bonne voie."
    return {"kind": Kind.REVIEW.value, "data": data}


def _complete_amendment(ctx: Context, head: User, contract: int, **changes: Any) -> int:
    """An amendment of `contract` with its data changed, issued, signed by all, finalized."""
    with ctx.db.new_session() as session:
        data = dict(session.get_one(Document, contract).data)
    data.pop("amends", None)
    data |= {"schedule": "Cours du lundi au jeudi ; stage le vendredi.", **changes}
    amendment = create_amendment(ctx, head, contract, {"kind": "parcours", "data": data}).id
    issue_document(ctx, head, amendment)
    sign_all_but_head(ctx, amendment)
    sign_as_staff(
        ctx,
        head,
        amendment,
        Origin(ip="203.0.113.10", user_agent="test"),
        consent=True,
        full_name="Anne Leroy",
        signature_png=None,
    )
    assert finalize(ctx, amendment)
    return amendment


@pytest.mark.parametrize("agreed", [True, False])
def test_an_amendment_after_18_is_signed_alone_and_copied_only_with_the_pupils_agreement(
    ctx: Context,
    head: User,
    contract: int,
    clock: FrozenClock,
    smtp_server: SmtpServer,
    agreed: bool,
) -> None:
    deliver_due(ctx.db, ctx.settings, now=ctx.now())  # the contract's own mail, out of the way
    smtp_server.clear()
    clock.now = datetime(2027, 2, 1, 15, 0, tzinfo=UTC)

    amendment = _complete_amendment(ctx, head, contract, inform_guardians=agreed)
    deliver_due(ctx.db, ctx.settings, now=ctx.now())

    assert roles_of(ctx, amendment) == ["pupil", "referent", "head"]
    received = {str(m["To"]): m for m in smtp_server.messages}
    printed = squash(" ".join(page_texts(_final_pdf(received["zoe.martin@example.org"]))))
    assert "L'élève signe seul le présent avenant ;" in printed
    if agreed:
        assert "il a accepté que ses représentants légaux en reçoivent une copie signée" in printed
        assert set(received) >= GUARDIANS
        for address in GUARDIANS:
            assert str(received[address]["Subject"]).startswith("Signé : ")
            assert _final_pdf(received[address]).startswith(b"%PDF")
    else:
        assert "ses représentants légaux n'en reçoivent pas de copie" in printed
        assert not GUARDIANS & set(received)
    assert switches(ctx, contract) == [{"birthday": "2027-01-15", "act": amendment}]


def _final_pdf(mail: EmailMessage) -> bytes:
    (pdf,) = [p for p in mail.iter_attachments() if p.get_content_type() == "application/pdf"]
    return bytes(pdf.get_content())


def test_the_copy_is_offered_only_to_a_pupil_who_signs_alone(
    app: Flask, ctx: Context, head: User, contract: int, clock: FrozenClock, make_request
) -> None:
    client = logged_in(app, head)
    assert COPY_LABEL not in html.unescape(client.get("/documents/nouveau/parcours").text)
    minor = create_document(ctx, head, make_request("parcours")).id
    assert COPY_LABEL not in html.unescape(client.get(f"/documents/{minor}/modifier").text)

    review_form = f"/documents/nouveau/bilan?parcours={contract}"
    clock.now = datetime(2027, 1, 14, 15, 0, tzinfo=UTC)
    assert REVIEW_COPY_LABEL not in html.unescape(client.get(review_form).text)

    clock.now = datetime(2027, 2, 1, 15, 0, tzinfo=UTC)
    amendment = create_amendment(ctx, head, contract).id

    assert COPY_LABEL in html.unescape(client.get(f"/documents/{amendment}/modifier").text)
    assert REVIEW_COPY_LABEL in html.unescape(client.get(review_form).text)


def test_a_copy_asked_for_a_minor_is_refused_and_nothing_is_stored(
    app: Flask, ctx: Context, head: User, make_request
) -> None:
    with ctx.db.transaction() as session:
        secret = create_api_token(session, session.get_one(User, head.id)).secret
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    assert client.get("/api/v1/documents").status_code == 200  # records the token's first use
    before = snapshot(ctx.db)

    answer = client.post("/api/v1/documents", json=make_request("parcours", inform_guardians=True))

    assert answer.status_code == 422, answer.json
    (issue,) = [e for e in answer.json["errors"] if e["field"] == "inform_guardians"]
    assert "mineur non émancipé" in issue["message"]
    assert snapshot(ctx.db) == before
