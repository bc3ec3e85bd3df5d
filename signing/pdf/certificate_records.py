"""What the certificate of signature says: the document, its signers and its events, as the
service gives them; and how it shows personal data (a masked email, a short browser name)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from signing.data.territory import METROPOLE, Territory
from signing.pdf.evidence_texts import Identification
from signing.vocabulary import EventType


@dataclass(frozen=True)
class SignerRecord:
    """One signer as the certificate shows them."""

    role: str
    """A `signing.vocabulary.Role` value."""
    role_label: str
    """``L'élève``, ``Le représentant légal``…"""
    name: str
    email: str
    """As registered, printed in full: the address the link (and any code) went to."""
    signed_at: datetime | None
    """Timezone aware; None for a party who has not signed."""
    ip: str | None
    user_agent: str | None
    """The browser's full User-Agent; printed in short (`short_user_agent`)."""
    consent: bool
    """They ticked the consent to sign electronically."""
    drawn: bool
    """They drew their signature (otherwise their typed name stands for it)."""
    phone: str | None = None
    """As registered in the document's data (the school's for the head)."""
    identification: Identification | None = None
    """How they were identified when they signed; None for a party who has not signed."""
    witness: str | None = None
    """« Anne Leroy (Chef d’établissement) » when they signed in person on the school's device."""
    consent_text: str | None = None
    """The consent sentence exactly as shown to them and accepted."""
    shown_pdf_sha256: str | None = None
    """Hex SHA-256 of the exact PDF shown to them when they signed."""
    typed_name: str | None = None
    """The name they typed when signing."""


@dataclass(frozen=True)
class TrailEvent:
    """One event of the audit trail, in recorded order."""

    at: datetime
    """Timezone aware."""
    type: str
    """``created``, ``issued``, ``invited``, ``opened``, ``signed``, ``declined``…"""
    actor: str | None
    """Who acted or was acted upon (the signer invited, the staff member who issued)."""
    role: str | None
    """A signer role or a staff role (``admin``), when known."""
    ip: str | None = None
    user_agent: str | None = None
    """The browser's full User-Agent; printed in short (`short_user_agent`)."""
    detail: str | None = None
    """What the event's data adds, in French (a message's id and the mail server's answer)."""


@dataclass(frozen=True)
class AuditTrail:
    """Everything the certificate prints."""

    document_id: int
    kind_title: str
    """``Convention de stage``…"""
    version: int
    school_name: str
    frozen_sha256: str
    """Hex SHA-256 of the PDF as issued to the signers (before any stamp)."""
    signers: tuple[SignerRecord, ...]
    events: tuple[TrailEvent, ...]
    age_rule: str
    """``Élève mineure (16 ans) au 28 novembre 2026 : accord du représentant légal requis``."""
    verify_url: str
    """The verification page's address, printed and encoded in the QR code."""
    territory: Territory = METROPOLE
    """The school's territory: times are printed in its time, with their UTC offset."""
    school_uai: str = ""
    """The school's UAI, in the running header as the document has it."""
    stamped_sha256: str = ""
    """Hex SHA-256 of the PDF with every signature stamped, before these pages and the seal."""
    trail_head: str = ""
    """The hash of the trail's last event when the document was sealed."""
    trail_events: int = 0
    """How many events the trail held then."""
    trail_key_id: str = ""
    """The trail key the last event was chained with (`signing.trail.TrailKey.id`); empty when
    it was chained by plain SHA-256 (recorded before the trail had a key)."""
    seal: SealRecord | None = None
    """The seal that will close the file."""


@dataclass(frozen=True)
class SealRecord:
    """The seal's certificate and timestamp authorities, as the certificate names them."""

    holder: str
    """The seal certificate's subject (``CN=…, O=…``)."""
    issuer: str
    serial: str
    """Hexadecimal."""
    valid_until: datetime
    timestamp_authorities: tuple[str, ...] = ()
    """The RFC 3161 authorities configured, asked in turn; none: the seal carries the server's
    time only."""
    timestamp_authority: str | None = None
    """The authority whose token the seal carries, once known (the certificate is built for
    each authority tried)."""
    timestamp_deferred: bool = False
    """No authority answered at sealing: the seal has the server's time, and a document
    timestamp is added to the file later."""


