"""A kind's legal content as data: its ``clauses.toml`` (visas, articles, their clauses), each line
with the article or circular it follows beside it, readable and editable without reading code.

A kind's document follows one *regime* (a convention's: observation in collège, observation in
seconde, stage under L.124-1, PFMP…), chosen from its data (`KindSpec.regime`). Each visa, article
and clause says which regimes it belongs to (``regimes = [...]``, all of them when absent) and may
hold a condition (``when``, a Jinja expression on the document: ``"gratification"``,
``"not info.pupil_is_minor"``). Texts are Jinja too, filled with the document's own context and
filters, so a clause never reads a value the template does not also have.

Hand-written because the format is ours: a TOML file a legal reader can review, rendered by the
same sandboxed environment as the template (`signing.pdf.render`). A file may include the clauses
every kind shares (``include = ["common"]`` reads ``signing/kinds/common_clauses.toml``), whose
articles come after the kind's own.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from jinja2 import Environment


@dataclass(frozen=True)
class Regime:
    """One legal frame of a kind: its document's title and what it follows."""

    key: str
    title: str
    source: str
    subtitle: str = ""


@dataclass(frozen=True)
class Clause:
    """A paragraph of legal text, with its source, its regimes (empty: all) and its condition."""

    text: str
    source: str
    regimes: frozenset[str] = frozenset()
    when: str = ""

    def applies(self, regime: str) -> bool:
        return _in(self.regimes, regime)


@dataclass(frozen=True)
class Article:
    title: str
    clauses: tuple[Clause, ...]
    regimes: frozenset[str] = frozenset()
    when: str = ""

    def applies(self, regime: str) -> bool:
        return _in(self.regimes, regime)


def _in(regimes: frozenset[str], regime: str) -> bool:
    """A line belongs to `regime` when it names it, or names none (every regime)."""
    return not regimes or regime in regimes


@dataclass(frozen=True)
class Clauses:
    """The whole legal content of a kind, every regime together."""

    regimes: Mapping[str, Regime]
    visas: tuple[Clause, ...]
    articles: tuple[Article, ...]
    annex: tuple[Article, ...] = ()
    """Sections printed at the head of the document's annex (an observation's objectives)."""
    document: Mapping[str, str] = field(default_factory=dict)
    """The file's ``[document]`` table, ``document`` in the texts: its noun (« la présente
    convention »), the purpose and recipients of its data…"""

    def regime(self, key: str) -> Regime:
        try:
            return self.regimes[key]
        except KeyError:
            raise ValueError(f"régime inconnu : {key!r}") from None


NO_CLAUSES = Clauses({}, (), ())

_Read = tuple[dict[str, Regime], list[Clause], list[Article], list[Article]]


def _clause(raw: Mapping[str, Any], where: str) -> Clause:
    unknown = set(raw) - {"text", "source", "regimes", "when"}
    if unknown or not raw.get("text") or not raw.get("source"):
        raise ValueError(f"{where}: a clause has a text and a source ({sorted(unknown)} unknown)")
    return Clause(
        " ".join(str(raw["text"]).split()),
        str(raw["source"]),
        frozenset(raw.get("regimes", ())),
        str(raw.get("when", "")),
    )


def _article(raw: Mapping[str, Any], where: str) -> Article:
    clauses = tuple(_clause(c, f"{where} « {raw.get('title')} »") for c in raw.get("clause", ()))
    if not raw.get("title") or not clauses:
        raise ValueError(f"{where}: an article has a title and at least one clause")
    return Article(
        str(raw["title"]), clauses, frozenset(raw.get("regimes", ())), str(raw.get("when", ""))
    )


def _read(text: str, where: str) -> _Read:
    document = tomllib.loads(text)
    regimes = {
        key: Regime(key, str(r["title"]), str(r["source"]), str(r.get("subtitle", "")))
        for key, r in document.get("regimes", {}).items()
    }
    visas = [_clause(v, f"{where} visa") for v in document.get("visa", ())]
    articles = [_article(a, where) for a in document.get("article", ())]
    annex = [_article(a, where) for a in document.get("annex", ())]
    return regimes, visas, articles, annex


@functools.cache
def load_clauses(package: str) -> Clauses:
    """The ``clauses.toml`` of the kind in `package`, its included files' articles after its own;
    NO_CLAUSES when it has none. Every regime a line names must be declared."""
    folder = resources.files(package)
    if not folder.joinpath("clauses.toml").is_file():
        return NO_CLAUSES
    own = folder.joinpath("clauses.toml").read_text("utf-8")
    regimes, visas, articles, annex = _read(own, f"{package}/clauses.toml")
    for included in tomllib.loads(own).get("include", []):
        name = f"{included}_clauses.toml"
        _, more_visas, more_articles, more_annex = _read(
            resources.files(__package__).joinpath(name).read_text("utf-8"), name
        )
        visas += more_visas
        articles += more_articles
        annex += more_annex
    named = {r for v in visas for r in v.regimes}
    named |= {r for a in (*articles, *annex) for r in a.regimes}
    named |= {r for a in (*articles, *annex) for c in a.clauses for r in c.regimes}
    if named - set(regimes):
        raise ValueError(f"{package}: undeclared regimes {sorted(named - set(regimes))}")
    document = {str(k): str(v) for k, v in tomllib.loads(own).get("document", {}).items()}
    return Clauses(regimes, tuple(visas), tuple(articles), tuple(annex), document)


def _holds(condition: str, context: Mapping[str, Any], environment: Environment) -> bool:
    return not condition or bool(environment.compile_expression(condition)(**context))


def _fill(text: str, context: Mapping[str, Any], environment: Environment) -> str:
    """A clause's text filled, as plain text: the template that prints it escapes it."""
    return environment.from_string(text).render(context)


def render_clauses(
    clauses: Clauses, regime: str, context: Mapping[str, Any], environment: Environment
) -> dict[str, Any]:
    """The ``info`` keys of a document's legal content under `regime` (`environment` must not
    autoescape: the template escapes the texts when it prints them): ``regime`` (key, title,
    subtitle), ``visas`` (texts) and ``articles`` (``number``, ``title``, ``paragraphs``),
    numbered in order once their conditions are judged."""
    chosen = clauses.regime(regime)
    context = {**context, "document": clauses.document}
    first = int(clauses.document.get("number_from", 1))
    visas = [
        _fill(v.text, context, environment)
        for v in clauses.visas
        if v.applies(regime) and _holds(v.when, context, environment)
    ]
    return {
        "regime": {"key": chosen.key, "title": chosen.title, "subtitle": chosen.subtitle},
        "visas": visas,
        "articles": _sections(clauses.articles, regime, context, environment, first),
        "annex": _sections(clauses.annex, regime, context, environment),
    }


def _sections(
    sections: tuple[Article, ...],
    regime: str,
    context: Mapping[str, Any],
    environment: Environment,
    first: int = 1,
) -> list[dict[str, Any]]:
    """The sections that apply, numbered from `first` once their conditions are judged; a
    section whose every clause is left out is left out too."""
    kept: list[dict[str, Any]] = []
    for section in sections:
        if not section.applies(regime) or not _holds(section.when, context, environment):
            continue
        paragraphs = [
            _fill(c.text, context, environment)
            for c in section.clauses
            if c.applies(regime) and _holds(c.when, context, environment)
        ]
        if paragraphs:
            number = first + len(kept)
            kept.append({"number": number, "title": section.title, "paragraphs": paragraphs})
    return kept
