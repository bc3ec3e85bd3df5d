"""Fill a kind's DOCX template with a document's data: docxtpl over a sandboxed, autoescaping Jinja.

The template reads the data's own keys (``pupil.first_name``, ``guardians``, ``host.tutor.email``),
``school`` (the school's identity) and ``info``: everything derived, computed here by one small
function per kind. Who signs comes from `signing.parties.plan_signers`, so that rule lives in one
place; the template only iterates ``info.signers``.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any, ClassVar

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, Template, TemplateError, nodes
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

import contract_templates
from signing.ages import MAJORITY_AGE
from signing.errors import RenderError
from signing.french import (
    as_date,
    format_date_fr,
    format_duration_fr,
    presence_days,
    schedule_rows,
    weekly_minutes,
)
from signing.model import ROLE_LABELS, Kind, Role
from signing.parties import Party, SignerPlan, plan_signers
from signing.schema import Schema, load_schema, load_school_schema

Info = dict[str, Any]

# Characters XML 1.0 cannot hold, plus those docxtpl turns into structure after rendering
# (\a: new paragraph, \f: page break, \v): user text must never create document structure.
_NOT_PRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")

OBSERVATION_TYPES = frozenset({"observation_college", "observation_seconde"})


@dataclass(frozen=True)
class PreparedRender:
    """Everything docxtpl needs to fill one document: the template, the context, the Jinja env."""

    kind: str
    template: bytes
    context: dict[str, Any]
    environment: SandboxedEnvironment


def prepare(kind: str, data: dict[str, Any], school: dict[str, Any], *, on: date) -> PreparedRender:
    """The template, context and environment of a document (see `render_docx`)."""
    schema = load_schema(kind)
    try:
        plan = plan_signers(kind, data, school, on)
        info = INFO[Kind(kind)](data, school, plan, schema)
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise RenderError(
            f"données du document « {kind} » incomplètes ou mal formées ({exc!r}) : "
            "elles doivent avoir été validées avant le rendu"
        ) from exc
    context = _context(data, school, info)
    return PreparedRender(kind, _template_bytes(kind), context, _environment(kind))


class _Template(DocxTemplate):  # type: ignore[misc]  # docxtpl has no type hints
    """docxtpl's template, its XML clean-up remembered: `patch_xml` (a pass of regular
    expressions over each part, most of a fill once Jinja's compiling is kept) depends on the
    template's XML alone, the same at every fill of a kind."""

    _patched: ClassVar[dict[str, str]] = {}

    def patch_xml(self, src_xml: str) -> str:
        patched = self._patched.get(src_xml)
        if patched is None:
            patched = super().patch_xml(src_xml)
            if len(self._patched) < 64:  # the parts of the two templates, a few each
                self._patched[src_xml] = patched
        return patched


def fill(prepared: PreparedRender) -> bytes:
    """Fill a fresh DocxTemplate (docxtpl keeps state: never reuse one) and return the DOCX."""
    template = _Template(io.BytesIO(prepared.template))
    out = io.BytesIO()
    try:
        template.render(prepared.context, jinja_env=prepared.environment, autoescape=True)
        template.save(out)
    except TemplateError as exc:
        raise RenderError(f"le modèle « {prepared.kind} » n'a pas pu être rempli : {exc}") from exc
    except etree.LxmlError as exc:
        raise RenderError(
            f"le modèle « {prepared.kind} » a produit un XML invalide : {exc}"
        ) from exc
    return out.getvalue()


def render_docx(kind: str, data: dict[str, Any], school: dict[str, Any], *, on: date) -> bytes:
    """The DOCX of a document: `kind`'s template filled with validated, normalised `data`.

    `school` is the school's identity, `on` the issue date (it decides, through the signer plan,
    whether guardians sign). Raises UnknownKind for an unknown kind, RenderError when the
    template cannot be filled.
    """
    return fill(prepare(kind, data, school, on=on))


@functools.cache
def _template_bytes(kind: str) -> bytes:
    return resources.files(contract_templates).joinpath(kind, "template.docx").read_bytes()


def _context(data: Mapping[str, Any], school: Mapping[str, Any], info: Info) -> dict[str, Any]:
    taken = {"school", "info"} & set(data)
    if taken:
        raise RenderError(f"champ réservé au modèle dans les données : {', '.join(sorted(taken))}")
    return {**data, "school": school, "info": info}


