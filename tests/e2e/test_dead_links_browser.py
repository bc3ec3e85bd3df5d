"""Every dead signing link opened on a phone, as the signer finds it weeks later: replaced, aged,
signed and waiting, complete, declined (its page reopened from the history), declined by
another party, cancelled, expired, not yet their turn. Each page tells what happened and names
the document and the school with its contact; « M'envoyer un nouveau lien » really mails the
registered address (aiosmtpd on loopback) and a second tap is refused with the time to wait.
axe-core checks every page.

Fixtures of tests/e2e/conftest.py. Screenshots go to ``test-artifacts/``."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from browser_steps import by_recipient, issue_convention, signing_link
from factories import sign_all_but_head
from sqlalchemy import select, update

from service.accounts.models import User
from service.context import Context, Origin
from service.documents.cancel import cancel_document
from service.documents.expire import expire_due
from service.documents.models import Document
from service.finalize.finalize import finalize
from service.signers.models import Signer
from service.signers.remind import remind_signer
from service.signers.sign_as_staff import sign_as_staff
from signing.pdf.convert import ConverterPool

pytestmark = pytest.mark.libreoffice

GUARDIAN = "nadia.martin@example.org"
SCHOOL = ("Lycée professionnel Michelet", "02 40 00 00 10")


@pytest.fixture
def ctx(live_server: Any, live_converter: ConverterPool) -> Context:
    return Context(
        db=live_server.db,
        settings=live_server.app.config["COSIGNE"],
        converter=lambda: live_converter,
    )


def links(ctx: Context, document_id: int, *, aged: bool = False) -> dict[str, str]:
    """Each signer's link, by address (the head's by role), as mailed (or made 31 days ago)."""
    made = ctx.now() - timedelta(days=31) if aged else ctx.now()
    with ctx.db.new_session() as session:
        rows = session.scalars(select(Signer).where(Signer.document_id == document_id))
        return {
            ("head" if s.role == "head" else s.email): (
                f"{ctx.settings.base_url}/sign/"
                + ctx.link_signer().make(s.id, s.link_nonce or "pas-encore", now=made)
            )
            for s in rows
        }


def signer_id(ctx: Context, document_id: int, email: str) -> int:
    with ctx.db.new_session() as session:
        query = select(Signer.id).where(Signer.document_id == document_id, Signer.email == email)
        return session.scalars(query).one()


def test_every_dead_link_page_tells_the_truth_on_a_phone(
    live_server: Any,
    ctx: Context,
    head: User,
    live_converter: ConverterPool,
    phone_page: Any,
    accessibility: Any,
    screenshot: Callable[[Any, str], Path],
) -> None:
    page = phone_page

    def opened(url: str, name: str, *expected: str) -> str:
        page.goto(url)
        return seen(name, *expected)

    def seen(name: str, *expected: str) -> str:
        main = page.inner_text("main")
        for words in (*expected, *SCHOOL):
            assert words in main, (name, main)
        assert "Erreur 405" not in main
        accessibility.check(page, name)
        screenshot(page, name)
        return main

    # A replaced link: a new one goes to the registered address; a second tap must wait.
    first = issue_convention(live_server, live_converter, head)
    live_server.deliver_mail()
    mailed = by_recipient(live_server.smtp.wait_for(6))
    old = signing_link(mailed[GUARDIAN], live_server.url)
    remind_signer(ctx, head, first, signer_id(ctx, first, GUARDIAN), rotate=True)
    live_server.smtp.clear()
    opened(old, "1-remplace", "Ce lien a été remplacé", f"n° {first} de ")
    page.evaluate("document.querySelector('input[name=csrf_token]').value = 'perime'")
    with page.expect_navigation():
        page.get_by_role("button", name="M’envoyer un nouveau lien").tap()
    seen("1b-formulaire-refuse", "Votre demande n’a pas été enregistrée", "aucun courriel")
    assert live_server.smtp.messages == []
    page.goto(old)
    with page.expect_navigation():
        page.get_by_role("button", name="M’envoyer un nouveau lien").tap()
    seen("2-nouveau-lien-envoye", "Un nouveau lien a été envoyé à l’adresse enregistrée (n•••••")
    fresh = live_server.smtp.wait_for(1)[0]
    assert fresh["To"] == GUARDIAN
    page.goto(old)
    with page.expect_navigation():
        page.get_by_role("button", name="M’envoyer un nouveau lien").tap()
    seen("3-nouveau-lien-trop-tot", "vous pourrez en demander un autre à partir du")
    assert len(live_server.smtp.messages) == 1

    # She signs through the new link; her link then says the others have still to sign.
    new = signing_link(fresh, live_server.url)
    page.goto(new)
    page.locator("label[for=consent]").tap()
    page.get_by_label("Votre prénom et votre nom").fill("Nadia Martin")
    with page.expect_navigation():
        page.get_by_role("button", name="Signer le document").tap()
    seen("4-signe", "Le document attend encore la signature des autres parties")
    opened(new, "5-signe-en-attente", "Vous avez déjà signé", "attend encore la signature")

    # The other guardian declines; reopening that page from the history is not a 405.
    karim = links(ctx, first)["karim.martin@example.org"]
    page.goto(karim)
    page.get_by_text("Je refuse de signer").tap()
    page.get_by_label("Pourquoi refusez-vous de signer ?").fill("Nous voulons en parler.")
    with page.expect_navigation():
        page.get_by_role("button", name="Refuser de signer").tap()
    seen("6-refus-enregistre", "Votre refus est enregistré")
    opened(f"{karim}/decline", "7-refus-rouvert", "Vous avez refusé de signer ce document le")
    opened(new, "8-refus-d-un-autre", "Ce document ne sera pas signé", "a refusé de le signer")

    # A document cancelled, one complete, one not yet the head's turn, one aged, one expired.
    cancelled = issue_convention(live_server, live_converter, head)
    cancelled_links = links(ctx, cancelled)
    cancel_document(ctx, head, cancelled, "Erreur dans les dates")
    opened(
        cancelled_links[GUARDIAN],
        "9-annule",
        "Ce document a été annulé",
        "L’établissement l’a annulé le",
    )

    complete = issue_convention(live_server, live_converter, head)
    complete_links = links(ctx, complete)
    sign_all_but_head(ctx, complete)
    with ctx.db.new_session() as session:
        query = select(Signer).where(Signer.document_id == complete, Signer.role == "head")
        head_name = session.scalars(query).one().full_name
    origin = Origin(ip="203.0.113.10", user_agent="test")

    def head_signs_and_seals() -> bool:
        sign_as_staff(
            ctx, head, complete, origin, consent=True, full_name=head_name, signature_png=None
        )
        return finalize(ctx, complete)

    # Sealed off the test's thread: Playwright's event loop runs in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(head_signs_and_seals).result()
    opened(
        complete_links[GUARDIAN],
        "10-complet",
        "Ce document est signé par toutes les parties",
        "vous a été envoyé par courriel le",
    )

    late = issue_convention(live_server, live_converter, head)
    opened(links(ctx, late)["head"], "11-pas-encore", "Ce n'est pas encore à vous de signer")
    opened(links(ctx, late, aged=True)[GUARDIAN], "12-lien-expire", "Ce lien a expiré")
    assert page.get_by_role("button", name="M’envoyer un nouveau lien").is_visible()
    late_links = links(ctx, late)
    with ctx.db.transaction() as session:
        yesterday = ctx.now().date() - timedelta(days=1)
        session.execute(update(Document).where(Document.id == late).values(deadline=yesterday))
    assert expire_due(ctx) == 1
    main = opened(
        late_links[GUARDIAN],
        "13-delai-depasse",
        "Le délai de signature est dépassé",
        "seul l’établissement peut fixer un nouveau délai",
    )
    assert "M’envoyer un nouveau lien" not in main
    accessibility.assert_clean()
