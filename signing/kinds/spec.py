"""What a document kind is: everything that differs from one kind to another, in one object.

A kind is a folder of `signing.kinds` holding its ``fields.toml`` (the schema), its
``template.docx`` (the document, edited in Writer or Word), its ``clauses.toml`` (its legal
content, by regime), its ``example.json`` (an API request body) and a `KindSpec` named ``SPEC``
in its ``__init__.py``: its rules, who signs in what order,
the texts it prints, its form's sections, its signing deadline, and its link to another kind.
Everything else in Cosigne reads the kind through this object and never names one.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import Any

from signing.data.parties import Party, SignerPlan, plan_signers
from signing.data.rules import COMMON_RULES, Rule
from signing.data.schema import Schema, load_schema_file
from signing.data.territory import Territory
from signing.errors import FieldIssue
from signing.i18n import FRENCH, Words
from signing.kinds.clauses import Clauses, load_clauses
from signing.kinds.summary import Section, Summary
from signing.vocabulary import Role

Data = Mapping[str, Any]
Info = dict[str, Any]

FormSection = tuple[str, tuple[str, ...]] | str
"""A fieldset of the staff's form: a title with the top-level fields it groups, or the name of
an object or list field that has a fieldset of its own."""


def _no_extra_info(data: Data, school: Data, plan: SignerPlan) -> Info:
    return {}


def _one_regime(data: Data, plan: SignerPlan) -> str:
    return "default"


def _as_given(data: object) -> object:
    return data


def _nobody_absent(data: Data) -> frozenset[Role]:
    return frozenset()


def _no_series(
    data: Data, others: Sequence[tuple[int, Data]], territory: Territory
) -> list[FieldIssue]:
    return []


def _no_detail(party: Party, data: Data, school: Data) -> str | None:
    return None


def _no_host(data: Data) -> str | None:
    return None


def _no_summary(data: Data, role: Role, words: Words = FRENCH) -> tuple[Section, ...]:
    return ()


def link_deadline(data: Data, today: date, link_days: int) -> date:
    """Signatures are due within a signing link's life."""
    return today + timedelta(days=link_days)


@dataclass(frozen=True)
class ParentLink:
    """A document of this kind may belong to a document of kind `parent`, which it names in its
    field `field` (a convention names its pathway contract in ``parcours_id``)."""

    parent: str
    """The parent kind's name; also the query parameter of the « create from it » address."""
    field: str
    offered_when: Callable[[Data], bool]
    """Whether the parent's page offers to create a document of this kind, from its data."""
    prefill: Callable[[Data, int], dict[str, Any]]
    """The new document's first data, from the parent's data and number."""
    parent_label: str
    """On this document's page, before the link to the parent: « Contrat de parcours associé »."""
    parent_noun: str
    """The link to the parent: « contrat de parcours » (n° 12)."""
    child_label: str
    """On the parent's page, before the link to each such document."""
    offer_label: str
    """The parent page's button: « Créer la convention de stage »."""
    offer_help: str
    """The sentence under it."""
    listed_as: str | None = None
    """The parent's field Cosigne fills, when the parent is issued, with a summary of each of
    its live documents of this kind (a contract prints its internships); the parent cannot be
    issued without one when `offered_when` holds."""
    summary: Callable[[Data, int], dict[str, Any]] = lambda child, number: {"id": number}
    """What the parent prints of a document of this kind, from its data and number."""
    missing_help: str = ""
    """Why the parent is not issued without one."""
    expecting: Callable[[Data], dict[str, Any]] = dict
    """The parent's data changed to ask for a document of this kind (the demo's pair)."""
    fits: Callable[[Data, Data, int], list[FieldIssue]] = lambda child, parent, number: []
    """Why a document of this kind with its data cannot belong to the parent document n°
    `number` with its data (empty when it can)."""
    requires_followed: bool = False
    """A document of this kind belongs only to a parent being followed (a completed contract,
    `signing.follow_up.require_followed`): any other is refused (409)."""
    reviews_parent: bool = False
    """A completed document of this kind is a review of its parent: its assessments, decision
    and outcome become the parent's follow-up (`signing.follow_up.reviews`)."""
    from_query: tuple[str, ...] = ()
    """Top-level fields the « create from it » address may set beyond the prefill
    (``?parcours=12&planned_date=2027-02-01``: the planned review being held)."""


