"""Two parents who share one mailbox sign a convention on the family's phone (issue 14 §3): two
real mails reach the one address, each naming its person; each opens the link of the mail at
their name, reads whose link it is, asks their own code, which comes in a mail at their name,
and signs as themselves. axe-core checks the page of each; the staff's document page flags
the one device.

Fixtures of tests/e2e/conftest.py; mail really leaves to the aiosmtpd server on loopback.
Screenshots go to ``test-artifacts/``."""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from browser_steps import (
    convention_with_two_guardians,
    mailed_code,
    make_head,
    plain_text,
    signing_link,
)
from sqlalchemy import select

from service.accounts.models import User
from service.context import Context
from service.documents.create import create_document
from service.documents.issue import issue_document
from service.documents.models import Event
from service.signers.models import Signer
from signing.pdf.convert import ConverterPool
from signing.vocabulary import EventType

pytestmark = pytest.mark.libreoffice

FAMILY = "nadia.martin@example.org"
NADIA, KARIM = "Nadia Martin", "Karim Martin"


@pytest.fixture
def coded_head(live_server: Any) -> User:
    """The head of a school that keeps the default: guardians type a mailed code."""
    return make_head(live_server, code_roles=None)


@pytest.fixture
def invitations(
    live_server: Any, live_converter: ConverterPool, coded_head: User
) -> dict[str, EmailMessage]:
    """The convention issued with both parents on the family's address; the two invitations
    that reached it, by the name their subject gives."""
    ctx = Context(
        db=live_server.db,
        settings=live_server.app.config["COSIGNE"],
        converter=lambda: live_converter,
    )
    data = convention_with_two_guardians()
    data["guardians"][1]["email"] = FAMILY
    document = create_document(ctx, coded_head, {"kind": "convention", "data": data})
    issue_document(ctx, coded_head, document.id)
    assert live_server.deliver_mail().delivery.sent == 6
    family = [m for m in live_server.smtp.wait_for(6) if FAMILY in str(m["To"])]
    assert len(family) == 2  # one per person, never one per address
    return {
        name: next(
            m for m in family if str(m["Subject"]).startswith(f"Lien de signature pour {name} :")
        )
        for name in (NADIA, KARIM)
    }


def _sign_with_code(page: Any, live_server: Any, name: str, mails_before: int) -> str:
    """Ask the code on the page, read it in the mail at `name`, sign as `name`."""
    with page.expect_navigation():
        page.get_by_role("button", name="Recevoir mon code par courriel").tap()
    page.locator("#code-sent").wait_for()
    mail = live_server.smtp.wait_for(mails_before + 1)[mails_before]
    assert str(mail["Subject"]).startswith(f"Code de signature pour {name} : ")
    assert f"Ce code est celui de {name}" in plain_text(mail).replace("\u2068", "").replace(
        "\u2069", ""
    )
    code = mailed_code(mail)
    page.locator("label[for=consent]").tap()  # the DSFR draws the box on the label
    page.get_by_label("Code reçu par courriel").fill(code)
    page.get_by_label("Votre prénom et votre nom").fill(name)
    with page.expect_navigation():
        page.get_by_role("button", name="Signer le document").tap()
    return str(page.get_by_role("status").inner_text())


def test_two_parents_on_one_mailbox_each_sign_with_their_own_link(
    live_server: Any,
    invitations: dict[str, EmailMessage],
    phone_page: Any,
    accessibility: Any,
    screenshot: Callable[[Any, str], Path],
) -> None:
    mails = 6
    for name, other in ((NADIA, KARIM), (KARIM, NADIA)):
        mail = invitations[name]
        text = plain_text(mail).replace("\u2068", "").replace("\u2069", "")
        assert text.startswith(f"Bonjour {name},")
        assert f"Ce message est pour {name} seulement." in text

        phone_page.goto(signing_link(mail, live_server.url))
        notice = " ".join(phone_page.locator("#lien-personnel").inner_text().split())
        assert notice == (
            f"Ce lien est celui de {name}. Si vous êtes {other}, utilisez le lien reçu à votre nom."
        )
        assert f"Vous signez : {name}" in phone_page.inner_text("main")
        step = name.split()[0].lower()
        accessibility.check(phone_page, f"page-{step}")
        screenshot(phone_page, f"1-page-{step}")

        status = _sign_with_code(phone_page, live_server, name, mails)
        mails += 1
        assert "votre signature est enregistrée" in status
        accessibility.check(phone_page, f"signe-{step}")
        screenshot(phone_page, f"2-signe-{step}")
    accessibility.assert_clean()

    with live_server.db.new_session() as session:
        guardians = {
            s.full_name: s for s in session.scalars(select(Signer).where(Signer.role == "guardian"))
        }
        assert {n: (s.state, s.typed_name) for n, s in guardians.items()} == {
            NADIA: ("signed", NADIA),
            KARIM: ("signed", KARIM),
        }
        flagged = session.scalars(select(Event).where(Event.type == EventType.SHARED_DEVICE))
        # One phone for both parents: expected, and still said to the staff.
        assert [e.signer_id for e in flagged] == [guardians[KARIM].id]
