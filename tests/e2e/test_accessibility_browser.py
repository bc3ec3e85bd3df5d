"""axe-core (npm, pinned in scripts/setup.sh) finds no violation of impact "serious" or
"critical" on the main pages, in the states people see them: the staff's pages on a desktop,
the signer's on a phone, the public verification page. Each page is screenshotted as checked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_steps import (
    PASSWORD,
    by_recipient,
    issue_convention,
    log_in,
    signing_link,
)

from service.accounts.models import User
from signing.pdf.convert import ConverterPool

pytestmark = pytest.mark.libreoffice


@pytest.fixture
def document_id(live_server: Any, live_converter: ConverterPool, head: User) -> int:
    """A convention with two guardians, issued; its invitations sent over SMTP."""
    issued = issue_convention(live_server, live_converter, head)
    live_server.deliver_mail()
    return issued


def test_staff_pages_have_no_serious_accessibility_violation(
    live_server: Any,
    document_id: int,
    page: Any,
    accessibility: Any,
    screenshot: Callable[[Any, str], Path],
) -> None:
    def check(name: str) -> None:
        accessibility.check(page, name)
        screenshot(page, name)

    page.goto(f"{live_server.url}/connexion")
    check("connexion")
    page.get_by_label("Adresse électronique").fill("proviseure@example.edu")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD + " faux")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("alert").wait_for()
    check("connexion-erreur")

    log_in(page, live_server.url)
    check("tableau-de-bord")

    page.goto(f"{live_server.url}/documents/nouveau/convention")
    check("formulaire")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.locator("#erreurs").wait_for()
    check("formulaire-erreurs")

    page.goto(f"{live_server.url}/documents/{document_id}")
    check("document")

    accessibility.assert_clean()


def test_signer_and_public_pages_have_no_serious_accessibility_violation(
    live_server: Any,
    document_id: int,
    page: Any,
    phone_pages: Callable[[], Any],
    accessibility: Any,
    screenshot: Callable[[Any, str], Path],
) -> None:
    invitations = by_recipient(live_server.smtp.wait_for(6))

    phone = phone_pages()
    # The issued, unsealed PDF, for the verification page (before a refusal kills every link).
    frozen = Path(live_server.app.config["COSIGNE"].data_dir) / "document-non-scelle.pdf"
    response = phone.request.get(
        signing_link(invitations["h.dupont@example.com"], live_server.url) + "/document.pdf"
    )
    assert response.status == 200
    frozen.write_bytes(response.body())

    def check(on: Any, name: str) -> None:
        accessibility.check(on, name)
        screenshot(on, name)

    phone.goto(signing_link(invitations["nadia.martin@example.org"], live_server.url))
    check(phone, "signataire")
    phone.get_by_role("button", name="Signer le document").tap()  # nothing filled in
    phone.locator("#erreurs").wait_for()
    check(phone, "signataire-erreurs")
    phone.locator("label[for=consent]").tap()
    phone.get_by_label("Votre prénom et votre nom").fill("Nadia Martin")
    phone.get_by_role("button", name="Signer le document").tap()
    phone.get_by_role("status").wait_for()
    check(phone, "signataire-confirmation")
    phone.reload()  # the used link
    check(phone, "lien-utilise")

    other = phone_pages()
    other.goto(signing_link(invitations["karim.martin@example.org"], live_server.url))
    other.locator("#refus summary").tap()
    other.get_by_label("Pourquoi refusez-vous de signer ?").fill("Je ne suis pas d’accord.")
    other.get_by_role("button", name="Refuser de signer").tap()
    other.get_by_role("status").wait_for()
    check(other, "refus")

    other.goto(f"{live_server.url}/sign/lien-invalide")
    check(other, "lien-invalide")

    page.goto(f"{live_server.url}/nulle-part")
    check(page, "page-introuvable")

    page.goto(f"{live_server.url}/verifier")
    check(page, "verification")
    page.get_by_role("button", name="Vérifier").click()  # no file chosen
    check(page, "verification-erreur")
    page.goto(f"{live_server.url}/verifier")
    page.get_by_label("Fichier PDF").set_input_files(str(frozen))
    page.get_by_role("button", name="Vérifier").click()
    page.locator("#constats").wait_for()
    check(page, "verification-resultat")

    accessibility.assert_clean()


def test_the_check_reports_a_serious_violation_with_its_page_and_element(
    live_server: Any, page: Any, accessibility: Any
) -> None:
    page.goto(f"{live_server.url}/connexion")
    assert accessibility.check(page, "connexion") == []
    page.evaluate(
        """() => {
        const button = document.createElement("button");  // no text: no accessible name
        button.id = "bouton-sans-nom";
        document.querySelector("main").append(button);
    }"""
    )
    violations = accessibility.check(page, "connexion-modifiee")
    assert [(v["id"], v["impact"]) for v in violations] == [("button-name", "critical")]
    accessibility.assert_clean(["connexion"])
    with pytest.raises(AssertionError) as failure:
        accessibility.assert_clean()
    message = str(failure.value)
    assert "[connexion-modifiee] button-name (critical)" in message
    assert "#bouton-sans-nom" in message
