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
