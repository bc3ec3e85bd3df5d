"""One LibreOffice process kept warm for `signing.pdf.convert`: its own profile folder (two
processes sharing one shut each other down), a named pipe (never a network socket), driven
directly over UNO (an XML-RPC layer such as unoserver costs ~40% per document). Macros never run
and links are never updated, so a document cannot reach the network or execute code; the
process and what it leaves behind (its gpg helpers) are reaped, never left running."""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import logging
import os
import shutil
import signal
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from signing.errors import ConversionError, ConversionTimeout, ConverterUnavailable
from signing.pdf.uno_options import pdf_export, props

log = logging.getLogger(__name__)

INSTALL_HINT = (
    "LibreOffice et son module Python « uno » sont nécessaires pour produire les PDF. "
    "Installez-les avec : sudo apt-get install libreoffice-writer-nogui python3-uno "
    "(ou lancez scripts/setup.sh, qui installe tout)."
)


# com.sun.star.document.MacroExecMode.NEVER_EXECUTE and UpdateDocMode.NO_UPDATE
_NEVER_EXECUTE = 0


_NO_UPDATE = 0


_PR_SET_CHILD_SUBREAPER = 36


@dataclass(frozen=True)
class ConverterSettings:
    """How the converter pool runs LibreOffice."""

    work_dir: Path
    """Folder for the processes' profiles and scratch files; profiles are kept between starts."""
    processes: int = 1
    """Number of LibreOffice processes; each converts one document at a time."""
    timeout: float = 60.0
    """Seconds one conversion may take before its process is killed and restarted."""
    start_timeout: float = 60.0
    """Seconds a starting process may take to accept connections."""
    soffice: str = "soffice"
    """The LibreOffice executable (a name on PATH or a path)."""
    pdf_version: int = 2
    """PDF/A part to produce (1, 2 or 3), for long-term archiving; 0 for plain PDF."""


def _import_uno() -> Any:
    try:
        import uno  # noqa: PLC0415 — the bridge is optional until a conversion is asked for
    except ImportError as exc:
        raise ConverterUnavailable(INSTALL_HINT) from exc
    return uno


def become_subreaper() -> None:
    """Make orphans of LibreOffice (its gpg helpers) our children, so we can reap them."""
    if not hasattr(os, "sched_getaffinity"):  # not Linux: nothing to do
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


_ORPHAN_NAMES = ("gpg", "soffice", "oosplash")


def _reap_orphans() -> None:
    """Reap LibreOffice's processes that died as our (subreaped) children.

    Each start runs gpg helpers that outlive it, and soffice.bin is a grandchild: as the
    subreaper we inherit them. Only those names are reaped, never a child someone else waits on.
    """
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        comm = stat[stat.find("(") + 1 : stat.rfind(")")]
        state, ppid = stat[stat.rfind(")") + 2 :].split()[:2]
        if state == "Z" and int(ppid) == me and comm.startswith(_ORPHAN_NAMES):
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(int(entry.name), os.WNOHANG)


