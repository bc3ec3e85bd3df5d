"""What the certificate says beside an event (a message's id and the mail server's answer, a
bounce's reason, a signer's identification), and which seal will close the file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from service.documents.models import Event
from service.settings import Settings
from signing.devices import shared_device_sentence
from signing.event_types import KioskEnd
from signing.pdf.certificate_records import SealRecord
from signing.pdf.evidence_texts import (
    IDENTIFICATION_NAMES,
    identification_of,
    in_person_witness,
    paper_digitizer,
)
from signing.pdf.seal import Sealer
from signing.vocabulary import EventType

_PURPOSES = {
    "invitation": "invitation à signer",
    "reminder": "relance",
    "code": "code à usage unique",
    "completed": "document final",
    "informed": "information du représentant légal",
}


_CODE_DETAILS: dict[str, str] = {
    EventType.CODE_SENT: "Code à 6 chiffres envoyé à {to}, valable 10 minutes",
    EventType.CODE_ACCEPTED: "Code saisi exact, utilisé pour cette signature",
    EventType.CODE_REJECTED: "Code refusé : {verdict} (essais : {tries})",
}
_FORMATTED_DETAILS: dict[str, str] = {
    **_CODE_DETAILS,
    EventType.LINK_RENEWED: "Demandé depuis un lien {old} ; nouveau lien envoyé à {to}",
}
_RENEWED_FROM = {"replaced": "remplacé", "aged": "expiré"}
_VERDICTS = {
    "wrong": "code inexact",
    "expired": "code expiré",
    "exhausted": "trop d'essais",
    "used": "code déjà utilisé",
}


def event_detail(type_: str, data: Mapping[str, Any] | None) -> str | None:
    """French, one line or two; None when the event says it all."""
    data = data or {}
    if type_ == EventType.DELIVERED:
        purpose = _PURPOSES.get(str(data.get("purpose") or ""), "courriel")
        reply = data.get("smtp_reply") or "accepté"
        return (
            f"{purpose[:1].upper()}{purpose[1:]} pour {data.get('to', '?')}, message "
            f"{data.get('message_id', '?')} ; réponse du serveur : {reply}"
        )
    if type_ == EventType.BOUNCED:
        purpose = _PURPOSES.get(str(data.get("purpose") or ""), "courriel")
        return (
            f"{purpose[:1].upper()}{purpose[1:]} pour {data.get('to', '?')} refusé : "
            f"{data.get('error', 'raison inconnue')}"
        )
    if type_ == EventType.SHARED_DEVICE:
        return shared_device_sentence(
            str(data.get("other_name") or "?"),
            str(data.get("other_role_label") or data.get("other_role") or "?"),
            int(data.get("minutes") or 0),
        )
    if type_ in _FORMATTED_DETAILS:
        return _FORMATTED_DETAILS[type_].format(
            to=data.get("to", "?"),
            verdict=_VERDICTS.get(str(data.get("verdict")), "?"),
            tries=data.get("tries", "—"),
            old=_RENEWED_FROM.get(str(data.get("from_link")), "ancien"),
        )
    if type_ == EventType.SIGNED:
        method = IDENTIFICATION_NAMES[identification_of(dict(data))]
        witness = in_person_witness(dict(data))
        digitizer = paper_digitizer(dict(data))
        if digitizer:
            method = f"Papier, numérisé par {digitizer} ; scan SHA-256 {data.get('scan_sha256')}"
        elif witness:
            method = f"Signé en présence de {witness}, sur l'appareil de l'établissement"
        if data.get("drawn") is not None and not digitizer:
            method += " ; signature tracée à la main" if data["drawn"] else " ; nom saisi"
        shown = data.get("pdf_sha256")
        return f"{method} ; fichier SHA-256 {shown}" if shown else method
    return _kiosk_detail(type_, data) or _timestamp_detail(type_, data)


def _kiosk_detail(type_: str, data: Mapping[str, Any]) -> str | None:
    if type_ == EventType.KIOSK_STARTED:
        return f"Par {data.get('witness_name', '?')} ({data.get('witness_role_label', '?')})"
    if type_ == EventType.KIOSK_ENDED:
        how = KioskEnd(str(data["how"])).label if data.get("how") in set(KioskEnd) else "?"
        return f"Fermé : {how} ; signatures recueillies : {data.get('signed', 0)}"
    return None


def _timestamp_detail(type_: str, data: Mapping[str, Any]) -> str | None:
    if type_ == EventType.TIMESTAMP_DEFERRED:
        failures = data.get("failures") or []
        listed = " ; ".join(f"{f.get('url', '?')} : {f.get('reason', '?')}" for f in failures)
        return f"Sans réponse : {listed or 'aucune autorité'}"
    if type_ == EventType.TIMESTAMPED:
        return (
            f"Par {data.get('timestamp_authority', '?')} ; fichier SHA-256 "
            f"{data.get('previous_final_pdf_sha256', '?')} remplacé par "
            f"{data.get('final_pdf_sha256', '?')} (le précédent reste valable)"
        )
    return None


def seal_record(sealer: Sealer, settings: Settings, trail: Sequence[Event] = ()) -> SealRecord:
    """The seal as the certificate names it. Once the document is sealed (its trail holds
    `COMPLETED`), the timestamp is told as it happened, from the trail, not from today's
    settings."""
    certificate = sealer.certificate
    validity = certificate["tbs_certificate"]["validity"]
    record = SealRecord(
        holder=certificate.subject.human_friendly,
        issuer=certificate.issuer.human_friendly,
        serial=format(certificate.serial_number, "x"),
        valid_until=validity["not_after"].native,
        timestamp_authorities=settings.tsa_urls,
    )
    completed = next((e for e in trail if e.type == EventType.COMPLETED), None)
    data = (completed.data or {}) if completed is not None else {}
    if "timestamp_authorities" not in data:  # not sealed yet, or sealed before this was kept
        return record
    return replace(
        record,
        timestamp_authorities=tuple(data["timestamp_authorities"]),
        timestamp_authority=data.get("timestamp_authority"),
        timestamp_deferred=any(e.type == EventType.TIMESTAMP_DEFERRED for e in trail),
    )
