"""A guardian chooses how to sign on her phone, typed or drawn. Her drawing survives a refused
signature (no consent ticked): the page comes back with it on the pad, and what is signed is that
drawing. An empty pad or a dot is refused by the page itself, before anything is sent. The typed
choice, the default, is reached and kept with the keyboard. axe-core checks each state.

Fixtures of tests/e2e/conftest.py; mail really leaves to the aiosmtpd server on loopback.
Screenshots go to ``test-artifacts/``."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_steps import (
    by_recipient,
    choose_drawing,
    draw_by_touch,
    issue_convention,
    signing_link,
)
from db import snapshot
from PIL import Image, ImageChops
from sqlalchemy import select

from service.accounts.models import User
from service.documents.models import Event
from service.signers.models import Signer
from signing.pdf.convert import ConverterPool
from signing.vocabulary import EventType

pytestmark = pytest.mark.libreoffice

GUARDIAN = "nadia.martin@example.org"

INK = """() => {
    const canvas = document.getElementById("signature-canvas");
    const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let ink = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 128) ink += 1;
    return ink;
}"""
"""How many pixels of the pad hold ink: 0 on a blank pad."""


@pytest.fixture
def link(live_server: Any, live_converter: ConverterPool, head: User) -> str:
    """A convention with two guardians, issued (the school asks no code); the guardian's link,
    read from her invitation."""
    issue_convention(live_server, live_converter, head)
    assert live_server.deliver_mail().delivery.sent == 6
    return signing_link(by_recipient(live_server.smtp.wait_for(6))[GUARDIAN], live_server.url)


def _signer(live_server: Any) -> Signer:
    with live_server.db.new_session() as session:
        return session.scalars(select(Signer).where(Signer.email == GUARDIAN)).one()


def _signed_event(live_server: Any, signer: Signer) -> Event:
    with live_server.db.new_session() as session:
        return session.scalars(
            select(Event).where(Event.signer_id == signer.id, Event.type == EventType.SIGNED)
        ).one()


def _pad_png(page: Any) -> Image.Image:
    """The pad's picture, as the page would send it."""
    url = page.evaluate("() => document.getElementById('signature-canvas').toDataURL()")
    return _png(base64.b64decode(url.split(",", 1)[1]))


def _png(raw: bytes) -> Image.Image:
    with Image.open(io.BytesIO(raw), formats=["PNG"]) as image:
        return image.convert("RGBA")


def _ink_mask(image: Image.Image) -> Image.Image:
    return image.getchannel("A").point(lambda alpha: 255 if alpha > 128 else 0)


def _nearly_same_drawing(a: Image.Image, b: Image.Image) -> bool:
    """The same strokes, give or take the edge pixels a redraw may smooth differently."""
    if a.size != b.size:
        return False
    ink = _ink_mask(a).histogram()[255]
    differing = ImageChops.difference(_ink_mask(a), _ink_mask(b)).histogram()[255]
    return ink > 100 and differing <= ink * 0.05


def _posts(page: Any) -> list[str]:
    """The URLs of the requests the page posts from now on."""
    posted: list[str] = []
    page.on("request", lambda request: request.method == "POST" and posted.append(request.url))
    return posted


def test_the_drawing_survives_a_refused_signature_and_is_what_is_signed(
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
    assert phone_page.locator("#method-typed").is_checked()  # the default
    assert phone_page.locator("#signature-canvas").is_hidden()
    check("1-choix-du-nom-tape")

    choose_drawing(phone_page, touch=True)
    assert phone_page.locator("#signature-canvas").is_visible()
    draw_by_touch(phone_page)
    assert phone_page.evaluate(INK) > 100
    drawn = _pad_png(phone_page)
    phone_page.get_by_label("Votre prénom et votre nom").fill("Nadia Martin")
    check("2-dessin")

    # No consent ticked: refused by the server, the drawing back on the pad.
    before = snapshot(live_server.db)
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="Signer le document").tap()
    assert "Cochez la case" in phone_page.locator("#consent-messages").inner_text()
    assert phone_page.locator("#method-drawn").is_checked()
    phone_page.wait_for_function(f"({INK})() > 100")
    assert _nearly_same_drawing(_pad_png(phone_page), drawn)
    assert snapshot(live_server.db) == before
    check("3-refus-dessin-garde")

    phone_page.locator("label[for=consent]").tap()
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="Signer le document").tap()
    assert "votre signature est enregistrée" in phone_page.get_by_role("status").inner_text()
    check("4-signe")
    accessibility.assert_clean()

    guardian = _signer(live_server)
    assert guardian.state == "signed"
    assert guardian.signature_png is not None
    assert _nearly_same_drawing(_png(guardian.signature_png), drawn)
    assert _signed_event(live_server, guardian).data["drawn"] is True


