"""Whose email a signer may share (issue 14 §3): the rule `distinct_emails` each kind adds to
its rules, and the table of who may share one (`SHARING_ALLOWED`). Pure, as every rule
(`signing.data.rules`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from types import MappingProxyType

from signing.data.rules import (
    Checking,
    Data,
    Finding,
    Rule,
    error,
    guardians_sign,
    read_object,
    signing_guardians,
    warning,
)

Signer = tuple[str, str]
"""The path of a signer's email in the data, and « of whom » in French (« du tuteur »)."""


def _signer_emails(
    data: Data, today: date, others: Sequence[Signer]
) -> Iterator[tuple[str, str, str]]:
    """(path, "of whom" in French, email) of every signer whose email is known."""
    pupil = read_object(data.get("pupil"))
    yield "pupil.email", "de l'élève", pupil.get("email") or ""
    if guardians_sign(data, today):
        for index, guardian in signing_guardians(data):
            yield (
                f"guardians[{index}].email",
                f"du représentant légal n° {index + 1}",
                guardian.get("email") or "",
            )
    yield "referent.email", "du référent", read_object(data.get("referent")).get("email") or ""
    for path, of_whom in others:
        *parents, leaf = path.split(".")
        holder = data
        for parent in parents:
            holder = read_object(holder.get(parent))
        yield path, of_whom, holder.get(leaf) or ""


SHARING_ALLOWED: Mapping[frozenset[str], str] = MappingProxyType(
    {
        frozenset({"guardian"}): (
            "Deux représentants légaux lisent souvent la même messagerie familiale : chacun "
            "reçoit son propre message, à son nom, avec son propre lien (et son propre code)."
        ),
    }
)
"""Which signers may share one address, keyed by their kinds of signer (`_signer_group`), with
why; any other two signers at one address are refused. Two guardians may: the link, the code
and every message are per person and name that person, and what separates them is their own
honesty, as on paper; their signing from one device is flagged (`signing.devices`). A pupil
and a signing guardian may not: the guardian's signature is the family's consent for the minor,
and a pupil reading the guardian's mailbox could sign in the guardian's place, the code going to
that same mailbox. Such a pupil has no address of their own: they will sign in person or on
paper (issue 14 §1, §2) once those ways exist."""


def _signer_group(path: str) -> str:
    """``guardian`` for any guardian's email, else the path itself (``pupil.email``)."""
    return "guardian" if path.startswith("guardians[") else path


_PUPIL_AND_GUARDIAN = frozenset({"pupil.email", "guardian"})


def _sharing_refusal(of_whom: str, groups: frozenset[str]) -> str:
    if groups == _PUPIL_AND_GUARDIAN:
        return (
            f"Ce courriel est déjà celui {of_whom} : l'élève et son représentant légal ne "
            "peuvent pas partager une adresse, car l'élève pourrait ouvrir le lien du "
            "représentant légal et signer à sa place. Indiquez une adresse propre à chacun."
        )
    return (
        f"Ce courriel est déjà celui {of_whom} : chaque signataire doit avoir sa propre "
        "adresse électronique (seuls les représentants légaux peuvent partager la leur)."
    )


def distinct_emails(
    others: Sequence[Signer] = (), one_person: Callable[[Data], frozenset[str]] | None = None
) -> Rule:
    """The rule that each signer has an email of their own, but for the pairs
    `SHARING_ALLOWED` lets share one (a warning, for the staff to check); `others` are the
    signers only the kind has, after the common ones; `one_person` names the paths of `others`
    that the data says are someone already listed (a tutor who is the representative), left
    out. The head's address (`Checking.reserved_emails`) is never shared."""

    def rule(data: Data, at: Checking) -> Iterator[Finding]:
        seen: dict[str, tuple[str, str]] = {
            email.casefold(): ("school.head_email", whose)
            for email, whose in at.reserved_emails.items()
            if email
        }
        same = one_person(data) if one_person else frozenset()
        for path, of_whom, email in _signer_emails(data, at.today, others):
            if not email or path in same:
                continue
            first = seen.setdefault(email.casefold(), (path, of_whom))
            if first[0] == path:
                continue
            groups = frozenset({_signer_group(path), _signer_group(first[0])})
            if groups in SHARING_ALLOWED:
                yield warning(
                    path,
                    "Les deux représentants légaux ont le même courriel : chacun "
                    "recevra son propre lien de signature à cette adresse, à son nom.",
                    first[0],
                )
            else:
                yield error(path, _sharing_refusal(first[1], groups), first[0])

    return rule
