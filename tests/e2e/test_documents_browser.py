"""A head prepares and issues a convention in a real browser; every other party signs from the
link of the email they really received (aiosmtpd on loopback), on a phone, drawing with a finger;
the head follows each state change, signs last, downloads the sealed PDF and checks it.

Debian's Chromium through Playwright (fixtures of tests/e2e/conftest.py), against the app served
on loopback with the real warm LibreOffice; mail leaves through `cosigne worker`'s own pass.
Screenshots of each step go to ``test-artifacts/``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_steps import (
    PASSWORD,
    by_recipient,
    convention_with_two_guardians,
    draw_by_touch,
    draw_with_mouse,
    fill_form,
    log_in,
    plain_text,
    signer_state,
    signing_link,
)
from sqlalchemy import select

from service.accounts.models import User
from service.documents.models import Document
from service.finalize.final_pdf import sealer
from service.signers.models import Signer
from signing.pdf.convert import ConverterPool
from signing.pdf.verify import verify_pdf

pytestmark = pytest.mark.libreoffice


def test_a_convention_is_prepared_signed_by_every_party_from_their_mail_and_sealed(
    live_server: Any,
    live_converter: ConverterPool,
    page: Any,
    phone_pages: Callable[[], Any],
    head: User,
    screenshot: Callable[[Any, str], Path],
) -> None:
    shot = screenshot
    log_in(page, live_server.url)
    shot(page, "01-tableau-de-bord")

    page.get_by_role("link", name="Nouvelle convention de stage").first.click()
    page.wait_for_url("**/documents/nouveau/convention")
    assert page.locator("#champ-guardians-1-first_name").is_hidden()  # one row until asked
    page.get_by_role("button", name="Ajouter : représentant légal").click()
    assert page.locator("#champ-guardians-1-first_name").is_visible()
    assert page.evaluate("document.activeElement.id") == "champ-guardians-1-first_name"

    data = convention_with_two_guardians()
    data["guardians"][1]["email"] = "karim.martin@"
    fill_form(page, data)
    shot(page, "02-formulaire")
    page.get_by_role("button", name="Enregistrer le brouillon").click()

    summary = page.locator("#erreurs")
    summary.wait_for()
    assert page.evaluate("document.activeElement.id") == "erreurs"
    assert "adresse électronique invalide" in summary.inner_text()
    message = page.locator("#champ-guardians-1-email-messages")
    assert "adresse électronique invalide" in message.inner_text()
    shot(page, "03-erreur")

    summary.get_by_role("link").first.click()
    email = page.locator("#champ-guardians-1-email")
    assert email.input_value() == "karim.martin@"
    email.fill("karim.martin@example.org")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.wait_for_url("**/documents/*")
    assert "Le brouillon est enregistré." in page.inner_text("main")
    shot(page, "04-brouillon")

    preview_link = page.get_by_role("link", name="Aperçu PDF")
    preview = page.request.get(live_server.url + preview_link.get_attribute("href"))
    assert preview.status == 200
    assert preview.headers["content-type"] == "application/pdf"
    assert preview.body().startswith(b"%PDF-")

    page.get_by_role("button", name="Émettre").click()
    page.wait_for_load_state()
    assert "Le document est émis" in page.inner_text("main")
    assert page.locator("#etat-document").text_content() == "En attente de signature"
    document_url = page.url
    shot(page, "05-emis")

    db = live_server.db
    with db.new_session() as session:
        document = session.scalars(select(Document)).one()
        assert document.state == "awaiting_signatures"
        signers = [
            (s.id, s.full_name, s.email)
            for s in session.scalars(
                select(Signer).where(Signer.role != "head").order_by(Signer.position)
            )
        ]
        head_address = session.scalars(select(Signer.email).where(Signer.role == "head")).one()
    assert len(signers) == 6  # host's representative and tutor, referent, pupil, two guardians
    for _, name, _ in signers:
        assert signer_state(page, name) == "Invité"

    page.goto(f"{live_server.url}/tableau-de-bord")
    assert "Karim Martin (invité)" in page.inner_text("main")
    shot(page, "06-tableau-de-bord")

    # The worker's pass sends the invitations over SMTP; each party opens their own.
    report = live_server.deliver_mail()
    assert report.delivery.sent == 6
    invitations = by_recipient(live_server.smtp.wait_for(6))
    assert set(invitations) == {address for _, _, address in signers}

    for number, (signer_id, name, address) in enumerate(signers, start=1):
        invitation = invitations[address]
        assert name in plain_text(invitation)
        phone = phone_pages()
        phone.goto(signing_link(invitation, live_server.url))
        assert phone.get_by_role("heading", level=1).inner_text() == "Convention de stage"
        assert f"Vous signez : {name}" in phone.inner_text("main")
        shot(phone, f"{number + 6:02d}a-signataire-{number}-lien-ouvert")

        page.goto(document_url)
        assert signer_state(page, name) == "Ouvert"

        draw_by_touch(phone)
        phone.locator("label[for=consent]").tap()  # the DSFR draws the box on the label
        assert phone.locator("#consent").is_checked()
        phone.get_by_label("Votre prénom et votre nom").fill(name)
        shot(phone, f"{number + 6:02d}b-signataire-{number}-pret")
        phone.get_by_role("button", name="Signer le document").tap()
        confirmation = phone.get_by_role("status")
        assert "Merci, votre signature est enregistrée" in confirmation.inner_text()
        assert "Vous n’avez plus rien à faire." in phone.inner_text("main")
        shot(phone, f"{number + 6:02d}c-signataire-{number}-confirmation")
        phone.context.close()

        with db.new_session() as session:
            row = session.get(Signer, signer_id)
            assert row is not None
            assert row.state == "signed"
            assert row.signature_png is not None  # the finger's drawing came through
            assert row.signature_png.startswith(b"\x89PNG")
        page.goto(document_url)
        assert signer_state(page, name) == "Signé"
        if number < len(signers):
            assert page.locator("#signature-etablissement").count() == 0  # not yet the head's turn
    shot(page, "13-tous-ont-signe")

    # Everyone else has signed: the head is told by mail, and signs here, logged in.
    live_server.deliver_mail()
    (head_mail,) = live_server.smtp.wait_for(7)[6:]
    assert by_recipient([head_mail]).keys() == {head_address}
    assert "Toutes les autres personnes ont signé." in plain_text(head_mail)
    assert signer_state(page, "Anne Leroy") == "Invité"
    page.locator("label[for=consent]").click()
    page.get_by_label("Votre prénom et votre nom").fill("Anne Leroy")
    draw_with_mouse(page)
    shot(page, "14-signature-du-chef")
    page.get_by_role("button", name="Signer le document").click()
    page.wait_for_load_state()
    assert "Votre signature est enregistrée." in page.inner_text("main")
    assert page.locator("#etat-document").text_content() == "Finalisé"  # sealed and archived
    assert signer_state(page, "Anne Leroy") == "Signé"
    shot(page, "15-finalise")

    signed_link = page.get_by_role("link", name="Télécharger le PDF signé")
    with page.expect_popup() as popup:  # the link opens a new tab
        signed_link.click()
    popup.value.close()
    final = page.request.get(live_server.url + signed_link.get_attribute("href"))
    assert final.status == 200
    assert final.headers["content-type"] == "application/pdf"
    final_pdf = final.body()
    report = verify_pdf(
        final_pdf, trust_roots=sealer(live_server.app.config["COSIGNE"]).trust_roots()
    )
    assert report.seal_present
    assert report.seal_valid
    assert report.intact
    assert report.problems == ()

    # Every party receives the same sealed file.
    live_server.deliver_mail()
    finals = by_recipient(live_server.smtp.wait_for(14)[7:])
    assert set(finals) == {address for _, _, address in signers} | {head_address}
    for received in finals.values():
        (attachment,) = list(received.iter_attachments())
        assert attachment.get_content_type() == "application/pdf"
        assert attachment.get_content() == final_pdf

    # The public verification page says the same of the downloaded file.
    tmp_pdf = Path(live_server.app.config["COSIGNE"].data_dir) / "convention-signee.pdf"
    tmp_pdf.write_bytes(final_pdf)
    page.goto(f"{live_server.url}/verifier")
    page.get_by_label("Fichier PDF").set_input_files(str(tmp_pdf))
    page.get_by_role("button", name="Vérifier").click()
    page.wait_for_load_state()
    assert "Document authentique" in page.get_by_role("status").inner_text()
    assert page.locator("#sceau").inner_text().startswith("Sceau valide")
    assert page.locator("#integrite").inner_text().startswith("Document intact")
    assert page.locator("#connu").inner_text() == "Connu de Cosigne : oui"
    shot(page, "16-verification")

    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(f"{live_server.url}/tableau-de-bord")
    assert "Finalisé" in page.locator("#documents").text_content()
    shot(page, "17-tableau-de-bord-telephone")
    page.goto(document_url)
    shot(page, "18-document-telephone")


def test_rows_are_added_and_removed_from_the_keyboard(
    live_server: Any, page: Any, head: User, screenshot: Callable[[Any, str], Path]
) -> None:
    page.goto(f"{live_server.url}/connexion?next=/documents/nouveau/parcours")
    page.get_by_label("Adresse électronique").fill(head.email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/documents/nouveau/parcours")

    add = page.get_by_role("button", name="Ajouter : objectif")
    for number in range(1, 4):  # two rows sent by the server, then new ones
        add.focus()
        page.keyboard.press("Enter")
        active = page.evaluate("document.activeElement.id")
        assert active == f"champ-objectives-{number}-label"
        page.keyboard.type(f"Objectif {number + 1}")
    assert page.locator("#champ-objectives-3-label").get_attribute("name") == "objectives-3-label"
    assert "Objectif 4" in page.locator("#champ-objectives-3-legend").inner_text()
    screenshot(page, "1-objectifs")

    page.get_by_role("button", name="Retirer : Objectif 2").click()
    assert page.locator("#champ-objectives-1-label").is_hidden()
    assert page.evaluate("document.activeElement.textContent") == "Ajouter : objectif"
