"""A guardian signs on paper (issue 14 §2): the head prints the document and the guardian's
sheet from the document page, the sheet comes back signed and scanned (made here from the
printed PDF: drawn by poppler, ink added in the box), a blank scan is refused in French, the
signed one moves the guardian to « Signé ». axe-core checks the upload page and its error."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_steps import issue_convention, log_in, signer_state
from paper_scans import signed_scan

from service.accounts.models import User
from signing.pdf.convert import ConverterPool

pytestmark = pytest.mark.libreoffice


def _upload(page: Any, scan: bytes) -> None:
    page.set_input_files("#scan", {"name": "feuille.jpg", "mimeType": "image/jpeg", "buffer": scan})
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer la signature sur papier").click()


def test_a_guardian_signs_on_paper_and_the_scan_comes_back(
    live_server: Any,
    live_converter: ConverterPool,
    head: User,
    page: Any,
    accessibility: Any,
    screenshot: Callable[[Any, str], Path],
) -> None:
    def check(name: str) -> None:
        accessibility.check(page, name)
        screenshot(page, name)

    document_id = issue_convention(live_server, live_converter, head)
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/documents/{document_id}")
    with page.expect_download() as download:
        page.get_by_role("button", name="Imprimer pour signature sur papier : Nadia Martin").click()
    printed = Path(download.value.path()).read_bytes()
    assert printed.startswith(b"%PDF-")
    assert download.value.suggested_filename.endswith(".pdf")

    with page.expect_navigation():
        page.get_by_role("link", name="Déposer la feuille signée de Nadia Martin").click()
    assert "signataire : Nadia Martin" in page.inner_text("main")
    check("1-depot-feuille")

    _upload(page, signed_scan(printed, ink=False))
    assert "Le cadre « Signature » de la feuille numérisée est vide" in page.inner_text("main")
    check("2-depot-feuille-vide")

    _upload(page, signed_scan(printed))
    assert page.url.startswith(f"{live_server.url}/documents/{document_id}")
    assert signer_state(page, "Nadia Martin") == "Signé"
    page.goto(f"{live_server.url}/documents/{document_id}/piste-audit")
    assert "Papier, numérisé par" in page.inner_text("main")
    check("3-piste-audit")
    accessibility.assert_clean()
