"""The signing workflow through the operations, on SQLite and PostgreSQL, with real PDFs."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from db import snapshot
from factories import FrozenClock, make_context, make_school, make_user, signing_code
from sqlalchemy import select

from service.context import Origin
from service.documents.cancel import cancel_document
from service.documents.create import create_document
from service.documents.expire import expire_due
from service.documents.issue import issue_document
from service.documents.models import Document, Event
from service.documents.store import get_document
from service.documents.trail import check_chain
from service.documents.update import update_document
from service.errors import Conflict, DeadLink, NotFound, SignatureRefused
from service.mail.models import OutboxMessage
from service.signers.decline import decline
from service.signers.models import Signer
from service.signers.open_link import open_link
from service.signers.remind import remind_due, remind_signer
from service.signers.sign import sign
from signing.errors import LinkInvalid, TransitionRefused, ValidationFailed

pytestmark = pytest.mark.libreoffice

BROWSER = Origin(ip="203.0.113.7", user_agent="Mozilla/5.0 (Android 14) Firefox/132")


@pytest.fixture
def ctx(database, tmp_path, converter):
    return make_context(database, tmp_path, converter)


@pytest.fixture
def head(database):
    return make_user(database, make_school(database), role="head")


def links(ctx) -> dict[str, str]:
    """The newest signing link mailed to each address."""
    found: dict[str, str] = {}
    with ctx.db.new_session() as session:
        for message in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)):
            match = re.search(r"http://cosigne\.test/sign/([A-Za-z0-9_.\-]+)", message.text_body)
            if match:
                found[message.to_address] = match.group(1)
    return found


def signers(ctx, document_id) -> list[Signer]:
    with ctx.db.new_session() as session:
        return list(
            session.scalars(
                select(Signer).where(Signer.document_id == document_id).order_by(Signer.position)
            )
        )


def state(ctx, document_id) -> str:
    with ctx.db.new_session() as session:
        return session.get(Document, document_id).state


def sign_as(ctx, signer: Signer, token: str) -> Signer:
    return sign(
        ctx,
        token,
        BROWSER,
        consent=True,
        full_name=signer.full_name.upper(),
        signature_png=None,
        shown_pdf_sha256=None,
        code=signing_code(ctx, token),
    )


def issued(ctx, head, make_request, kind="parcours", **options) -> Document:
    document = create_document(ctx, head, make_request(kind, **options))
    return issue_document(ctx, head, document.id)


def test_issue_freezes_the_pdf_and_invites_everyone_but_the_head(ctx, head, make_request) -> None:
    document = issued(ctx, head, make_request)

    assert document.state == "awaiting_signatures"
    assert document.pdf.startswith(b"%PDF-")
    assert len(document.pdf_sha256) == 64
    people = signers(ctx, document.id)
    assert [(s.role, s.state) for s in people] == [
        ("pupil", "invited"),
        ("guardian", "invited"),
        ("referent", "invited"),
        ("head", "waiting"),
    ]
    assert set(links(ctx)) == {s.email for s in people if s.state == "invited"}


def test_every_party_signs_and_the_head_is_invited_last(ctx, head, make_request) -> None:
    document = issued(ctx, head, make_request)
    people = {s.role: s for s in signers(ctx, document.id)}

    for role in ("pupil", "guardian", "referent"):
        view = open_link(ctx, links(ctx)[people[role].email], BROWSER)
        assert view.signer.state == "opened"
        sign_as(ctx, people[role], links(ctx)[people[role].email])
    assert state(ctx, document.id) == "awaiting_signatures"
    head_signer = next(s for s in signers(ctx, document.id) if s.role == "head")
    assert head_signer.state == "invited"

    sign_as(ctx, head_signer, links(ctx)[head_signer.email])

    assert state(ctx, document.id) == "signed"
    done = signers(ctx, document.id)
    assert all(s.state == "signed" and s.sign_ip == "203.0.113.7" for s in done)
    assert all(s.signed_pdf_sha256 == document.pdf_sha256 for s in done)
    with ctx.db.new_session() as session:
        trail = list(
            session.scalars(
                select(Event).where(Event.document_id == document.id).order_by(Event.seq)
            )
        )
    assert [e.type for e in trail].count("signed") == 4
    assert (
        check_chain(trail, ctx.db.trail_keys, state_row(ctx, document.id).last_event_hash).breaks
        == ()
    )


def state_row(ctx, document_id) -> Document:
    with ctx.db.new_session() as session:
        return session.get(Document, document_id)


def test_a_used_link_is_dead_and_says_so(ctx, head, make_request) -> None:
    document = issued(ctx, head, make_request)
    pupil = signers(ctx, document.id)[0]
    token = links(ctx)[pupil.email]
    sign_as(ctx, pupil, token)
    before = snapshot(ctx.db)

    with pytest.raises(DeadLink) as dead:
        open_link(ctx, token, BROWSER)

    assert dead.value.end == "signed"
    assert "déjà signé" in str(dead.value)
    assert snapshot(ctx.db) == before


def test_opening_twice_never_uses_the_link_up(ctx, head, make_request) -> None:
    document = issued(ctx, head, make_request)
    pupil = signers(ctx, document.id)[0]
    token = links(ctx)[pupil.email]

    open_link(ctx, token, BROWSER)
    open_link(ctx, token, BROWSER)
    sign_as(ctx, pupil, token)

    assert signers(ctx, document.id)[0].state == "signed"


def test_a_wrong_name_or_no_consent_changes_nothing(ctx, head, make_request) -> None:
    document = issued(ctx, head, make_request)
    pupil = signers(ctx, document.id)[0]
    token = links(ctx)[pupil.email]
    before = snapshot(ctx.db)

    with pytest.raises(SignatureRefused) as refused:
        sign(
            ctx,
            token,
            BROWSER,
            consent=False,
            full_name="Quelqu'un d'autre",
            signature_png=None,
            shown_pdf_sha256="0" * 64,
        )

    assert {i.field for i in refused.value.issues} == {"consent", "full_name", "pdf"}
    assert snapshot(ctx.db) == before


def test_forged_and_expired_links(ctx, head, make_request) -> None:
    document = issued(ctx, head, make_request)
    token = links(ctx)[signers(ctx, document.id)[0].email]

    with pytest.raises(LinkInvalid):
        open_link(ctx, token[:-2] + ("AA" if not token.endswith("AA") else "BB"), BROWSER)
    assert isinstance(ctx.clock, FrozenClock)
    mailed_at = ctx.now()
    # A genuine link too old still says whose it is: the page says what became of it.
    ctx.clock.advance(days=30, hours=2)
    with pytest.raises(DeadLink) as aged:
        open_link(ctx, token, BROWSER)
    assert (aged.value.end, aged.value.expired_at) == ("aged", mailed_at + timedelta(days=30))
    ctx.clock.advance(days=1)  # and past the document's deadline
    with pytest.raises(DeadLink) as expired:
        open_link(ctx, token, BROWSER)
    assert expired.value.end == "expired"


def test_cancel_kills_every_link_and_tells_the_invited(ctx, head, make_request) -> None:
    document = issued(ctx, head, make_request)
    token = links(ctx)[signers(ctx, document.id)[0].email]

    cancel_document(ctx, head, document.id, "Erreur sur les dates")

    with pytest.raises(DeadLink) as dead:
        open_link(ctx, token, BROWSER)
    assert dead.value.end == "cancelled"
    assert all(s.link_nonce is None for s in signers(ctx, document.id))
    with pytest.raises(TransitionRefused):
        cancel_document(ctx, head, document.id, "encore")


def test_a_resent_link_kills_the_old_one_a_reminder_does_not(ctx, head, make_request) -> None:
    document = issued(ctx, head, make_request)
    pupil = signers(ctx, document.id)[0]
    first = links(ctx)[pupil.email]

    remind_signer(ctx, head, document.id, pupil.id)
    open_link(ctx, first, BROWSER)  # still alive after a reminder
    remind_signer(ctx, head, document.id, pupil.id, rotate=True)

    with pytest.raises(DeadLink) as dead:
        open_link(ctx, first, BROWSER)
    assert dead.value.end == "replaced"
    open_link(ctx, links(ctx)[pupil.email], BROWSER)


def test_a_decline_closes_the_document(ctx, head, make_request) -> None:
    document = issued(ctx, head, make_request)
    guardian = signers(ctx, document.id)[1]

    decline(ctx, links(ctx)[guardian.email], BROWSER, reason="Nous voulons en parler")

    assert state(ctx, document.id) == "declined"
    assert all(s.link_nonce is None for s in signers(ctx, document.id))
    with ctx.db.new_session() as session:
        declined = session.scalars(
            select(Event).where(Event.document_id == document.id, Event.type == "declined")
        ).one()
    # No code is asked to refuse (the guardian's school asks one to sign): the trail says the
    # refusal came through the link alone.
    assert declined.signer_id == guardian.id
    assert declined.data == {"reason": "Nous voulons en parler", "identification": "email_link"}


def test_another_school_sees_nothing(ctx, head, make_request, database) -> None:
    document = create_document(ctx, head, make_request("parcours"))
    other = make_user(database, make_school(database, uai="0170022G"))

    with pytest.raises(NotFound):
        issue_document(ctx, other, document.id)
    with ctx.db.new_session() as session, pytest.raises(NotFound):
        get_document(session, other.school_id, document.id)


def test_invalid_data_is_not_stored(ctx, head, make_request) -> None:
    body = make_request("convention")
    body["data"]["guardians"][0]["email"] = "pas-une-adresse"
    before = snapshot(ctx.db)

    with pytest.raises(ValidationFailed) as failed:
        create_document(ctx, head, body)

    assert failed.value.errors[0].field == "guardians[0].email"
    assert snapshot(ctx.db) == before


def test_an_issued_document_cannot_be_edited(ctx, head, make_request) -> None:
    document = issued(ctx, head, make_request)
    before = snapshot(ctx.db)

    with pytest.raises(TransitionRefused):
        update_document(ctx, head, document.id, make_request("parcours"))

    assert snapshot(ctx.db) == before


def test_expiry_at_the_deadline(ctx, head, make_request) -> None:
    document = issued(ctx, head, make_request)
    ctx.clock.advance(days=29)
    assert expire_due(ctx) == 0
    ctx.clock.advance(days=2)

    assert expire_due(ctx) == 1

    assert state(ctx, document.id) == "expired"
    assert expire_due(ctx) == 0


def test_automatic_reminders_every_n_days(ctx, head, make_request) -> None:
    issued(ctx, head, make_request)
    assert remind_due(ctx) == 0
    ctx.clock.advance(days=7)

    assert remind_due(ctx) == 3
    assert remind_due(ctx) == 0


def _at_once(*actions: Callable[[], object]) -> list[object]:
    barrier = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(index: int, action: Callable[[], object]) -> None:
        barrier.wait()
        try:
            results[index] = action()
        except Exception as exc:
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_the_same_signer_posting_twice_at_once_signs_once(ctx, head, make_request) -> None:
    document = issued(ctx, head, make_request)
    pupil = signers(ctx, document.id)[0]
    token = links(ctx)[pupil.email]

    results = _at_once(lambda: sign_as(ctx, pupil, token), lambda: sign_as(ctx, pupil, token))

    assert sum(isinstance(r, Signer) for r in results) == 1
    errors = [r for r in results if not isinstance(r, Signer)]
    assert all(isinstance(e, (DeadLink, Conflict)) for e in errors), errors
    with ctx.db.new_session() as session:
        signed = session.scalars(
            select(Event).where(Event.document_id == document.id, Event.type == "signed")
        ).all()
    assert len(signed) == 1


def test_the_last_two_signers_at_once_invite_the_head_once(ctx, head, make_request) -> None:
    document = issued(ctx, head, make_request)
    pupil, guardian, referent, _ = signers(ctx, document.id)
    sign_as(ctx, pupil, links(ctx)[pupil.email])
    tokens = links(ctx)

    results = _at_once(
        lambda: sign_as(ctx, guardian, tokens[guardian.email]),
        lambda: sign_as(ctx, referent, tokens[referent.email]),
    )

    assert all(isinstance(r, Signer) for r in results), results
    head_signer = signers(ctx, document.id)[3]
    assert head_signer.state == "invited"
    with ctx.db.new_session() as session:
        invitations = session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_address == head_signer.email)
        ).all()
    assert len(invitations) == 1
    sign_as(ctx, head_signer, links(ctx)[head_signer.email])
    assert state(ctx, document.id) == "signed"


def test_audit_verify_finds_an_edited_event(ctx, head, make_request, monkeypatch) -> None:
    from click.testing import CliRunner  # noqa: PLC0415
    from sqlalchemy import update  # noqa: PLC0415

    from service.cli import cli  # noqa: PLC0415

    document = issued(ctx, head, make_request)
    monkeypatch.setenv("COSIGNE_ENV", "test")
    monkeypatch.setenv("COSIGNE_DATA_DIR", str(ctx.settings.data_dir))
    monkeypatch.setenv("COSIGNE_DATABASE_URL", ctx.db.url.render_as_string(hide_password=False))
    runner = CliRunner()

    intact = runner.invoke(cli, ["audit", "verify", str(document.id)])
    with ctx.db.transaction() as session:
        session.execute(
            update(Event)
            .where(Event.document_id == document.id, Event.type == "issued")
            .values(actor_name="Quelqu'un d'autre")
        )
    broken = runner.invoke(cli, ["audit", "verify", str(document.id)])

    assert intact.exit_code == 0, intact.output
    assert "intacte" in intact.output
    assert broken.exit_code == 1
    assert "événement n° 2" in broken.stderr


def test_two_workers_reminding_at_once_send_one_reminder(ctx, head, make_request) -> None:
    issued(ctx, head, make_request)
    ctx.clock.advance(days=7)

    results = _at_once(lambda: remind_due(ctx), lambda: remind_due(ctx))

    assert sum(r for r in results if isinstance(r, int)) == 3, results
    with ctx.db.new_session() as session:
        assert sum(s.reminder_count for s in session.scalars(select(Signer))) == 3


def test_archive_check_finds_a_flipped_byte_and_a_swapped_pointer(
    ctx, head, make_request, monkeypatch
) -> None:
    """Real sealed PDFs; one flipped byte on disk, one document pointed at another's file: the
    command names both, exit code 1, and the files stay as they are (never regenerated)."""
    from click.testing import CliRunner  # noqa: PLC0415
    from factories import complete_document  # noqa: PLC0415

    from service.cli import cli  # noqa: PLC0415
    from service.finalize.final_pdf import archive  # noqa: PLC0415

    ids = [complete_document(ctx, head, make_request("parcours")) for _ in range(3)]
    monkeypatch.setenv("COSIGNE_ENV", "test")
    monkeypatch.setenv("COSIGNE_DATA_DIR", str(ctx.settings.data_dir))
    monkeypatch.setenv("COSIGNE_DATABASE_URL", ctx.db.url.render_as_string(hide_password=False))
    runner = CliRunner()
    sound = runner.invoke(cli, ["archive", "check"])
    with ctx.db.transaction() as session:
        rows = [session.get(Document, document_id) for document_id in ids]
        flipped = archive(ctx.settings).path(rows[0].final_pdf_sha256)
        rows[2].final_pdf_sha256 = rows[1].final_pdf_sha256  # the pointer swapped
    damaged = bytearray(flipped.read_bytes())
    damaged[len(damaged) // 2] ^= 0x01
    flipped.chmod(0o644)
    flipped.write_bytes(bytes(damaged))

    broken = runner.invoke(cli, ["archive", "check"])

    assert sound.exit_code == 0, sound.output
    assert "3 PDF finaux vérifiés : tous présents, intacts et scellés." in sound.output
    assert broken.exit_code == 1, broken.output
    assert f"Document n° {ids[0]} : le PDF final est altéré" in broken.stderr
    assert f"Document n° {ids[2]} : le fichier archivé n'est pas le PDF final" in broken.stderr
    assert f"Document n° {ids[1]} :" not in broken.stderr
    assert flipped.read_bytes() == bytes(damaged)  # reported, not repaired


def test_the_worker_checks_the_archive_on_schedule_and_mails_the_schools_admins(
    database, tmp_path, converter, smtp_server, make_request
) -> None:
    """A flipped byte on disk: the worker's next pass finds it, mails the school's admin and
    head through the real SMTP server, and does not check again before the period is over."""
    from datetime import UTC, datetime  # noqa: PLC0415

    from factories import complete_document  # noqa: PLC0415

    from service.cli.worker import run_pass  # noqa: PLC0415
    from service.finalize.final_pdf import archive  # noqa: PLC0415
    from service.jobs.models import JobRun  # noqa: PLC0415

    clock = FrozenClock(datetime(2026, 11, 28, 9, 0, tzinfo=UTC))
    ctx = make_context(database, tmp_path, converter, clock=clock, **smtp_server.env)
    school = make_school(database)
    head = make_user(database, school, role="head", email="proviseure@example.edu")
    make_user(database, school, role="admin", email="secretariat@example.edu")
    make_user(database, school, role="referent", email="prof@example.edu")
    make_user(database, make_school(database, uai="0170022G"), role="admin", email="x@example.edu")
    kept, damaged_id = (complete_document(ctx, head, make_request("parcours")) for _ in range(2))
    first = run_pass(ctx)  # sound: the check runs, nothing to tell
    assert first.damaged == 0
    smtp_server.clear()
    with ctx.db.new_session() as session:
        flipped = archive(ctx.settings).path(session.get(Document, damaged_id).final_pdf_sha256)
    data = bytearray(flipped.read_bytes())
    data[len(data) // 2] ^= 0x01
    flipped.chmod(0o644)
    flipped.write_bytes(bytes(data))

    clock.advance(hours=1)
    assert run_pass(ctx).damaged is None  # not due yet: checked once a day
    clock.advance(hours=24)
    report = run_pass(ctx)

    assert report.damaged == 1
    assert "archives vérifiées : 1 fichier(s) endommagé(s)" in report.summary()
    received = smtp_server.wait_for(2)
    assert sorted(m["To"] for m in received) == [
        "proviseure@example.edu",
        "secretariat@example.edu",
    ]
    body = received[0].get_body(("plain",)).get_content()
    assert received[0]["Subject"].startswith("Archives : 1 document signé endommagé")
    assert f"Document n° {damaged_id} : le PDF final est altéré" in body
    assert f"Document n° {kept} :" not in body
    assert "Rien n'a été modifié ni refabriqué" in body
    assert flipped.read_bytes() == bytes(data)  # reported, never repaired
    with ctx.db.new_session() as session:
        run = session.get(JobRun, "archive_check")
        assert run.last_run_at == clock.now
        assert "1 endommagé(s)" in run.summary
