"""A family signs in the head's office on the school's tablet (issue 14 §1): the head hands the
device over from the document page, the two guardians sign one after the other, « Terminer »
locks the device, and the head's session comes back only with her password. axe-core checks
each kiosk page. Fixtures of tests/e2e/conftest.py; screenshots go to ``test-artifacts/``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_steps import PASSWORD, choose_drawing, draw_by_touch, issue_convention, log_in
from sqlalchemy import select

from service.accounts.models import User
from service.documents.models import Event
from signing.pdf.convert import ConverterPool
from signing.vocabulary import EventType

pytestmark = pytest.mark.libreoffice

TABLET = {
    "viewport": {"width": 820, "height": 1180},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
"""An iPad Air-like tablet, held upright."""


@pytest.fixture
def tablet(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(locale="fr-FR", timezone_id="Europe/Paris", **TABLET)
    context.set_default_timeout(20_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def _sign(page: Any, name: str, *, draw: bool = False) -> None:
    if draw:
        assert page.locator("#method-typed").is_checked()  # the same explicit choice as a link's
        choose_drawing(page, touch=True)
        page.locator("#signature-canvas").wait_for(state="visible")
        draw_by_touch(page)
    page.locator("label[for=consent]").tap()  # the DSFR draws the box on the label
    assert page.locator("#consent").is_checked()
    page.get_by_label("Votre prénom et votre nom").fill(name)
    with page.expect_navigation():
        page.get_by_role("button", name="Signer", exact=True).tap()


def test_a_family_signs_on_the_schools_tablet_and_the_head_takes_it_back(
    live_server: Any,
    live_converter: ConverterPool,
    head: User,
    tablet: Any,
    accessibility: Any,
    screenshot: Callable[[Any, str], Path],
) -> None:
    def check(name: str) -> None:
        accessibility.check(tablet, name)
        screenshot(tablet, name)

    document_id = issue_convention(live_server, live_converter, head)
    log_in(tablet, live_server.url)
    tablet.goto(f"{live_server.url}/documents/{document_id}")
    with tablet.expect_navigation():
        tablet.get_by_role("button", name="Faire signer sur cet appareil : Nadia Martin").tap()
    main = tablet.inner_text("main")
    assert "Vous signez en tant que Nadia Martin" in main
    assert "en présence de" in main
    assert tablet.get_by_role("link", name="Tableau de bord").count() == 0
    check("1-kiosque-mere")

    _sign(tablet, "Nadia Martin", draw=True)  # she draws with her finger; he types his name
    assert "La signature de Nadia Martin est enregistrée" in tablet.inner_text("main")
    check("2-kiosque-liste")
    with tablet.expect_navigation():
        tablet.get_by_role("link", name="Karim Martin").tap()
    _sign(tablet, "Karim Martin")
    assert "La signature de Karim Martin est enregistrée" in tablet.inner_text("main")
    assert tablet.get_by_role("link", name="Nadia Martin").count() == 0

    with tablet.expect_navigation():
        tablet.get_by_role("button", name="Terminer et rendre l’appareil").tap()
    assert tablet.url.endswith("/kiosque/verrou")
    check("3-verrou")
    tablet.goto(f"{live_server.url}/tableau-de-bord")
    assert tablet.url.endswith("/kiosque/verrou")  # the staff pages stay locked

    tablet.get_by_label("Mot de passe").fill("pas-le-bon")
    with tablet.expect_navigation():
        tablet.get_by_role("button", name="Reprendre ma session").tap()
    assert "Mot de passe incorrect." in tablet.inner_text("main")
    check("4-verrou-erreur")
    tablet.get_by_label("Mot de passe").fill(PASSWORD)
    with tablet.expect_navigation():
        tablet.get_by_role("button", name="Reprendre ma session").tap()
    assert tablet.url.endswith(f"/documents/{document_id}")
    accessibility.assert_clean()

    with live_server.db.new_session() as session:
        signed = session.scalars(
            select(Event).where(Event.document_id == document_id, Event.type == EventType.SIGNED)
        ).all()
    assert len(signed) == 2
    assert {e.data["identification"] for e in signed} == {"in_person"}
    assert {e.data["witness_user"] for e in signed} == {head.id}
    assert sorted(e.data["drawn"] for e in signed) == [False, True]


def test_the_head_sets_a_pin_and_takes_the_tablet_back_with_it(
    live_server: Any,
    live_converter: ConverterPool,
    head: User,
    tablet: Any,
    accessibility: Any,
    screenshot: Callable[[Any, str], Path],
) -> None:
    def check(name: str) -> None:
        accessibility.check(tablet, name)
        screenshot(tablet, name)

    document_id = issue_convention(live_server, live_converter, head)
    log_in(tablet, live_server.url)
    tablet.goto(f"{live_server.url}/compte")
    check("5-compte")
    for pin, message in (("123456", "trop facile à deviner"), ("48 29", "de 6 à 10 chiffres")):
        tablet.locator("#pin").fill(pin)
        tablet.get_by_label("Le même code PIN, une seconde fois").fill(pin)
        tablet.get_by_label("Votre mot de passe").fill(PASSWORD)
        with tablet.expect_navigation():
            tablet.get_by_role("button", name="Enregistrer le code PIN").tap()
        assert message in tablet.inner_text("main")
    check("6-compte-erreur")
    tablet.locator("#pin").fill("482913")
    tablet.get_by_label("Le même code PIN, une seconde fois").fill("482913")
    tablet.get_by_label("Votre mot de passe").fill(PASSWORD)
    with tablet.expect_navigation():
        tablet.get_by_role("button", name="Enregistrer le code PIN").tap()
    assert "Votre code PIN est enregistré" in tablet.inner_text("main")

    # The kiosk page warns before it closes (its timers run on the page's clock, moved on).
    tablet.clock.install()
    tablet.goto(f"{live_server.url}/documents/{document_id}")
    with tablet.expect_navigation():
        tablet.get_by_role("button", name="Faire signer sur cet appareil : Nadia Martin").tap()
    warning = tablet.locator("#kiosque-inactivite")
    assert warning.is_hidden()
    tablet.clock.fast_forward("04:05")
    warning.wait_for(state="visible")
    assert "cette page va se fermer" in warning.inner_text()
    check("7-kiosque-avertissement")
    with tablet.expect_response("**/kiosque/present"):
        tablet.get_by_role("button", name="Je suis encore là").tap()
    warning.wait_for(state="hidden")

    tablet.goto(f"{live_server.url}/kiosque")
    with tablet.expect_navigation():
        tablet.get_by_role("button", name="Terminer et rendre l’appareil").tap()
    assert tablet.url.endswith("/kiosque/verrou")
    assert "saisit son code PIN ou son mot de passe" in tablet.inner_text("main")
    tablet.get_by_label("Code PIN ou mot de passe").fill("468135")
    with tablet.expect_navigation():
        tablet.get_by_role("button", name="Reprendre ma session").tap()
    assert "Code PIN incorrect." in tablet.inner_text("main")
    check("8-verrou-pin-erreur")
    tablet.get_by_label("Code PIN ou mot de passe").fill("482913")
    with tablet.expect_navigation():
        tablet.get_by_role("button", name="Reprendre ma session").tap()
    assert tablet.url.endswith(f"/documents/{document_id}")
    accessibility.assert_clean()

    with live_server.db.new_session() as session:
        ended = session.scalars(
            select(Event).where(
                Event.document_id == document_id, Event.type == EventType.KIOSK_ENDED
            )
        ).all()
    assert [e.data["how"] for e in ended] == ["finished"]
