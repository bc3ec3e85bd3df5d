"""The signer's page on a phone: what they agree to in plain French above the document, the
frozen PDF's pages as images behind the same link, and, once signed, their copy and who has
signed so far. Through the Flask test client on SQLite and PostgreSQL, documents issued through
the real LibreOffice and drawn by the real poppler; every refusal leaves the tables as they were."""

from __future__ import annotations

import html
import io
import os
import re
import time
from datetime import UTC, datetime

import pytest
from db import database, database_url, postgres_server, postgres_url, snapshot
from factories import FrozenClock, make_school, make_user
from flask.testing import FlaskClient
from PIL import Image
from served import app, ctx
from sqlalchemy import select
from werkzeug.test import TestResponse

from service.accounts.models import User
from service.context import Context
from service.documents.create import create_document
from service.documents.issue import issue_document
from service.documents.models import Document
from service.signers.models import Signer
from signing.kinds import Kind
from signing.links import LinkPurpose
from signing.vocabulary import Role

__all__ = ["app", "ctx", "database", "database_url", "postgres_server", "postgres_url"]

pytestmark = pytest.mark.libreoffice

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PAGE_IMAGE = re.compile(r'<img class="cosigne-page" src="([^"]+)"\s+alt="([^"]+)"')


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def head(ctx: Context) -> User:
    return make_user(ctx.db, make_school(ctx.db, code_roles=""), role="head")


def issued(ctx: Context, head: User, body: dict) -> Document:
    document = create_document(ctx, head, body)
    return issue_document(ctx, head, document.id)


def signers(ctx: Context, document_id: int) -> list[Signer]:
    with ctx.db.new_session() as session:
        query = select(Signer).where(Signer.document_id == document_id).order_by(Signer.position)
        return list(session.scalars(query))


def link(ctx: Context, signer: Signer, *, at: datetime = NOW) -> str:
    assert signer.link_nonce
    return "/sign/" + ctx.link_signer().make(signer.id, signer.link_nonce, now=at)


def text(response: TestResponse) -> str:
    return html.unescape(response.get_data(as_text=True))


def plain(page: str) -> str:
    """The page without its inline tags around names (<bdi>)."""
    return re.sub(r"</?bdi>", "", page)


def of_role(ctx: Context, document: Document, role: str) -> Signer:
    return next(s for s in signers(ctx, document.id) if s.role == role)


def test_a_guardian_reads_what_they_agree_to_above_the_document(
    app, ctx: Context, head: User, make_request
) -> None:
    document = issued(ctx, head, make_request("convention"))
    page = text(app.test_client().get(link(ctx, of_role(ctx, document, "guardian"))))

    summary = page.index("En bref : ce que vous acceptez")
    assert summary < page.index('class="cosigne-page"') < page.index('id="signature-form"')
    assert "Seul le document lui-même fait foi" in page
    for said in (
        "vous donnez votre accord pour que Zoé fasse ce stage dans ces conditions.",
        "Zoé est en stage du mercredi 6 janvier 2027 au vendredi 26 mars 2027.",
        "Mercredi : de 8 h 30 à 12 h et de 13 h à 16 h 30 (7 h).",
        "Lieu du stage : Chantier du quai de la Fosse, 44000 Nantes.",
        "Tuteur : Marc Le Goff, Chef d'équipe. Téléphone : 06 00 00 00 01.",
        "Repas : Repas pris sur place, à la charge de la famille.",
        "Gratification : aucune n'est prévue par la convention.",
    ):
        assert said in page


@pytest.mark.parametrize("kind", list(Kind))
def test_every_kinds_page_shows_each_line_of_its_summary_for_the_pupil(
    app, ctx: Context, head: User, make_request, clock: FrozenClock, kind: Kind
) -> None:
    body = make_request(kind.value)
    if body["data"].get("review_date"):  # a review is issued once held
        clock.now = datetime.fromisoformat(body["data"]["review_date"]).replace(hour=9, tzinfo=UTC)
    document = issued(ctx, head, body)
    pupil = of_role(ctx, document, "pupil")
    page = text(app.test_client().get(link(ctx, pupil, at=clock())))

    summary = kind.spec.summary(document.data, Role.PUPIL)
    assert summary
    for part in summary:
        assert f">{part.title}</h4>" in page
        for line in part.lines:
            assert f"<li>{line}</li>" in page
    assert page.index("En bref") < page.index('id="signature-form"')


def test_a_tutor_reads_their_own_part_of_the_convention(
    app, ctx: Context, head: User, make_request
) -> None:
    document = issued(ctx, head, make_request("convention"))
    page = text(app.test_client().get(link(ctx, of_role(ctx, document, "host_tutor"))))

    assert "vous acceptez d'encadrer Zoé chez Dupont & Fils Électricité, comme tuteur." in page
    assert "vous donnez votre accord" not in page