# ---------------------------------------------------------------------------------------------
# Jinja environment: sandboxed, autoescaped, strict, with the documents' filters.


class _CompilingOnceEnvironment(SandboxedEnvironment):
    """A sandboxed environment that compiles each distinct source once.

    docxtpl hands every XML part of the template to `from_string` at each render; the parts are
    the same for every document of a kind, and compiling them is most of a fill's cost. A
    compiled Template holds no render state, so one may serve any number of renders and threads.
    """

    @functools.lru_cache(maxsize=64)  # noqa: B019 — one environment per kind, kept for the process
    def _compiled(self, source: str) -> Template:
        return super().from_string(source)

    def from_string(
        self,
        source: str | nodes.Template,
        globals: MutableMapping[str, Any] | None = None,  # noqa: A002 — Jinja's own name
        template_class: type[Template] | None = None,
    ) -> Template:
        if globals is None and template_class is None and isinstance(source, str):
            return self._compiled(source)
        return super().from_string(source, globals, template_class)


@functools.cache
def _environment(kind: str) -> SandboxedEnvironment:
    """The kind's Jinja environment, built once per process (see `_CompilingOnceEnvironment`)."""
    schema, school_schema = load_schema(kind), load_school_schema()
    choices = {f.path: dict(f.choices) for f in schema.fields if f.choices}
    choices.update({f"school.{f.path}": dict(f.choices) for f in school_schema.fields if f.choices})
    environment = _CompilingOnceEnvironment(
        autoescape=True, undefined=StrictUndefined, finalize=_printable
    )
    environment.filters.update(
        {
            "date_fr": _date_filter,
            "choice": _choice_filter(choices),
            "siret": _siret_filter,
            "schedule_rows": _schedule_filter,
            "paragraphs": _paragraphs_filter,
        }
    )
    return environment


