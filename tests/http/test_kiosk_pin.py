"""The kiosk's remaining points (issue 14 §1), through the Flask test client on real SQLite and
PostgreSQL with the real LibreOffice: a staff member's PIN set from their account page and
taking their session back (throttled like a login, then refused for the password), the
``kiosk_started`` and ``kiosk_ended`` lines of the trail, and the idle timeout, decided by the
server from the test clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from db import snapshot
from factories import FrozenClock, logged_in
from flask import Flask
from flask.testing import FlaskClient
from test_kiosk import (
    PASSWORD,
    app,
    clock,
    csrf_in,
    ctx,
    database,
    database_url,
    guardians,
    hand_over,
    head,
    issued,
    load,
    postgres_server,
    postgres_url,
    text,
)
from werkzeug.test import TestResponse

from service.accounts.models import User
from service.context import Context
from service.documents import trail
from service.documents.models import Document
from signing.vocabulary import EventType

__all__ = [  # fixtures used below
    "app",
    "clock",
    "ctx",
    "database",
    "database_url",
    "head",
    "issued",
    "postgres_server",
    "postgres_url",
]

pytestmark = pytest.mark.libreoffice

PIN = "482913"


def set_pin(client: FlaskClient, pin: str, *, confirmation: str | None = None, password=PASSWORD):
    form = {
        "csrf_token": csrf_in(client.get("/compte")),
        "pin": pin,
        "pin_confirmation": pin if confirmation is None else confirmation,
        "password": password,
    }
    return client.post("/compte/code-pin", data=form)


def pin_hash(ctx: Context, user: User) -> str | None:
    with ctx.db.new_session() as session:
        row = session.get(User, user.id)
        assert row is not None
        return row.kiosk_pin_hash


def finished(client: FlaskClient, document: Document) -> TestResponse:
    """The device handed over for `document`'s mother, then « Terminer »: the lock page."""
    assert hand_over(client, document, guardians(document)[0].id).status_code == 303
    token = csrf_in(client.get("/kiosque"))
    assert client.post("/kiosque/terminer", data={"csrf_token": token}).status_code == 303
    return client.get("/kiosque/verrou")


def unlock(client: FlaskClient, entered: str) -> TestResponse:
    token = csrf_in(client.get("/kiosque/verrou"))
    return client.post("/kiosque/fin", data={"csrf_token": token, "password": entered})


def kiosk_events(ctx: Context, document: Document) -> list[tuple[str, dict]]:
    events = load(ctx.db, document.id).events
    kinds = (EventType.KIOSK_STARTED, EventType.KIOSK_ENDED)
    return [(e.type, dict(e.data)) for e in sorted(events, key=lambda e: e.seq) if e.type in kinds]


