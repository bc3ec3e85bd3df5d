"""A mother who reads Arabic opens her link on a phone (issue 14 §8): the page is laid out right
to left (the computed `direction` of the page and of its main column, whose text starts at the
right), in Arabic, the document said to stay in French and the consent sentence kept in French
beside its translation; the language menu switches her page to Turkish. axe-core checks both.

Fixtures of tests/e2e/conftest.py; the invitation comes through the aiosmtpd server on loopback.
Screenshots go to ``test-artifacts/``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_steps import by_recipient, convention_with_two_guardians, make_head, signing_link

from service.accounts.models import User
from service.context import Context
from service.documents.create import create_document
from service.documents.issue import issue_document
from service.signers.sign import CONSENT_TEXT
from signing.pdf.convert import ConverterPool

pytestmark = pytest.mark.libreoffice

MOTHER = "nadia.martin@example.org"


@pytest.fixture
def head(live_server: Any) -> User:
    return make_head(live_server)


@pytest.fixture
def link(live_server: Any, live_converter: ConverterPool, head: User) -> str:
    ctx = Context(
        db=live_server.db,
        settings=live_server.app.config["COSIGNE"],
        converter=lambda: live_converter,
    )
    data = convention_with_two_guardians()
    data["guardians"][0]["language"] = "ar"
    document = create_document(ctx, head, {"kind": "convention", "data": data})
    issue_document(ctx, head, document.id)
    assert live_server.deliver_mail().delivery.sent == 6
    return signing_link(by_recipient(live_server.smtp.wait_for(6))[MOTHER], live_server.url)


def _direction(page: Any, selector: str) -> str:
    return str(page.eval_on_selector(selector, "e => getComputedStyle(e).direction"))


def test_the_arabic_page_reads_right_to_left_and_switches_to_turkish(
    link: str,
    phone_page: Any,
    accessibility: Any,
    screenshot: Callable[[Any, str], Path],
) -> None:
    phone_page.goto(link)

    assert phone_page.locator("html").get_attribute("lang") == "ar"
    assert _direction(phone_page, "html") == "rtl"
    assert _direction(phone_page, "#contenu .fr-col-12") == "rtl"
    column = phone_page.locator("#contenu .fr-col-12").first.bounding_box()
    heading = phone_page.locator("#resume-titre").evaluate(
        "h => { const r = document.createRange(); r.selectNodeContents(h);"
        " const box = r.getBoundingClientRect(); return {left: box.left, right: box.right}; }"
    )
    # a short Arabic heading sits at the right of the main column, its left side empty
    assert abs(heading["right"] - (column["x"] + column["width"])) < 2, (heading, column)
    assert heading["left"] - column["x"] > column["width"] / 4, (heading, column)
    assert "هذه الصفحة مترجمة لمساعدتك" in phone_page.locator("#document-en-francais").inner_text()
    assert "باختصار: ما الذي توافق عليه" in phone_page.locator("#resume").inner_text()
    consent = phone_page.locator("label[for=consent]").inner_text()
    assert CONSENT_TEXT in consent
    assert "قرأت الوثيقة وأوافق على توقيعها إلكترونيًا" in consent
    assert _direction(phone_page, "label[for=consent] [lang=fr]") == "ltr"
    width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= phone_page.viewport_size["width"], width
    accessibility.check(phone_page, "1-arabe")
    screenshot(phone_page, "1-arabe")

    phone_page.locator("#langues a[hreflang=tr]").first.dispatch_event("click")
    phone_page.wait_for_url("**lang=tr")

    assert phone_page.locator("html").get_attribute("lang") == "tr"
    assert _direction(phone_page, "html") == "ltr"
    assert "1. Belgeyi okuyun" in phone_page.locator("#document").inner_text()
    accessibility.check(phone_page, "2-turc")
    screenshot(phone_page, "2-turc")
    phone_page.goto(link)  # the choice is kept for this link
    assert phone_page.locator("html").get_attribute("lang") == "tr"
    accessibility.assert_clean()
