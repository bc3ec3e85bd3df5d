"""The signer's choice, typed or drawn, and the server's check of the drawing: a drawing that is
empty, a dot, not a PNG or too large is refused next to the pad (422, in French) and nothing is
stored; a drawing the server accepted comes back into the form when another field is refused,
so the signer does not lose it; the trail records which way they signed.

The fixtures and helpers of `test_sign` (a served app, an issued contract, the guardian's link).
"""

from __future__ import annotations

import base64
import io
import re

import pytest
from db import database, database_url, postgres_server, postgres_url, snapshot
from factories import make_school, make_user
from flask.testing import FlaskClient
from PIL import Image, ImageChops, ImageDraw
from sqlalchemy import select
from test_sign import (
    Invitation,
    app,
    client,
    clock,
    ctx,
    drawn_signature,
    field_messages,
    head,
    invitation,
    link,
    open_page,
    png_data_url,
    reload,
    sign_form,
    signers,
    text,
)
from werkzeug.test import TestResponse

from service.context import Context
from service.documents.create import create_document
from service.documents.issue import issue_document
from service.documents.models import Event
from signing.vocabulary import EventType

__all__ = [  # fixtures used below
    "app",
    "client",
    "clock",
    "ctx",
    "database",
    "database_url",
    "head",
    "invitation",
    "postgres_server",
    "postgres_url",
]

pytestmark = pytest.mark.libreoffice

DRAWN = {"signature_method": "drawn"}


