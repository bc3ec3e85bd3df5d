"""The référent follows a pathway in Debian's Chromium (issue 13): « Mon suivi » shows the pupil,
what falls due this week and what is overdue, one click away; a note on an objective changes its
status on the contract's page and in its trail, a bad note is refused at its field and stores
nothing; the site visit of a convention is recorded done from its section; the year's figures
show and download as CSV. axe-core checks each page; the note is written with the keyboard alone.

A contract and a convention really signed and sealed (LibreOffice) on 28 November 2026, then the
app's clock frozen on Monday 22 February 2027: objective 1 falls due on the 26th, the visit
planned on 3 February is overdue. Fixtures of tests/e2e/conftest.py; screenshots go to
``test-artifacts/``."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from browser_steps import PASSWORD, log_in
from db import snapshot
from factories import FrozenClock, complete_document, make_user
from sqlalchemy import select

from service.accounts.models import School, User
from service.accounts.passwords import set_password
from service.context import Context
from service.documents.models import Event
from service.follow_up.models import ObjectiveNote
from service.follow_up.visit_model import SiteVisit
from signing.pdf.convert import ConverterPool
from signing.vocabulary import EventType

pytestmark = pytest.mark.libreoffice

SIGNED_ON = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
MONDAY = datetime(2027, 2, 22, 10, 0, tzinfo=UTC)
REFERENT = "claire.dubois@example.edu"
"""The example contract's référent, made the convention's too."""
NOTE = "Aucune absence depuis la rentrée de janvier."


@pytest.fixture
def clock(live_server: Any) -> FrozenClock:
    """The live app's time (`service.context.current` reads ``COSIGNE_CLOCK``)."""
    frozen = FrozenClock(SIGNED_ON)
    live_server.app.config["COSIGNE_CLOCK"] = frozen
    return frozen


@pytest.fixture
def ctx(live_server: Any, live_converter: ConverterPool, clock: FrozenClock) -> Context:
    return Context(
        db=live_server.db,
        settings=live_server.app.config["COSIGNE"],
        converter=lambda: live_converter,
        clock=clock,
    )


@pytest.fixture
def referent(live_server: Any, head: User) -> User:
    """Claire Dubois, référente of the head's school, who logs in with `PASSWORD`."""
    with live_server.db.new_session() as session:
        school = session.get(School, head.school_id)
    names = {"first_name": "Claire", "last_name": "Dubois"}
    user = make_user(live_server.db, school, role="referent", email=REFERENT, **names)
    with live_server.db.transaction() as session:
        row = session.get(User, user.id)
        assert row is not None
        set_password(row, PASSWORD)
    return user


@pytest.fixture
def contract(ctx: Context, head: User, referent: User, make_request, clock: FrozenClock) -> int:
    """The example contract (4 January – 25 June 2027), completed; the clock then on `MONDAY`.
    Built before any browser starts: sealing runs its own asyncio loop."""
    document_id = complete_document(ctx, head, make_request("parcours"))
    clock.now = MONDAY
    return document_id


@pytest.fixture
def convention(ctx: Context, head: User, make_request, clock: FrozenClock) -> int:
    """The example convention (visit planned on 3 February 2027), Claire Dubois its référente,
    completed on `SIGNED_ON`."""
    now, clock.now = clock.now, SIGNED_ON
    body = make_request(
        "convention",
        referent__first_name="Claire",
        referent__last_name="Dubois",
        referent__email=REFERENT,
    )
    document_id = complete_document(ctx, head, body)
    clock.now = now
    return document_id


def events(live_server: Any, document_id: int, type_: EventType) -> list[Event]:
    with live_server.db.new_session() as session:
        query = select(Event).where(Event.document_id == document_id, Event.type == type_)
        return list(session.scalars(query.order_by(Event.seq)))


def notes(live_server: Any, document_id: int) -> list[ObjectiveNote]:
    with live_server.db.new_session() as session:
        query = select(ObjectiveNote).where(ObjectiveNote.document_id == document_id)
        return list(session.scalars(query.order_by(ObjectiveNote.id)))


def badge(page: Any, selector: str) -> str:
    """A badge's words, as written (the DSFR shows them in capitals)."""
    return " ".join(str(page.locator(selector).text_content()).split())


def status_of(page: Any, number: int) -> str:
    """The status badge of objective `number` on the contract's page."""
    return badge(page, f"#objectif-{number} .cosigne-objective-status")


def send_note(page: Any, *, status: str, note: str, day: str = "") -> None:
    page.locator("#note-objective").select_option("1")
    page.locator("#note-status").select_option(label=status)
    page.locator("#note-date").fill(day)
    page.locator("#note-note").fill(note)
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer la note").click()


