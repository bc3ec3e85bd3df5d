"""A factory of audit trails for the certificate's tests: the example convention, signed."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

from signing.pdf.certificate_records import AuditTrail, SealRecord, SignerRecord, TrailEvent
from signing.pdf.evidence_texts import Identification

ISSUED_AT = datetime(2026, 11, 28, 8, 30, 12, tzinfo=UTC)
SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
VERIFY_URL = "https://cosigne.lycee-michelet.fr/verifier?document=42"
TRAIL_HEAD = "4b227777d4dd1fc61c6f884f48641d02b4d121d3fd328cb08b5531fcacdabf8a"
CONSENT = (
    "J'ai lu le document et j'accepte de le signer électroniquement. Ma signature a la même "
    "valeur qu'une signature manuscrite."
)
SEAL = SealRecord(
    holder="Common Name: Cosigne – cachet de développement, Organization: Cosigne",
    issuer="Common Name: Cosigne – autorité de développement",
    serial="1a2b3c",
    valid_until=datetime(2036, 11, 28, tzinfo=UTC),
    timestamp_authorities=("http://tsa.example.org/tsa",),
)

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
        method = Identification.STAFF_SESSION if role == "head" else Identification.EMAIL_LINK
        if role == "guardian":
            method = Identification.EMAIL_LINK_CODE
        witness = "Paul Garnier (référent)" if role in ("pupil", "host_tutor") else None
        if witness:
            method = Identification.IN_PERSON if role == "pupil" else Identification.PAPER
        signers.append(
            SignerRecord(
                role, label, name, email, signed_at, ip, agent, True, drawn,
                phone=f"06 00 00 00 0{number}", identification=method, witness=witness,
                consent_text=CONSENT, shown_pdf_sha256=SHA256, typed_name=name.lower(),
            )
        )  # fmt: skip
        for repeat in range(rounds):
            shift = timedelta(seconds=repeat)
            events += [
                TrailEvent(signed_at - timedelta(minutes=50) + shift, "invited", name, role),
                TrailEvent(
                    signed_at - timedelta(minutes=49) + shift,
                    "delivered",
                    name,
                    role,
                    detail=f"Invitation à signer pour {email}, message <cosigne.{number}@x> ; "
                    "réponse du serveur : 250 OK",
                ),
                TrailEvent(signed_at - timedelta(minutes=5) + shift, "opened", name, role),
            ]
        events.append(TrailEvent(signed_at, "signed", name, role, ip=ip, user_agent=agent))
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
        stamped_sha256=SHA256[::-1],
        trail_head=TRAIL_HEAD,
        trail_events=len(events),
        seal=SEAL,
    )
    return dataclasses.replace(trail, **changes)
