"""The référent's week (`signing.follow_up.week`): the window, overdue items, who follows a
contract, the anchor of each item, the window asked of the API; and when an item is mailed
(`signing.follow_up.notices`)."""

from __future__ import annotations

from datetime import date

import pytest

from signing.follow_up import DueItem
from signing.follow_up.notices import NoticeKind, item_key, notice_due
from signing.follow_up.week import (
    WeekItem,
    anchor_of,
    follows,
    in_window,
    parse_within_days,
    week_of,
)

TODAY = date(2027, 2, 22)


def item(day: date, what: str = "objective", *, overdue: bool = False) -> DueItem:
    return DueItem(day, what, f"{what} {day}", 1 if what == "objective" else None, overdue)


def test_the_window_runs_from_today_to_the_last_day_included() -> None:
    assert in_window(item(TODAY), TODAY, 7)
    assert in_window(item(date(2027, 3, 1)), TODAY, 7)
    assert not in_window(item(date(2027, 3, 2)), TODAY, 7)
    assert not in_window(item(date(2027, 2, 20), overdue=True), TODAY, 7)
    assert in_window(item(TODAY), TODAY, 0)
    assert not in_window(item(date(2027, 2, 23)), TODAY, 0)


def test_the_week_splits_due_and_overdue_of_any_kind_and_leaves_later_out() -> None:
    items = [
        WeekItem(2, "Léa B", item(date(2027, 2, 25), "visit")),
        WeekItem(1, "Zoé M", item(date(2027, 2, 19), overdue=True)),
        WeekItem(1, "Zoé M", item(date(2027, 2, 23), "review")),
        WeekItem(1, "Zoé M", item(date(2027, 4, 6), "review")),
        WeekItem(3, "Ana C", item(date(2027, 1, 29), "visit", overdue=True)),
    ]
    week = week_of(items, TODAY)
    assert [(w.document_id, w.item.what) for w in week.due] == [(1, "review"), (2, "visit")]
    assert [w.item.day for w in week.overdue] == [date(2027, 1, 29), date(2027, 2, 19)]


def test_each_item_lands_where_the_contracts_page_shows_it() -> None:
    assert anchor_of(item(TODAY)) == "objectif-1"
    assert anchor_of(item(TODAY, "final_review")) == "prochaines-echeances"
    assert anchor_of(item(TODAY, "visit")) == "visite"  # the convention's visit section
    assert anchor_of(item(TODAY, "something_new")) == "suivi"  # a kind the rules do not know


@pytest.mark.parametrize(
    ("role", "email", "referent", "expected"),
    [
        ("head", "direction@example.edu", "claire@example.edu", True),
        ("referent", "claire@example.edu", " Claire@Example.EDU ", True),
        ("referent", "paul@example.edu", "claire@example.edu", False),
        ("referent", "claire@example.edu", None, False),
        ("admin", "claire@example.edu", "claire@example.edu", False),
    ],
)
def test_who_follows_a_contract(role: str, email: str, referent: object, expected: bool) -> None:
    assert follows(role, email, referent) is expected


def test_the_window_asked() -> None:
    assert parse_within_days(None) == 7
    assert parse_within_days("") == 7
    assert parse_within_days("0") == 0
    assert parse_within_days("366") == 366
    for bad in ("367", "-1", "sept", "2.5", "\u0661", "1e3"):
        refused = parse_within_days(bad)
        assert isinstance(refused, str)
        assert refused.startswith("nombre entier de jours entre 0 et 366")


def test_a_notice_comes_from_the_lead_day_to_the_day_then_once_overdue() -> None:
    deadline = date(2027, 2, 26)
    assert notice_due(item(deadline), date(2027, 2, 22), 3) is None
    assert notice_due(item(deadline), date(2027, 2, 23), 3) == NoticeKind.UPCOMING
    assert notice_due(item(deadline), deadline, 3) == NoticeKind.UPCOMING
    assert notice_due(item(deadline), deadline, 0) == NoticeKind.UPCOMING
    assert notice_due(item(deadline), date(2027, 2, 25), 0) is None
    assert notice_due(item(deadline, overdue=True), date(2027, 3, 1), 3) == NoticeKind.OVERDUE
    assert notice_due(item(deadline, "visit", overdue=True), date(2027, 3, 1), 3) == "overdue"


def test_an_item_is_named_by_its_kind_objective_and_day() -> None:
    assert item_key(item(TODAY)) == ("objective", 1, TODAY)
    assert item_key(item(TODAY, "visit")) == ("visit", 0, TODAY)
    moved = DueItem(date(2027, 3, 5), "objective", "Échéance de l'objectif 1", 1)
    assert item_key(moved) != item_key(item(TODAY))  # a postponed deadline is noticed again
