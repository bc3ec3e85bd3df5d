"""The templates' text conversion (scripts/docx_text.py), git's diff driver for ``*.docx``: a
changed clause shows in `git diff` as the line it changed, for every kind of the registry."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document

from signing.kinds import Kind

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "docx_text.py"
KINDS = list(Kind)


def _text(path: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(path)], capture_output=True, text=True, check=True
    )
    return done.stdout.splitlines()


def _clause(document: object) -> object:
    """The first paragraph of plain text (not a Jinja block tag): a clause to correct."""
    return next(
        p
        for p in document.paragraphs  # type: ignore[attr-defined]
        if p.runs and len(p.text) > 20 and not p.text.startswith("{%")
    )


def _template(kind: Kind, folder: Path) -> Path:
    copy = folder / "template.docx"
    shutil.copyfile(str(kind.spec.folder.joinpath("template.docx")), copy)
    return copy


@pytest.mark.parametrize("kind", KINDS)
def test_every_paragraph_and_table_cell_prints_in_order(kind: Kind, tmp_path: Path) -> None:
    path = _template(kind, tmp_path)
    document = Document(str(path))
    printed = "\n".join(_text(path))

    at = 0
    for paragraph in (p.text.strip() for p in document.paragraphs if p.text.strip()):
        found = printed.find(paragraph, at)
        assert found != -1, f"missing, or out of order: {paragraph!r}"
        at = found + len(paragraph)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    assert paragraph.text.strip() in printed
    assert "{{ info.title }}" in printed  # the headers and footers come too


@pytest.mark.parametrize("kind", KINDS)
def test_a_changed_clause_is_the_one_line_that_differs(kind: Kind, tmp_path: Path) -> None:
    path = _template(kind, tmp_path)
    before = _text(path)
    document = Document(str(path))
    article = _clause(document)
    article.runs[-1].text += " (clause corrigée)"
    document.save(str(path))

    after = _text(path)

    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    assert changed == [(article.text.removesuffix(" (clause corrigée)"), article.text)]


def test_git_diff_shows_the_clause_through_the_driver(tmp_path: Path) -> None:
    git = shutil.which("git")
    if git is None:
        pytest.fail("git manque : il sert à cloner le dépôt et à lire ses différences")
    path = _template(next(iter(Kind)), tmp_path)
    (tmp_path / ".gitattributes").write_text("*.docx diff=docx\n")

    def run(*args: str) -> str:
        return subprocess.run(
            [git, "-C", str(tmp_path), *args], capture_output=True, text=True, check=True
        ).stdout

    run("init", "-q")
    run("config", "diff.docx.textconv", f"{sys.executable} {SCRIPT}")
    run("add", ".")
    run("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "modèle")
    document = Document(str(path))
    article = _clause(document)
    old = article.text
    article.runs[-1].text += " (clause corrigée)"
    document.save(str(path))

    diff = run("diff")

    assert f"-{old}\n+{old} (clause corrigée)\n" in diff
    assert "Binary files" not in diff
