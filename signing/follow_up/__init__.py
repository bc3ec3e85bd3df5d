"""Following a completed contract over its period: pure rules over its data, its notes and the
school's day (the service gives both; nothing here reads a clock or a database).

- `pathway`: « à venir », « en cours », « terminé » from the contract's dates (and an early end);
- `objectives`: each objective's status and deadline from its notes, and what a new note may say;
- `due`: what falls due next.

Reviews (bilans), site visits, the référent's week and the switch at 18 are to come (issue 13):
each gets a module of its own here, and `due` gathers their dates too.
"""

from signing.follow_up.due import DueItem, next_due
from signing.follow_up.objectives import (
    FollowedObjective,
    NoteView,
    Objective,
    check_note,
    follow,
    objectives_of,
)
from signing.follow_up.pathway import (
    Period,
    is_followed,
    pathway_state,
    period_of,
    require_followed,
)

__all__ = [
    "DueItem",
    "FollowedObjective",
    "NoteView",
    "Objective",
    "Period",
    "check_note",
    "follow",
    "is_followed",
    "next_due",
    "objectives_of",
    "pathway_state",
    "period_of",
    "require_followed",
]
