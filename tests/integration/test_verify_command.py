"""``cosigne verify FICHIER.pdf`` as an operator runs it, on real databases and real sealed PDFs:
its report and its exit codes (0 authentic, 1 not, 2 unreadable)."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from db import sqlite_url
from factories import make_school
from flask import Flask
from flask.cli import ScriptInfo
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pypdf import PdfWriter

from service import create_app, migrations
from service.cli import cli
from service.db import Database
from service.documents.models import Document
from service.signers.models import Signer
from service.verify.checks import UNKNOWN
from signing.pdf.dev_seal import ensure_dev_seal
from signing.pdf.pipeline import render_document
from signing.pdf.seal import Sealer, SealSettings

SIGNED_AT = datetime(2026, 11, 26, 8, 5, tzinfo=UTC)
COMPLETED_AT = datetime(2026, 11, 27, 15, 42, tzinfo=UTC)


def make_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Producer": "Cosigne tests"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seal(tmp_path_factory: pytest.TempPathFactory) -> SealSettings:
    return ensure_dev_seal(tmp_path_factory.mktemp("seal"))


@pytest.fixture(scope="module")
def sealed(seal: SealSettings) -> bytes:
    return Sealer(seal).seal(make_pdf(), document_id=1)


def seal_env(seal: SealSettings) -> dict[str, str]:
    return {
        "COSIGNE_SEAL_P12": str(seal.p12_path),
        "COSIGNE_SEAL_PASSPHRASE": (seal.passphrase or b"").decode(),
    }


@pytest.fixture
def app(
    database: Database, database_url: str, seal: SealSettings, tmp_path: Path, monkeypatch
) -> Iterator[Flask]:
    monkeypatch.setenv("COSIGNE_ENV", "test")
    monkeypatch.setenv("COSIGNE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COSIGNE_DATABASE_URL", database_url)
    for name, value in seal_env(seal).items():
        monkeypatch.setenv(name, value)
    for name in ("COSIGNE_TSA_URL", "COSIGNE_TSA_URLS", "COSIGNE_TSA_ROOTS"):
        monkeypatch.delenv(name, raising=False)
    app = create_app({"TESTING": True})
    yield app
    app.extensions["cosigne.db"].dispose()


def verify(app: Flask, path: Path | str) -> Result:
    info = ScriptInfo(create_app=lambda: app)
    return CliRunner().invoke(cli, ["verify", str(path)], obj=info)


def archive(db: Database, final_pdf: bytes, *, kind: str = "convention") -> int:
    """A completed document of a new school whose final PDF is `final_pdf`; its id."""
    school = make_school(db, uai="0750655E")
    with db.transaction() as session:
        document = Document(
            school_id=school.id,
            kind=kind,
            state="completed",
            data={},
            final_pdf_sha256=hashlib.sha256(final_pdf).hexdigest(),
            completed_at=COMPLETED_AT,
        )
        session.add(document)
        session.flush()
        session.add(
            Signer(
                document_id=document.id,
                role="pupil",
                position=0,
                first_name="Lina",
                last_name="Nguyễn",
                email="lina@example.org",
                state="signed",
                signed_at=SIGNED_AT,
            )
        )
        return document.id


def write(tmp_path: Path, data: bytes, name: str = "document.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_an_archived_file_is_authentic(
    app: Flask, database: Database, sealed: bytes, tmp_path: Path
) -> None:
    document_id = archive(database, sealed)
    path = write(tmp_path, sealed)

    result = verify(app, path)

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"Fichier : {path}",
        f"Empreinte SHA-256 : {hashlib.sha256(sealed).hexdigest()}",
        result.output.splitlines()[2],  # the seal's line, with the time of sealing
        "Intégrité : document intact depuis le scellement",
        "Connu de Cosigne : oui",
        f"Document : n° {document_id}, Convention de stage",
        "Terminé le : 27 novembre 2026 à 16 h 42 (heure de Paris)",
        "Signataires :",
        "  - L'élève : Lina Nguyễn, le 26 novembre 2026 à 9 h 05 (heure de Paris)",
        "Résultat : document authentique.",
    ]
    assert result.output.splitlines()[2].startswith(
        "Sceau : valide — Cachet Cosigne (développement), apposé le "
    )


def test_a_changed_byte_is_not_authentic(
    app: Flask, database: Database, sealed: bytes, tmp_path: Path
) -> None:
    archive(database, sealed)
    tampered = bytearray(sealed)
    tampered[sealed.index(b"Cosigne tests")] = ord("c")

    result = verify(app, write(tmp_path, bytes(tampered)))

    assert result.exit_code == 1
    assert "Sceau : non valide" in result.output
    assert "Intégrité : document modifié après le scellement" in result.output
    assert "Connu de Cosigne : non" in result.output
    assert "Lina" not in result.output


def test_an_update_appended_after_the_seal_is_not_authentic(
    app: Flask, database: Database, sealed: bytes, tmp_path: Path
) -> None:
    archive(database, sealed)
    writer = IncrementalPdfFileWriter(io.BytesIO(sealed))
    writer.root["/Lang"] = generic.TextStringObject("en-GB")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)

    result = verify(app, write(tmp_path, out.getvalue()))

    assert result.exit_code == 1
    assert "Sceau : valide" in result.output
    assert "Intégrité : document modifié après le scellement" in result.output
    assert "mise à jour incrémentale" in result.output


def test_a_sealed_file_we_never_archived_is_not_authentic(
    app: Flask, sealed: bytes, tmp_path: Path
) -> None:
    result = verify(app, write(tmp_path, sealed))

    assert result.exit_code == 1
    assert "Connu de Cosigne : non" in result.output
    assert UNKNOWN in result.output


def test_a_file_that_is_not_a_pdf_is_not_authentic(app: Flask, tmp_path: Path) -> None:
    result = verify(app, write(tmp_path, b"PK\x03\x04 un document Word", "contrat.docx"))

    assert result.exit_code == 1
    assert "Ce fichier n'est pas un PDF." in result.output
    assert "Sceau" not in result.output


def test_a_file_that_cannot_be_read_exits_2(app: Flask, tmp_path: Path) -> None:
    missing = verify(app, tmp_path / "absent.pdf")
    folder = verify(app, tmp_path)

    assert missing.exit_code == folder.exit_code == 2
    assert missing.output.startswith(f"Erreur : impossible de lire {tmp_path / 'absent.pdf'}")
    assert folder.output.startswith(f"Erreur : impossible de lire {tmp_path}")


def test_the_installed_command_exit_codes(
    seal: SealSettings, sealed: bytes, tmp_path: Path
) -> None:
    url = sqlite_url(tmp_path)
    db = Database(url)
    migrations.upgrade(db)
    archive(db, sealed)
    db.dispose()
    command = Path(sys.executable).with_name("cosigne")
    env = {name: value for name, value in os.environ.items() if not name.startswith("COSIGNE_")}
    env.update(
        {
            "COSIGNE_ENV": "test",
            "COSIGNE_DATA_DIR": str(tmp_path / "data"),
            "COSIGNE_DATABASE_URL": url,
            **seal_env(seal),
        }
    )

    def run(path: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [command, "verify", str(path)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    known = run(write(tmp_path, sealed))
    changed = run(write(tmp_path, sealed + b"\n", "changed.pdf"))
    unreadable = run(tmp_path / "absent.pdf")

    assert known.returncode == 0, known.stdout + known.stderr
    assert changed.returncode == 1, changed.stdout + changed.stderr
    assert unreadable.returncode == 2
    assert unreadable.stderr.startswith("Erreur : impossible de lire")


@pytest.mark.libreoffice
def test_a_rendered_convention_is_verified(
    app: Flask,
    database: Database,
    seal: SealSettings,
    make_request,
    school,
    today,
    converter,
    tmp_path: Path,
) -> None:
    body = make_request("convention")
    frozen = render_document("convention", body["data"], school, today=today, converter=converter)
    final_pdf = Sealer(seal).seal(frozen.pdf, document_id=1)
    archive(database, final_pdf)

    result = verify(app, write(tmp_path, final_pdf))

    assert result.exit_code == 0, result.output
    assert "Résultat : document authentique." in result.output