@dataclass(frozen=True)
class KindSpec:
    """One document kind. `name` is its folder's name and its value in the API and the database."""

    name: str
    package: str
    """The kind's package (``signing.kinds.parcours``): its files are read from there."""
    new_article: str
    """« Nouveau » or « Nouvelle », as French agrees it with the kind's noun."""
    short_title: str
    """The kind's name in a button: « contrat de parcours »."""
    rules: tuple[Rule, ...]
    """The rules spanning several fields of this kind (the common ones apply as well)."""
    signing_order: tuple[Role, ...]
    """Who signs, in the order they are listed, the head last of all (added by the plan).
    GUARDIAN stands for every guardian who signs, when the pupil needs one."""
    printed_order: tuple[Role, ...]
    """The order of the signature blocks on paper (the contracting parties first)."""
    people: Mapping[Role, str]
    """Where each signer but the guardians and the head is in the data (``host.tutor``)."""
    form_sections: tuple[FormSection, ...]
    role_labels: Mapping[Role, str] = field(default_factory=lambda: MappingProxyType({}))
    """A signature block's label when it is not the role's own (« L'enseignant référent »)."""
    mentions: Mapping[Role, str] = field(default_factory=lambda: MappingProxyType({}))
    """A signature block's mention when it is not « Lu et approuvé »."""
    info: Callable[[Data, Data, SignerPlan], Info] = _no_extra_info
    """What the template prints that is not a field, beyond the common `info`."""
    signer_detail: Callable[[Party, Data, Data], str | None] = _no_detail
    """A signer's capacity under their name, for the roles only this kind has."""
    host_name: Callable[[Data], str | None] = _no_host
    """The host organisation named in mails and on the signing page, if the kind has one."""
    summary: Summary = _no_summary
    """What a signer of `role` agrees to, in plain words (French, or the signer's language through
    `signing.i18n.Words`), from the validated data: the signer's page shows it above the
    document (`signing.kinds.summary`; the kind's ``summary.py``)."""
    deadline: Callable[[Data, date, int], date] = link_deadline
    """The day signatures are due, from the data, the issue date and a link's life in days."""
    parent: ParentLink | None = None
    regime: Callable[[Data, SignerPlan], str] = _one_regime
    """The legal regime a document follows (a key of its ``clauses.toml``'s regimes)."""
    complete: Callable[[object], object] = _as_given
    """The data as received, completed before it is checked (a tutor who is the host's
    representative takes the representative's identity); anything else is returned as is."""
    series: Callable[[Data, Sequence[tuple[int, Data]], Territory], list[FieldIssue]] = _no_series
    """Why a document breaks a rule with the pupil's other live documents of this kind and school
    year, given as (number, data) (an observation's five days in collège)."""
    absent: Callable[[Data], frozenset[Role]] = _nobody_absent
    """The roles of `signing_order` that do not sign a document with this data (a tutor who
    is the representative signs once, as the representative)."""
    followed: bool = False
    """A completed document of this kind is followed over its period (`signing.follow_up`):
    its objectives' statuses and notes, later its reviews and site visits."""
    offered: Mapping[str, Callable[[Data, date], bool]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    """Top-level fields the staff's form shows only when this holds of the data on the
    school's day (a copy for the guardians, the choice of a pupil who signs alone); the
    others always. The rules say whether a value holds, whichever way it came."""

    @functools.cached_property
    def schema(self) -> Schema:
        return load_schema_file(self.package, "fields.toml")

    @property
    def clauses(self) -> Clauses:
        """The kind's legal content: its folder's ``clauses.toml`` (`signing.kinds.clauses`)."""
        return load_clauses(self.package)

    @property
    def title(self) -> str:
        """« Contrat de parcours individualisé »: the title of the document, from its schema."""
        return self.schema.title

    @functools.cached_property
    def all_rules(self) -> tuple[Rule, ...]:
        """Every rule a document of this kind is checked against: the common ones, then its own."""
        return (*COMMON_RULES, *self.rules)

    def plan(self, data: Data, school: Data, on: date) -> SignerPlan:
        """Who signs a document of this kind with `data`, issued `on` (`plan_signers`)."""
        order = tuple(r for r in self.signing_order if r not in self.absent(data))
        return plan_signers(order, self.people, data, school, on)

    @property
    def new_label(self) -> str:
        """« Nouveau contrat de parcours »: the button that creates one."""
        return f"{self.new_article} {self.short_title}"

    @property
    def folder(self) -> Traversable:
        return resources.files(self.package)

    @functools.cached_property
    def template(self) -> bytes:
        """The kind's DOCX template, as docxtpl fills it."""
        return self.folder.joinpath("template.docx").read_bytes()

    @property
    def example(self) -> dict[str, Any]:
        """A complete API request body of this kind (a fresh copy at each call)."""
        body: dict[str, Any] = json.loads(self.folder.joinpath("example.json").read_text("utf-8"))
        return body
