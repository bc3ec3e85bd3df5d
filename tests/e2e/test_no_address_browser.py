"""A pupil with no address of their own (issue 14 §3), in Chromium: the head fills the form
without the pupil's email and chooses « en présence » beside it, issues; the document page says
« À faire signer en présence »; the pupil signs on the school's device, the head takes it back,
the others sign through their links and the document completes. axe-core checks the form with
the new field and the document page. Fixtures of tests/e2e/conftest.py."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from browser_steps import PASSWORD, convention_with_two_guardians, fill_form, log_in, signer_state
from factories import sign_and_finalize
from sqlalchemy import select

from service.accounts.models import User
from service.context import Context
from service.documents.models import Document
from signing.pdf.convert import ConverterPool

pytestmark = pytest.mark.libreoffice

ZOE = "Zoé Martin-Lefèvre"


def test_a_pupil_without_an_email_signs_in_person_and_the_document_completes(
    live_server: Any,
    live_converter: ConverterPool,
    head: User,
    page: Any,
    accessibility: Any,
    screenshot: Callable[[Any, str], Path],
) -> None:
    def check(name: str) -> None:
        accessibility.check(page, name)
        screenshot(page, name)

    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/documents/nouveau/convention")
    choice = page.get_by_label("Comment l'élève signe")
    assert choice.input_value() == "link"  # by link unless chosen otherwise
    page.get_by_role("button", name="Ajouter : représentant légal").click()
    data = convention_with_two_guardians()
    data["pupil"]["email"] = None
    fill_form(page, data)
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.locator("#erreurs").wait_for()
    message = page.locator("#champ-pupil-email-messages").inner_text()
    assert "choisissez qu'il signe en présence" in message
    check("1-formulaire-sans-courriel")

    choice.select_option(label="en présence, sur l'appareil de l'établissement")
    check("2-formulaire-en-presence")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.wait_for_url("**/documents/*")
    assert "Le brouillon est enregistré." in page.inner_text("main")
    page.get_by_role("button", name="Émettre").click()
    page.wait_for_load_state()
    assert "Le document est émis" in page.inner_text("main")
    assert signer_state(page, ZOE) == "À faire signer en présence"
    assert signer_state(page, "Nadia Martin") == "Invité"
    assert page.get_by_role("button", name=f"Relancer {ZOE}").count() == 0
    document_url = page.url
    check("3-document-a-faire-signer")

    sent = live_server.deliver_mail().delivery.sent
    messages = live_server.smtp.wait_for(sent)
    notices = [m for m in messages if "À faire signer à l'établissement" in str(m["Subject"])]
    assert sorted(str(m["To"]) for m in notices) == [
        "direction.0440021j@example.edu",
        "paul.garnier@example.edu",
    ]
    assert not [m for m in messages if "Zoé Martin-Lefèvre" in str(m["To"])]

    with page.expect_navigation():
        page.get_by_role("button", name=f"Faire signer sur cet appareil : {ZOE}").click()
    page.locator("label[for=consent]").click()
    page.get_by_label("Votre prénom et votre nom").fill(ZOE)
    with page.expect_navigation():
        page.get_by_role("button", name="Signer", exact=True).click()
    assert f"La signature de {ZOE} est enregistrée" in page.inner_text("main")
    with page.expect_navigation():
        page.get_by_role("button", name="Terminer et rendre l’appareil").click()
    page.get_by_label("Mot de passe").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Reprendre ma session").click()
    assert page.url == document_url
    assert signer_state(page, ZOE) == "Signé"

    with live_server.db.new_session() as session:
        document_id = session.scalars(select(Document.id)).one()
    ctx = Context(
        db=live_server.db,
        settings=live_server.app.config["COSIGNE"],
        converter=lambda: live_converter,
    )
    with ThreadPoolExecutor(1) as thread:  # sealing runs asyncio: off Playwright's event loop
        thread.submit(sign_and_finalize, ctx, head, document_id).result()
    page.reload()
    assert page.locator("#etat-document").text_content() == "Finalisé"
    check("4-document-finalise")
    accessibility.assert_clean()
