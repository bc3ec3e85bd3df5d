"""Who of a school's staff may do what: one table, which the staff pages (their
``login_required``) and the use cases behind the JSON API (`service.accounts.permissions`) both
ask, so a token can never do what its account's pages refuse."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from signing.vocabulary import StaffRole


class StaffAction(StrEnum):
    """What a staff member does to a school's documents."""

    READ = "read"
    """The dashboard, a document, its PDF, its audit trail, its verification."""
    PREPARE = "prepare"
    """Create a document, edit a draft, start an amendment."""
    ISSUE = "issue"
    """Freeze a draft and invite its signers."""
    REMIND = "remind"
    """Remind a signer, or send a new link."""
    CANCEL = "cancel"
    """Cancel a document under way."""
    SIGN_FOR_SCHOOL = "sign_for_school"
    """Sign the school's part, logged in."""
    SET_SIGNING_CHECKS = "set_signing_checks"
    """Choose which signers type a one-time code (`signing.codes`): the evidence of every
    signature to come depends on it, so it is the head's, who answers for it."""
    FOLLOW_UP = "follow_up"
    """Note how a completed contract's objectives stand (the référent's follow-up)."""
    VISIT = "visit"
    """Plan, move or record the site visit of a completed convention (the référent or the
    head: the one who visits, or who answers for the school's follow-up)."""
    FOLLOW_UP_WEEK = "follow_up_week"
    """« Mon suivi »: the pupils one follows and what falls due (page, API, digest mails)."""
    HAND_OVER = "hand_over"
    """Hand the school's device to a signer present in the room (issue 14 §1): the staff member
    vouches for who signs, so only those who prepare and follow documents do it."""
    SIGN_ON_PAPER = "sign_on_paper"
    """Print a signer's paper signature sheet and bring back its signed scan (issue 14 §2):
    the staff member who digitizes the sheet answers for it, as one who hands the device over."""
    READ_FIGURES = "read_figures"
    """Read the school year in figures (issue 13 §7): the head and the référent décrochage, who
    answer for the school's pathways; an admin manages accounts, not pathways."""


_PREPARERS = frozenset({StaffRole.HEAD, StaffRole.REFERENT})

PERMITTED: Mapping[StaffAction, frozenset[StaffRole]] = {
    StaffAction.READ: frozenset(StaffRole),
    StaffAction.PREPARE: _PREPARERS,
    StaffAction.ISSUE: _PREPARERS,
    StaffAction.REMIND: _PREPARERS,
    StaffAction.CANCEL: _PREPARERS,
    StaffAction.SIGN_FOR_SCHOOL: frozenset({StaffRole.HEAD}),
    StaffAction.SET_SIGNING_CHECKS: frozenset({StaffRole.HEAD}),
    StaffAction.FOLLOW_UP: _PREPARERS,
    StaffAction.VISIT: _PREPARERS,
    StaffAction.FOLLOW_UP_WEEK: _PREPARERS,
    StaffAction.READ_FIGURES: _PREPARERS,
    StaffAction.HAND_OVER: _PREPARERS,
    StaffAction.SIGN_ON_PAPER: _PREPARERS,
}
"""An admin manages the school's accounts and reads its documents; it changes none (see
`StaffRole`). Only the head signs for the school."""

_DOING: Mapping[StaffAction, str] = {
    StaffAction.READ: "consulter les documents",
    StaffAction.PREPARE: "préparer ou modifier un document",
    StaffAction.ISSUE: "émettre un document",
    StaffAction.REMIND: "relancer un signataire",
    StaffAction.CANCEL: "annuler un document",
    StaffAction.SIGN_FOR_SCHOOL: "signer pour l'établissement",
    StaffAction.SET_SIGNING_CHECKS: "choisir les vérifications demandées aux signataires",
    StaffAction.FOLLOW_UP: "noter le suivi d'un parcours",
    StaffAction.VISIT: "noter la visite d'un lieu de stage",
    StaffAction.FOLLOW_UP_WEEK: "suivre des élèves (« Mon suivi »)",
    StaffAction.READ_FIGURES: "consulter l'année en chiffres",
    StaffAction.HAND_OVER: "faire signer sur l'appareil de l'établissement",
    StaffAction.SIGN_ON_PAPER: "faire signer sur papier",
}


def roles_allowed(action: StaffAction) -> tuple[StaffRole, ...]:
    """The roles that may do `action`, in the vocabulary's order."""
    return tuple(role for role in StaffRole if role in PERMITTED[action])


def refusal(role: str, action: StaffAction) -> str | None:
    """Why a staff member of `role` may not do `action`, in French; None when they may."""
    try:
        staff_role = StaffRole(role)
    except ValueError:
        return f"ce compte ne peut pas {_DOING[action]}"
    if staff_role in PERMITTED[action]:
        return None
    return f"un compte « {staff_role.label} » ne peut pas {_DOING[action]}"
