"""What falls due next in a followed contract, from today: each open objective's deadline, the
reviews the contract planned, its final review and its end. Reviews held and site visits (issue
13 §3–4) will add and remove their own dates here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from signing.follow_up.objectives import FollowedObjective
from signing.follow_up.pathway import Period


@dataclass(frozen=True)
class DueItem:
    day: date
    what: str
    """``objective``, ``review``, ``final_review``, ``end`` or ``visit`` (a convention's site
    visit, `signing.follow_up.visits.visit_due`)."""
    label: str
    """In French: « Échéance de l'objectif 2 », « Bilan intermédiaire »."""
    objective: int | None = None
    overdue: bool = False
    document_id: int | None = None
    """The document the item belongs to, when it is not the contract itself (a visit)."""


def next_due(
    data: Mapping[str, Any],
    period: Period,
    objectives: Iterable[FollowedObjective],
    today: date,
    held: frozenset[date] = frozenset(),
) -> list[DueItem]:
    """The dates still to come (today included), and the open objectives whose deadline passed
    (`overdue`), in date order; a planned review in `held` was held (`reviews.held_dates`)."""
    items = [
        DueItem(
            f.deadline,
            "objective",
            f"Échéance de l'objectif {f.objective.number}",
            f.objective.number,
            overdue=f.overdue(today),
        )
        for f in objectives
        if f.status.open
    ]
    items += [
        DueItem(date.fromisoformat(str(day)), "review", "Bilan intermédiaire")
        for day in data.get("reviews") or []
    ]
    if data.get("final_review"):
        items.append(
            DueItem(date.fromisoformat(str(data["final_review"])), "final_review", "Bilan final")
        )
    items.append(DueItem(period.end, "end", "Fin du contrat"))
    items = [i for i in items if not (i.what in ("review", "final_review") and i.day in held)]
    kept = [i for i in items if (i.overdue or i.day >= today) and i.day <= period.end]
    return sorted(kept, key=lambda i: (i.day, i.objective or 0, i.what))
