"""A guardian reads a convention on a phone before signing: the plain-French summary of what
she agrees to comes first, then the document's pages as images drawn from the frozen PDF (no
PDF viewer needed, nothing from another origin), and nothing scrolls sideways. Once signed,
her page lets her download what she signed and says who has signed so far. axe-core checks
each page.

Fixtures of tests/e2e/conftest.py; the invitation comes through the aiosmtpd server on loopback.
Screenshots go to ``test-artifacts/``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_steps import by_recipient, issue_convention, make_head, signing_link

from service.accounts.models import User
from signing.pdf.convert import ConverterPool

pytestmark = pytest.mark.libreoffice

GUARDIAN = "nadia.martin@example.org"


@pytest.fixture
def head(live_server: Any) -> User:
    return make_head(live_server)  # no one-time code: this test is about reading


@pytest.fixture
def link(live_server: Any, live_converter: ConverterPool, head: User) -> str:
    issue_convention(live_server, live_converter, head)
    assert live_server.deliver_mail().delivery.sent == 6
    return signing_link(by_recipient(live_server.smtp.wait_for(6))[GUARDIAN], live_server.url)


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def test_a_guardian_reads_the_summary_then_the_pages_then_keeps_her_copy(
    live_server: Any,
    link: str,
    phone_page: Any,
    accessibility: Any,
    screenshot: Callable[[Any, str], Path],
) -> None:
    foreign: list[str] = []
    phone_page.on(
        "request",
        lambda r: None if r.url.startswith(live_server.url) else foreign.append(r.url),
    )
    phone_page.goto(link)

    summary = phone_page.locator("#resume")
    first_page = phone_page.locator("img.cosigne-page").first
    assert "ce que vous acceptez" in summary.inner_text()
    assert "Repas : Repas pris sur place" in summary.inner_text()
    assert summary.bounding_box()["y"] < first_page.bounding_box()["y"]
    first_page.scroll_into_view_if_needed()
    phone_page.wait_for_function(
        "() => { const i = document.querySelector('img.cosigne-page');"
        " return i.complete && i.naturalWidth > 0; }"
    )
    count = phone_page.locator("img.cosigne-page").count()
    assert first_page.get_attribute("alt") == f"Page 1 sur {count}"
    assert first_page.bounding_box()["width"] <= 390
    _no_sideways_scroll(phone_page)
    accessibility.check(phone_page, "1-resume-et-pages")
    screenshot(phone_page, "1-resume-et-pages")

    phone_page.locator("label[for=consent]").tap()
    phone_page.get_by_label("Votre prénom et votre nom").fill("Nadia Martin")
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="Signer le document").tap()
    assert "votre signature est enregistrée" in phone_page.get_by_role("status").inner_text()
    signed = phone_page.locator("#signatures").inner_text()
    assert "La représentante légale : Nadia Martin, le " in signed
    assert "@" not in signed
    with phone_page.expect_download() as download:
        phone_page.locator("#copie-telecharger").tap()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    _no_sideways_scroll(phone_page)
    accessibility.check(phone_page, "2-signe-copie")
    screenshot(phone_page, "2-signe-copie")
    accessibility.assert_clean()
    assert foreign == []
