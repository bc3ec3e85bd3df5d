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


class EventType(StrEnum):
    """A line of a document's audit trail."""

    CREATED = "created"
    UPDATED = "updated"
    ISSUED = "issued"
    INVITED = "invited"
    OPENED = "opened"
    SIGNED = "signed"
    DECLINED = "declined"
    REMINDED = "reminded"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    COMPLETED = "completed"
    DELIVERED = "delivered"
    BOUNCED = "bounced"
    SHARED_DEVICE = "shared_device"
    """A party signed from the browser and network another party had signed from just before
    (`signing.devices`): a flag, recorded after the signature."""
    TIMESTAMP_DEFERRED = "timestamp_deferred"
    """Sealed without a timestamp: no authority answered; one is to be added later."""
    TIMESTAMPED = "timestamped"
    """A document timestamp was added to the final PDF: a new file, the earlier one kept."""
    CODE_SENT = "code_sent"
    """A one-time code was mailed to the signer (`signing.codes`)."""
    CODE_ACCEPTED = "code_accepted"
    CODE_REJECTED = "code_rejected"
    """A code typed was wrong, expired, used or out of tries: the signature was refused."""
    OBJECTIVE_STATUS_CHANGED = "objective_status_changed"
    """A follow-up note gave an objective of a completed contract another status, or postponed
    its deadline (`ObjectiveStatus`); the note itself is in ``objective_notes``."""
    OBJECTIVE_NOTED = "objective_noted"
    """A follow-up note on an objective that keeps its status."""
    PUPIL_CAME_OF_AGE = "pupil_came_of_age"
    """The pupil of a followed contract signed with guardians turned 18: the guardians are no
    longer parties to its new acts (`signing.follow_up.majority`); written once, when the
    first such act is created."""
    VISIT_PLANNED = "visit_planned"
    """The site visit of a completed convention got its first date (``site_visits``)."""
    VISIT_MOVED = "visit_moved"
    """The site visit was moved to another date, for a reason."""
    VISIT_DONE = "visit_done"
    """The site visit was recorded as done: who, when, the tutor met, a short report."""

    @property
    def label(self) -> str:
        """As the staff's pages name it."""
        return _EVENT_LABELS[self][0]

    @property
    def certificate_label(self) -> str:
        """As the certificate of signature, appended to the final PDF, names it."""
        return _EVENT_LABELS[self][1]


_EVENT_LABELS: dict[EventType, tuple[str, str]] = {
    EventType.CREATED: ("Brouillon créé", "Document créé"),
    EventType.UPDATED: ("Brouillon modifié", "Brouillon modifié"),
    EventType.ISSUED: ("Document émis", "Document émis pour signature"),
    EventType.INVITED: ("Invitation envoyée", "Invitation mise en file d'envoi"),
    EventType.OPENED: ("Lien de signature ouvert", "Document ouvert"),
    EventType.SIGNED: ("Signature", "Document signé"),
    EventType.DECLINED: ("Refus de signer", "Signature refusée"),
    EventType.REMINDED: ("Relance envoyée", "Relancé par courriel"),
    EventType.CANCELLED: ("Document annulé", "Document annulé"),
    EventType.EXPIRED: ("Délai de signature dépassé", "Délai de signature expiré"),
    EventType.COMPLETED: ("Document finalisé (scellé et archivé)", "Document finalisé"),
    EventType.DELIVERED: ("Courriel remis au serveur de messagerie", "Courriel remis"),
    EventType.BOUNCED: ("Courriel non remis", "Courriel non remis (rejeté)"),
    EventType.SHARED_DEVICE: (
        "Même appareil qu'un autre signataire",
        "Signé depuis le même appareil qu'un autre signataire",
    ),
    EventType.TIMESTAMP_DEFERRED: (
        "Horodatage en attente (aucune autorité d'horodatage n'a répondu)",
        "Horodatage reporté",
    ),
    EventType.TIMESTAMPED: (
        "Horodatage ajouté au PDF signé",
        "Horodatage RFC 3161 du document ajouté",
    ),
    EventType.CODE_SENT: ("Code de signature envoyé", "Code à usage unique envoyé par courriel"),
    EventType.CODE_ACCEPTED: ("Code de signature accepté", "Code à usage unique vérifié"),
    EventType.CODE_REJECTED: ("Code de signature refusé", "Code à usage unique refusé"),
    EventType.OBJECTIVE_STATUS_CHANGED: (
        "Statut d'un objectif modifié",
        "Suivi : statut d'un objectif modifié",
    ),
    EventType.OBJECTIVE_NOTED: (
        "Note de suivi d'un objectif",
        "Suivi : note sur un objectif",
    ),
    EventType.PUPIL_CAME_OF_AGE: (
        "Élève devenu majeur : il signe seul les actes suivants",
        "Suivi : élève devenu majeur, représentants légaux plus parties aux actes suivants",
    ),
    EventType.VISIT_PLANNED: ("Visite du lieu de stage planifiée", "Suivi : visite planifiée"),
    EventType.VISIT_MOVED: ("Visite du lieu de stage déplacée", "Suivi : visite déplacée"),
    EventType.VISIT_DONE: ("Visite du lieu de stage faite", "Suivi : visite faite"),
}


class LinkEnd(StrEnum):
    """Why a genuine signing link no longer leads to its page (`signing.workflow.link_end`)."""

    SIGNED = "signed"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    REPLACED = "replaced"
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


_LINK_ENDS: dict[LinkEnd, tuple[str, str]] = {
    LinkEnd.SIGNED: (
        "Vous avez déjà signé",
        "Vous avez déjà signé ce document : il n'y a plus rien à faire.",
    ),
    LinkEnd.DECLINED: ("Vous avez refusé de signer", "Vous avez refusé de signer ce document."),
    LinkEnd.CANCELLED: (
        "Ce document a été annulé",
        "Ce document a été annulé par l'établissement.",
    ),
    LinkEnd.EXPIRED: (
        "Le délai de signature est dépassé",
        "Le délai de signature de ce document est dépassé.",
    ),
    LinkEnd.REPLACED: (
        "Ce lien a été remplacé",
        "Ce lien a été remplacé par un lien plus récent : utilisez le dernier courriel reçu.",
    ),
    LinkEnd.CLOSED: ("Ce document ne peut plus être signé", "Ce document ne peut plus être signé."),
    LinkEnd.WAITING: (
        "Ce n'est pas encore à vous de signer",
        "Ce n'est pas encore à vous de signer ce document.",
    ),
}