def timestamp_text(seal: SealRecord) -> str:
    """What the certificate says of the seal's time: the authority whose token it carries, the
    authorities that did not answer (a document timestamp follows), or the server's time."""
    if seal.timestamp_authority is not None:
        return (
            f"Jeton d'horodatage RFC 3161 délivré par {seal.timestamp_authority} ; "
            "le jeton figure dans le cachet."
        )
    if seal.timestamp_deferred:
        return (
            "Aucune autorité d'horodatage n'a répondu au scellement ("
            + ", ".join(seal.timestamp_authorities)
            + ") : l'heure du cachet est celle du serveur. Un horodatage RFC 3161 du document "
            "sera ajouté au fichier, après le cachet, dès qu'une autorité répondra."
        )
    if seal.timestamp_authorities:
        return (
            "Jeton d'horodatage RFC 3161 demandé à : "
            + ", ".join(seal.timestamp_authorities)
            + " ; le jeton figure dans le cachet."
        )
    return "Aucune autorité d'horodatage configurée : l'heure du cachet est celle du serveur."


EVENT_LABELS: dict[str, str] = {event.value: event.certificate_label for event in EventType}
"""French wording of each event type; an unknown type is printed as it is."""


STAFF_ROLE_NAMES: dict[str, str] = {"admin": "administrateur"}


_MASK = "•••••"


def mask_email(email: str) -> str:
    """``n•••••@example.org``: first letter, a fixed run of dots (the length stays secret), then
    the whole domain."""
    email = email.strip()
    local, at, domain = email.rpartition("@")
    if not at:
        local, domain = email, ""
    if not local:
        return f"{_MASK}@{domain}" if at else ""
    return f"{local[0]}{_MASK}" + (f"@{domain}" if at else "")


_BROWSERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # Order matters: Edge, Opera and Samsung Internet also announce Chrome and Safari,
    # Chrome announces Safari.
    ("Edge", re.compile(r"\bEdg(?:e|A|iOS)?/(\d+)")),
    ("Opera", re.compile(r"\b(?:OPR|Opera)/(\d+)")),
    ("Samsung Internet", re.compile(r"\bSamsungBrowser/(\d+)")),
    ("Firefox", re.compile(r"\b(?:Firefox|FxiOS)/(\d+)")),
    ("Chrome", re.compile(r"\b(?:Chrome|CriOS)/(\d+)")),
    ("Safari", re.compile(r"\bVersion/(\d+)[^ ]*(?: Mobile/\S+)? Safari/")),
)


_SYSTEMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # iOS announces "like Mac OS X", Android announces Linux: they come first.
    ("iPhone", re.compile(r"\biPhone\b")),
    ("iPad", re.compile(r"\biPad\b")),
    ("Android", re.compile(r"\bAndroid\b")),
    ("Windows", re.compile(r"\bWindows\b")),
    ("ChromeOS", re.compile(r"\bCrOS\b")),
    ("macOS", re.compile(r"\bMacintosh\b|\bMac OS X\b")),
    ("Linux", re.compile(r"\bLinux\b|\bX11\b")),
)


_UNKNOWN_LENGTH = 40


def short_user_agent(ua: str) -> str:
    """``Firefox 132 sur Android``, ``Safari 17 sur iPhone``, ``Chrome 131 sur Windows``; an
    unknown browser gives the first 40 characters of `ua`."""
    ua = " ".join(ua.split())
    browser = next(
        (
            f"{name} {match.group(1)}"
            for name, pattern in _BROWSERS
            if (match := pattern.search(ua))
        ),
        None,
    )
    if browser is None:
        return ua[:_UNKNOWN_LENGTH]
    system = next((name for name, pattern in _SYSTEMS if pattern.search(ua)), None)
    return f"{browser} sur {system}" if system else browser
