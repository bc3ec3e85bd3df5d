"""Where a completed contract stands in its period: before its start date « à venir », from its
start to its end date (both included) « en cours », after it « terminé ». An early end (decided
at a review, issue 13 §3: « mettre fin ») replaces the end date when it comes first."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from signing.errors import TransitionRefused
from signing.follow_up.vocabulary import PathwayState
from signing.vocabulary import DocumentState

FOLLOW_UP = "follow_up"
"""The action a refusal names (`TransitionRefused.action`): following, not a state change."""


@dataclass(frozen=True)
class Period:
    """A contract's period as it stands: from `start` to `end` (the early end when there is
    one), both included."""

    start: date
    planned_end: date
    ended_early_on: date | None = None

    @property
    def end(self) -> date:
        if self.ended_early_on is not None and self.ended_early_on < self.planned_end:
            return self.ended_early_on
        return self.planned_end

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end


def period_of(data: Mapping[str, Any], *, ended_early_on: date | None = None) -> Period:
    """The period of a contract's validated data (ISO ``start_date`` and ``end_date``)."""
    return Period(
        date.fromisoformat(str(data["start_date"])),
        date.fromisoformat(str(data["end_date"])),
        ended_early_on,
    )


def pathway_state(period: Period, today: date) -> PathwayState:
    """The contract's state on `today`, the school's calendar day."""
    if today < period.start:
        return PathwayState.UPCOMING
    if today > period.end:
        return PathwayState.ENDED
    return PathwayState.ONGOING


def is_followed(followed_kind: bool, state: DocumentState) -> bool:
    """A document is followed once completed, when its kind is (`KindSpec.followed`)."""
    return followed_kind and state == DocumentState.COMPLETED


def require_followed(followed_kind: bool, state: DocumentState) -> None:
    """TransitionRefused (409, in French) unless the document is followed."""
    if not followed_kind:
        raise TransitionRefused(
            FOLLOW_UP, state, "seul un contrat de parcours a un suivi de ses objectifs"
        )
    if state != DocumentState.COMPLETED:
        raise TransitionRefused(
            FOLLOW_UP,
            state,
            f"le suivi commence quand le contrat est signé par tous et finalisé "
            f"(il est : « {state.label} »)",
        )
