"""The evidence file as JSON: the same facts as the certificate's pages (`AuditTrail`), for a
legal service or an expert to read by program; times in UTC and in the school's time with its
offset, hashes in hex, French texts as printed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from signing.data.territory import Territory
from signing.pdf.certificate_records import (
    EVENT_LABELS,
    AuditTrail,
    SignerRecord,
    timestamp_text,
)
from signing.pdf.certificate_signers import consent_sha256
from signing.pdf.evidence_texts import (
    IDENTIFICATION_NAMES,
    identification,
    proof_agreement,
    seal_statement,
)

FORMAT = "cosigne-evidence/1"


def moment(at: datetime | None, territory: Territory) -> dict[str, str] | None:
    if at is None:
        return None
    local = territory.local(at)
    return {
        "utc": at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "local": local.isoformat(),
        "time_zone": territory.time_zone,
        "zone_name": territory.clock_name,
    }


def evidence_json(
    trail: AuditTrail,
    *,
    event_hashes: Sequence[str],
    final_sha256: str | None,
    state: str,
) -> dict[str, Any]:
    """`event_hashes` are the stored events' hashes, in order, beside `trail.events`."""
    place = trail.territory
    agreement = proof_agreement()
    return {
        "format": FORMAT,
        "document": {
            "id": trail.document_id,
            "kind_title": trail.kind_title,
            "version": trail.version,
            "state": state,
            "school": {"name": trail.school_name, "uai": trail.school_uai},
            "issued_pdf_sha256": trail.frozen_sha256,
            "final_pdf_sha256": final_sha256,
            "age_rule": trail.age_rule,
        },
        "signers": [_signer(s, place) for s in trail.signers],
        "events": [
            {
                "seq": number,
                "type": event.type,
                "label": EVENT_LABELS.get(event.type, event.type),
                "at": moment(event.at, place),
                "actor": event.actor,
                "role": event.role,
                "ip": event.ip,
                "user_agent": event.user_agent,
                "detail": event.detail,
                "hash": hash_,
            }
            for number, (event, hash_) in enumerate(
                zip(trail.events, event_hashes, strict=True), start=1
            )
        ],
        "trail": {
            "head": trail.trail_head,
            "events": trail.trail_events,
            "chaining": "hmac-sha256" if trail.trail_key_id else "sha256",
            "key_id": trail.trail_key_id or None,
        },
        "seal": _seal(trail),
        "verify_url": trail.verify_url,
        "proof_agreement": {"text": agreement.text, "source": agreement.source},
    }


def _signer(signer: SignerRecord, place: Territory) -> dict[str, Any]:
    method = signer.identification
    return {
        "role": signer.role,
        "role_label": signer.role_label,
        "name": signer.name,
        "email": signer.email,
        "phone": signer.phone,
        "identification": method.value if method else None,
        "identification_name": IDENTIFICATION_NAMES[method] if method else None,
        "identification_text": identification(method).text if method else None,
        "consent_text": signer.consent_text,
        "consent_sha256": consent_sha256(signer.consent_text) if signer.consent_text else None,
        "shown_pdf_sha256": signer.shown_pdf_sha256,
        "signed_at": moment(signer.signed_at, place),
        "ip": signer.ip,
        "user_agent": signer.user_agent,
        "typed_name": signer.typed_name,
        "drawn": signer.drawn,
    }


def _seal(trail: AuditTrail) -> dict[str, Any] | None:
    seal = trail.seal
    if seal is None:
        return None
    return {
        "holder": seal.holder,
        "issuer": seal.issuer,
        "serial": seal.serial,
        "valid_until": seal.valid_until.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "timestamp_authorities": list(seal.timestamp_authorities),
        "timestamp_authority": seal.timestamp_authority,
        "timestamp_deferred": seal.timestamp_deferred,
        "timestamp": timestamp_text(seal),
        "statement": seal_statement().text,
    }