def send_visit(page: Any, *, report: str) -> None:
    form = page.locator("#formulaire-visite-faite")
    form.get_by_label("Date de la visite").fill("2027-02-04")
    form.get_by_label("Personne venue").fill("Claire Dubois")
    form.get_by_label("Tuteur rencontré").fill("Luc Moreau")
    form.get_by_label("Compte rendu (court)").fill(report)
    with page.expect_navigation():
        form.get_by_role("button", name="Noter la visite faite").click()


def tab_to(page: Any, target: str, presses: int = 40) -> list[str]:
    """Press Tab until the focused element has the id `target` or shows the words `target`;
    the ids (or words) of the elements passed, in order."""
    passed: list[str] = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => document.activeElement.id || document.activeElement.innerText"
        )
        passed.append(" ".join(str(focused).split()))
        if target in passed[-1]:
            return passed
    pytest.fail(f"« {target} » jamais atteint au clavier : {passed}")


def assert_refused_at(page: Any, field: str, message: str) -> None:
    """The note's error summary has the focus and links to `field`, marked invalid, whose
    message says `message`."""
    summary = page.locator("#erreurs-note")
    assert "La note n’a pas été enregistrée" in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "erreurs-note"
    assert summary.locator(f'a[href="#note-{field}"]').inner_text().strip() != ""
    control = page.locator(f"#note-{field}")
    assert control.get_attribute("aria-invalid") == "true"
    assert control.get_attribute("aria-describedby") == f"note-{field}-error"
    assert message in page.locator(f"#note-{field}-error").inner_text()


def test_the_referent_follows_the_week_notes_an_objective_and_records_the_visit(
    live_server: Any,
    contract: int,
    convention: int,
    page: Any,
    accessibility: Any,
    screenshot: Callable[[Any, str], Path],
) -> None:
    def check(name: str) -> None:
        accessibility.check(page, name)
        screenshot(page, name)

    log_in(page, live_server.url, email=REFERENT)
    page.get_by_role("link", name="Mon suivi").first.click()
    page.wait_for_url("**/suivi")
    assert "au 22/02/2027" in page.locator("main").inner_text()
    row = page.locator(f"#suivi-{contract}")
    assert "Zoé Martin-Lefèvre" in row.inner_text()
    assert "26/02/2027 : Échéance de l'objectif 1" in row.inner_text()
    late = str(page.locator("#liste-en-retard").text_content())  # the badge is in capitals
    assert "03/02/2027 — Zoé Martin-Lefèvre : Visite non faite du lieu de stage" in " ".join(
        late.split()
    )
    assert "En retard" in late
    due = page.locator("#liste-a-venir")
    assert "26/02/2027 — Zoé Martin-Lefèvre : Échéance de l'objectif 1" in due.inner_text()
    check("1-mon-suivi")

    # One click to the objective, on the contract's page.
    due.get_by_role("link", name="Échéance de l'objectif 1").click()
    page.wait_for_url(f"**/documents/{contract}#objectif-1")
    assert page.locator("#objectif-1").is_visible()
    assert status_of(page, 1) == "En cours"
    title = page.locator("#objectif-1 .fr-card__title").bounding_box()
    status = page.locator("#objectif-1 .cosigne-objective-status").bounding_box()
    assert title["y"] < status["y"]  # seen in the order read: the objective, then its status
    assert badge(page, "#etat-parcours") == "En cours"
    _bad_notes_change_nothing(live_server, page, check)

    send_note(page, status="Atteint", note=NOTE)
    assert page.url.endswith(f"/documents/{contract}#suivi")
    assert "La note sur l'objectif 1 est enregistrée." in page.get_by_role("status").inner_text()
    assert status_of(page, 1) == "Atteint"
    assert NOTE in page.locator("#objectif-1").inner_text()
    check("3-note-enregistree")
    (note,) = notes(live_server, contract)
    assert (note.objective, note.status, note.note_date) == (1, "reached", date(2027, 2, 22))
    assert (note.author_name, note.author_role) == ("Claire Dubois", "referent")
    (changed,) = events(live_server, contract, EventType.OBJECTIVE_STATUS_CHANGED)
    assert (changed.data["previous_status"], changed.data["status"]) == ("ongoing", "reached")
    assert changed.actor_name == "Claire Dubois"

    _the_visit_is_recorded_done(live_server, convention, page, check)
    _the_figures_show_and_download(page, check)
    accessibility.assert_clean()