def test_an_empty_pad_or_a_dot_is_refused_before_anything_is_sent(
    live_server: Any,
    link: str,
    phone_page: Any,
    accessibility: Any,
    screenshot: Callable[[Any, str], Path],
) -> None:
    phone_page.goto(link)
    phone_page.locator("label[for=consent]").tap()
    phone_page.get_by_label("Votre prénom et votre nom").fill("Nadia Martin")
    choose_drawing(phone_page, touch=True)
    posted = _posts(phone_page)
    before = snapshot(live_server.db)
    messages = phone_page.locator("#signature-messages")
    submit = phone_page.get_by_role("button", name="Signer le document")

    # Nothing drawn.
    submit.tap()
    assert "Votre signature dessinée est vide." in messages.inner_text()
    assert phone_page.evaluate("() => document.activeElement.id") == "signature-canvas"
    assert phone_page.locator("#signature-canvas").get_attribute("aria-invalid") == "true"
    assert "signature-messages" in (
        phone_page.locator("#signature-canvas").get_attribute("aria-describedby") or ""
    )
    accessibility.check(phone_page, "1-vide")
    screenshot(phone_page, "1-vide")

    # A dot, with a tap of the mouse; then a tiny scribble.
    canvas = phone_page.locator("#signature-canvas")
    box = canvas.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    phone_page.mouse.click(x, y)
    assert phone_page.evaluate(INK) > 0
    submit.tap()
    assert "trop petite" in messages.inner_text()
    assert phone_page.evaluate("() => document.activeElement.id") == "signature-canvas"
    accessibility.check(phone_page, "2-point")
    screenshot(phone_page, "2-point")
    phone_page.mouse.move(x + 20, y)
    phone_page.mouse.down()
    phone_page.mouse.move(x + 26, y + 4, steps=3)
    phone_page.mouse.up()
    submit.tap()
    assert "trop petite" in messages.inner_text()

    phone_page.wait_for_timeout(300)  # a request would have left by now
    assert posted == []
    assert snapshot(live_server.db) == before
    assert _signer(live_server).state == "opened"

    # Cleared and drawn for real: signed.
    phone_page.get_by_role("button", name="Effacer").tap()
    assert phone_page.evaluate(INK) == 0
    draw_by_touch(phone_page)
    with phone_page.expect_navigation():
        submit.tap()
    assert "votre signature est enregistrée" in phone_page.get_by_role("status").inner_text()
    accessibility.assert_clean()
    assert _signer(live_server).signature_png is not None


def test_the_typed_choice_is_kept_and_signs_with_the_keyboard(
    live_server: Any, link: str, page: Any, accessibility: Any
) -> None:
    page.goto(link)
    page.focus("#full_name")
    page.keyboard.type("Nadia Martin")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "method-typed"

    # The arrows move within the group: drawing shows the pad, the typed name hides it again.
    page.keyboard.press("ArrowDown")
    assert page.locator("#method-drawn").is_checked()
    assert page.locator("#signature-canvas").is_visible()
    accessibility.check(page, "1-dessin-au-clavier")
    page.keyboard.press("ArrowUp")
    assert page.locator("#method-typed").is_checked()
    assert page.locator("#signature-canvas").is_hidden()

    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "signature-submit"
    page.focus("#consent")
    page.keyboard.press("Space")
    page.focus("#signature-submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "votre signature est enregistrée" in page.get_by_role("status").inner_text()
    accessibility.check(page, "2-signe")
    accessibility.assert_clean()

    guardian = _signer(live_server)
    assert guardian.state == "signed"
    assert guardian.signature_png is None  # the typed name alone signed
    assert guardian.typed_name == "Nadia Martin"
    assert _signed_event(live_server, guardian).data["drawn"] is False
