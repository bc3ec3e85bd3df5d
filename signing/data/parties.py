"""Who must sign a document, decided from its data alone (domain README §1.5, §2.3, §6): the
kind says who takes part and in what order (`KindSpec.signing_order`), the pupil's age on the
issue date says whether the guardians sign (`signing.data.ages`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol, cast

from signing.data.ages import age_on, needs_guardian, reference_day
from signing.vocabulary import Role, SigningChannel, signing_channel


@dataclass(frozen=True)
class Party:
    """One signer. `index` tells guardians apart (0-based, as in ``guardians[0]``)."""

    role: Role
    first_name: str
    last_name: str
    email: str
    index: int = 0
    signs_by: SigningChannel = SigningChannel.LINK
    """How they sign (`SigningChannel`): only the pupil and the guardians choose; every other
    party has an address of their own (a company, the school) and signs by link."""

    @property
    def anchor(self) -> str:
        """The name of the bookmark marking this signer's place in the document (see
        ANCHOR_PREFIX)."""
        return anchor_text(self.role, self.index)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class AgeRule:
    """The age decision behind the list of signers, kept for the audit trail: the pupil's age on
    the reference day (`signing.data.ages.reference_day`), and whether guardians sign, judged on
    the day of issue."""

    reference_date: date
    pupil_age: int
    emancipated: bool
    guardian_required: bool
    issue_date: date | None = None
    """The day of issue, when it differs from the reference day."""


@dataclass(frozen=True)
class SignerPlan:
    parties: tuple[Party, ...]
    age_rule: AgeRule

    @property
    def last(self) -> Party:
        """The head signs last, once every other party has signed."""
        return self.parties[-1]


@dataclass(frozen=True)
class Informed:
    """A guardian who does not sign but is informed: they get the document when it is issued
    and the final PDF when it is completed."""

    first_name: str
    last_name: str
    email: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def informed_guardians(data: Mapping[str, Any], plan: SignerPlan) -> tuple[Informed, ...]:
    """The guardians of a minor who do not sign and have an email; none for a pupil who signs
    alone (an adult or an emancipated minor decides whom to inform)."""
    if not plan.age_rule.guardian_required:
        return ()
    return tuple(
        Informed(g["first_name"], g["last_name"], g["email"])
        for g in data.get("guardians") or []
        if g.get("signs") is False and g.get("email")
    )


def copied_guardians(data: Mapping[str, Any], plan: SignerPlan) -> tuple[Informed, ...]:
    """The guardians of a pupil who signs alone (of age, or an emancipated minor) who get a copy
    of the final PDF: every one with an email, only when the pupil agreed (the data's
    ``inform_guardians``, no by default; issue 13 §6)."""
    if plan.age_rule.guardian_required or data.get("inform_guardians") is not True:
        return ()
    return tuple(
        Informed(g["first_name"], g["last_name"], g["email"])
        for g in data.get("guardians") or []
        if g.get("email")
    )


class Addressed(Protocol):
    """Someone Cosigne mails about a document: a signer, or a guardian who is only informed."""

    @property
    def full_name(self) -> str: ...

    @property
    def email(self) -> str: ...


def same_address(first: str, second: str) -> bool:
    """Whether two addresses are one mailbox, compared as `signing.data.signer_emails` compares
    them (case left out); an empty address is nobody's."""
    return bool(first) and first.casefold() == second.casefold()


def sharing_address(person: Addressed, everyone: Iterable[Addressed]) -> tuple[str, ...]:
    """The names of the others in `everyone` whose address is `person`'s, in order, each once:
    who else reads the messages sent there (two guardians on the family's mailbox). Empty for
    an address of one person only."""
    names: list[str] = []
    for other in everyone:
        name = other.full_name
        others = name != person.full_name and name not in names
        if others and same_address(person.email, other.email):
            names.append(name)
    return tuple(names)


def guardians_sharing(data: Mapping[str, Any], index: int) -> tuple[str, ...]:
    """The names of the other signing guardians whose address is that of guardian `index`
    (0-based), for their signing page: guardians are the only signers who may share one
    (`signing.data.signer_emails.SHARING_ALLOWED`), and when one signs, every guardian the data says
    signs does (`plan_signers`)."""
    guardians = [g for g in data.get("guardians") or [] if isinstance(g, Mapping)]
    if not 0 <= index < len(guardians):
        return ()
    own = str(guardians[index].get("email") or "")
    return tuple(
        f"{g.get('first_name', '')} {g.get('last_name', '')}".strip()
        for number, g in enumerate(guardians)
        if number != index and g.get("signs", True) and same_address(own, str(g.get("email") or ""))
    )


