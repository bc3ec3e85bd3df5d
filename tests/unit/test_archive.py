"""The write-once archive: real files in a temporary folder, written and damaged as on a disk."""

from __future__ import annotations

import hashlib
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from signing.errors import ArchiveCorrupted, ArchiveError, ArchiveKeyInvalid, ArchiveMissing
from signing.pdf.archive import Archive

PDF = b"%PDF-1.7\n% contenu d'un PDF final scell\xc3\xa9\n%%EOF\n"


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive(tmp_path / "archive")


def files_under(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def test_put_then_get_returns_the_same_bytes_under_their_sha256(archive: Archive) -> None:
    sha256 = archive.put(PDF)

    assert sha256 == hashlib.sha256(PDF).hexdigest()
    assert archive.get(sha256) == PDF
    assert archive.contains(sha256)
    path = archive.path(sha256)
    assert path == archive.root / sha256[:2] / sha256[2:4] / f"{sha256}.pdf"
    assert files_under(archive.root) == [path]


def test_an_archived_file_is_read_only(archive: Archive) -> None:
    path = archive.path(archive.put(PDF))

    assert stat.S_IMODE(path.stat().st_mode) == 0o444


def test_putting_the_same_bytes_again_writes_nothing(archive: Archive) -> None:
    sha256 = archive.put(PDF)
    before = archive.path(sha256).stat()

    assert archive.put(PDF) == sha256

    after = archive.path(sha256).stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert files_under(archive.root) == [archive.path(sha256)]


def test_concurrent_puts_of_the_same_bytes_leave_one_file(archive: Archive) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        hashes = set(pool.map(lambda _: archive.put(PDF), range(32)))

    (sha256,) = hashes
    assert files_under(archive.root) == [archive.path(sha256)]  # no temporary file left behind
    assert archive.get(sha256) == PDF


def test_different_documents_live_side_by_side(archive: Archive) -> None:
    first, second = archive.put(PDF), archive.put(PDF + b"%avenant\n")

    assert first != second
    assert archive.get(first) == PDF
    assert archive.get(second) == PDF + b"%avenant\n"


def test_a_file_altered_on_disk_is_reported_on_read_and_never_replaced(archive: Archive) -> None:
    sha256 = archive.put(PDF)
    path = archive.path(sha256)
    path.chmod(0o644)
    damaged = bytearray(PDF)
    damaged[10] ^= 0x01
    path.write_bytes(bytes(damaged))

    with pytest.raises(ArchiveCorrupted) as caught:
        archive.get(sha256)
    assert caught.value.sha256 == sha256
    assert caught.value.actual == hashlib.sha256(damaged).hexdigest()

    with pytest.raises(ArchiveCorrupted):
        archive.put(PDF)  # the damaged file stays as evidence
    assert path.read_bytes() == bytes(damaged)


def test_an_unknown_hash_is_missing(archive: Archive) -> None:
    unknown = hashlib.sha256(b"jamais archive").hexdigest()

    assert not archive.contains(unknown)
    with pytest.raises(ArchiveMissing) as caught:
        archive.get(unknown)
    assert caught.value.sha256 == unknown


def test_an_upper_case_hash_names_the_same_file(archive: Archive) -> None:
    sha256 = archive.put(PDF)

    assert archive.get(sha256.upper()) == PDF
    assert archive.path(sha256.upper()) == archive.path(sha256)


@pytest.mark.parametrize(
    "key",
    [
        "",
        "abc",
        "../../../../etc/passwd",
        "0" * 63,
        "0" * 65,
        "g" * 64,
        "0" * 62 + "/.",
        "0" * 64 + "\n",
        "０" * 64,  # full-width digits: str.isdigit says yes, a SHA-256 says no
    ],
)
def test_a_key_that_is_not_a_sha256_is_refused(archive: Archive, key: str) -> None:
    for operation in (archive.get, archive.contains, archive.path):
        with pytest.raises(ArchiveKeyInvalid) as caught:
            operation(key)
        assert isinstance(caught.value, ValueError)
        assert isinstance(caught.value, ArchiveError)
    assert not archive.root.exists()


def test_an_unwritable_archive_is_an_archive_error(tmp_path: Path) -> None:
    (tmp_path / "fichier").write_bytes(b"")
    archive = Archive(tmp_path / "fichier")  # a file where the folder should be

    with pytest.raises(ArchiveError, match="écriture impossible"):
        archive.put(PDF)
