"""Timestamps from a list of RFC 3161 authorities, over real HTTP to the local authority of
tests/tsa.py: the first that answers timestamps the seal; when none does, the document is
sealed and completed all the same, shown pending to the staff, and the worker adds a document
timestamp once an authority answers again, the earlier file staying verifiable."""

from __future__ import annotations

import html
import io
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from factories import (
    FrozenClock,
    complete_document,
    logged_in,
    make_context,
    make_school,
    make_user,
    serving_app,
)
from pdftools import page_texts, squash
from sqlalchemy import select
from tsa import TSA_NAME, LocalTsa, dead_url

from service.accounts.api_tokens import create_api_token
from service.cli.worker import run_pass
from service.context import Context
from service.documents.models import Document, EarlierFinalFile, Event
from service.documents.verify_trail import check_trail
from service.finalize.archive_check import check_archive
from service.finalize.final_pdf import archive, trust_roots
from service.verify.checks import verify_upload
from signing.pdf.verify import verify_pdf
from signing.vocabulary import EventType

pytestmark = pytest.mark.libreoffice

PENDING = (
    "Horodatage en attente : l'autorité d'horodatage n'a pas répondu ; il sera ajouté "
    "automatiquement."
)


def _env(tsa: LocalTsa, tmp_path, *urls: str) -> dict[str, str]:
    return {"COSIGNE_TSA_URLS": ",".join(urls), "COSIGNE_TSA_ROOTS": str(tsa.root_pem(tmp_path))}


def _row(ctx, document_id: int) -> Document:
    with ctx.db.new_session() as session:
        row = session.get(Document, document_id)
        _ = row.final_pdf
        return row


def _events(ctx, document_id: int) -> list[Event]:
    with ctx.db.new_session() as session:
        return list(
            session.scalars(
                select(Event).where(Event.document_id == document_id).order_by(Event.seq)
            )
        )


def _certificate(final: bytes) -> str:
    return squash(" ".join(page_texts(final)))


def _text(response: Any) -> str:
    without_tags = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return " ".join(html.unescape(without_tags).split())


def test_a_seal_from_the_authority_carries_its_time_and_the_certificate_names_it(
    database, tmp_path, converter, tsa_up, make_request
) -> None:
    ctx = make_context(database, tmp_path, converter, **_env(tsa_up, tmp_path, tsa_up.url))
    head = make_user(database, make_school(database), role="head")

    document_id = complete_document(ctx, head, make_request("convention"))

    row = _row(ctx, document_id)
    assert row.state == "completed"
    assert row.timestamp_pending is False
    report = verify_pdf(row.final_pdf, trust_roots=trust_roots(ctx.settings))
    assert report.trustworthy, report.problems
    assert report.problems == ()
    assert report.timestamped_at == tsa_up.time
    assert report.timestamped_by == TSA_NAME
    assert squash(f"délivré par {tsa_up.url}") in _certificate(row.final_pdf)
    completed = next(e for e in _events(ctx, document_id) if e.type == EventType.COMPLETED)
    assert completed.data["timestamp_authority"] == tsa_up.url
    assert EventType.TIMESTAMP_DEFERRED not in {e.type for e in _events(ctx, document_id)}


def test_a_dead_first_authority_leaves_the_seal_to_the_second(
    database, tmp_path, converter, tsa_up, make_request
) -> None:
    dead = dead_url()
    ctx = make_context(database, tmp_path, converter, **_env(tsa_up, tmp_path, dead, tsa_up.url))
    head = make_user(database, make_school(database), role="head")
    asked = tsa_up.requests

    document_id = complete_document(ctx, head, make_request("parcours"))

    row = _row(ctx, document_id)
    assert row.timestamp_pending is False
    assert tsa_up.requests > asked
    report = verify_pdf(row.final_pdf, trust_roots=trust_roots(ctx.settings))
    assert report.trustworthy, report.problems
    assert report.timestamped_at == tsa_up.time
    certificate = _certificate(row.final_pdf)
    assert squash(f"délivré par {tsa_up.url}") in certificate
    assert squash(dead) not in certificate  # the certificate names the one that answered
    completed = next(e for e in _events(ctx, document_id) if e.type == EventType.COMPLETED)
    assert completed.data["timestamp_authority"] == tsa_up.url