ANCHOR_PREFIX = "sig-"
"""A signer's place is a bookmark of the template, which LibreOffice exports as a PDF named
destination: nothing printed, so nothing in the text a reader copies or a screen reader reads.
Its name holds only letters, digits and hyphens, the characters LibreOffice writes unchanged."""


def anchor_text(role: Role, index: int = 0) -> str:
    """``sig-head``, ``sig-host-tutor``, ``sig-guardian-1`` (guardians numbered from 0)."""
    name = ANCHOR_PREFIX + role.value.replace("_", "-")
    return f"{name}-{index}" if role is Role.GUARDIAN else name


LEGACY_ANCHOR_PREFIX = "[[sig:"
"""How documents issued before the bookmarks marked a signer's place, in white text; data may
not contain it, so no text of a document can pass for one of those places."""


def legacy_anchor_text(anchor: str) -> str:
    """The white text that marked `anchor` in documents issued before the bookmarks
    (``[[sig:head]]``, ``[[sig:guardian:1]]``): their frozen PDFs still sign."""
    body = anchor.removeprefix(ANCHOR_PREFIX)
    if body.startswith("guardian-"):
        return f"[[sig:guardian:{body.removeprefix('guardian-')}]]"
    return f"[[sig:{body.replace('-', '_')}]]"


def _person(role: Role, person: Mapping[str, Any], index: int = 0) -> Party:
    email = person.get("email") or ""
    channel = signing_channel(person.get("signs_by"))
    return Party(role, person["first_name"], person["last_name"], email, index, channel)


def channel_of(data: Mapping[str, Any], role: Role, index: int | None = None) -> SigningChannel:
    """How the party `role` (guardian `index`) of a document's frozen `data` signs: as they
    chose (``pupil.signs_by``, ``guardians[i].signs_by``), by link for every other party and
    for documents issued before the choice existed."""
    person: object = None
    if role is Role.PUPIL:
        person = data.get("pupil")
    elif role is Role.GUARDIAN and index is not None:
        guardians = data.get("guardians") or []
        person = guardians[index] if 0 <= index < len(guardians) else None
    if not isinstance(person, Mapping):
        return SigningChannel.LINK
    return signing_channel(person.get("signs_by"))


def _at(data: Mapping[str, Any], path: str) -> Mapping[str, Any]:
    value: Any = data
    for key in path.split("."):
        value = value[key]
    return cast(Mapping[str, Any], value)


def plan_signers(
    order: Sequence[Role],
    people: Mapping[Role, str],
    data: Mapping[str, Any],
    school: Mapping[str, Any],
    on: date,
) -> SignerPlan:
    """The parties who sign, in `order`, the head always last; `people` says where each role's
    person is in the data (GUARDIAN stands for every guardian who signs, when one must).

    `data` is validated data (ISO dates as strings), `school` the school's identity,
    `on` the issue date: the guardians sign when the pupil is a non-emancipated minor on it; the
    age the document states is the one on the reference day (`reference_day`).
    """
    pupil = data["pupil"]
    birth = date.fromisoformat(pupil["birth_date"])
    emancipated = bool(pupil.get("emancipated", False))
    guardian_required = needs_guardian(birth, emancipated, on)
    start = data.get("start_date")
    day = reference_day(date.fromisoformat(start) if start else None, on)
    rule = AgeRule(
        day, age_on(birth, day), emancipated, guardian_required, on if day != on else None
    )

    parties: list[Party] = []
    for role in order:
        if role is Role.GUARDIAN:
            if guardian_required:
                parties.extend(
                    _person(Role.GUARDIAN, g, i)
                    for i, g in enumerate(data.get("guardians") or [])
                    if g.get("signs", True)
                )
        else:
            parties.append(_person(role, _at(data, people[role])))
    parties.append(_person(Role.HEAD, school["head"]))
    return SignerPlan(tuple(parties), rule)
