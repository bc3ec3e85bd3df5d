"""The final PDF of a signed document: every signature stamped at its anchor in the frozen
PDF, the certificate of signature appended, the school's seal last (`signing.pdf`)."""

from __future__ import annotations

import functools
import hashlib
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from service.accounts.models import School
from service.documents.models import Document, Event
from service.finalize.evidence_details import event_detail, seal_record
from service.settings import Settings
from signing.data.ages import MAJORITY_AGE
from signing.data.french import format_date_fr
from signing.data.parties import anchor_text
from signing.data.territory import territory_of
from signing.kinds.info import party_phone
from signing.pdf.archive import Archive
from signing.pdf.certificate import append_audit_pages
from signing.pdf.certificate_records import AuditTrail, SignerRecord, TrailEvent
from signing.pdf.dev_seal import ensure_dev_seal
from signing.pdf.evidence_texts import identification_of, witness_of
from signing.pdf.seal import Sealer, SealSettings
from signing.pdf.stamp import SignatureMark, stamp
from signing.pdf.timestamp import SealedFile, load_certificates, seal_trying
from signing.vocabulary import EventType

DRAWING = threading.Lock()
"""reportlab's TrueType fonts keep per-document state that two threads must not share: held by
whatever draws with them in the service (the final PDF here, the paper sheet and its scan's
annex in `service.signers`)."""


@functools.cache
def _sealer(p12: str, passphrase: str, tsa_url: str, tsa_timeout: float) -> Sealer:
    settings = SealSettings(
        p12_path=Path(p12),
        passphrase=passphrase.encode() or None,
        tsa_url=tsa_url or None,
        tsa_timeout=tsa_timeout,
    )
    return Sealer(settings)


def sealer(settings: Settings) -> Sealer:
    """The process's sealer: the configured PKCS#12 seal, or a development seal generated
    once into the data folder. The key is loaded once per process."""
    first = settings.tsa_urls[0] if settings.tsa_urls else ""
    if settings.seal_p12 is not None:
        return _sealer(
            str(settings.seal_p12), settings.seal_passphrase, first, settings.tsa_timeout
        )
    dev = ensure_dev_seal(settings.data_dir / "seal")
    passphrase = dev.passphrase.decode() if dev.passphrase else ""
    return _sealer(str(dev.p12_path), passphrase, first, settings.tsa_timeout)


@functools.cache
def _tsa_roots(path: str) -> tuple[Any, ...]:
    return tuple(load_certificates(Path(path)))


def trust_roots(settings: Settings) -> list[Any]:
    """The certificates a final PDF's seal and timestamps must chain to: the seal's, and the
    timestamp authorities' (COSIGNE_TSA_ROOTS)."""
    roots: list[Any] = sealer(settings).trust_roots()
    if settings.tsa_roots is not None:
        roots.extend(_tsa_roots(str(settings.tsa_roots)))
    return roots


def archive(settings: Settings) -> Archive:
    return Archive(settings.archive_dir)


def verify_url(settings: Settings) -> str:
    return f"{settings.base_url}/verifier"


def _age_rule_text(document: Document, issued: Event | None) -> str:
    rule: dict[str, Any] = (issued.data if issued else {}).get("age_rule") or {}
    if not rule:
        return "Règle d'âge non enregistrée."
    day = format_date_fr(date.fromisoformat(rule["reference_date"]))
    issued = rule.get("issue_date")
    if issued and issued != rule["reference_date"]:
        day += f", premier jour de la période (document émis le {format_date_fr(issued)})"
    age = rule["pupil_age"]
    if rule.get("emancipated"):
        return f"Âge de l'élève au {day} : {age} ans, émancipation prononcée ; signe seul."
    if rule.get("guardian_required"):
        if age < MAJORITY_AGE:
            return (
                f"Âge de l'élève au {day} : {age} ans, minorité ; accord du représentant légal "
                "requis."
            )
        return (
            f"Âge de l'élève au {day} : {age} ans, mais moins de 18 ans le jour de l'émission ; "
            "accord du représentant légal requis."
        )
    return f"Âge de l'élève au {day} : {age} ans, majorité ; signe seul."


