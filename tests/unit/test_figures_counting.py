"""The school year in figures counted from plain facts (`signing.follow_up.figures`)."""

from __future__ import annotations

from signing.follow_up.figures import PathwayFacts, count_year, figure_rows
from signing.follow_up.vocabulary import ObjectiveStatus, PathwayState

SCHEMES = ("parcours_individualise", "pafi", "mlds")
LABELS = {"parcours_individualise": "Parcours individualisé", "pafi": "PAFI", "mlds": "MLDS"}
S = ObjectiveStatus


def facts(scheme: str, state: PathwayState, *statuses: ObjectiveStatus, **more) -> PathwayFacts:
    return PathwayFacts(scheme, state, statuses, **more)


def test_pathways_are_counted_by_scheme_state_and_objective_status() -> None:
    figures = count_year(
        [
            facts("pafi", PathwayState.ONGOING, S.REACHED, S.ONGOING),
            facts("pafi", PathwayState.ENDED, S.NOT_REACHED),
            facts("mlds", PathwayState.UPCOMING, S.ONGOING, S.POSTPONED, S.REACHED),
        ],
        SCHEMES,
    )
    assert figures.pathways == 3
    assert figures.by_scheme == {"parcours_individualise": 0, "pafi": 2, "mlds": 1}
    assert figures.by_state == {
        PathwayState.UPCOMING: 1,
        PathwayState.ONGOING: 1,
        PathwayState.ENDED: 1,
    }
    assert figures.objectives == {
        S.ONGOING: 2,
        S.REACHED: 2,
        S.PARTLY_REACHED: 0,
        S.NOT_REACHED: 1,
        S.POSTPONED: 1,
    }
    assert figures.by_outcome == {None: 3}
    assert (figures.reviews_on_time, figures.visits_done) == (None, None)


def test_an_empty_year_is_all_zeros_and_the_missing_figures_say_so() -> None:
    rows = figure_rows(count_year([], SCHEMES), LABELS)
    assert ("Parcours", "Contrats de parcours suivis", "0") in rows
    assert ("Par dispositif", "PAFI", "0") in rows
    assert ("Par état", "En cours", "0") in rows
    assert ("Par issue", "Non renseignée", "0") in rows
    assert ("Objectifs", "Atteint", "0") in rows
    assert ("Bilans", "Bilans tenus à la date prévue", "non disponible") in rows
    assert ("Visites", "Visites de stage effectuées", "non disponible") in rows
    assert ("Visites", "Visites de stage en retard", "non disponible") in rows


def test_outcomes_reviews_and_visits_count_once_they_are_given() -> None:
    figures = count_year(
        [
            facts("pafi", PathwayState.ENDED, outcome="insertion", reviews_on_time=2),
            facts("pafi", PathwayState.ENDED, outcome="insertion", visits_done=1),
            facts("mlds", PathwayState.ONGOING, reviews_on_time=1, visits_to_do=2),
            facts("mlds", PathwayState.ONGOING, visits_done=0, visits_overdue=1),
        ],
        SCHEMES,
    )
    assert figures.by_outcome == {"insertion": 2, None: 2}
    assert (figures.reviews_on_time, figures.visits_done) == (3, 1)
    assert (figures.visits_to_do, figures.visits_overdue) == (2, 1)
    rows = figure_rows(figures, LABELS, {"insertion": "Insertion"})
    assert ("Par issue", "Insertion", "2") in rows
    assert ("Par issue", "Non renseignée", "2") in rows
    assert ("Bilans", "Bilans tenus à la date prévue", "3") in rows
    assert ("Visites", "Visites de stage effectuées", "1") in rows
    assert ("Visites", "Visites de stage à faire", "2") in rows
    assert ("Visites", "Visites de stage en retard", "1") in rows
