"""A factory of audit trails for the certificate's tests: the example convention, signed."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

from signing.pdf.certificate_records import AuditTrail, SignerRecord, TrailEvent

ISSUED_AT = datetime(2026, 11, 28, 8, 30, 12, tzinfo=UTC)
SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
VERIFY_URL = "https://cosigne.lycee-michelet.fr/verifier?document=42"

FIREFOX_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)

SIGNERS = (
    ("host_representative", "Le représentant de l'organisme d'accueil", "Hélène Dupont",
     "helene.dupont@dupont-electricite.fr", "203.0.113.7", CHROME_WINDOWS, True),
    ("host_tutor", "Le tuteur dans l'organisme d'accueil", "Marc Le Goff",
     "marc.legoff@dupont-electricite.fr", "203.0.113.8", CHROME_WINDOWS, False),
    ("referent", "Le référent", "Paul Garnier", "paul.garnier@ac-nantes.fr", "192.0.2.10",
     CHROME_WINDOWS, True),
    ("pupil", "L'élève", "Nguyễn Thị Lan", "lan.nguyen@example.org",
     "2001:db8:85a3::8a2e:370:7334", FIREFOX_ANDROID, True),
    ("guardian", "Le représentant légal", "Nadia Martin", "nadia.martin@example.org",
     "198.51.100.23", SAFARI_IPHONE, False),
    ("head", "Le chef d'établissement", "Anne Leroy", "ce.0440021j@ac-nantes.fr", "192.0.2.1",
     CHROME_WINDOWS, True),
)  # fmt: skip


def make_trail(*, rounds: int = 1, **changes: Any) -> AuditTrail:
    """The example convention (document 42) signed by its six parties, one an hour.

    `rounds` repeats the invitation, opening and signing events (for a long trail); `changes`
    replaces fields of the trail.
    """
    signers = []
    events = [
        TrailEvent(ISSUED_AT - timedelta(hours=1), "created", "Anne Leroy", "head"),
        TrailEvent(ISSUED_AT, "issued", "Anne Leroy", "head"),
    ]
    for number, (role, label, name, email, ip, agent, drawn) in enumerate(SIGNERS):
        signed_at = ISSUED_AT + timedelta(hours=number + 1)
        signers.append(SignerRecord(role, label, name, email, signed_at, ip, agent, True, drawn))
        for repeat in range(rounds):
            shift = timedelta(seconds=repeat)
            events += [
                TrailEvent(signed_at - timedelta(minutes=50) + shift, "invited", name, role),
                TrailEvent(signed_at - timedelta(minutes=5) + shift, "opened", name, role),
            ]
        events.append(TrailEvent(signed_at, "signed", name, role))
    events += [
        TrailEvent(ISSUED_AT + timedelta(hours=3, minutes=30), "reminded", "Anne Leroy", "head"),
        TrailEvent(ISSUED_AT + timedelta(hours=7), "completed", None, None),
    ]
    events.sort(key=lambda event: event.at)
    trail = AuditTrail(
        document_id=42,
        kind_title="Convention de stage",
        version=1,
        school_name="Lycée professionnel Michelet",
        frozen_sha256=SHA256,
        signers=tuple(signers),
        events=tuple(events),
        age_rule="Élève mineure (16 ans) au 28 novembre 2026 : accord du représentant légal requis",
        verify_url=VERIFY_URL,
    )
    return dataclasses.replace(trail, **changes)