def test_the_pages_are_served_as_images_of_the_frozen_pdf(
    app, ctx: Context, head: User, make_request
) -> None:
    document = issued(ctx, head, make_request("parcours"))
    url = link(ctx, of_role(ctx, document, "guardian"))
    client = app.test_client()
    page = client.get(url)
    images = PAGE_IMAGE.findall(text(page))
    before = snapshot(ctx.db)

    assert len(images) >= 2
    assert [alt for _, alt in images] == [
        f"Page {n} sur {len(images)}" for n in range(1, len(images) + 1)
    ]
    first = client.get(images[0][0])
    assert first.status_code == 200
    assert first.mimetype == "image/png"
    assert first.headers["Cache-Control"] == "private, max-age=300"
    with Image.open(io.BytesIO(first.data)) as image:
        assert image.width == 1000
        assert 1.35 < image.height / image.width < 1.47  # A4
    cached = ctx.settings.data_dir / "pages" / str(document.pdf_sha256)
    assert sorted(p.name for p in cached.iterdir())[0] == "1.png"
    assert client.get(images[-1][0]).status_code == 200
    assert snapshot(ctx.db) == before


def test_the_pages_csp_names_no_other_origin(app, ctx: Context, head: User, make_request) -> None:
    document = issued(ctx, head, make_request("parcours"))
    page = app.test_client().get(link(ctx, of_role(ctx, document, "guardian")))

    policy = page.headers["Content-Security-Policy"]
    assert "img-src 'self' data:" in policy
    assert "http" not in policy
    assert "*" not in policy
    assert not re.search(r'(src|href|data)="(https?:)?//', page.get_data(as_text=True))


@pytest.mark.parametrize("bad", ["forged", "used", "other", "no-such-page"])
def test_a_page_image_is_refused_to_a_link_that_does_not_lead_to_it(
    app, ctx: Context, head: User, make_request, bad: str
) -> None:
    document = issued(ctx, head, make_request("parcours"))
    guardian = of_role(ctx, document, "guardian")
    downloads = ctx.link_signer(LinkPurpose.DOWNLOAD)
    client = app.test_client()
    url = link(ctx, guardian)
    page = text(client.get(url))
    if bad == "used":
        form = {
            "csrf_token": CSRF.findall(page)[0],
            "consent": "oui",
            "full_name": guardian.full_name,
        }
        assert client.post(url, data=form).status_code == 200
    before = snapshot(ctx.db)

    target = {
        "forged": f"{url[:-3]}xyz/pages/1.png",
        "used": f"{url}/pages/1.png",
        # a genuine token of another purpose (the final PDF's download link) reads as no link
        "other": f"/sign/{downloads.make(guardian.id, str(guardian.link_nonce), now=NOW)}"
        "/pages/1.png",
        "no-such-page": f"{url}/pages/99.png",
    }[bad]
    response = client.get(target)

    expected = {"forged": 404, "used": 410, "other": 404, "no-such-page": 404}[bad]
    assert response.status_code == expected, text(response)
    assert response.mimetype == "text/html"
    assert '<html lang="fr"' in text(response)
    assert response.headers["Cache-Control"] == "no-store"
    said = {
        "forged": "Ce lien n'est pas valide",
        "used": "Vous avez déjà signé",
        "other": "Ce lien n'est pas valide",
    }
    assert said.get(bad, "Page introuvable") in text(response)
    after = snapshot(ctx.db)
    # A forged link is counted as a guess from its address (`test_sign_attempts`), and only it.
    assert len(after.pop("attempts")) == (1 if bad in {"forged", "other"} else 0)
    assert before.pop("attempts") == []
    assert after == before


# ---------------------------------------------------------------------------------------------
# After signing: the signer's copy, who has signed


COPY = re.compile(r'href="(/sign/copie/[^"/]+)/document\.pdf"')


def sign_through(client: FlaskClient, ctx: Context, signer: Signer) -> str:
    """The signer opens their link and signs with their typed name: the signed page."""
    url = link(ctx, signer)
    page = text(client.get(url))
    form = {"csrf_token": CSRF.findall(page)[0], "consent": "oui", "full_name": signer.full_name}
    response = client.post(url, data=form)
    assert response.status_code == 200, text(response)
    return text(response)


def test_after_signing_the_signer_downloads_what_they_signed_and_sees_who_signed(
    app, ctx: Context, head: User, make_request, clock: FrozenClock
) -> None:
    document = issued(ctx, head, make_request("parcours"))
    client = app.test_client()
    sign_through(client, ctx, of_role(ctx, document, "pupil"))
    clock.advance(minutes=30)
    signed = sign_through(client, ctx, of_role(ctx, document, "guardian"))
    before = snapshot(ctx.db)

    match = COPY.search(signed)
    assert match, signed
    copy = client.get(f"{match.group(1)}/document.pdf")
    again = client.get(match.group(1))

    assert copy.status_code == 200
    assert copy.mimetype == "application/pdf"
    assert copy.data == document.pdf
    assert copy.headers["Content-Disposition"].startswith("attachment;")
    for page in (plain(signed), plain(text(again))):
        assert "L'élève : Zoé Martin-Lefèvre, le 28 novembre 2026 à 10 h (heure de Paris)" in page
        assert "La représentante légale : Nadia Martin, le 28 novembre 2026 à 10 h 30" in page
        assert "Il reste 2 signatures." in page  # the referent, then the head
        assert "@example" not in page.split('class="fr-callout')[0]  # no one's address
    assert again.status_code == 200
    assert "Votre copie du document" in text(again)
    assert snapshot(ctx.db) == before