def _dot(size: tuple[int, int] = (600, 200), radius: int = 4) -> Image.Image:
    """What a tap on the pad leaves: one round dot, enough ink for a few dozen pixels."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse(
        (300 - radius, 100 - radius, 300 + radius, 100 + radius), fill=(0, 0, 0, 255)
    )
    return image


def _one_pixel() -> Image.Image:
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    image.putpixel((300, 100), (0, 0, 0, 255))
    return image


def _kept_drawing(response: TestResponse) -> Image.Image | None:
    """The drawing the page put back into its form, decoded; None when the field is empty."""
    match = re.search(r'name="signature" id="signature" value="([^"]*)"', text(response))
    assert match, "no signature field"
    if not match.group(1):
        return None
    assert match.group(1).startswith("data:image/png;base64,")
    raw = base64.b64decode(match.group(1).removeprefix("data:image/png;base64,"))
    with Image.open(io.BytesIO(raw), formats=["PNG"]) as image:
        return image.convert("RGBA")


def _same_picture(a: Image.Image, b: Image.Image) -> bool:
    return a.size == b.size and ImageChops.difference(a, b).getbbox() is None


def _signed_data(ctx: Context, invitation: Invitation) -> dict:
    with ctx.db.new_session() as session:
        return session.scalars(
            select(Event.data).where(
                Event.signer_id == invitation.signer.id, Event.type == EventType.SIGNED
            )
        ).one()


@pytest.mark.parametrize(
    ("signature", "message"),
    [
        pytest.param(
            png_data_url(Image.new("RGBA", (600, 200), (0, 0, 0, 0))),
            "Votre signature dessinée est vide.",
            id="empty",
        ),
        pytest.param(png_data_url(_one_pixel()), "Votre signature dessinée est vide.", id="pixel"),
        pytest.param(png_data_url(_dot()), "est trop petite : un point", id="dot"),
        pytest.param(
            png_data_url(_dot(size=(1000, 500), radius=12)), "est trop petite", id="dense-dot"
        ),
        pytest.param(
            "data:image/png;base64," + base64.b64encode(b"GIF89a pas un PNG").decode(),
            "n'est pas une image PNG",
            id="not-a-png",
        ),
        pytest.param(
            "data:image/png;base64," + "A" * 300_000, "est trop volumineux", id="too-large"
        ),
        pytest.param("", "Vous avez choisi de signer en dessinant", id="nothing-drawn"),
    ],
)
def test_a_drawing_that_is_no_signature_is_refused_at_the_pad(
    client: FlaskClient, ctx: Context, invitation: Invitation, signature: str, message: str
) -> None:
    csrf_token = open_page(client, invitation)
    before = snapshot(ctx.db)

    response = client.post(
        invitation.url, data=sign_form(invitation, csrf_token, signature=signature, **DRAWN)
    )

    assert response.status_code == 422
    assert message in field_messages(response, "signature")
    page = text(response)
    assert '<li><a href="#signature-pad">' in page  # the summary links to the pad
    assert 'id="method-drawn" name="signature_method" value="drawn" checked' in page
    assert 'aria-invalid="true"' in page.split('id="signature-canvas"')[1].split(">")[0]
    assert _kept_drawing(response) is None  # a refused drawing is not given back
    assert snapshot(ctx.db) == before


def test_an_unknown_choice_is_refused(
    client: FlaskClient, ctx: Context, invitation: Invitation
) -> None:
    csrf_token = open_page(client, invitation)
    before = snapshot(ctx.db)

    response = client.post(
        invitation.url, data=sign_form(invitation, csrf_token, signature_method="les deux")
    )

    assert response.status_code == 422
    assert "Choisissez comment signer" in field_messages(response, "signature")
    assert snapshot(ctx.db) == before


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        pytest.param({"consent": None}, "consent", "Cochez la case", id="no-consent"),
        pytest.param(
            {"full_name": "Quelqu'un d'autre"}, "full_name", "tel qu'il figure", id="wrong-name"
        ),
        pytest.param(
            {"pdf_sha256": "0" * 64}, "pdf", "Le document a changé", id="changed-document"
        ),
    ],
)
def test_the_drawing_comes_back_after_an_error_and_then_signs(
    client: FlaskClient,
    ctx: Context,
    invitation: Invitation,
    change: dict,
    field: str,
    message: str,
) -> None:
    csrf_token = open_page(client, invitation)
    drawing = drawn_signature()
    before = snapshot(ctx.db)

    refused = client.post(
        invitation.url,
        data=sign_form(invitation, csrf_token, signature=png_data_url(drawing), **DRAWN, **change),
    )

    assert refused.status_code == 422
    assert message in text(refused)
    assert field_messages(refused, "signature") == ""
    page = text(refused)
    assert 'id="method-drawn" name="signature_method" value="drawn" checked' in page
    assert 'id="signature-pad" hidden' not in page
    kept = _kept_drawing(refused)
    assert kept is not None
    assert _same_picture(kept, drawing)
    assert snapshot(ctx.db) == before

    # The page's form posts the kept drawing back, the error corrected: it is what is signed.
    match = re.search(r'name="signature" id="signature" value="([^"]*)"', page)
    assert match
    signed = client.post(
        invitation.url, data=sign_form(invitation, csrf_token, signature=match.group(1), **DRAWN)
    )
    assert signed.status_code == 200, text(signed)
    stored = reload(ctx.db, invitation.signer).signature_png
    assert stored is not None
    with Image.open(io.BytesIO(stored)) as image:
        assert _same_picture(image.convert("RGBA"), drawing)
    assert _signed_data(ctx, invitation)["drawn"] is True


def test_the_typed_choice_signs_with_the_name_alone_even_with_a_drawing_posted(
    client: FlaskClient, ctx: Context, invitation: Invitation
) -> None:
    csrf_token = open_page(client, invitation)

    response = client.post(
        invitation.url,
        data=sign_form(
            invitation,
            csrf_token,
            signature_method="typed",
            signature=png_data_url(drawn_signature()),
        ),
    )

    assert response.status_code == 200, text(response)
    signer = reload(ctx.db, invitation.signer)
    assert signer.signature_png is None
    assert signer.typed_name == "nadia MARTIN"
    assert _signed_data(ctx, invitation)["drawn"] is False


def test_the_page_offers_the_choice_with_the_typed_name_first_and_chosen(
    client: FlaskClient, invitation: Invitation
) -> None:
    page = text(client.get(invitation.url))

    choice = page.split('<fieldset class="fr-fieldset fr-mb-0" id="signature-method">')[1]
    choice = choice.split("</fieldset>")[0]
    assert "Comment voulez-vous signer ?" in choice.split("</legend>")[0]
    typed, drawn = choice.index("Signer en tapant mon nom"), choice.index("Signer en dessinant")
    assert typed < drawn
    assert 'value="typed" checked' in choice
    assert 'value="drawn" checked' not in choice
    assert 'id="signature-pad" hidden' in page  # the pad shows once drawing is chosen


@pytest.fixture
def coded_invitation(ctx: Context, make_request) -> Invitation:
    """The same contract from a school that asks guardians a one-time code (the default)."""
    head = make_user(ctx.db, make_school(ctx.db), role="head")
    document = issue_document(ctx, head, create_document(ctx, head, make_request("parcours")).id)
    guardian = next(s for s in signers(ctx.db, document.id) if s.role == "guardian")
    return Invitation(document, guardian, link(ctx, guardian))


def test_the_drawing_comes_back_after_a_refused_code(
    client: FlaskClient, ctx: Context, coded_invitation: Invitation
) -> None:
    csrf_token = open_page(client, coded_invitation)
    drawing = drawn_signature()

    refused = client.post(
        coded_invitation.url,
        data=sign_form(
            coded_invitation, csrf_token, signature=png_data_url(drawing), code="123456", **DRAWN
        ),
    )

    assert refused.status_code == 422
    assert field_messages(refused, "code") != ""
    kept = _kept_drawing(refused)
    assert kept is not None
    assert _same_picture(kept, drawing)
    signer = reload(ctx.db, coded_invitation.signer)
    assert signer.state == "opened"
    assert signer.signature_png is None
