"""Fill a kind's DOCX template with a document's data: docxtpl over a sandboxed, autoescaping Jinja.

The template (the kind's ``template.docx``) reads the data's own keys (``pupil.first_name``,
``guardians``, ``host.tutor.email``), ``school`` (the school's identity) and ``info``: everything
derived (`signing.kinds.info`). Who signs comes from the kind's signer plan, so that rule lives in
one place; the template only iterates ``info.signers``.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, Template, TemplateError, nodes
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from signing.data.french import format_date_fr, schedule_rows
from signing.data.schema import load_school_schema
from signing.errors import RenderError
from signing.kinds import spec_of
from signing.kinds.clauses import render_clauses
from signing.kinds.info import document_info
from signing.kinds.spec import Info
from signing.pdf.anchor_bookmarks import bookmark_anchors

# Characters XML 1.0 cannot hold, plus those docxtpl turns into structure after rendering
# (\a: new paragraph, \f: page break, \v): user text must never create document structure.
_NOT_PRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class PreparedRender:
    """Everything docxtpl needs to fill one document: the template, the context, the Jinja env."""

    kind: str
    template: bytes
    context: dict[str, Any]
    environment: SandboxedEnvironment


def prepare(kind: str, data: dict[str, Any], school: dict[str, Any], *, on: date) -> PreparedRender:
    """The template, context and environment of a document (see `render_docx`)."""
    spec = spec_of(kind)
    try:
        plan = spec.plan(data, school, on)
        info = document_info(spec, data, school, plan)
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise RenderError(
            f"données du document « {kind} » incomplètes ou mal formées ({exc!r}) : "
            "elles doivent avoir été validées avant le rendu"
        ) from exc
    context = _context(data, school, info)
    try:
        regime = spec.regime(data, plan)
        info.update(render_clauses(spec.clauses, regime, context, _clause_environment(kind)))
    except (TemplateError, ValueError) as exc:
        raise RenderError(f"clauses du document « {kind} » non remplies : {exc}") from exc
    return PreparedRender(kind, spec.template, context, _environment(kind))


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
        signers = prepared.context["info"]["signers"]
        bookmark_anchors(template.docx.element.body, {signer["anchor"] for signer in signers})
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

    @functools.lru_cache(maxsize=512)  # noqa: B019 — one environment per kind, kept for the process
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
    schema, school_schema = spec_of(kind).schema, load_school_schema()
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


@functools.cache
def _clause_environment(kind: str) -> SandboxedEnvironment:
    """The kind's environment for the texts of its ``clauses.toml``: the same filters, no
    escaping (the template escapes a clause once, when it prints it)."""
    overlay: SandboxedEnvironment = _environment(kind).overlay(autoescape=False)
    return overlay


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
