"""The lines of a document's audit trail, with the French the staff's pages and the certificate
name them by; `signing.vocabulary` gives them with the other words of the domain."""

from __future__ import annotations

from enum import StrEnum


class EventType(StrEnum):
    """A line of a document's audit trail."""

    CREATED = "created"
    UPDATED = "updated"
    ISSUED = "issued"
    INVITED = "invited"
    AWAITED_IN_SCHOOL = "awaited_in_school"
    """A signer who signs in person or on paper (`signing.vocabulary.SigningChannel`): their
    turn came with the others', but no link was mailed (data: ``signs_by``); the head and the
    référent were told."""
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
    LINK_RENEWED = "link_renewed"
    """A signer asked, from a link that had aged or been replaced, for a new one: mailed to
    their registered address, every older link dead (`signing.link_renewal`)."""
    CODE_ACCEPTED = "code_accepted"
    CODE_REJECTED = "code_rejected"
    """A code typed was wrong, expired, used or out of tries: the signature was refused."""
    OBJECTIVE_STATUS_CHANGED = "objective_status_changed"
    """A follow-up note gave an objective of a completed contract another status, or postponed
    its deadline (`ObjectiveStatus`); the note itself is in ``objective_notes``. Or a completed
    review did (``data.review``, its number; `service.follow_up.review_effects`)."""
    OBJECTIVE_NOTED = "objective_noted"
    """A follow-up note on an objective that keeps its status."""
    PUPIL_CAME_OF_AGE = "pupil_came_of_age"
    """The pupil of a followed contract signed with guardians turned 18: the guardians are no
    longer parties to its new acts (`signing.follow_up.majority`). Written once on the
    contract's trail (data: ``birthday``), by the worker on the school's day of the birthday
    while the contract is in its period; or, when an act of the contract comes first (created
    or issued on or after the birthday), then, naming it (``act``)."""
    PATHWAY_ENDED_EARLY = "pathway_ended_early"
    """A completed review of the contract decided « mettre fin »: the pathway ends on
    ``data.early_end``, before the contract's end date."""
    PATHWAY_OUTCOME = "pathway_outcome"
    """The contract's final review, completed, gave the pathway's outcome (`PathwayOutcome`)."""
    KIOSK_STARTED = "kiosk_started"
    """A head or référent handed the school's device to the signers present (issue 14 §1): data
    ``witness_user``, ``witness_name``, ``witness_role_label``."""
    KIOSK_ENDED = "kiosk_ended"
    """The kiosk's signer pages closed: data ``how`` (`KioskEnd`), ``signed`` (how many signed
    meanwhile), ``started`` (the seq of its ``kiosk_started``)."""
    VISIT_PLANNED = "visit_planned"
    """The site visit of a completed convention got its first date (``site_visits``)."""
    VISIT_MOVED = "visit_moved"
    """The site visit was moved to another date, for a reason."""
    VISIT_DONE = "visit_done"
    """The site visit was recorded as done: who, when, the tutor met, a short report."""
    PAPER_SHEET_PRINTED = "paper_sheet_printed"
    """A staff member printed a signer's paper signature sheet (issue 14 §2; data: the sheet's
    ``code``, the frozen PDF's ``pdf_sha256``, who printed it); the signature itself is the
    ``signed`` event, identification ``paper``, when the signed scan is brought back."""

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
    EventType.AWAITED_IN_SCHOOL: (
        "À faire signer à l'établissement (aucun lien envoyé)",
        "Signature attendue en présence ou sur papier, sans lien envoyé",
    ),
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
    EventType.LINK_RENEWED: (
        "Nouveau lien demandé par le signataire",
        "Nouveau lien de signature envoyé à la demande du signataire",
    ),
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
    EventType.PATHWAY_ENDED_EARLY: (
        "Fin anticipée du parcours décidée par un bilan",
        "Suivi : fin anticipée du parcours décidée par un bilan",
    ),
    EventType.PATHWAY_OUTCOME: (
        "Issue du parcours donnée par le bilan final",
        "Suivi : issue du parcours (bilan final)",
    ),
    EventType.KIOSK_STARTED: (
        "Appareil de l'établissement remis aux signataires (kiosque)",
        "Kiosque ouvert sur l'appareil de l'établissement",
    ),
    EventType.KIOSK_ENDED: (
        "Kiosque fermé, appareil rendu",
        "Kiosque fermé sur l'appareil de l'établissement",
    ),
    EventType.VISIT_PLANNED: ("Visite du lieu de stage planifiée", "Suivi : visite planifiée"),
    EventType.VISIT_MOVED: ("Visite du lieu de stage déplacée", "Suivi : visite déplacée"),
    EventType.VISIT_DONE: ("Visite du lieu de stage faite", "Suivi : visite faite"),
    EventType.PAPER_SHEET_PRINTED: (
        "Feuille de signature imprimée",
        "Feuille de signature sur papier imprimée",
    ),
}


class KioskEnd(StrEnum):
    """How a kiosk's signer pages closed (``kiosk_ended``)."""

    FINISHED = "finished"
    """« Terminer et rendre l'appareil »."""
    IDLE = "idle"
    """No request for COSIGNE_KIOSK_IDLE_MINUTES."""
    UNLOCKED = "unlocked"
    """The staff member took their session back while the pages were still open."""

    @property
    def label(self) -> str:
        return _KIOSK_END_LABELS[self]


_KIOSK_END_LABELS: dict[KioskEnd, str] = {
    KioskEnd.FINISHED: "terminé",
    KioskEnd.IDLE: "délai d'inactivité",
    KioskEnd.UNLOCKED: "déverrouillé",
}
