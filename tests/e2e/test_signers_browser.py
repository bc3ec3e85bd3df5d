"""A signer on their own, from the link of the email they received: a guardian who declines on a
phone, and a signer who signs with the keyboard alone. The head sees the outcome, logged in.

Fixtures of tests/e2e/conftest.py; mail really leaves through `cosigne worker`'s pass to the
aiosmtpd server on loopback. Screenshots go to ``test-artifacts/``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_steps import (
    by_recipient,
    issue_convention,
    log_in,
    plain_text,
    signer_state,
    signing_link,
)
from sqlalchemy import select

from service.accounts.models import User
from service.documents.models import Document
from service.signers.models import Signer
from signing.pdf.convert import ConverterPool

pytestmark = pytest.mark.libreoffice

REASON = "Nous voulons d’abord rencontrer le tuteur avant d’accepter ce stage."


@pytest.fixture
def invitations(live_server: Any, live_converter: ConverterPool, head: User) -> dict[str, Any]:
    """A convention with two guardians, issued; its six invitations received over SMTP, keyed
    by address."""
    issue_convention(live_server, live_converter, head)
    report = live_server.deliver_mail()
    assert report.delivery.sent == 6
    return by_recipient(live_server.smtp.wait_for(6))


def test_a_guardian_declines_from_the_mailed_link_and_the_head_sees_who_and_why(
    live_server: Any,
    invitations: dict[str, Any],
    page: Any,
    phone_page: Any,
    screenshot: Callable[[Any, str], Path],
) -> None:
    link = signing_link(invitations["karim.martin@example.org"], live_server.url)
    phone_page.goto(link)
    assert "Vous signez : Karim Martin" in phone_page.inner_text("main")
    screenshot(phone_page, "1-lien-ouvert")

    decline = phone_page.locator("#refus")
    decline.get_by_text("Je refuse de signer").tap()
    reason = phone_page.get_by_label("Pourquoi refusez-vous de signer ?")
    assert reason.is_visible()
    phone_page.get_by_role("button", name="Refuser de signer").tap()  # no reason yet: refused
    alert = phone_page.locator("#erreurs")
    assert "Votre refus n’a pas été enregistré" in alert.inner_text()
    assert "pourquoi vous refusez" in phone_page.locator("#reason-messages").inner_text()
    assert phone_page.locator("#reason").get_attribute("aria-invalid") == "true"
    screenshot(phone_page, "2-motif-manquant")

    phone_page.get_by_label("Pourquoi refusez-vous de signer ?").fill(REASON)
    phone_page.get_by_role("button", name="Refuser de signer").tap()
    status = phone_page.get_by_role("status")
    assert "Votre refus est enregistré" in status.inner_text()
    screenshot(phone_page, "3-refus-enregistre")

    # The link is used up; the other parties' links are dead too.
    phone_page.goto(link)
    assert phone_page.get_by_role("heading", level=1).inner_text() == "Vous avez refusé de signer"
    other = signing_link(invitations["nadia.martin@example.org"], live_server.url)
    phone_page.goto(other)
    assert "Ce document ne sera pas signé" in phone_page.inner_text("main")
    assert "a refusé de le signer le" in phone_page.inner_text("main")
    screenshot(phone_page, "4-autre-lien-mort")

    with live_server.db.new_session() as session:
        document = session.scalars(select(Document)).one()
        assert document.state == "declined"
        karim = session.scalars(select(Signer).where(Signer.email == "karim.martin@example.org"))
        assert karim.one().decline_reason == REASON
        head_address = session.scalars(select(Signer.email).where(Signer.role == "head")).one()

    # The head is told by mail, with the reason...
    live_server.deliver_mail()
    (notice,) = live_server.smtp.wait_for(7)[6:]
    assert by_recipient([notice]).keys() == {head_address}
    assert "Signature refusée" in str(notice["Subject"])
    assert "Karim Martin" in plain_text(notice)
    assert REASON in plain_text(notice)

    # ...and sees it when logged in.
    log_in(page, live_server.url)
    row = page.locator("#documents tbody tr", has_text="Convention de stage")
    assert row.locator(".fr-badge").text_content() == "Refusé"
    assert "Karim Martin (refusé)" in row.inner_text()
    screenshot(page, "5-tableau-de-bord")
    row.get_by_role("link").click()
    assert page.locator("#etat-document").text_content() == "Refusé"
    assert signer_state(page, "Karim Martin") == "Refusé"
    karim_row = page.locator("#signataires + .fr-table tbody tr", has_text="Karim Martin")
    assert f"« {REASON} »" in karim_row.inner_text()
    assert "Refus de signer — Karim Martin" in page.locator("#historique + ul").inner_text()
    screenshot(page, "6-document-refuse")


def _focused(page: Any) -> dict[str, Any]:
    """What has the keyboard focus, and whether a focus ring is drawn for it: an outline on the
    element or one of its pseudo-elements (the DSFR draws some there), or, for a DSFR checkbox
    (the input itself is transparent), on its label's box."""
    return dict(
        page.evaluate(
            """() => {
            const el = document.activeElement;
            const ring = (s) => s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
            const drawn = (node) => [null, "::before", "::after"].some(
                (part) => ring(getComputedStyle(node, part))
            );
            let visible = drawn(el);
            if (el.type === "checkbox" && el.labels && el.labels.length) {
                visible = visible || drawn(el.labels[0]);
            }
            return {
                id: el.id,
                tag: el.tagName.toLowerCase(),
                text: (el.innerText || el.value || "").trim().slice(0, 60),
                focusVisible: el.matches(":focus-visible"),
                ringVisible: visible,
            };
        }"""
        )
    )


