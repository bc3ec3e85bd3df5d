"""The words of following a contract (`signing.follow_up`), declared once with their French,
like `signing.vocabulary`: where a contract stands in its period, where each objective stands.
"""

from __future__ import annotations

from enum import StrEnum


class PathwayState(StrEnum):
    """Where a completed contrat de parcours stands in its period (`signing.follow_up`): not a
    document state, a reading of its dates against the school's day."""

    UPCOMING = "upcoming"
    ONGOING = "ongoing"
    ENDED = "ended"

    @property
    def label(self) -> str:
        """« En cours »."""
        return _PATHWAY_STATE_LABELS[self]


_PATHWAY_STATE_LABELS: dict[PathwayState, str] = {
    PathwayState.UPCOMING: "À venir",
    PathwayState.ONGOING: "En cours",
    PathwayState.ENDED: "Terminé",
}


class ObjectiveStatus(StrEnum):
    """Where one objective of a contract stands, as the référent or the head last noted it."""

    ONGOING = "ongoing"
    """Every objective's status until a note says otherwise."""
    REACHED = "reached"
    PARTLY_REACHED = "partly_reached"
    NOT_REACHED = "not_reached"
    POSTPONED = "postponed"
    """Its deadline moved to a later day inside the contract's period (beyond it: an
    amendment)."""

    @property
    def label(self) -> str:
        """« Partiellement atteint »."""
        return _OBJECTIVE_STATUS_LABELS[self]

    @property
    def open(self) -> bool:
        """Still to be reached: its deadline is still due."""
        return self in (ObjectiveStatus.ONGOING, ObjectiveStatus.POSTPONED)


_OBJECTIVE_STATUS_LABELS: dict[ObjectiveStatus, str] = {
    ObjectiveStatus.ONGOING: "En cours",
    ObjectiveStatus.REACHED: "Atteint",
    ObjectiveStatus.PARTLY_REACHED: "Partiellement atteint",
    ObjectiveStatus.NOT_REACHED: "Non atteint",
    ObjectiveStatus.POSTPONED: "Reporté",
}


class ReviewType(StrEnum):
    """A review (bilan) of a contract: one of those held during the pathway, or its final one,
    which closes the pathway with its outcome."""

    INTERMEDIATE = "intermediate"
    FINAL = "final"

    @property
    def label(self) -> str:
        """« Bilan final »."""
        return _REVIEW_TYPE_LABELS[self]


_REVIEW_TYPE_LABELS: dict[ReviewType, str] = {
    ReviewType.INTERMEDIATE: "Bilan intermédiaire",
    ReviewType.FINAL: "Bilan final",
}


class ReviewDecision(StrEnum):
    """What the parties decide at a review (issue 13 §3)."""

    CONTINUE = "continue"
    ADJUST = "adjust"
    """The contract changes: an amendment (avenant), signed again."""
    END = "end"
    """The pathway ends early, on the review's `early_end_date`."""
    RETURN_ORDINARY = "return_ordinary"
    REORIENTATION = "reorientation"

    @property
    def label(self) -> str:
        """« Mettre fin au parcours »."""
        return _REVIEW_DECISION_LABELS[self]


_REVIEW_DECISION_LABELS: dict[ReviewDecision, str] = {
    ReviewDecision.CONTINUE: "Poursuivre le parcours",
    ReviewDecision.ADJUST: "Ajuster le contrat (avenant)",
    ReviewDecision.END: "Mettre fin au parcours",
    ReviewDecision.RETURN_ORDINARY: "Retour au parcours ordinaire",
    ReviewDecision.REORIENTATION: "Réorientation",
}


class PathwayOutcome(StrEnum):
    """How a pathway ended, as its final review records it (issue 13 §3)."""

    KEPT_IN_TRAINING = "kept_in_training"
    BACK_TO_INITIAL_TRAINING = "back_to_initial_training"
    REORIENTATION = "reorientation"
    APPRENTICESHIP = "apprenticeship"
    EMPLOYMENT = "employment"
    """« Insertion » (professionnelle)."""
    NO_SOLUTION = "no_solution"

    @property
    def label(self) -> str:
        """« Retour en formation initiale »."""
        return _PATHWAY_OUTCOME_LABELS[self]


_PATHWAY_OUTCOME_LABELS: dict[PathwayOutcome, str] = {
    PathwayOutcome.KEPT_IN_TRAINING: "Maintien en formation",
    PathwayOutcome.BACK_TO_INITIAL_TRAINING: "Retour en formation initiale",
    PathwayOutcome.REORIENTATION: "Réorientation",
    PathwayOutcome.APPRENTICESHIP: "Apprentissage",
    PathwayOutcome.EMPLOYMENT: "Insertion professionnelle",
    PathwayOutcome.NO_SOLUTION: "Sortie sans solution",
}
