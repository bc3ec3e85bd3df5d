"""A head prepares, issues and signs a convention in a real browser (Debian's Chromium through
Playwright; fixtures of tests/e2e/conftest.py), against the app served on loopback with the real
warm LibreOffice. Screenshots of each step go to ``test-artifacts/``."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from factories import make_school, make_user
from sqlalchemy import select

from service import accounts, forms, operations
from service.events import Origin
from service.models import Document, OutboxMessage, Signer, User
from service.operations import Context
from signing.convert import ConverterPool

pytestmark = pytest.mark.libreoffice

PASSWORD = "Un mot de passe solide 2026 !"  # noqa: S105 — a test account's password


@pytest.fixture
def head(live_server: Any) -> User:
    db = live_server.db
    user = make_user(db, make_school(db), role="head", email="proviseure@example.edu")
    with db.transaction() as session:
        row = session.get(User, user.id)
        assert row is not None
        accounts.set_password(row, PASSWORD)
    return user


def convention_with_two_guardians() -> dict[str, Any]:
    text = resources.files("contract_templates").joinpath("examples", "convention.json")
    data = copy.deepcopy(json.loads(text.read_text("utf-8"))["data"])
    data["guardians"].append(
        {
            "first_name": "Karim",
            "last_name": "Martin",
            "relationship": "père",
            "email": "karim.martin@example.org",
            "signs": True,
        }
    )
    return data


def fill_form(page: Any, data: dict[str, Any]) -> None:
    """Type every value of `data` into the generated form, as a person would."""
    stack = list(forms.build("convention", data, blank_rows=False).sections)
    while stack:
        node = stack.pop(0)
        stack[:0] = node.children
        if node.kind != "input":
            continue
        field = page.locator(f"#{node.id}")
        if node.widget == "checkbox":
            field.set_checked(bool(node.value))
        elif node.widget == "select":
            field.select_option(str(node.value))
        elif node.value not in (None, ""):
            field.fill(str(node.value))


def test_head_creates_fixes_previews_issues_and_signs_a_convention(
    live_server: Any,
    live_converter: ConverterPool,
    page: Any,
    head: User,
    screenshot: Callable[[Any, str], Path],
) -> None:
    shot = screenshot
    page.goto(f"{live_server.url}/connexion")
    page.get_by_label("Adresse électronique").fill(head.email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/tableau-de-bord")
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
    shot(page, "05-emis")

    db = live_server.db
    with db.new_session() as session:
        document = session.scalars(select(Document)).one()
        assert document.state == "awaiting_signatures"
        recipients = set(session.scalars(select(OutboxMessage.to_address)))
    assert {"nadia.martin@example.org", "karim.martin@example.org"} <= recipients

    page.goto(f"{live_server.url}/tableau-de-bord")
    assert "Karim Martin (invité)" in page.inner_text("main")
    shot(page, "06-tableau-de-bord")

    # Everyone else signs through their link; then the head signs here, logged in.
    ctx = Context(
        db=db, settings=live_server.app.config["COSIGNE"], converter=lambda: live_converter
    )
    with db.new_session() as session:
        others = [
            (s.id, s.link_nonce, s.full_name)
            for s in session.scalars(select(Signer).where(Signer.role != "head"))
        ]
    for signer_id, nonce, name in others:
        token = ctx.link_signer().make(signer_id, nonce, now=ctx.now())
        operations.sign(
            ctx,
            token,
            Origin(ip="203.0.113.9", user_agent="e2e"),
            consent=True,
            full_name=name,
            signature_png=None,
            shown_pdf_sha256=None,
        )
    page.get_by_role("link", name=f"Convention de stage n° {document.id}").click()
    page.locator("label[for=consent]").click()  # the DSFR draws the box on the label
    page.get_by_label("Votre prénom et votre nom").fill("Anne Leroy")
    canvas = page.locator("#signature-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 30, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 9):
        page.mouse.move(
            box["x"] + 30 + step * 50, box["y"] + box["height"] * (0.3 if step % 2 else 0.7)
        )
    page.mouse.up()
    shot(page, "07-signature-du-chef")
    page.get_by_role("button", name="Signer le document").click()
    page.wait_for_load_state()
    assert "Votre signature est enregistrée." in page.inner_text("main")
    assert page.locator("#etat-document").text_content() == "Finalisé"  # sealed and archived
    signed_link = page.get_by_role("link", name="Télécharger le PDF signé")
    final = page.request.get(live_server.url + signed_link.get_attribute("href"))
    assert final.status == 200
    assert final.body().startswith(b"%PDF-")
    assert b"/ByteRange" in final.body()  # the seal's signature dictionary
    shot(page, "08-signe")
    with db.new_session() as session:
        head_row = session.scalars(select(Signer).where(Signer.role == "head")).one()
        assert head_row.state == "signed"
        assert head_row.signature_png is not None  # the drawing came through

    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(f"{live_server.url}/tableau-de-bord")
    shot(page, "09-tableau-de-bord-telephone")
    page.goto(f"{live_server.url}/documents/{document.id}")
    shot(page, "10-document-telephone")


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