def test_with_every_authority_down_the_document_is_sealed_pending_then_timestamped_by_the_worker(
    database, database_url, tmp_path, converter, tsa_up, make_request, monkeypatch
) -> None:
    dead = dead_url()
    env = _env(tsa_up, tmp_path, dead, tsa_up.url)
    clock = FrozenClock(datetime(2026, 11, 28, 9, 0, tzinfo=UTC))
    app = serving_app(database_url, tmp_path, monkeypatch, clock=clock, converter=converter, **env)
    ctx = Context(
        db=app.extensions["cosigne.db"],
        settings=app.config["COSIGNE"],
        converter=lambda: converter,
        clock=clock,
    )
    head = make_user(ctx.db, make_school(ctx.db), role="head", session_version="session-du-chef")
    with ctx.db.transaction() as session:
        token = create_api_token(session, head).secret
    tsa_up.stop()

    document_id = complete_document(ctx, head, make_request("convention"))

    # Signed, sealed, completed and mailed, without a timestamp: pending, and said so.
    first = _row(ctx, document_id)
    assert first.state == "completed"
    assert first.timestamp_pending is True
    mailed = first.final_pdf
    report = verify_pdf(mailed, trust_roots=trust_roots(ctx.settings))
    assert report.trustworthy, report.problems
    assert report.timestamped_at is None
    certificate = _certificate(mailed)
    assert squash("Aucune autorité d'horodatage n'a répondu au scellement") in certificate
    assert squash("l'heure du cachet est celle du serveur") in certificate
    assert squash("délivré par") not in certificate
    deferred = [e for e in _events(ctx, document_id) if e.type == EventType.TIMESTAMP_DEFERRED]
    assert [f["url"] for f in deferred[0].data["failures"]] == [dead, tsa_up.url]
    staff = logged_in(app, head)
    assert PENDING in _text(staff.get(f"/documents/{document_id}"))
    bearer = {"Authorization": f"Bearer {token}"}
    assert (
        app.test_client()
        .get(f"/api/v1/documents/{document_id}", headers=bearer)
        .json["timestamp_pending"]
    )

    evidence = app.test_client().get(f"/api/v1/documents/{document_id}/evidence", headers=bearer)
    assert evidence.json["seal"]["timestamp_deferred"] is True
    assert evidence.json["seal"]["timestamp_authority"] is None
    assert evidence.json["seal"]["timestamp_authorities"] == [dead, tsa_up.url]

    # The worker's pass while the authorities are still down: nothing changes, no error.
    still = run_pass(ctx)
    assert still.errors == 0
    assert _row(ctx, document_id).final_pdf_sha256 == first.final_pdf_sha256

    tsa_up.start()
    report_of_pass = run_pass(ctx)

    assert report_of_pass.timestamped == 1
    assert report_of_pass.errors == 0
    now = _row(ctx, document_id)
    assert now.timestamp_pending is False
    assert now.final_pdf_sha256 != first.final_pdf_sha256
    assert now.final_pdf.startswith(mailed)  # an incremental update after the seal
    assert archive(ctx.settings).get(now.final_pdf_sha256) == now.final_pdf
    assert archive(ctx.settings).get(first.final_pdf_sha256) == mailed  # the earlier one stays
    stamped = [e for e in _events(ctx, document_id) if e.type == EventType.TIMESTAMPED]
    assert len(stamped) == 1
    assert stamped[0].data == {
        "previous_final_pdf_sha256": first.final_pdf_sha256,
        "final_pdf_sha256": now.final_pdf_sha256,
        "timestamp_authority": tsa_up.url,
    }
    with ctx.db.new_session() as session:
        earlier = session.get(EarlierFinalFile, first.final_pdf_sha256)
        assert earlier is not None
        assert earlier.document_id == document_id
    report = verify_pdf(now.final_pdf, trust_roots=trust_roots(ctx.settings))
    assert report.trustworthy, report.problems
    assert report.problems == ()
    assert report.timestamped_at == tsa_up.time
    assert report.timestamped_by == TSA_NAME
    assert PENDING not in _text(staff.get(f"/documents/{document_id}"))
    assert (
        app.test_client()
        .get(f"/api/v1/documents/{document_id}", headers=bearer)
        .json["timestamp_pending"]
        is False
    )
    assert run_pass(ctx).timestamped == 0  # done once
    # The trail still matches the head the seal closed, read back from the timestamped file.
    with ctx.db.new_session() as session:
        checked = check_trail(ctx.settings, ctx.db.trail_keys, session.get(Document, document_id))
    assert checked.breaks == []
    assert checked.sealed is not None
    assert checked.sealed.startswith("Conforme au PDF scellé")

    # Both files are the document's: the one mailed to the parties, and the timestamped one.
    with ctx.db.new_session() as session:
        for data, superseded in ((mailed, True), (now.final_pdf, False)):
            checked = verify_upload(session, data, trust_roots=trust_roots(ctx.settings))
            assert checked.trustworthy, checked.problems
            assert checked.document_id == document_id
            assert checked.superseded is superseded
    public = app.test_client()
    page = public.get("/verifier").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    shown = _text(
        public.post(
            "/verifier",
            data={"csrf_token": csrf.group(1), "file": (io.BytesIO(now.final_pdf), "c.pdf")},
            content_type="multipart/form-data",
        )
    )
    assert "Document authentique" in shown
    assert f"par l’autorité d’horodatage {TSA_NAME}" in shown

    # The archive check reads both files; a flipped byte in the earlier one is found and named.
    assert check_archive(ctx).checked == 2
    assert check_archive(ctx).sound
    earlier_path = archive(ctx.settings).path(first.final_pdf_sha256)
    damaged = bytearray(earlier_path.read_bytes())
    damaged[len(damaged) // 3] ^= 0x01
    earlier_path.chmod(0o644)
    earlier_path.write_bytes(bytes(damaged))
    found = check_archive(ctx)
    assert [(f.document_id, f.sha256, f.earlier) for f in found.findings] == [
        (document_id, first.final_pdf_sha256, True)
    ]
    assert found.findings[0].problem.startswith(
        "version envoyée aux parties avant l'horodatage : le PDF final est altéré"
    )
    assert earlier_path.read_bytes() == bytes(damaged)  # reported, never repaired
    app.extensions["cosigne.db"].dispose()