def _printable(value: object) -> object:
    """What a ``{{ … }}`` prints, before escaping: None prints nothing; text loses the characters
    XML cannot hold (validated data has none; this keeps a bad value from corrupting the file)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _NOT_PRINTABLE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return value


def _date_filter(value: object) -> str:
    """``{{ pupil.birth_date|date_fr }}`` → ``14 mai 2010``."""
    if not isinstance(value, (str, date)):
        raise RenderError(f"date attendue, reçu {type(value).__name__}")
    try:
        return format_date_fr(value)
    except ValueError as exc:
        raise RenderError(f"date illisible : {value!r}") from exc


def _choice_filter(choices: Mapping[str, Mapping[str, str]]) -> Callable[[object, str], str]:
    def choice(value: object, path: str) -> str:
        """``{{ host.kind|choice("host.kind") }}`` → the French label the schema gives."""
        labels = choices.get(path)
        if labels is None:
            raise RenderError(f"le champ {path} n'a pas de liste de choix")
        if value not in labels:
            raise RenderError(f"valeur inconnue pour {path} : {value!r}")
        return labels[str(value)]

    return choice


def _siret_filter(value: object) -> str:
    """``12345678200010`` → ``123 456 782 00010`` (SIREN by threes, then the NIC)."""
    text = str(value)
    if len(text) != 14:
        return text
    return f"{text[0:3]} {text[3:6]} {text[6:9]} {text[9:]}"


def _paragraphs_filter(value: object) -> list[str]:
    """``{%p for line in activities|paragraphs %}``: one paragraph per non-blank line, since a
    line break inside a justified paragraph would stretch the words of the line before it."""
    if value is None:
        return []
    if not isinstance(value, str):
        raise RenderError(f"texte attendu, reçu {type(value).__name__}")
    lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [line.strip() for line in lines if line.strip()]


def _schedule_filter(value: object) -> list[dict[str, str]]:
    """``{%tr for day in schedule|schedule_rows %}``: Monday to Saturday, ranges and totals."""
    if value is None:
        return schedule_rows({})
    if not isinstance(value, Mapping):
        raise RenderError(f"horaires hebdomadaires attendus, reçu {type(value).__name__}")
    return schedule_rows(value)


# ---------------------------------------------------------------------------------------------
# `info`: what the templates print that is not a field of the data.

_GUARDIAN_NOTE_ADULT = "L'élève étant majeur au {date}, ses représentants légaux ne signent pas."
_GUARDIAN_NOTE_EMANCIPATED = (
    "L'élève étant mineur émancipé, ses représentants légaux ne signent pas."
)


def _common_info(
    kind: Kind,
    data: Mapping[str, Any],
    school: Mapping[str, Any],
    plan: SignerPlan,
    schema: Schema,
) -> Info:
    rule = plan.age_rule
    reference = format_date_fr(rule.reference_date)
    minor = rule.pupil_age < MAJORITY_AGE
    if rule.guardian_required:
        note = ""
    elif minor:
        note = _GUARDIAN_NOTE_EMANCIPATED
    else:
        note = _GUARDIAN_NOTE_ADULT.format(date=reference)
    return {
        "title": schema.title,
        "reference_date": reference,
        "pupil_age": rule.pupil_age,
        "pupil_is_minor": minor,
        "guardian_required": rule.guardian_required,
        "guardian_note": note,
        "signers": _signers(kind, data, school, plan),
    }


_SIGNER_ORDER: dict[Kind, tuple[Role, ...]] = {
    # The head signs last (parties.py); on paper the contracting parties come first.
    Kind.CONVENTION: (
        Role.HEAD,
        Role.HOST_REPRESENTATIVE,
        Role.PUPIL,
        Role.GUARDIAN,
        Role.REFERENT,
        Role.HOST_TUTOR,
    ),
    Kind.PARCOURS: (Role.PUPIL, Role.GUARDIAN, Role.REFERENT, Role.HEAD),
}

_REFERENT_LABELS = {
    Kind.CONVENTION: "L'enseignant référent",
    Kind.PARCOURS: "Le référent du parcours",
}


def _signers(
    kind: Kind, data: Mapping[str, Any], school: Mapping[str, Any], plan: SignerPlan
) -> list[dict[str, str]]:
    """The signature blocks, in the order the document shows them."""
    order = _SIGNER_ORDER[kind]
    parties = sorted(plan.parties, key=lambda p: (order.index(p.role), p.index))
    blocks = []
    for party in parties:
        label = _REFERENT_LABELS[kind] if party.role is Role.REFERENT else ROLE_LABELS[party.role]
        mention = "Lu et approuvé"
        if kind is Kind.PARCOURS and party.role is Role.REFERENT:
            mention = "Pour prise de connaissance"
        blocks.append(
            {
                "role": party.role.value,
                "label": label,
                "name": party.full_name,
                "detail": _signer_detail(party, data, school),
                "mention": mention,
                "anchor": party.anchor,
            }
        )
    return blocks


def _signer_detail(party: Party, data: Mapping[str, Any], school: Mapping[str, Any]) -> str:
    """The signer's capacity, under the name: ``Proviseure, Lycée …``, ``Mère de l'élève``."""
    if party.role is Role.HEAD:
        return f"{school['head']['title']}, {school['name']}"
    if party.role is Role.HOST_REPRESENTATIVE:
        return f"{data['host']['representative']['title']}, {data['host']['name']}"
    if party.role is Role.HOST_TUTOR:
        return f"{data['host']['tutor']['function']}, {data['host']['name']}"
    if party.role is Role.REFERENT:
        return str(data["referent"]["function"])
    if party.role is Role.GUARDIAN:
        relationship = str(data["guardians"][party.index]["relationship"])
        return f"{relationship[:1].upper()}{relationship[1:]} de l'élève"
    return f"Classe de {data['pupil']['class_name']}"


def parcours_info(
    data: Mapping[str, Any], school: Mapping[str, Any], plan: SignerPlan, schema: Schema
) -> Info:
    """``info`` of a contrat de parcours individualisé: the common part and its length."""
    info = _common_info(Kind.PARCOURS, data, school, plan, schema)
    days = (as_date(data["end_date"]) - as_date(data["start_date"])).days + 1
    info["duration_days"] = days
    info["duration_text"] = (
        _plural(days, "jour") if days < 14 else f"environ {round(days / 7)} semaines"
    )
    return info


def convention_info(
    data: Mapping[str, Any], school: Mapping[str, Any], plan: SignerPlan, schema: Schema
) -> Info:
    """``info`` of a convention de stage: the common part, the legal texts it cites, its
    presence (days and hours, D.124-6) and the limits that apply to a minor."""
    info = _common_info(Kind.CONVENTION, data, school, plan, schema)
    internship_type = data["internship_type"]
    schedule = data.get("schedule") or {}
    days = list(presence_days(schedule, as_date(data["start_date"]), as_date(data["end_date"])))
    total = sum(minutes for _, minutes in days)
    info.update(
        {
            "is_observation": internship_type in OBSERVATION_TYPES,
            "is_pfmp": internship_type == "pfmp",
            "visas": _visas(internship_type, school),
            "duration_days": len(days),
            "weekly_hours": format_duration_fr(weekly_minutes(schedule)),
            "duration_text": (
                f"{_plural(len(days), 'jour')} de présence ({format_duration_fr(total)})"
            ),
            "youth_limits": _youth_limits(plan.age_rule.pupil_age),
        }
    )
    return info


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count > 1 else ''}"


def _youth_limits(age: int) -> dict[str, str]:
    """Working-time limits for a minor (domain README §1.4; Code du travail L.3162-1, L.3164-1)."""
    if age < 16:
        return {
            "week": "35 heures",
            "day": "7 heures",
            "daily_rest": "14 heures",
            "night": "entre 20 h et 6 h",
        }
    return {
        "week": "35 heures",
        "day": "8 heures",
        "daily_rest": "12 heures",
        "night": "entre 22 h et 6 h",
    }


def _visas(internship_type: str, school: Mapping[str, Any]) -> list[str]:
    """The « Vu … » lines of a convention (domain README §1.3, visas of the convention types)."""
    if internship_type == "pfmp":
        work = (
            "Vu le code du travail, notamment ses articles L.4153-1 à L.4153-3, D.4153-15 à "
            "D.4153-37 et R.4153-38 à R.4153-48 ;"
        )
        education = (
            "Vu le code de l'éducation, notamment ses articles L.124-1 à L.124-20, L.331-4, "
            "L.331-5, L.335-2, L.421-7, L.911-4, D.124-1 à D.124-9 et D.331-15 ;"
        )
    else:
        work = (
            "Vu le code du travail, notamment ses articles L.4153-1 à L.4153-3 et D.4153-15 à "
            "D.4153-37 ;"
        )
        extra = {"observation_college": ", D.332-14", "observation_seconde": ", D.333-3-1"}
        education = (
            "Vu le code de l'éducation, notamment ses articles L.124-1, L.134-9, L.313-1, "
            "L.331-4, L.331-5, L.332-3, L.335-2, L.411-3, L.421-7, L.911-4, D.331-1 à D.331-15"
            f"{extra.get(internship_type, '')} ;"
        )
    visas = [
        work,
        education,
        "Vu le code civil, notamment ses articles 1240 à 1242 ;",
        "Vu la circulaire n° 96-248 du 25 octobre 1996 relative à la surveillance des élèves ;",
    ]
    if internship_type != "pfmp":
        visas.append(
            "Vu la circulaire du 13 juin 2023 relative aux sorties et voyages scolaires au "
            "collège et au lycée ;"
        )
    circulars = {
        "observation_college": (
            "Vu la circulaire MENE2407449C du 12 juillet 2024 relative aux séquences "
            "d'observation, visites d'information et stages des élèves de collège ;"
        ),
        "observation_seconde": (
            "Vu la circulaire MENE2400643C du 28 mars 2024 relative à la séquence d'observation "
            "en milieu professionnel des élèves de seconde générale et technologique ;"
        ),
        "pfmp": (
            "Vu la circulaire n° 2016-053 du 29 mars 2016 relative à l'organisation et à "
            "l'accompagnement des périodes de formation en milieu professionnel ;"
        ),
    }
    if internship_type in circulars:
        visas.append(circulars[internship_type])
    approval = school.get("board_approval_date")
    if approval:
        visas.append(
            f"Vu la délibération du conseil d'administration de l'établissement du "
            f"{format_date_fr(approval)} approuvant la convention type et autorisant le chef "
            "d'établissement à conclure toute convention conforme à celle-ci ;"
        )
    return visas


INFO: dict[Kind, Callable[[Mapping[str, Any], Mapping[str, Any], SignerPlan, Schema], Info]] = {
    Kind.PARCOURS: parcours_info,
    Kind.CONVENTION: convention_info,
}
