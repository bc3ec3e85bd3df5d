"""The evidence file, end to end: invitations delivered by a real SMTP server on loopback, each
party signing through the link read from the real mail, the document sealed; then the
certificate's pages read back from the final PDF and the JSON evidence file, both checked against
the database and the mail the server received."""

from __future__ import annotations

import hashlib
import re

import pytest
from factories import make_context, make_school, make_user, signing_code
from pdftools import page_texts, scribble_png, squash
from sqlalchemy import select

from service.context import Origin
from service.documents.create import create_document
from service.documents.issue import issue_document
from service.documents.models import Document, Event
from service.finalize.evidence_export import evidence_of
from service.finalize.finalize import finalize
from service.mail.addresses import find_links
from service.mail.deliver import deliver_due
from service.signers.models import Signer
from service.signers.sign import CONSENT_TEXT, sign
from signing.pdf.evidence_texts import Identification, identification

pytestmark = pytest.mark.libreoffice

PHONE = Origin(ip="198.51.100.4", user_agent="Mozilla/5.0 (iPhone) Version/17.4 Safari/604.1")


@pytest.fixture
def ctx(database, tmp_path, converter, smtp_server):
    return make_context(database, tmp_path, converter, **smtp_server.env)


def _deliver_and_sign(ctx, smtp_server, document_id: int, pdf_sha256: str) -> None:
    png = scribble_png()
    for _ in range(2):  # the head is invited once everyone else has signed
        deliver_due(ctx.db, ctx.settings, now=ctx.now())
        tokens = {
            m["To"]: link.rsplit("/", 1)[1]
            for m in smtp_server.messages
            for link in find_links(m.get_body(("plain",)).get_content())
            if "/sign/" in link
        }
        with ctx.db.new_session() as session:
            signers = session.scalars(select(Signer).where(Signer.document_id == document_id))
            waiting = [(s.email, s.full_name) for s in signers if s.state == "invited"]
        for email, name in waiting:
            sign(
                ctx,
                tokens[email],
                PHONE,
                consent=True,
                full_name=name,
                signature_png=png,
                shown_pdf_sha256=pdf_sha256,
                code=signing_code(ctx, tokens[email]),
            )


def test_the_certificate_and_the_json_evidence_tell_a_judge_who_how_what_and_when(
    ctx, database, smtp_server, make_request
) -> None:
    head = make_user(database, make_school(database), role="head")
    document = issue_document(ctx, head, create_document(ctx, head, make_request("parcours")).id)
    _deliver_and_sign(ctx, smtp_server, document.id, document.pdf_sha256)
    assert finalize(ctx, document.id)

    with database.new_session() as session:
        row = session.get(Document, document.id)
        final = row.final_pdf
        events = list(session.scalars(select(Event).where(Event.document_id == document.id)))
        signers = list(row.signers)
        evidence = evidence_of(ctx.settings, row, row.school)
    text = squash(" ".join(page_texts(final)[len(page_texts(document.pdf)) :]))
    flat = text.replace(" ", "")

    # Who: every signer as registered; how: the emailed link, plus the one-time code for the
    # guardian (the school's default); what: the consent and its hash.
    coded = [s for s in signers if s.role == "guardian"]
    assert coded
    link_method = squash(identification(Identification.EMAIL_LINK).text)
    assert text.count(f"Identification {link_method}") == len(signers) - len(coded)
    code_method = squash(identification(Identification.EMAIL_LINK_CODE).text)
    assert text.count(f"Identification {code_method}") == len(coded)
    for signer in coded:
        assert f"Code à 6 chiffres envoyé à {signer.email}, valable 10 minutes" in text
    assert text.count("Code saisi exact, utilisé pour cette signature") == len(coded)
    consent_hash = hashlib.sha256(CONSENT_TEXT.encode()).hexdigest()
    assert text.count(consent_hash) == len(signers)
    assert text.count(f"Fichier présenté (SHA-256) {document.pdf_sha256} identique") == len(signers)
    for signer in signers:
        assert f"{signer.role_label} — {signer.full_name}" in text
        assert signer.email in flat
    # When: local time with its offset, and UTC.
    assert re.search(r"\(heure de Paris, UTC\+1\) soit 2026-11-28 \d\d:\d\d:\d\d UTC", text)
    # Delivered is its own event, with the server's answer and our Message-ID.
    delivered = [e for e in events if e.type == "delivered"]
    assert [e.data["purpose"] for e in delivered].count("invitation") == len(signers)
    assert [e.data["purpose"] for e in delivered].count("code") == len(coded)
    ids = {m["Message-ID"] for m in smtp_server.messages}
    assert {e.data["message_id"] for e in delivered} <= ids
    assert "Courriel remis Invitation à signer pour" in text
    assert "réponse du serveur : 250 Message accepted for delivery" in text
    # The trail's head, the seal and the proof agreement.
    head_hash = re.search(r"Piste d'audit ([0-9a-f]{64})", text)
    assert head_hash is not None
    assert head_hash.group(1) in {e.hash for e in events}
    assert "Convention de preuve" in text
    key_id = ctx.db.trail_keys.current.id
    assert (
        "empreinte HMAC-SHA-256 calculée avec une clé secrète propre à la piste d'audit "
        f"(clé {key_id})" in text
    )
    assert "Code civil 1356" in text
    assert "Émis par" in text

    # The JSON export says the same, with every stored event's hash.
    assert evidence["document"]["final_pdf_sha256"] == hashlib.sha256(final).hexdigest()
    assert [e["hash"] for e in evidence["events"]] == [e.hash for e in events]
    coded_ids = {s.id for s in coded}
    for entry, signer in zip(evidence["signers"], signers, strict=True):
        expected = "email_link_code" if signer.id in coded_ids else "email_link"
        assert entry["identification"] == expected
        assert entry["consent_sha256"] == consent_hash
        assert entry["shown_pdf_sha256"] == document.pdf_sha256
        assert entry["ip"] == PHONE.ip
        assert entry["signed_at"]["utc"].endswith("Z")
        assert entry["signed_at"]["local"].endswith("+01:00")
    # Sealed at "signed": the events after it (completed, the final copies' delivery) follow.
    sealed_at = [e["hash"] for e in evidence["events"]].index(head_hash.group(1))
    assert evidence["events"][sealed_at + 1]["type"] == "completed"
    assert evidence["trail"]["head"] == events[-1].hash
    assert evidence["trail"]["chaining"] == "hmac-sha256"
    assert evidence["trail"]["key_id"] == key_id