@dataclass
class LibreOfficeProcess:
    """One soffice process with its own profile, reached over a named pipe."""

    settings: ConverterSettings
    slot: int
    _proc: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    _desktop: Any = field(default=None, init=False, repr=False)
    _pipe: str = field(default="", init=False)
    restarts: int = field(default=0, init=False)

    _profile: Path | None = field(default=None, init=False)
    _profile_lock: int | None = field(default=None, init=False, repr=False)

    @property
    def profile_dir(self) -> Path:
        """A profile folder no other process uses, claimed with a lock and kept between starts.

        Several app processes may share one work folder: each claims the first free profile.
        """
        if self._profile is None:
            self.settings.work_dir.mkdir(parents=True, exist_ok=True)
            number = 0
            while True:
                candidate = self.settings.work_dir / f"profile-{number}"
                fd = os.open(f"{candidate}.lock", os.O_RDWR | os.O_CREAT, 0o600)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    os.close(fd)
                    number += 1
                    continue
                self._profile, self._profile_lock = candidate, fd
                break
        return self._profile

    @property
    def scratch_dir(self) -> Path:
        return self.profile_dir.with_name(f"{self.profile_dir.name}-scratch")

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None and self._desktop is not None

    def start(self) -> None:
        uno = _import_uno()
        become_subreaper()
        if shutil.which(self.settings.soffice) is None:
            raise ConverterUnavailable(INSTALL_HINT)
        self.profile_dir.mkdir(parents=True, exist_ok=True)
        self.scratch_dir.mkdir(parents=True, exist_ok=True)
        self._pipe = f"cosigne-{os.getpid()}-{self.slot}-{uuid.uuid4().hex[:8]}"
        args = [
            self.settings.soffice,
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--norestore",
            "--nolockcheck",
            "--nofirststartwizard",
            f"-env:UserInstallation={self.profile_dir.resolve().as_uri()}",
            f"--accept=pipe,name={self._pipe};urp;StarOffice.ComponentContext",
        ]
        env = dict(os.environ, SAL_USE_VCLPLUGIN="svp", HOME=str(self.profile_dir.resolve()))
        self._proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,  # its own process group, so a kill takes its children too
        )
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        url = f"uno:pipe,name={self._pipe};urp;StarOffice.ComponentContext"
        deadline = time.monotonic() + self.settings.start_timeout
        while True:
            try:
                ctx = resolver.resolve(url)
                break
            except Exception as exc:
                if self._proc.poll() is not None:
                    raise ConversionError(
                        f"LibreOffice s'est arrêté au démarrage (code {self._proc.returncode})"
                    ) from exc
                if time.monotonic() > deadline:
                    self.kill()
                    raise ConversionError("LibreOffice n'a pas démarré à temps") from exc
                time.sleep(0.05)
        self._desktop = ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", ctx
        )

    def convert(self, docx: bytes) -> bytes:
        """Convert one DOCX; on a timeout or a crash the process is killed (restart is lazy)."""
        if not self.alive():
            if self._proc is not None:
                self.restarts += 1
                self.kill()
            self.start()
        uno = _import_uno()
        name = uuid.uuid4().hex
        source = self.scratch_dir / f"{name}.docx"
        target = self.scratch_dir / f"{name}.pdf"
        source.write_bytes(docx)
        timed_out = threading.Event()

        def on_timeout() -> None:
            timed_out.set()
            self.kill()

        watchdog = threading.Timer(self.settings.timeout, on_timeout)
        watchdog.start()
        try:
            doc = self._desktop.loadComponentFromURL(
                source.resolve().as_uri(),
                "_blank",
                0,
                props(
                    uno,
                    Hidden=True,
                    ReadOnly=True,
                    FilterName="MS Word 2007 XML",  # DOCX only: no guessing of other formats
                    MacroExecutionMode=_NEVER_EXECUTE,
                    UpdateDocMode=_NO_UPDATE,
                ),
            )
            if doc is None:
                raise ConversionError("LibreOffice n'a pas pu ouvrir le document DOCX")  # noqa: TRY301 — handled just below, as any failed load
            try:
                export = pdf_export(uno, self.settings.pdf_version)
                doc.storeToURL(target.resolve().as_uri(), export)
            finally:
                with contextlib.suppress(Exception):
                    doc.close(True)
            return target.read_bytes()
        except ConversionError:
            raise
        except Exception as exc:
            self._desktop = None  # a UNO failure leaves the process in doubt: restart it
            if timed_out.is_set():
                raise ConversionTimeout(self.settings.timeout) from exc
            raise ConversionError(f"échec de la conversion par LibreOffice : {exc}") from exc
        finally:
            watchdog.cancel()
            source.unlink(missing_ok=True)
            target.unlink(missing_ok=True)

    def kill(self) -> None:
        """Stop the process group at once and reap it; the profile folder is kept."""
        self._desktop = None
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
        _reap_orphans()

    def stop(self) -> None:
        """Ask LibreOffice to quit, then make sure it is gone."""
        if self._desktop is not None:
            with contextlib.suppress(Exception):
                self._desktop.terminate()
        if self._proc is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=5)
        self.kill()
        self._proc = None
        if self._profile_lock is not None:
            os.close(self._profile_lock)
            self._profile, self._profile_lock = None, None
