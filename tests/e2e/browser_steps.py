"""Steps the browser tests share: a head's account, a convention to issue, what a person does on
a page (log in, fill the form, draw a signature by touch or with the mouse), and the signing link
of a received email."""

from __future__ import annotations

import re
import time
from email.message import EmailMessage
from typing import Any

from factories import make_school, make_user

from service.accounts.models import User
from service.accounts.passwords import set_password
from service.context import Context
from service.documents.create import create_document
from service.documents.forms import build as build_form
from service.documents.issue import issue_document
from service.mail.addresses import find_links
from signing.kinds import Kind

PASSWORD = "Un mot de passe solide 2026 !"  # noqa: S105 — a test account's password
HEAD_EMAIL = "proviseure@example.edu"


def make_head(live_server: Any, code_roles: str | None = "") -> User:
    """The school's head, with `PASSWORD`. By default her school asks no one-time code, so the
    pages are driven by the link alone; ``code_roles=None`` keeps the schools' default (a code
    for guardians and host representatives: tests/e2e/test_code_browser.py)."""
    db = live_server.db
    user = make_user(db, make_school(db, code_roles=code_roles), role="head", email=HEAD_EMAIL)
    with db.transaction() as session:
        row = session.get(User, user.id)
        assert row is not None
        set_password(row, PASSWORD)
    return user


def convention_with_two_guardians() -> dict[str, Any]:
    """The example convention (a minor pupil) with a second guardian who signs."""
    data = Kind.CONVENTION.spec.example["data"]
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


def issue_convention(live_server: Any, converter: Any, head: User) -> int:
    """A convention created and issued by `head` through the operations (for the tests whose
    story starts after the issue); the invitations wait in the outbox. Returns its id."""
    ctx = Context(
        db=live_server.db, settings=live_server.app.config["COSIGNE"], converter=lambda: converter
    )
    body = {"kind": "convention", "data": convention_with_two_guardians()}
    document = create_document(ctx, head, body)
    issue_document(ctx, head, document.id)
    return document.id


def log_in(page: Any, url: str, email: str = HEAD_EMAIL, password: str = PASSWORD) -> None:
    """Log in through the login page, as a person would, and land on the dashboard."""
    page.goto(f"{url}/connexion")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/tableau-de-bord")


def fill_form(page: Any, data: dict[str, Any]) -> None:
    """Type every value of `data` into the generated form, as a person would."""
    stack = list(build_form("convention", data, blank_rows=False).sections)
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


def _stroke(box: dict[str, float]) -> list[tuple[float, float]]:
    """A zigzag across the box, in page coordinates."""
    return [
        (
            box["x"] + box["width"] * (0.1 + step * 0.1),
            box["y"] + box["height"] * (0.3, 0.7)[step % 2],
        )
        for step in range(9)
    ]


def choose_drawing(page: Any, *, touch: bool = False) -> None:
    """On the signer's page, choose « Signer en dessinant » (the staff's page has no choice:
    its pad is always there)."""
    label = page.locator("label[for=method-drawn]")
    if label.count() and not page.locator("#method-drawn").is_checked():
        if touch:  # the DSFR draws the radio on the label
            label.tap()
        else:
            label.click()
        page.locator("#signature-canvas").wait_for(state="visible")


def draw_by_touch(page: Any, selector: str = "#signature-canvas") -> None:
    """Draw a stroke with one finger: real touch events through Chromium's input pipeline
    (Playwright's touchscreen only taps), which the page sees as pointer events of type touch.

    The events carry the times of a real stroke (30 ms apart) ending with the finger still for
    a moment before it lifts: events sent all at once look like a flick, Chromium starts a
    fling, and the next tap on the page only stops the fling instead of clicking."""
    choose_drawing(page, touch=True)
    canvas = page.locator(selector)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    points = _stroke(box)
    pause = 0.2
    start = time.time() - len(points) * 0.03 - pause  # the stroke has just ended
    events = [
        ("touchStart" if index == 0 else "touchMove", [{"x": x, "y": y}], start + index * 0.03)
        for index, (x, y) in enumerate(points)
    ]
    x, y = points[-1]
    events.append(("touchMove", [{"x": x, "y": y + 0.5}], start + len(points) * 0.03 + pause))
    events.append(("touchEnd", [], time.time()))
    cdp = page.context.new_cdp_session(page)
    try:
        for kind, touches, at in events:
            cdp.send(
                "Input.dispatchTouchEvent", {"type": kind, "touchPoints": touches, "timestamp": at}
            )
    finally:
        cdp.detach()


def draw_with_mouse(page: Any, selector: str = "#signature-canvas") -> None:
    """Draw a stroke with the mouse, button held down."""
    choose_drawing(page)
    canvas = page.locator(selector)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    (x0, y0), *rest = _stroke(box)
    page.mouse.move(x0, y0)
    page.mouse.down()
    for x, y in rest:
        page.mouse.move(x, y, steps=3)
    page.mouse.up()


def plain_text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None, f"pas de partie texte dans « {message['Subject']} »"
    return str(body.get_content())  # type: ignore[attr-defined]


def signing_link(message: EmailMessage, base_url: str) -> str:
    """The one signing link of an invitation, as the reader sees it in the text part (and the
    same in the HTML part)."""
    links = [link for link in find_links(plain_text(message)) if "/sign/" in link]
    assert len(links) == 1, f"un lien de signature attendu dans « {message['Subject']} » : {links}"
    assert links[0].startswith(f"{base_url}/sign/")
    html = message.get_body(("html",))
    assert html is not None
    assert links[0] in str(html.get_content())  # type: ignore[attr-defined]
    return links[0]


def by_recipient(messages: list[EmailMessage]) -> dict[str, EmailMessage]:
    """Messages keyed by their one recipient; fails if someone got two."""
    keyed: dict[str, EmailMessage] = {}
    for message in messages:
        to = str(message["To"])
        address = to.rsplit("<", 1)[-1].rstrip(">").strip()
        assert address not in keyed, f"deux messages pour {address}"
        keyed[address] = message
    return keyed


def mailed_code(message: EmailMessage) -> str:
    """The one-time code of a code mail, as the reader sees it: in the subject and alone on its
    line of the text part (the same in the HTML part)."""
    found = re.search(r"^\s+(\d{6})\s*$", plain_text(message), re.MULTILINE)
    assert found is not None, f"pas de code dans « {message['Subject']} »"
    code = found.group(1)
    assert code in str(message["Subject"])
    html = message.get_body(("html",))
    assert html is not None
    assert code in str(html.get_content())  # type: ignore[attr-defined]
    return code


def signer_state(page: Any, name: str) -> str:
    """The state badge of `name`'s row in the document page's table of signers."""
    row = page.locator("#signataires + .fr-table tbody tr", has_text=name)
    return str(row.locator(".fr-badge").text_content()).strip()
