"""The words of the domain, declared once: roles, states, actions and events, with their French.

Every member is a `StrEnum`: it is stored, sent as JSON and compared as its plain value
(``"awaiting_signatures"``), and its labels are read from it (``DocumentState.DRAFT.label``),
each table of labels right under its enum. The database's columns are typed with these enums
(`service.orm.EnumText`), so nothing converts strings back and forth. Document kinds are
declared by their registry, `signing.kinds.Kind`.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum

from signing.channels import SigningChannel, signing_channel
from signing.event_types import EventType

__all__ = [
    "DocumentAction",
    "DocumentState",
    "EventType",
    "LinkEnd",
    "Role",
    "SignerAction",
    "SignerState",
    "SigningChannel",
    "StaffRole",
    "signing_channel",
]


class Role(StrEnum):
    """A signer's part in a document."""

    PUPIL = "pupil"
    GUARDIAN = "guardian"
    REFERENT = "referent"
    HOST_REPRESENTATIVE = "host_representative"
    HOST_TUTOR = "host_tutor"
    HEAD = "head"

    @property
    def label(self) -> str:
        """With its article, as a signature block or the certificate names it: « L'élève »."""
        return _ROLE_LABELS[self]

    @property
    def noun(self) -> str:
        """The label without its article: « représentant légal », « élève »."""
        noun = self.label
        for article in ("Le ", "La ", "L'"):
            noun = noun.removeprefix(article)
        return noun[:1].lower() + noun[1:]

    @property
    def phrase(self) -> str:
        """« en tant que représentant légal », « en tant qu'élève »."""
        first = unicodedata.normalize("NFKD", self.noun[:1]).casefold()[:1]
        return f"en tant qu'{self.noun}" if first in set("aeiouyh") else f"en tant que {self.noun}"


_ROLE_LABELS: dict[Role, str] = {
    Role.PUPIL: "L'élève",
    Role.GUARDIAN: "Le représentant légal",
    Role.REFERENT: "Le référent",
    Role.HOST_REPRESENTATIVE: "Le représentant de l'organisme d'accueil",
    Role.HOST_TUTOR: "Le tuteur dans l'organisme d'accueil",
    Role.HEAD: "Le chef d'établissement",
}


class StaffRole(StrEnum):
    """What a member of a school's staff may do once logged in."""

    HEAD = "head"
    """Signs for the school; manages every account."""
    REFERENT = "referent"
    """Prepares and follows documents."""
    ADMIN = "admin"
    """Manages the school's accounts (referents and admins); reads documents, changes none."""

    @property
    def label(self) -> str:
        """As the pages name it: « Chef d’établissement »."""
        return _STAFF_ROLE_LABELS[self]


_STAFF_ROLE_LABELS: dict[StaffRole, str] = {
    StaffRole.HEAD: "Chef d’établissement",
    StaffRole.REFERENT: "Référent",
    StaffRole.ADMIN: "Administrateur",
}


class DocumentState(StrEnum):
    """Where a document stands; `signing.workflow` says how it moves."""

    DRAFT = "draft"
    AWAITING_SIGNATURES = "awaiting_signatures"
    SIGNED = "signed"
    """Every required signature is in; sealing and archiving are still to do."""
    COMPLETED = "completed"
    """Sealed and archived: final."""
    DECLINED = "declined"
    CANCELLED = "cancelled"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        """One document's state: « Brouillon »."""
        return _DOCUMENT_STATE_LABELS[self]

    @property
    def plural(self) -> str:
        """A count of documents in this state (the dashboard): « Brouillons »."""
        return _DOCUMENT_STATE_PLURALS[self]


_DOCUMENT_STATE_LABELS: dict[DocumentState, str] = {
    DocumentState.DRAFT: "Brouillon",
    DocumentState.AWAITING_SIGNATURES: "En attente de signature",
    DocumentState.SIGNED: "Signé",
    DocumentState.COMPLETED: "Finalisé",
    DocumentState.DECLINED: "Refusé",
    DocumentState.CANCELLED: "Annulé",
    DocumentState.EXPIRED: "Expiré",
}
_DOCUMENT_STATE_PLURALS: dict[DocumentState, str] = {
    DocumentState.DRAFT: "Brouillons",
    DocumentState.AWAITING_SIGNATURES: "En attente de signature",
    DocumentState.SIGNED: "Signés",
    DocumentState.COMPLETED: "Finalisés",
    DocumentState.DECLINED: "Refusés",
    DocumentState.CANCELLED: "Annulés",
    DocumentState.EXPIRED: "Expirés",
}


class SignerState(StrEnum):
    """Where one signer stands."""

    WAITING = "waiting"
    """Not their turn yet (the head, until every other signer has signed); no link."""
    INVITED = "invited"
    OPENED = "opened"
    SIGNED = "signed"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        """« Invité »."""
        return _SIGNER_STATE_LABELS[self]


