"""The school year in figures (issue 13 §7): pure counting over plain facts, one per completed
contrat de parcours of the year (`PathwayFacts`; `service.follow_up.year_figures` reads them).
The page and the CSV export show the same rows (`figure_rows`).

Outcomes and reviews held on time come from the contract's completed reviews, the visits from
the site visits of its conventions (issue 13 §3–4): done, still to do (planned or to plan) and
overdue on the day the figures are read. A fact the service did not give is None, counted as
« non renseignée » / « non disponible », never as a zero that would read as a fact."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from signing.follow_up.vocabulary import ObjectiveStatus, PathwayOutcome, PathwayState

NOT_GIVEN = "Non renseignée"
NOT_AVAILABLE = "non disponible"


@dataclass(frozen=True)
class PathwayFacts:
    """What the figures need of one contract: its scheme, where its period stands, its
    objectives' statuses, the final review's outcome (None: not recorded), its reviews held on
    time and its conventions' visits done, to do and overdue (None: not available)."""

    scheme: str
    state: PathwayState
    objectives: tuple[ObjectiveStatus, ...]
    outcome: str | None = None
    reviews_on_time: int | None = None
    visits_done: int | None = None
    visits_to_do: int | None = None
    visits_overdue: int | None = None


@dataclass(frozen=True)
class YearFigures:
    pathways: int
    by_scheme: Mapping[str, int]
    by_state: Mapping[PathwayState, int]
    by_outcome: Mapping[str | None, int]
    """None: the pathways whose outcome is not recorded."""
    objectives: Mapping[ObjectiveStatus, int]
    reviews_on_time: int | None
    """None while no pathway gives the figure (reviews not available)."""
    visits_done: int | None
    visits_to_do: int | None = None
    visits_overdue: int | None = None


def count_year(facts: Iterable[PathwayFacts], schemes: Sequence[str]) -> YearFigures:
    """The figures of the year's pathways; every scheme of `schemes`, every pathway state and
    every objective status appears, at zero when none (an empty year is all zeros)."""
    facts = list(facts)
    by_scheme = Counter(dict.fromkeys(schemes, 0))
    by_scheme.update(f.scheme for f in facts)
    by_state = Counter(dict.fromkeys(PathwayState, 0))
    by_state.update(f.state for f in facts)
    objectives = Counter(dict.fromkeys(ObjectiveStatus, 0))
    objectives.update(status for f in facts for status in f.objectives)
    return YearFigures(
        pathways=len(facts),
        by_scheme=dict(by_scheme),
        by_state=dict(by_state),
        by_outcome=dict(Counter(f.outcome for f in facts)) or {None: 0},
        objectives=dict(objectives),
        reviews_on_time=_total(f.reviews_on_time for f in facts),
        visits_done=_total(f.visits_done for f in facts),
        visits_to_do=_total(f.visits_to_do for f in facts),
        visits_overdue=_total(f.visits_overdue for f in facts),
    )


def _total(values: Iterable[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def figure_rows(
    figures: YearFigures,
    scheme_labels: Mapping[str, str],
    outcome_labels: Mapping[str, str] | None = None,
) -> list[tuple[str, str, str]]:
    """(section, line, value) in French, in the order of the page and of the CSV."""
    outcomes = outcome_labels or {o.value: o.label for o in PathwayOutcome}
    rows = [("Parcours", "Contrats de parcours suivis", str(figures.pathways))]
    rows += [
        ("Par dispositif", scheme_labels.get(scheme, scheme), str(count))
        for scheme, count in figures.by_scheme.items()
    ]
    rows += [("Par état", state.label, str(count)) for state, count in figures.by_state.items()]
    rows += [
        ("Par issue", outcomes.get(outcome, outcome) if outcome else NOT_GIVEN, str(count))
        for outcome, count in sorted(figures.by_outcome.items(), key=lambda i: i[0] or "~")
    ]
    rows += [
        ("Objectifs", status.label, str(count)) for status, count in figures.objectives.items()
    ]
    rows.append(("Bilans", "Bilans tenus à la date prévue", _shown(figures.reviews_on_time)))
    rows.append(("Visites", "Visites de stage effectuées", _shown(figures.visits_done)))
    rows.append(("Visites", "Visites de stage à faire", _shown(figures.visits_to_do)))
    rows.append(("Visites", "Visites de stage en retard", _shown(figures.visits_overdue)))
    return rows


def _shown(value: int | None) -> str:
    return NOT_AVAILABLE if value is None else str(value)
