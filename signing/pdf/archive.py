"""The write-once archive of final PDFs, addressed by their SHA-256.

A file lives at ``root/ab/cd/<sha256>.pdf``. It is written under a temporary name in its folder,
flushed to disk, then linked to its final name, which fails if that name exists: two writers of
the same bytes (threads, processes, machines sharing the folder) end with one file, and an
archived file is never replaced. Files are read-only (0444), and every read checks the hash.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from pathlib import Path

from signing.errors import ArchiveCorrupted, ArchiveError, ArchiveKeyInvalid, ArchiveMissing

_SHA256_HEX = re.compile(r"[0-9a-fA-F]{64}")
_READ_ONLY = 0o444
_CHUNK = 1 << 20


class Archive:
    """Write-once, content-addressed store of PDFs under `root`."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        """Where the file with this SHA-256 (64 hex characters, any case) is, or would be.

        Anything else raises `ArchiveKeyInvalid`: a key never leads outside `root`.
        """
        key = _key(sha256)
        return self.root / key[:2] / key[2:4] / f"{key}.pdf"

    def contains(self, sha256: str) -> bool:
        """Whether a file is archived under this hash (its content is checked by `get`)."""
        return self.path(sha256).is_file()

    def put(self, pdf: bytes) -> str:
        """Archive `pdf` and return its SHA-256 (hex).

        Archiving bytes already there writes nothing and returns the same hash. If the file
        already there no longer matches its hash, `ArchiveCorrupted` is raised and the damaged
        file is left as evidence, never replaced.
        """
        sha256 = hashlib.sha256(pdf).hexdigest()
        try:
            self._put(sha256, pdf)
        except OSError as exc:
            raise ArchiveError(f"écriture impossible dans l'archive ({sha256}) : {exc}") from exc
        return sha256

    def _put(self, sha256: str, pdf: bytes) -> None:
        target = self.path(sha256)
        if target.exists():
            self._check(target, sha256)
            return
        _make_folders(self.root, target.parent)
        temporary = target.with_name(f".{sha256}.{uuid.uuid4().hex}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pdf)
                handle.flush()
                os.fsync(handle.fileno())
            temporary.chmod(_READ_ONLY)
            try:
                # link, unlike rename, refuses an existing name: a file is never replaced
                os.link(temporary, target)
            except FileExistsError:
                self._check(target, sha256)
            else:
                _fsync_folder(target.parent)
        finally:
            temporary.unlink(missing_ok=True)

    def get(self, sha256: str) -> bytes:
        """The archived bytes, checked against their hash.

        Raises `ArchiveMissing` when nothing has that hash, `ArchiveCorrupted` when the file on
        disk no longer matches it.
        """
        key = _key(sha256)
        try:
            data = self.path(key).read_bytes()
        except FileNotFoundError as exc:
            raise ArchiveMissing(key) from exc
        except OSError as exc:
            raise ArchiveError(f"lecture impossible dans l'archive ({key}) : {exc}") from exc
        actual = hashlib.sha256(data).hexdigest()
        if actual != key:
            raise ArchiveCorrupted(key, actual)
        return data

    def _check(self, target: Path, sha256: str) -> None:
        digest = hashlib.sha256()
        with target.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
        if digest.hexdigest() != sha256:
            raise ArchiveCorrupted(sha256, digest.hexdigest())


def _key(sha256: object) -> str:
    if not isinstance(sha256, str) or not _SHA256_HEX.fullmatch(sha256):
        raise ArchiveKeyInvalid(sha256 if isinstance(sha256, str) else repr(sha256))
    return sha256.lower()


def _make_folders(root: Path, folder: Path) -> None:
    """Create `folder` and the folders above it up to `root`, each new name made durable."""
    if folder.is_dir():
        return
    if folder == root:
        root.mkdir(parents=True, exist_ok=True)
        return
    _make_folders(root, folder.parent)
    try:
        folder.mkdir()
    except FileExistsError:
        return
    _fsync_folder(folder.parent)


def _fsync_folder(folder: Path) -> None:
    """Make a new name in `folder` survive a crash (the file's own fsync does not cover it)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
