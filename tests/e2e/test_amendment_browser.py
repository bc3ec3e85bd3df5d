"""A guardian opens an amendment on a phone (issue 14 §5): the page names it « Avenant n° 1 à
la convention de stage n° N du … », says it is not a duplicate, and lists what changes, old
and new values, above the summary; axe-core checks the page. The convention is signed and
sealed by every party first, the amendment issued, its invitation read from the real SMTP
server."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from browser_steps import convention_with_two_guardians, make_head, signing_link
from factories import complete_document

from service.context import Context
from service.documents.amend import create_amendment
from service.documents.issue import issue_document
from signing.pdf.convert import ConverterPool

pytestmark = pytest.mark.libreoffice

GUARDIAN = "nadia.martin@example.org"
MEALS = "Repas pris au restaurant de l'entreprise, à la charge de l'employeur."


def test_an_amendment_says_what_it_changes_on_a_phone(
    live_server: Any,
    live_converter: ConverterPool,
    phone_page: Any,
    accessibility: Any,
    screenshot: Callable[[Any, str], Path],
) -> None:
    head = make_head(live_server)
    ctx = Context(
        db=live_server.db,
        settings=live_server.app.config["COSIGNE"],
        converter=lambda: live_converter,
    )
    body = {"kind": "convention", "data": convention_with_two_guardians()}
    with ThreadPoolExecutor(1) as thread:  # sealing runs asyncio: off Playwright's event loop
        original = thread.submit(complete_document, ctx, head, body).result()
    changed = {"kind": "convention", "data": {**body["data"], "meals": MEALS}}
    amendment = create_amendment(ctx, head, original, changed)
    issue_document(ctx, head, amendment.id)
    sent = live_server.deliver_mail().delivery.sent
    heading = f"Avenant n°\u00a01 à la convention de stage n°\u00a0{original} du "
    (invitation,) = [  # the original's mails went out in the same pass
        m
        for m in live_server.smtp.wait_for(sent)
        if m["To"] == GUARDIAN and str(m["Subject"]).startswith(heading.replace("\u00a0", " "))
    ]
    assert "à signer" in str(invitation["Subject"])

    phone_page.goto(signing_link(invitation, live_server.url))

    assert phone_page.get_by_role("heading", level=1).inner_text().startswith(heading)
    changes = phone_page.locator("#changements")
    listed = changes.locator("li").all_inner_texts()
    assert len(listed) == 1
    assert listed[0].startswith("Restauration\nAvant : Repas pris sur place")
    assert listed[0].endswith(f"Maintenant : {MEALS}")
    assert "pas un doublon" in phone_page.locator(".fr-text--lead").first.inner_text()
    summary = phone_page.locator("#resume")
    assert changes.bounding_box()["y"] < summary.bounding_box()["y"]
    width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= phone_page.viewport_size["width"]
    accessibility.check(phone_page, "avenant")
    screenshot(phone_page, "avenant")
    accessibility.assert_clean()