_SIGNER_STATE_LABELS: dict[SignerState, str] = {
    SignerState.WAITING: "En attente",
    SignerState.INVITED: "Invité",
    SignerState.OPENED: "Ouvert",
    SignerState.SIGNED: "Signé",
    SignerState.DECLINED: "Refusé",
}


class DocumentAction(StrEnum):
    EDIT = "edit"
    ISSUE = "issue"
    CANCEL = "cancel"
    DECLINE = "decline"
    EXPIRE = "expire"
    OPEN = "open"
    """A signer opens their page: the document must be awaiting signatures, and stays so."""
    REMIND = "remind"
    """A reminder, or the same invitation resent with a new link."""
    SIGN = "sign"
    """A signature that is not the last one required."""
    SIGN_LAST = "sign_last"
    """The last required signature."""
    COMPLETE = "complete"
    """Sealed and archived."""
    AMEND = "amend"
    """Start an amendment: a new draft linked to this document, which itself stays as it is."""


class SignerAction(StrEnum):
    INVITE = "invite"
    OPEN = "open"
    REMIND = "remind"
    SIGN = "sign"
    DECLINE = "decline"


class LinkEnd(StrEnum):
    """Why a genuine signing link no longer leads to its page (`signing.link_ends.link_end`).
    The page says `heading` and `message`, then what the service knows of it (dates, the
    school's contact); `renewable` ends offer « M'envoyer un nouveau lien »."""

    SIGNED = "signed"
    """The signer signed; others have still to."""
    FINISHING = "finishing"
    """Every party signed; the final PDF is being sealed and mailed."""
    COMPLETE = "complete"
    """Signed by every party, sealed, archived and mailed."""
    DECLINED = "declined"
    """The signer declined."""
    OTHER_DECLINED = "other_declined"
    """Another party declined: the document will not be signed."""
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    """The document's signing deadline passed."""
    AGED = "aged"
    """The link itself is older than a link lives; the document still awaits this signer."""
    REPLACED = "replaced"
    """A newer link was mailed to this signer; the document still awaits them."""
    CLOSED = "closed"
    WAITING = "waiting"

    @property
    def heading(self) -> str:
        """The heading of the page the signer sees."""
        return _LINK_ENDS[self][0]

    @property
    def message(self) -> str:
        """What happened, in the signer's words."""
        return _LINK_ENDS[self][1]

    @property
    def renewable(self) -> bool:
        """Whether the signer may ask for a fresh link here: only when the document still
        awaits their signature and nothing but the link itself is in the way (it aged, or a
        newer one was sent). A document past its deadline is not: see
        `signing.link_renewal`."""
        return self in _RENEWABLE


_RENEWABLE = frozenset({LinkEnd.AGED, LinkEnd.REPLACED})

_LINK_ENDS: dict[LinkEnd, tuple[str, str]] = {
    LinkEnd.SIGNED: (
        "Vous avez déjà signé",
        "Vous avez déjà signé ce document : il n'y a plus rien à faire.",
    ),
    LinkEnd.FINISHING: (
        "Toutes les parties ont signé",
        "Vous avez déjà signé ce document, comme toutes les autres parties : le document "
        "signé est en cours de finalisation et vous sera envoyé par courriel.",
    ),
    LinkEnd.COMPLETE: (
        "Ce document est signé par toutes les parties",
        "Vous avez déjà signé ce document, et toutes les parties l'ont signé.",
    ),
    LinkEnd.DECLINED: ("Vous avez refusé de signer", "Vous avez refusé de signer ce document."),
    LinkEnd.OTHER_DECLINED: (
        "Ce document ne sera pas signé",
        "Une autre partie a refusé de signer ce document : il ne peut plus être signé.",
    ),
    LinkEnd.CANCELLED: (
        "Ce document a été annulé",
        "Ce document a été annulé par l'établissement.",
    ),
    LinkEnd.EXPIRED: (
        "Le délai de signature est dépassé",
        "Le délai de signature de ce document est dépassé : il ne peut plus être signé.",
    ),
    LinkEnd.AGED: (
        "Ce lien a expiré",
        "Ce lien de signature a expiré, mais le document attend toujours votre signature.",
    ),
    LinkEnd.REPLACED: (
        "Ce lien a été remplacé",
        "Ce lien a été remplacé par un lien plus récent : utilisez le dernier courriel reçu.",
    ),
    LinkEnd.CLOSED: ("Ce document ne peut plus être signé", "Ce document ne peut plus être signé."),
    LinkEnd.WAITING: (
        "Ce n'est pas encore à vous de signer",
        "Ce n'est pas encore à vous de signer ce document : vous recevrez un lien par "
        "courriel quand ce sera votre tour.",
    ),
}
