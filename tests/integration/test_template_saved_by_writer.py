"""A template stays a template once a legal adviser has opened and saved it in LibreOffice
Writer: every tag still whole in one run, and the document it renders word for word the same,
for every kind of the registry."""

from __future__ import annotations

import dataclasses
import os
import re
import signal
import subprocess
from datetime import date
from pathlib import Path

import pytest
from docxtpl import DocxTemplate
from pdftools import page_texts

from signing.data.schema import example_school
from signing.data.validate import validate_document, validate_school
from signing.kinds import Kind
from signing.pdf.convert import ConverterPool
from signing.pdf.render import fill, prepare

pytestmark = pytest.mark.libreoffice

TODAY = date(2026, 11, 28)
SPLIT_TAG = re.compile(r"\{[{%](?:(?![}%]\}).)*?<")


def _saved_by_writer(kind: Kind, folder: Path) -> bytes:
    """The kind's template opened and saved again as DOCX by LibreOffice (as Writer's « Save »
    does), in a profile of its own; the process is gone when this returns."""
    source = folder / f"{kind}.docx"
    source.write_bytes(kind.spec.template)
    out = folder / "saved"
    command = [
        "soffice",
        "--headless",
        f"-env:UserInstallation=file://{folder / 'profile'}",
        "--convert-to",
        "docx:MS Word 2007 XML",
        "--outdir",
        str(out),
        str(source),
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        process.wait(timeout=180)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return (out / f"{kind}.docx").read_bytes()


@pytest.mark.parametrize("kind", list(Kind))
def test_a_template_saved_by_writer_renders_the_same_document(
    kind: Kind, converter: ConverterPool, tmp_path: Path
) -> None:
    saved = _saved_by_writer(kind, tmp_path)
    (tmp_path / "saved.docx").write_bytes(saved)
    template = DocxTemplate(str(tmp_path / "saved.docx"))
    template.init_docx()
    assert not SPLIT_TAG.findall(template.get_xml()), "a tag is split across runs"

    data = validate_document(kind, kind.spec.example["data"], today=TODAY).data
    prepared = prepare(kind, data, validate_school(example_school()), on=TODAY)
    original = page_texts(converter.convert(fill(prepared)))
    resaved = page_texts(converter.convert(fill(dataclasses.replace(prepared, template=saved))))

    # Word for word, page count included; a line may move across a page break, as Writer's
    # table metrics differ from Word's by a fraction of a point.
    assert _words(resaved) == _words(original)
    assert len(resaved) == len(original)
    assert any(kind.spec.title in page for page in original)


def _words(pages: list[str]) -> list[str]:
    """The document's words in order, its running header and footer left out."""
    body = []
    for page in pages:
        lines = page.splitlines()
        body.extend(lines[1:-1])  # the header's line, the footer's line
    return " ".join(body).split()