def test_a_signer_signs_with_the_keyboard_alone(
    live_server: Any,
    invitations: dict[str, Any],
    page: Any,
    screenshot: Callable[[Any, str], Path],
) -> None:
    page.goto(signing_link(invitations["nadia.martin@example.org"], live_server.url))
    assert "Vous signez : Nadia Martin" in page.inner_text("main")
    page.wait_for_load_state("networkidle")  # the PDF shown in the page too: its viewer is there

    # From the top of the page, Tab alone reaches every control, in reading order.
    order: list[dict[str, Any]] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = _focused(page)
        order.append(focused)
        assert focused["focusVisible"], f"focus invisible sur {focused}"
        assert focused["ringVisible"], f"aucun contour de focus sur {focused}"
        if focused["id"] == "signature-submit":
            break
    names = [f["id"] or f["text"] for f in order]
    assert names[0] == "Aller au contenu"  # the skip link comes first
    download = next(i for i, f in enumerate(order) if f["text"].startswith("Télécharger"))
    # The choice typed-or-drawn is one stop (its radios move with the arrows), on the typed name.
    wanted = ["document-ouvrir", "consent", "full_name", "method-typed", "signature-submit"]
    positions = [names.index(name) for name in wanted]
    assert [download, *positions] == list(range(download, download + 6)), names
    screenshot(page, "1-focus-sur-signer")

    # The document opens in a tab of its own from the keyboard (its viewer is out of the page's
    # Tab order).
    for _ in range(4):
        page.keyboard.press("Shift+Tab")
    assert _focused(page)["id"] == "document-ouvrir"
    with page.expect_popup() as opened:
        page.keyboard.press("Enter")
    assert opened.value.url.endswith("/document.pdf")
    opened.value.close()
    page.bring_to_front()
    assert _focused(page)["id"] == "document-ouvrir"
    page.keyboard.press("Tab")

    # Check the consent box with Space, type the name.
    assert _focused(page)["id"] == "consent"
    page.keyboard.press("Space")
    assert page.locator("#consent").is_checked()
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "full_name"
    page.keyboard.type("Nadia Martin")
    screenshot(page, "2-pret")

    # The decline disclosure is reachable and opens with the keyboard, then closes again.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert _focused(page)["text"] == "Je refuse de signer"
    page.keyboard.press("Enter")
    assert page.locator("#refus").get_attribute("open") is not None
    page.keyboard.press("Enter")
    assert page.locator("#refus").get_attribute("open") is None

    page.keyboard.press("Shift+Tab")
    assert _focused(page)["id"] == "signature-submit"
    page.keyboard.press("Enter")
    status = page.get_by_role("status")
    assert "Merci, votre signature est enregistrée" in status.inner_text()
    screenshot(page, "3-confirmation")

    with live_server.db.new_session() as session:
        nadia = session.scalars(select(Signer).where(Signer.email == "nadia.martin@example.org"))
        row = nadia.one()
        assert row.state == "signed"
        assert row.signature_png is None  # the typed name alone signed
