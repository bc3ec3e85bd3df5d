"""A guardian signs on a phone with the one-time code her school asks (the schools' default: a
code for guardians and host representatives). The code comes by a real mail, sent at once by
the page's button (no worker pass), and is typed as she reads it; without it, or with a wrong
one, nothing is signed. axe-core checks each state of the code step; the keyboard reaches the
step in reading order.

Fixtures of tests/e2e/conftest.py; mail really leaves to the aiosmtpd server on loopback.
Screenshots go to ``test-artifacts/``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_steps import (
    by_recipient,
    issue_convention,
    mailed_code,
    make_head,
    plain_text,
    signing_link,
)
from db import snapshot
from sqlalchemy import select

from service.accounts.models import User
from service.documents.models import Event
from service.signers.models import Signer, SigningCode
from signing.pdf.convert import ConverterPool
from signing.vocabulary import EventType

pytestmark = pytest.mark.libreoffice

GUARDIAN = "nadia.martin@example.org"


@pytest.fixture
def coded_head(live_server: Any) -> User:
    return make_head(live_server, code_roles=None)


@pytest.fixture
def link(live_server: Any, live_converter: ConverterPool, coded_head: User) -> str:
    """A convention with two guardians, issued; the guardian's link, read from her invitation."""
    issue_convention(live_server, live_converter, coded_head)
    assert live_server.deliver_mail().delivery.sent == 6
    return signing_link(by_recipient(live_server.smtp.wait_for(6))[GUARDIAN], live_server.url)


def _signer(live_server: Any) -> Signer:
    with live_server.db.new_session() as session:
        return session.scalars(select(Signer).where(Signer.email == GUARDIAN)).one()


def _fill_and_sign(page: Any, code: str | None) -> None:
    if not page.locator("#consent").is_checked():
        page.locator("label[for=consent]").tap()  # the DSFR draws the box on the label
    assert page.locator("#consent").is_checked()
    if code is not None:
        page.get_by_label("Code reçu par courriel").fill(code)
    page.get_by_label("Votre prénom et votre nom").fill("Nadia Martin")
    with page.expect_navigation():
        page.get_by_role("button", name="Signer le document").tap()


def test_a_guardian_signs_on_a_phone_with_the_mailed_code(
    live_server: Any,
    link: str,
    phone_page: Any,
    accessibility: Any,
    screenshot: Callable[[Any, str], Path],
) -> None:
    def check(name: str) -> None:
        accessibility.check(phone_page, name)
        screenshot(phone_page, name)

    phone_page.goto(link)
    main = phone_page.inner_text("main")
    assert "2. Recevez votre code" in main
    assert "n•••••@example.org" in main  # her address, masked
    assert GUARDIAN not in main
    check("1-etape-du-code")

    # Without a code: refused at the code's field, nothing stored.
    before = snapshot(live_server.db)
    _fill_and_sign(phone_page, None)
    assert "Saisissez le code à 6 chiffres" in phone_page.locator("#code-messages").inner_text()
    assert phone_page.locator("#code").get_attribute("aria-invalid") == "true"
    assert _signer(live_server).state == "opened"
    check("2-code-manquant")
    assert snapshot(live_server.db) == before

    # The button mails the code at once: no worker pass runs.
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="Recevoir mon code par courriel").tap()
    phone_page.locator("#code-sent").wait_for()
    assert phone_page.url.endswith("#code")
    assert "Un code a été envoyé le" in phone_page.locator("#code-sent").inner_text()
    assert phone_page.get_by_role("button", name="Recevoir un nouveau code").is_visible()
    mail = live_server.smtp.wait_for(7)[6]
    assert by_recipient([mail]).keys() == {GUARDIAN}
    code = mailed_code(mail)
    assert "Vous n'avez pas demandé ce code ?" in plain_text(mail)
    check("3-code-envoye")

    # A wrong code: refused, with the tries left; the stored code counts one try.
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    _fill_and_sign(phone_page, wrong)
    assert (
        "Ce code n'est pas le bon. Il vous reste 4 essais."
        in phone_page.locator("#code-messages").inner_text()
    )
    assert _signer(live_server).state == "opened"
    check("4-code-faux")

    # The right code, typed as read (with a space in the middle): signed.
    _fill_and_sign(phone_page, f"{code[:3]} {code[3:]}")
    assert "votre signature est enregistrée" in phone_page.get_by_role("status").inner_text()
    check("5-signe")
    accessibility.assert_clean()

    guardian = _signer(live_server)
    assert guardian.state == "signed"
    with live_server.db.new_session() as session:
        stored = session.scalars(
            select(SigningCode).where(SigningCode.signer_id == guardian.id)
        ).one()
        assert stored.tries == 1
        assert stored.used_at is not None
        assert code not in repr(stored.digest)  # only its keyed digest is kept
        events = session.scalars(
            select(Event).where(Event.signer_id == guardian.id).order_by(Event.seq)
        ).all()
    kinds = [e.type for e in events]
    assert kinds.index(EventType.CODE_SENT) < kinds.index(EventType.CODE_REJECTED)
    assert kinds.index(EventType.CODE_REJECTED) < kinds.index(EventType.CODE_ACCEPTED)
    signed = next(e for e in events if e.type == EventType.SIGNED)
    assert signed.data["identification"] == "email_link_code"
    assert signed.data["code_id"] == stored.id


def test_the_keyboard_reaches_the_code_step_in_reading_order(
    live_server: Any, link: str, page: Any
) -> None:
    page.goto(link)
    page.wait_for_load_state("networkidle")
    order: list[str] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => document.activeElement.id || document.activeElement.innerText"
        )
        order.append(str(focused).strip())
        if focused == "signature-submit":
            break
    start = order.index("document-ouvrir")
    assert order[start : start + 5] == [
        "document-ouvrir",
        "code-send",
        "consent",
        "code",
        "full_name",
    ]

    # Enter on the focused button sends the code; the page comes back at the code's field.
    page.focus("#code-send")
    page.keyboard.press("Enter")
    page.locator("#code-sent").wait_for()
    code = mailed_code(live_server.smtp.wait_for(7)[6])
    assert len(code) == 6
