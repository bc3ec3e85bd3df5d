"""Stage 2 of the pipeline: DOCX → PDF through LibreOffice processes kept warm between documents
(`signing.pdf.libreoffice`). A conversion that takes too long gets its process killed; a dead
process is restarted before the next document.
"""

from __future__ import annotations

import contextlib
import queue
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from signing.errors import ConversionError
from signing.pdf.libreoffice import ConverterSettings, LibreOfficeProcess


class ConverterPool:
    """A fixed number of warm LibreOffice processes; `convert` borrows a free one."""

    def __init__(self, settings: ConverterSettings) -> None:
        if settings.processes < 1:
            raise ValueError("processes must be at least 1")
        self.settings = settings
        self._all = [LibreOfficeProcess(settings, slot) for slot in range(settings.processes)]
        self._free: queue.SimpleQueue[LibreOfficeProcess] = queue.SimpleQueue()
        for proc in self._all:
            self._free.put(proc)
        self._closed = False

    @classmethod
    def in_temp_dir(cls, processes: int = 1, **options: Any) -> ConverterPool:
        """A pool whose profiles live in a fresh temporary folder (tests, the command line)."""
        work_dir = Path(tempfile.mkdtemp(prefix="cosigne-lo-"))
        return cls(ConverterSettings(work_dir=work_dir, processes=processes, **options))

    @property
    def processes(self) -> tuple[LibreOfficeProcess, ...]:
        return tuple(self._all)

    def warm_up(self) -> None:
        """Start every process now rather than on the first document."""
        for proc in self._all:
            if not proc.alive():
                proc.start()

    @contextlib.contextmanager
    def _borrow(self) -> Iterator[LibreOfficeProcess]:
        if self._closed:
            raise ConversionError("le convertisseur est arrêté")
        proc = self._free.get()
        try:
            yield proc
        finally:
            self._free.put(proc)

    def convert(self, docx: bytes) -> bytes:
        """DOCX bytes in, PDF bytes out."""
        with self._borrow() as proc:
            return proc.convert(docx)

    def close(self) -> None:
        self._closed = True
        for proc in self._all:
            proc.stop()

    def __enter__(self) -> ConverterPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


__all__ = ["ConverterPool", "ConverterSettings"]
