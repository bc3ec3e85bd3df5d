"""The warm LibreOffice converter, for real: conversions, a killed process, a hung one."""

from __future__ import annotations

import io
import os
import signal
import time

import pytest
from docx import Document
from pypdf import PdfReader

from signing.errors import ConversionError, ConversionTimeout, ConverterUnavailable
from signing.pdf.convert import ConverterPool, ConverterSettings


def _docx(text: str) -> bytes:
    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _wait_dead(pid: int) -> None:
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


def test_converts_docx_to_pdf_with_the_text(converter: ConverterPool) -> None:
    pdf = converter.convert(_docx("Convention de stage de Zoé Martin-Lefèvre"))

    assert pdf.startswith(b"%PDF-")
    assert "Convention de stage de Zoé Martin-Lefèvre" in _text(pdf)


def test_process_stays_warm_between_documents(converter: ConverterPool) -> None:
    process = converter.processes[0]
    converter.convert(_docx("premier"))
    pid = process.pid

    converter.convert(_docx("second"))

    assert process.pid == pid


def test_a_killed_libreoffice_is_restarted_and_the_next_document_converts(
    converter: ConverterPool,
) -> None:
    process = converter.processes[0]
    converter.convert(_docx("avant"))
    old_pid = process.pid
    assert old_pid is not None
    os.killpg(old_pid, signal.SIGKILL)
    _wait_dead(old_pid)

    pdf = converter.convert(_docx("après le redémarrage"))

    assert "après le redémarrage" in _text(pdf)
    assert process.pid != old_pid


def test_a_conversion_over_the_timeout_is_killed_and_reported(converter: ConverterPool) -> None:
    settings = ConverterSettings(work_dir=converter.settings.work_dir / "slow", timeout=0.001)
    with ConverterPool(settings) as pool:
        pool.warm_up()
        pid = pool.processes[0].pid
        assert pid is not None

        with pytest.raises(ConversionTimeout) as caught:
            pool.convert(_docx("trop lent " * 2000))

        assert caught.value.seconds == 0.001
        _wait_dead(pid)
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_a_missing_libreoffice_says_how_to_install_it(tmp_path) -> None:
    settings = ConverterSettings(work_dir=tmp_path, soffice="/nonexistent/soffice")
    with ConverterPool(settings) as pool, pytest.raises(ConverterUnavailable) as caught:
        pool.convert(_docx("x"))

    assert "apt-get install libreoffice-writer-nogui python3-uno" in str(caught.value)


def test_a_file_that_is_not_a_document_is_refused(converter: ConverterPool) -> None:
    with pytest.raises(ConversionError):
        converter.convert(b"this is not a zip file at all")

    assert "encore" in _text(converter.convert(_docx("encore")))


def test_two_processes_have_their_own_profiles(tmp_path) -> None:
    with ConverterPool(ConverterSettings(work_dir=tmp_path, processes=2)) as pool:
        pool.warm_up()
        first, second = pool.processes

        assert first.profile_dir != second.profile_dir
        assert first.pid != second.pid
        assert "deux" in _text(pool.convert(_docx("deux")))
