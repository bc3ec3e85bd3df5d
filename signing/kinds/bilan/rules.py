"""The rules of a review (bilan) of a contrat de parcours (issue 13 §3, §6).

A review records what was held: it falls within the contract's period, and is issued once held
(its day is not after the day it is issued; a draft may be prepared in advance). Its decision
« mettre fin » names the day the pathway ends; a final review names how the pathway ended.
Whether the guardians of a minor sign is judged on the day the review is checked
(`Checking.today`), at last the day it is issued, as its signers are
(`signing.follow_up.majority`: capacity is judged when consent is given, not on the day the
review was held), with the contract's rule of both guardians for a non-usual act
(`signing.kinds.parcours.guardians`).
"""

from __future__ import annotations

from collections.abc import Iterator

from signing.data.french import format_date_fr
from signing.data.rules import (
    Checking,
    Data,
    Finding,
    error,
    outside,
    period_text,
    plausible_period,
    read_date,
    read_object,
)
from signing.follow_up.vocabulary import ReviewDecision, ReviewType
from signing.kinds.parcours.guardians import both_guardians_agree


def held_in_period(data: Data, at: Checking) -> Iterator[Finding]:
    """The review is held during the contract's period."""
    held = read_date(data.get("review_date"))
    if held is None:
        return
    period = plausible_period(data)
    if period is not None and outside(held, period):
        yield error(
            "review_date",
            f"Date du bilan : le {format_date_fr(held)} tombe hors du contrat "
            f"({period_text(period)}).",
            "start_date",
            "end_date",
        )


def held_before_issue(data: Data, at: Checking) -> Iterator[Finding]:
    """A review is signed for what was held: it is not issued before its day. A draft dated
    later is a review prepared in advance, saved as it is."""
    held = read_date(data.get("review_date"))
    if at.issuing and held is not None and held > at.today:
        yield error(
            "review_date",
            "La date du bilan ne peut pas être postérieure à aujourd'hui "
            f"({format_date_fr(at.today)}) : le bilan du {format_date_fr(held)} sera émis une "
            "fois tenu.",
        )


def early_end(data: Data, at: Checking) -> Iterator[Finding]:
    """« Mettre fin » names the day the pathway ends, from the review's day to before the
    contract's end; no other decision names one."""
    decision, end = data.get("decision"), read_date(data.get("early_end_date"))
    if decision != ReviewDecision.END:
        if end is not None:
            yield error(
                "early_end_date",
                "Date de fin anticipée : seule la décision « mettre fin au parcours » fixe une "
                "date de fin anticipée.",
                "decision",
            )
        return
    if end is None:
        yield error(
            "early_end_date",
            "Date de fin anticipée : indiquez le jour où le parcours prend fin.",
            "decision",
        )
        return
    held, planned = read_date(data.get("review_date")), read_date(data.get("end_date"))
    if held is not None and end < held:
        yield error(
            "early_end_date",
            f"Date de fin anticipée : le {format_date_fr(end)} est avant le bilan "
            f"({format_date_fr(held)}).",
            "review_date",
        )
    elif planned is not None and end >= planned:
        yield error(
            "early_end_date",
            f"Date de fin anticipée : le contrat prend déjà fin le {format_date_fr(planned)} ; "
            "une fin anticipée tombe avant.",
            "end_date",
        )


def final_outcome(data: Data, at: Checking) -> Iterator[Finding]:
    """A final review records the pathway's outcome; another review does not."""
    final = data.get("review_type") == ReviewType.FINAL
    outcome = data.get("outcome")
    if final and not outcome:
        yield error(
            "outcome",
            "Issue du parcours : le bilan final indique comment le parcours s'achève.",
            "review_type",
        )
    elif not final and outcome and data.get("review_type"):
        yield error(
            "outcome",
            "Issue du parcours : seul le bilan final indique l'issue du parcours.",
            "review_type",
        )


def distinct_objectives(data: Data, at: Checking) -> Iterator[Finding]:
    """Each objective of the contract is assessed once."""
    seen: set[object] = set()
    for index, item in enumerate(data.get("objectives") or []):
        number = read_object(item).get("number")
        if number is None:
            continue
        if number in seen:
            yield error(
                f"objectives[{index}].number",
                f"L'objectif n° {number} est déjà apprécié plus haut : une appréciation par "
                "objectif.",
            )
        seen.add(number)


def guardians_of_scheme(data: Data, at: Checking) -> Iterator[Finding]:
    """The contract's rule: both guardians of a minor sign for a non-usual scheme."""
    yield from both_guardians_agree(data, at)