def _bad_notes_change_nothing(live_server: Any, page: Any, check: Callable[[str], None]) -> None:
    before = snapshot(live_server.db)
    send_note(page, status="Atteint", note="   ")
    assert_refused_at(page, "note", "Note : écrivez ce qui a été constaté")
    check("2-note-vide")
    send_note(page, status="Atteint", note=NOTE, day="2026-12-01")
    assert_refused_at(page, "date", "le suivi commence avec le contrat")
    assert page.locator("#note-note").input_value() == NOTE  # what was typed is kept
    send_note(page, status="Atteint", note=NOTE, day="2027-02-23")
    assert_refused_at(page, "date", "n'est pas encore arrivé")
    assert snapshot(live_server.db) == before
    assert status_of(page, 1) == "En cours"


def _the_visit_is_recorded_done(
    live_server: Any, convention: int, page: Any, check: Callable[[str], None]
) -> None:
    page.goto(f"{live_server.url}/suivi")
    page.locator("#liste-en-retard").get_by_role("link").first.click()
    page.wait_for_url(f"**/documents/{convention}#visite")
    assert badge(page, "#etat-visite") == "Visite non faite"
    check("4-visite")
    before = snapshot(live_server.db)
    send_visit(page, report="")
    assert page.evaluate("document.activeElement.id") == "erreurs-visite"
    summary = page.locator("#erreurs-visite")
    assert "La visite n’a pas été notée" in summary.inner_text()
    summary.get_by_role("link", name="Compte rendu : ce champ est obligatoire.").click()
    assert page.evaluate("document.activeElement.id") == "visite-report"
    assert page.locator("#visite-report").get_attribute("aria-invalid") == "true"
    assert page.locator("#visite-tutor_met").input_value() == "Luc Moreau"  # kept
    check("5-visite-erreur")
    assert snapshot(live_server.db) == before
    send_visit(page, report="Élève ponctuel, bien intégré à l'équipe.")
    assert "La visite du lieu de stage est notée" in page.get_by_role("status").inner_text()
    assert badge(page, "#etat-visite") == "Faite"
    assert "tuteur rencontré : Luc Moreau" in page.locator("#compte-rendu-visite").inner_text()
    with live_server.db.new_session() as session:
        visit = session.scalars(select(SiteVisit).where(SiteVisit.document_id == convention)).one()
    assert (visit.done_date, visit.visited_by) == (date(2027, 2, 4), "Claire Dubois")
    assert len(events(live_server, convention, EventType.VISIT_DONE)) == 1
    page.goto(f"{live_server.url}/suivi")
    assert "Rien en retard." in page.locator("main").inner_text()


def _the_figures_show_and_download(page: Any, check: Callable[[str], None]) -> None:
    page.get_by_role("link", name="L’année en chiffres").first.click()
    page.wait_for_url("**/chiffres")
    shown = {
        (cells[0], cells[1]): cells[2]
        for cells in (
            [c.strip() for c in row.split("\t")]
            for row in page.locator("#chiffres tbody").inner_text().splitlines()
        )
    }
    assert shown[("Parcours", "Contrats de parcours suivis")] == "1"
    assert shown[("Par état", "En cours")] == "1"
    assert shown[("Objectifs", "Atteint")] == "1"
    check("6-chiffres")
    with page.expect_download() as download:
        page.locator("#export-csv").click()
    assert download.value.suggested_filename == "annee-en-chiffres-2026-2027.csv"
    raw = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw), delimiter=";"))
    figures = {(r[0], r[1]): r[2] for r in rows if len(r) == 3}
    assert {key: figures.get(key) for key in shown} == shown  # the page's figures, the same
    assert figures[("Objectifs", "Atteint")] == "1"


def test_the_note_is_written_and_sent_with_the_keyboard_alone(
    live_server: Any, contract: int, page: Any
) -> None:
    log_in(page, live_server.url, email=REFERENT)
    page.goto(f"{live_server.url}/suivi")
    page.wait_for_load_state("networkidle")
    tab_to(page, "Échéance de l'objectif 1")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/documents/{contract}#objectif-1")

    # From the objective the link led to, the form is a few Tabs below, in reading order.
    tab_to(page, "note-objective", presses=12)
    tab_to(page, "note-status", presses=1)
    page.keyboard.press("ArrowDown")  # « En cours » → « Atteint »
    assert page.locator("#note-status").input_value() == "reached"
    # The date left empty is today's; Tab goes through each part of the two date fields.
    passed = tab_to(page, "note-note", presses=10)
    assert passed.index("note-date") < passed.index("note-new_deadline")
    page.keyboard.type(NOTE)
    tab_to(page, "Enregistrer la note", presses=1)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert status_of(page, 1) == "Atteint"
    (note,) = notes(live_server, contract)
    assert (note.status, note.note, note.note_date) == ("reached", NOTE, date(2027, 2, 22))