def audit_trail(settings: Settings, document: Document, school: School) -> AuditTrail:
    """What the certificate (and the JSON evidence file) says of `document` now."""
    trail = list(document.events)
    issued = next((e for e in trail if e.type == EventType.ISSUED), None)
    signed = {e.signer_id: e for e in trail if e.type == EventType.SIGNED}
    assert document.pdf_sha256 is not None  # noqa: S101 — a signed document was issued
    spec = document.kind.spec
    return AuditTrail(
        document_id=document.id,
        kind_title=spec.title,
        version=document.version,
        school_name=school.name,
        school_uai=school.uai or "",
        frozen_sha256=document.pdf_sha256,
        signers=tuple(
            SignerRecord(
                role=s.role,
                role_label=s.role_label,
                name=s.full_name,
                email=s.email,
                signed_at=s.signed_at,
                ip=s.sign_ip,
                user_agent=s.sign_user_agent,
                consent=s.consent_text is not None,
                drawn=s.signature_png is not None,
                phone=party_phone(spec, s.role, s.guardian_index, document.data, school.phone),
                identification=(identification_of(signed[s.id].data) if s.id in signed else None),
                witness=witness_of(signed[s.id].data) if s.id in signed else None,
                consent_text=s.consent_text,
                shown_pdf_sha256=s.signed_pdf_sha256,
                typed_name=s.typed_name,
            )
            for s in document.signers
        ),
        events=tuple(_event_record(e) for e in trail),
        age_rule=_age_rule_text(document, issued),
        verify_url=verify_url(settings),
        territory=territory_of(school.uai),
        trail_head=document.last_event_hash or "",
        trail_events=len(trail),
        trail_key_id=(trail[-1].key_id or "") if trail else "",
        seal=seal_record(sealer(settings), settings, trail),
    )


def _event_record(event: Event) -> TrailEvent:
    return TrailEvent(
        event.at,
        event.type,
        event.actor_name,
        event.role,
        ip=event.ip,
        user_agent=event.user_agent,
        detail=event_detail(event.type, event.data),
    )


def build_final_pdf(settings: Settings, document: Document, school: School) -> SealedFile:
    """The frozen PDF with every signature at its anchor, the certificate, and the seal last,
    timestamped by the first authority that answers (the certificate names it), or by none."""
    assert document.pdf is not None  # noqa: S101
    # The caption names the signer as registered (« Nadia Martin »), not as typed
    # (« nadia martin »): the typed name is kept in the trail, matched to this one.
    marks = [
        SignatureMark(
            anchor=anchor_text(s.role, s.guardian_index or 0),
            name=s.full_name,
            signed_at=s.signed_at,
            png=s.signature_png,
            territory=territory_of(school.uai),
            on_paper=s.paper_scan is not None,
        )
        for s in document.signers
        if s.signed_at is not None
    ]
    trail = audit_trail(settings, document, school)
    annexes = [s.paper_scan for s in document.signers if s.paper_scan and s.signed_at]
    with DRAWING:
        stamped = stamp(document.pdf, marks)
    trail = replace(trail, stamped_sha256=hashlib.sha256(stamped).hexdigest())

    def certify(authority: str | None, unanswered: tuple[str, ...]) -> bytes:
        assert trail.seal is not None  # noqa: S101 — audit_trail always names the seal
        seal = replace(
            trail.seal, timestamp_authority=authority, timestamp_deferred=bool(unanswered)
        )
        with DRAWING:
            return append_audit_pages(stamped, replace(trail, seal=seal), annexes)

    return seal_trying(sealer(settings), settings.tsa_urls, certify, document_id=document.id)


def file_name(document: Document) -> str:
    pupil = document.data.get("pupil") or {}
    base = f"{document.kind}-{document.id}-{pupil.get('last_name', '')}".lower()
    return "".join(c if c.isalnum() or c == "-" else "-" for c in base).strip("-") + ".pdf"