def test_the_copy_stops_when_the_final_pdf_is_mailed(
    app, ctx: Context, head: User, make_request
) -> None:
    document = issued(ctx, head, make_request("parcours"))
    client = app.test_client()
    first = COPY.search(sign_through(client, ctx, of_role(ctx, document, "guardian")))
    assert first
    for role in ("pupil", "referent", "head"):
        last = sign_through(client, ctx, of_role(ctx, document, role))
    with ctx.db.new_session() as session:
        assert session.get(Document, document.id).state == "completed"
    before = snapshot(ctx.db)

    page, pdf = client.get(first.group(1)), client.get(f"{first.group(1)}/document.pdf")

    assert "Toutes les parties ont maintenant signé" in last
    assert not COPY.search(last)
    assert "Le chef d'établissement" in last or "Le chef d’établissement" in last
    for response in (page, pdf):
        assert response.status_code == 410
        assert response.mimetype == "text/html"
        assert "Ce lien ne sert plus" in text(response)
        assert "le document signé et scellé a été envoyé par courriel" in text(response)
        assert "Lycée professionnel Michelet" in text(response)
    assert snapshot(ctx.db) == before


def test_a_copy_link_reads_for_no_other_purpose_and_a_forged_one_for_none(
    app, ctx: Context, head: User, make_request
) -> None:
    document = issued(ctx, head, make_request("parcours"))
    client = app.test_client()
    found = COPY.search(sign_through(client, ctx, of_role(ctx, document, "guardian")))
    assert found
    copy = found.group(1)
    token = copy.rsplit("/", 1)[1]
    before = snapshot(ctx.db)

    as_signing_link = client.get(f"/sign/{token}")
    as_page_image = client.get(f"/sign/{token}/pages/1.png")
    forged = client.get(f"{copy[:-3]}xyz/document.pdf")

    for response in (as_signing_link, as_page_image, forged):
        assert response.status_code == 404
        assert "Ce lien n'est pas valide" in text(response)
    after = snapshot(ctx.db)
    assert len(after.pop("attempts")) == 3
    before.pop("attempts")
    assert after == before


def test_the_copy_stops_when_another_party_declines(
    app, ctx: Context, head: User, make_request
) -> None:
    document = issued(ctx, head, make_request("parcours"))
    client = app.test_client()
    found = COPY.search(sign_through(client, ctx, of_role(ctx, document, "guardian")))
    assert found
    pupil_url = link(ctx, of_role(ctx, document, "pupil"))
    csrf = CSRF.findall(text(client.get(pupil_url)))[0]
    refused = client.post(f"{pupil_url}/decline", data={"csrf_token": csrf, "reason": "Non."})
    assert refused.status_code == 200, text(refused)
    before = snapshot(ctx.db)

    pdf = client.get(f"{found.group(1)}/document.pdf")

    assert pdf.status_code == 410
    assert "Ce document n'est plus en cours de signature (refusé)" in text(pdf)
    assert snapshot(ctx.db) == before


def test_the_worker_removes_the_page_images_no_signer_sees_any_more(
    app, ctx: Context, head: User, make_request
) -> None:
    """Page images show the pupil's and the family's data: once the document is cancelled they
    go at the worker's next pass; a document still being signed keeps its own."""
    from service.cli.worker import run_pass  # noqa: PLC0415
    from service.documents.cancel import cancel_document  # noqa: PLC0415

    cancelled = issued(ctx, head, make_request("parcours"))
    live = issued(ctx, head, make_request("convention"))
    client = app.test_client()
    for document in (cancelled, live):
        page = client.get(link(ctx, of_role(ctx, document, "guardian")))
        assert client.get(PAGE_IMAGE.findall(text(page))[0][0]).status_code == 200
    folders = {d.id: ctx.settings.data_dir / "pages" / str(d.pdf_sha256) for d in (cancelled, live)}
    cancel_document(ctx, head, cancelled.id, "Erreur de saisie.")

    run_pass(ctx)
    assert folders[cancelled.id].is_dir()  # drawn a moment ago: left for this pass

    an_hour_ago = time.time() - 3700
    for folder in folders.values():
        os.utime(folder, (an_hour_ago, an_hour_ago))
    report = run_pass(ctx)

    assert report.pruned_pages == 1
    assert not folders[cancelled.id].exists()
    assert (folders[live.id] / "1.png").is_file()
    assert client.get(link(ctx, of_role(ctx, live, "guardian"))).status_code == 200