def test_a_pin_is_set_from_the_account_page_and_bad_ones_are_refused(
    app: Flask, ctx: Context, head: User
) -> None:
    client = logged_in(app, head)
    page = text(client.get("/compte"))
    assert "Code PIN du kiosque" in page
    assert "Vous n’avez pas de code PIN" in page
    assert "Après 5 codes erronés, seul le mot de passe est accepté pendant 15 minutes" in page
    before = snapshot(ctx.db)
    refusals = {
        "12345": "de 6 à 10 chiffres",
        "12 34 56": "de 6 à 10 chiffres",
        "12a456": "de 6 à 10 chiffres",
        "12345678901": "de 6 à 10 chiffres",
        "000000": "trop facile à deviner",
        "123456": "trop facile à deviner",
        "987654": "trop facile à deviner",
        "777777777": "trop facile à deviner",
        "121212": "trop facile à deviner",
    }
    for pin, message in refusals.items():
        refused = set_pin(client, pin)
        assert refused.status_code == 422, pin
        assert message in text(refused), pin
        assert "Le code PIN n’a pas été enregistré" in text(refused)
    mismatch = set_pin(client, PIN, confirmation="482914")
    assert mismatch.status_code == 422
    assert "Les deux saisies du code PIN ne sont pas identiques" in text(mismatch)
    assert snapshot(ctx.db) == before  # no password was even tried

    wrong = set_pin(client, PIN, password="pas-le-bon-mot-de-passe")  # noqa: S106
    assert wrong.status_code == 422
    assert "Mot de passe incorrect : le code PIN n'a pas été modifié" in text(wrong)
    assert snapshot(ctx.db)["users"] == before["users"]  # the failure is counted, as a login's
    no_csrf = client.post("/compte/code-pin", data={"pin": PIN, "pin_confirmation": PIN})
    assert no_csrf.status_code == 400
    assert pin_hash(ctx, head) is None

    done = set_pin(client, PIN)
    assert done.status_code == 303
    page = text(client.get(done.headers["Location"]))
    assert "Votre code PIN est enregistré" in page
    assert "Vous avez un code PIN." in page
    stored = pin_hash(ctx, head)
    assert stored is not None
    assert stored.startswith("scrypt:")
    assert PIN not in stored

    # Removing it asks the password too.
    token = csrf_in(client.get("/compte"))
    refused = client.post("/compte/code-pin/supprimer", data={"csrf_token": token, "password": "x"})
    assert refused.status_code == 422
    assert "Mot de passe incorrect" in text(refused)
    assert pin_hash(ctx, head) == stored
    removed = client.post(
        "/compte/code-pin/supprimer", data={"csrf_token": token, "password": PASSWORD}
    )
    assert removed.status_code == 303
    assert "Votre code PIN est supprimé" in text(client.get("/compte"))
    assert pin_hash(ctx, head) is None


def test_the_pin_gives_the_session_back_and_too_many_wrong_pins_leave_the_password(
    app: Flask, ctx: Context, head: User, issued: Document
) -> None:
    client = logged_in(app, head)
    assert set_pin(client, PIN).status_code == 303

    lock = text(finished(client, issued))
    assert "Anne Leroy saisit son code PIN ou son mot de passe" in lock
    assert "Code PIN ou mot de passe" in lock
    back = unlock(client, PIN)
    assert back.status_code == 303
    assert back.headers["Location"].endswith(f"/documents/{issued.id}")
    assert client.get("/tableau-de-bord").status_code == 200

    finished(client, issued)
    statuses = []
    for _ in range(5):
        wrong = unlock(client, "468135")
        statuses.append(wrong.status_code)
        assert "Code PIN incorrect." in text(wrong)
    assert statuses == [422] * 5
    before = snapshot(ctx.db)
    locked = unlock(client, PIN)  # the right PIN, refused now
    assert locked.status_code == 429
    assert "Trop de codes PIN erronés" in text(locked)
    assert "saisissez votre mot de passe" in text(locked)
    assert snapshot(ctx.db) == before
    assert client.get("/tableau-de-bord").headers["Location"].endswith("/kiosque/verrou")

    wrong_password = unlock(client, "pas-le-bon-mot-de-passe")
    assert wrong_password.status_code == 422
    assert "Mot de passe incorrect." in text(wrong_password)
    right = unlock(client, PASSWORD)
    assert right.status_code == 303
    assert client.get("/tableau-de-bord").status_code == 200


