"""The templates and the field schemas agree: every path a template reads is declared, and every
declared field is printed. Read from the templates' XML exactly as docxtpl prepares it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from docxtpl import DocxTemplate
from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment

from signing.data.schema import Schema, load_school_schema
from signing.kinds import Kind, spec_of

KINDS = list(Kind)
"""Every kind of the registry: a new kind is checked the day it exists."""
CONTAINERS = frozenset({"object", "list"})
DERIVED = None
"""What a name stands for when it is not a data path (``loop``, rows a filter computes)."""


NOT_PRINTED = frozenset(
    {"pupil.signs_by", "guardians[].signs_by", "pupil.language", "guardians[].language"}
)
"""Fields the document does not print, on purpose: how a party signs (by link, in person, on
paper) changes nothing the parties agree to, and the one frozen PDF is signed by all of them;
the certificate says how each was identified. Nor the language of a signer's pages and mails:
the document itself stays in French (issue 14 §8)."""


class _NotAPath:
    pass


NOT_A_PATH = _NotAPath()


def _parts_xml(kind: str) -> Iterator[tuple[str, str]]:
    """(name, raw XML) of the body, headers and footers of a kind's template."""
    template = DocxTemplate(str(spec_of(kind).folder.joinpath("template.docx")))
    template.init_docx()
    yield "body", template.get_xml()
    for uri in (DocxTemplate.HEADER_URI, DocxTemplate.FOOTER_URI):
        for key, part in template.get_headers_footers(uri):
            yield key, template.get_part_xml(part)


def _ast(kind: str) -> nodes.Template:
    template = DocxTemplate(str(spec_of(kind).folder.joinpath("template.docx")))
    source = "".join(template.patch_xml(xml) for _, xml in _parts_xml(kind))
    return SandboxedEnvironment().parse(source)


def _resolve(node: nodes.Node, scope: dict[str, str | None]) -> str | _NotAPath | None:
    """The dotted path an expression reads: ``g.email`` in ``for g in guardians`` →
    ``guardians[].email``; DERIVED for loop helpers; NOT_A_PATH for anything else."""
    if isinstance(node, nodes.Name):
        return scope.get(node.name, node.name) if node.name in scope else node.name
    if isinstance(node, nodes.Getattr):
        base = _resolve(node.node, scope)
        return base if base is None or base is NOT_A_PATH else f"{base}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        base = _resolve(node.node, scope)
        if base is None or base is NOT_A_PATH:
            return base
        key = node.arg.value
        return f"{base}[]" if isinstance(key, int) else f"{base}.{key}"
    return NOT_A_PATH


def _walk(node: nodes.Node, scope: dict[str, str | None], found: set[str]) -> None:
    if isinstance(node, nodes.For):
        _walk(node.iter, scope, found)
        item = _resolve(node.iter, scope)
        inner = dict(scope, loop=DERIVED)
        for target in (
            node.target.find_all(nodes.Name)
            if not isinstance(node.target, nodes.Name)
            else [node.target]
        ):
            inner[target.name] = f"{item}[]" if isinstance(item, str) else DERIVED
        for child in (*node.body, *([node.test] if node.test else [])):
            _walk(child, inner, found)
        for child in node.else_:
            _walk(child, scope, found)
        return
    if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
        path = _resolve(node, scope)
        if isinstance(path, str):
            found.add(path)
            if isinstance(node, nodes.Getitem):
                _walk(node.arg, scope, found)
            return
        if path is DERIVED:
            return
    for child in node.iter_child_nodes():
        _walk(child, scope, found)


def _clause_sources(kind: str) -> Iterator[str]:
    """The Jinja of a kind's clauses.toml: each text, and each condition as an expression."""
    clauses = spec_of(kind).clauses
    sections = (*clauses.articles, *clauses.annex)
    for line in (*clauses.visas, *sections, *(c for s in sections for c in s.clauses)):
        if line.when:
            yield f"{{{{ {line.when} }}}}"
        if hasattr(line, "text"):
            yield line.text


def used_paths(kind: str) -> set[str]:
    """Every data path the kind's template and its clauses read."""
    found: set[str] = set()
    _walk(_ast(kind), {}, found)
    for source in _clause_sources(kind):
        _walk(SandboxedEnvironment().parse(source), {"document": DERIVED}, found)
    return found


def _declared(path: str, schema: Schema, school: Schema) -> bool:
    root = re.split(r"[.\[]", path, maxsplit=1)[0]
    if root == "info":
        return True
    if root == "school":
        return path == "school" or school.get(path.removeprefix("school.")) is not None
    return schema.get(path) is not None


@pytest.mark.parametrize("kind", KINDS)
def test_every_path_a_template_reads_is_declared(kind):
    schema, school = spec_of(kind).schema, load_school_schema()

    undeclared = {p for p in used_paths(kind) if not _declared(p, schema, school)}

    assert not undeclared, f"{kind}: paths missing from fields.toml: {sorted(undeclared)}"


@pytest.mark.parametrize("kind", KINDS)
def test_every_declared_field_is_printed(kind):
    used = used_paths(kind)

    declared = {f.path for f in spec_of(kind).schema.fields if f.type not in CONTAINERS}
    unused = declared - used - NOT_PRINTED

    assert not unused, f"{kind}: fields the template never shows: {sorted(unused)}"


@pytest.mark.parametrize("kind", KINDS)
def test_choice_labels_are_looked_up_under_their_own_path(kind):
    """``{{ host.kind|choice("host.kind") }}``: the argument names the field being shown."""
    schema, school = spec_of(kind).schema, load_school_schema()
    calls = [f for f in _ast(kind).find_all(nodes.Filter) if f.name == "choice"]

    assert calls
    for call in calls:
        shown = _resolve(call.node, {})
        (argument,) = call.args
        assert isinstance(argument, nodes.Const)
        assert shown == argument.value
        spec = (
            school.get(shown.removeprefix("school."))
            if shown.startswith("school.")
            else schema.get(shown)
        )
        assert spec is not None
        assert spec.type == "choice"


@pytest.mark.parametrize("kind", KINDS)
def test_jinja_tags_sit_whole_in_one_run(kind):
    """A tag split across runs would only work thanks to docxtpl's repairs; keep them whole."""
    for name, xml in _parts_xml(kind):
        split = re.findall(r"\{[{%](?:(?![}%]\}).)*?<", xml)
        assert not split, f"{kind} {name}: {split[:3]}"


@pytest.mark.parametrize("kind", KINDS)
def test_signature_anchors_come_only_from_the_signer_plan(kind):
    for name, xml in _parts_xml(kind):
        assert "[[sig:" not in xml, f"{kind} {name} hard-codes an anchor"
        assert 'w:name="sig-' not in xml, f"{kind} {name} hard-codes an anchor"
    assert "info.signer_pages[][].anchor" in used_paths(kind)


def test_the_walk_resolves_loops_and_attribute_chains():
    source = (
        "{% for g in guardians %}{{ g.email }}{% if loop.first %}{% endif %}{% endfor %}"
        "{{ host.tutor.email }}{% for r in reviews %}{{ r|date_fr }}{% endfor %}"
        "{% for day in schedule|schedule_rows %}{{ day.total }}{% endfor %}"
        "{{ info.signers[0].anchor }}"
    )
    found: set[str] = set()

    _walk(SandboxedEnvironment().parse(source), {}, found)

    assert found == {
        "guardians",
        "guardians[].email",
        "host.tutor.email",
        "reviews",
        "reviews[]",
        "schedule",
        "info.signers[].anchor",
    }