def test_the_trail_says_who_opened_the_kiosk_how_it_closed_and_how_many_signed(
    app: Flask, ctx: Context, head: User, issued: Document
) -> None:
    client = logged_in(app, head)
    mother = guardians(issued)[0]
    assert hand_over(client, issued, mother.id).status_code == 303
    page = client.get(f"/kiosque/signataire/{mother.id}")
    signed = client.post(
        f"/kiosque/signataire/{mother.id}",
        data={"csrf_token": csrf_in(page), "consent": "yes", "full_name": mother.full_name},
    )
    assert signed.status_code == 303
    client.post("/kiosque/terminer", data={"csrf_token": csrf_in(client.get("/kiosque"))})
    assert unlock(client, PASSWORD).status_code == 303

    # A second kiosk, whose staff member takes the device back while it is open.
    assert hand_over(client, issued, guardians(issued)[1].id).status_code == 303
    assert unlock(client, PASSWORD).status_code == 303

    events = kiosk_events(ctx, issued)
    assert [type_ for type_, _ in events] == ["kiosk_started", "kiosk_ended"] * 2
    started = {
        "witness_user": head.id,
        "witness_name": "Anne Leroy",
        "witness_role_label": "proviseure",
    }
    assert events[0][1] == started
    assert events[2][1] == started
    document = load(ctx.db, issued.id)
    seqs = [e.seq for e in sorted(document.events, key=lambda e: e.seq) if e.type.startswith("k")]
    assert events[1][1] == {"how": "finished", "signed": 1, "started": seqs[0]}
    assert events[3][1] == {"how": "unlocked", "signed": 0, "started": seqs[2]}
    ordered = sorted(document.events, key=lambda e: e.seq)
    assert not trail.check_chain(ordered, ctx.db.trail_keys, document.last_event_hash).breaks

    audit = text(client.get(f"/documents/{issued.id}/piste-audit"))
    assert "Appareil de l'établissement remis aux signataires (kiosque)" in audit
    assert "Fermé : terminé ; signatures recueillies : 1" in audit
    assert "Fermé : déverrouillé ; signatures recueillies : 0" in audit


def test_a_kiosk_left_idle_closes_once_and_lands_on_the_lock_page(
    app: Flask, ctx: Context, clock: FrozenClock, head: User, issued: Document
) -> None:
    client = logged_in(app, head)
    mother = guardians(issued)[0]
    assert hand_over(client, issued, mother.id).status_code == 303
    page = client.get(f"/kiosque/signataire/{mother.id}")
    raw = page.get_data(as_text=True)
    assert 'data-idle-seconds="300"' in raw  # COSIGNE_KIOSK_IDLE_MINUTES, 5 by default
    assert "/static/kiosk_idle.js" in raw
    token = csrf_in(page)

    for _ in range(3):  # each request is activity: 12 minutes in all, never 5 without one
        clock.advance(minutes=4)
        assert client.get("/kiosque").status_code == 200
    clock.advance(minutes=2)
    assert client.get("/kiosque/present").status_code == 204
    clock.advance(minutes=5)
    before = snapshot(ctx.db)["signers"]
    late = client.post(
        f"/kiosque/signataire/{mother.id}",
        data={"csrf_token": token, "consent": "yes", "full_name": mother.full_name},
    )
    assert late.status_code == 302
    assert late.headers["Location"].endswith("/kiosque/verrou")
    assert snapshot(ctx.db)["signers"] == before  # nobody signed after the kiosk closed
    assert "Rendez l’appareil" in text(client.get("/kiosque/verrou"))
    assert "Retour à l’écran de signature" not in text(client.get("/kiosque/verrou"))
    for url in ("/kiosque", f"/kiosque/signataire/{mother.id}", "/kiosque/document.pdf"):
        assert client.get(url).headers["Location"].endswith("/kiosque/verrou")
    assert client.get("/kiosque/present").status_code == 409
    assert client.get("/tableau-de-bord").headers["Location"].endswith("/kiosque/verrou")

    assert unlock(client, PASSWORD).status_code == 303
    events = kiosk_events(ctx, issued)
    assert [type_ for type_, _ in events] == ["kiosk_started", "kiosk_ended"]
    ended = events[1][1]
    assert ended["how"] == "idle"
    assert ended["signed"] == 0
    assert ended["last_activity"] == (clock.now - timedelta(minutes=5)).isoformat()
    audit = text(client.get(f"/documents/{issued.id}/piste-audit"))
    assert "Fermé : délai d'inactivité ; signatures recueillies : 0" in audit
