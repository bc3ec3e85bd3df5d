"""What a PDF proves about itself: is it sealed, by whom, when, and is it still what was sealed.

The input is untrusted (anyone may upload a file). Reading it and validating its seal run in a
child process with a deadline and a memory ceiling, so a file crafted to make a parser loop or
swell costs one child, stopped at the deadline, and never the service. Children are forked by
an analysis server, one per application process, started once with pyHanko imported (see
`_Server`); a child costs about 10 ms on top of pyHanko's own validation, the price of the
isolation.

Every outcome about the file itself is a `VerificationReport`, with the reasons in French in its
`problems`: not a PDF, too large, unreadable, too slow, too greedy, unsealed, altered. Only a
machine that cannot run the analysis raises (`VerificationUnavailable`).

Whether the file is in our archive, which document it is and who signed it are the caller's to
say, from `VerificationReport.sha256`; this module knows no archive and no database.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import hashlib
import io
import json
import logging
import os
import re
import resource
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

from asn1crypto import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko_certvalidator import ValidationContext

from signing.errors import VerificationUnavailable

PDF_MAGIC = b"%PDF-"
HEADER_WINDOW = 1024
"""PDF readers accept the header anywhere in the first kilobyte (junk before it is tolerated)."""

NOT_A_PDF = "Ce fichier n'est pas un PDF."
TOO_LARGE = "Le fichier dépasse la taille maximale acceptée ({limit})."
TIMED_OUT = "Le fichier n'a pas pu être analysé dans le temps imparti."
TOO_GREEDY = "Le fichier demande trop de mémoire pour être analysé."
UNREADABLE = "Le fichier PDF est illisible ou malformé."
ANALYSIS_FAILED = "L'analyse du fichier a échoué."
NO_SEAL = "Le fichier ne porte aucun cachet électronique."
SEAL_UNREADABLE = "Le cachet électronique du fichier est illisible ou malformé."
ALTERED = (
    "Le contenu scellé a été modifié : l'empreinte du document ne correspond plus à celle "
    "enregistrée dans le cachet."
)
SIGNATURE_BROKEN = "La signature cryptographique du cachet est invalide."
UNTRUSTED = "Le cachet a été apposé avec un certificat non reconnu."
REVOKED = "Le certificat du cachet a été révoqué."
OUT_OF_VALIDITY = "Le certificat du cachet n'est pas en cours de validité (expiré ou pas encore)."
APPENDED = (
    "Le fichier a été complété après l'apposition du cachet (mise à jour incrémentale) : "
    "son contenu actuel n'est plus celui qui a été scellé."
)
PARTIAL_COVERAGE = "Le cachet ne couvre pas l'intégralité du fichier."
TIMESTAMP_UNTRUSTED = (
    "L'horodatage du cachet n'a pas pu être vérifié ; la date indiquée est celle déclarée "
    "lors du scellement."
)

MEMORY_ALLOWANCE = 512 * 2**20
"""Address space a child may add to what it had at its start (pyHanko already loaded)."""
_EXIT_GRACE = 1.0
_EXIT_FAILED = 4
_START_TIMEOUT = 60.0
"""Seconds for the server to import pyHanko, or for a child to receive its file."""
_READY = b"ready"
_HEADER = struct.Struct("!IQ")
_ANSWER_MAX = 64 * 2**10
_DEADLINE_SLACK = 0.05
_DEATH_WAIT = 0.2
_SPARE_BYTES = 8 * 2**20
_NAME_MAX = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class SignerLine:
    """One signer as the archive's records tell it, for the caller's report (not read from the
    PDF: the seal proves the file, the records say who did what)."""

    role: str
    name: str
    signed_at: str


@dataclass(frozen=True)
class VerificationReport:
    """What one file proves. The seal's flags are all False when the file could not be read."""

    is_pdf: bool
    """The file starts like a PDF (``%PDF-`` within its first kilobyte)."""
    seal_present: bool
    """It carries a signature: the certification signature if there is one, else the last."""
    seal_valid: bool
    """That seal is cryptographically sound over the bytes it covers, and its certificate
    chains to one of the trusted roots."""
    intact: bool
    """Nothing changed since the seal: the bytes it covers hash as signed, and it covers the
    whole file (no incremental update appended afterwards)."""
    signed_by: str | None
    """The seal certificate's subject (common name, organisation), as the certificate says it:
    to be believed only when `seal_valid`."""
    sealed_at: datetime | None
    """When it was sealed (UTC): the timestamp authority's time when the seal carries a valid
    timestamp, otherwise the time the sealer declared."""
    sha256: str
    """SHA-256 of the whole file, hex: the key to look it up in the archive."""
    problems: tuple[str, ...]
    """Everything that stops the file from being trusted, in French; empty when it is."""

    @property
    def trustworthy(self) -> bool:
        """Sealed by a trusted certificate and unchanged since."""
        return self.seal_present and self.seal_valid and self.intact


@dataclass(frozen=True)
class _Findings:
    """What the child process sends back (plain values only)."""

    seal_present: bool = False
    seal_valid: bool = False
    intact: bool = False
    signed_by: str | None = None
    sealed_at: datetime | None = None
    problems: tuple[str, ...] = ()

    def to_json(self) -> bytes:
        values = dataclasses.asdict(self)
        values["sealed_at"] = self.sealed_at.isoformat() if self.sealed_at else None
        return json.dumps(values).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> _Findings:
        values = json.loads(raw)
        sealed_at = values["sealed_at"]
        return cls(
            seal_present=bool(values["seal_present"]),
            seal_valid=bool(values["seal_valid"]),
            intact=bool(values["intact"]),
            signed_by=None if values["signed_by"] is None else str(values["signed_by"]),
            sealed_at=None if sealed_at is None else datetime.fromisoformat(sealed_at),
            problems=tuple(str(problem) for problem in values["problems"]),
        )


def verify_pdf(
    data: bytes,
    *,
    trust_roots: Sequence[Any],
    max_bytes: int = 20 * 2**20,
    timeout_s: float = 10.0,
    memory_bytes: int = MEMORY_ALLOWANCE,
) -> VerificationReport:
    """Report on `data`, whatever it is, within about `timeout_s` seconds.

    `trust_roots` are the certificates a seal must chain to (asn1crypto, as
    `Sealer.trust_roots` gives them, or cryptography's); an empty list trusts nothing (never
    the system's TLS roots). Files over `max_bytes` or without a PDF header are refused without
    parsing. `memory_bytes` bounds what the analysis may allocate beyond its start.
    """
    sha256 = hashlib.sha256(data).hexdigest()
    is_pdf = PDF_MAGIC in data[:HEADER_WINDOW]

    def report(findings: _Findings) -> VerificationReport:
        return VerificationReport(
            is_pdf=is_pdf,
            seal_present=findings.seal_present,
            seal_valid=findings.seal_valid,
            intact=findings.intact,
            signed_by=findings.signed_by,
            sealed_at=findings.sealed_at,
            sha256=sha256,
            problems=findings.problems,
        )

    if len(data) > max_bytes:
        return report(_Findings(problems=(TOO_LARGE.format(limit=_size_fr(max_bytes)),)))
    if not is_pdf:
        return report(_Findings(problems=(NOT_A_PDF,)))
    roots_der = [_der(root) for root in trust_roots]
    return report(_run_isolated(data, roots_der, timeout_s, memory_bytes))


def _size_fr(size: int) -> str:
    """``20 Mo``, ``1,5 Mo``, ``512 Ko``: a size as a French reader expects it."""
    for unit, name in ((2**20, "Mo"), (2**10, "Ko")):
        if size >= unit:
            return f"{size / unit:.3g} {name}".replace(".", ",")
    return f"{size} octets"


def _der(certificate: Any) -> bytes:
    """DER of an asn1crypto (pyHanko's) or a cryptography certificate."""
    if hasattr(certificate, "public_bytes"):
        return bytes(certificate.public_bytes(serialization.Encoding.DER))
    return bytes(certificate.dump())


def warm_up() -> None:
    """Start this process's analysis server now (it imports pyHanko: about half a second)
    rather than on the first verification. Optional; call it once at application start.

    Raises `VerificationUnavailable` if the server cannot start."""
    _SERVER.get()


# The parent side: one analysis server per process, one channel per file


class _Server:
    """A Python process started once, with pyHanko imported, that forks one child per file.

    Not `multiprocessing`: its fork server makes every child import the calling program's main
    script again (Python 3.11), and its channel carries pickles; here a child inherits
    everything already imported, and sends back JSON only. Each file gets a socket of its own,
    handed to the server with SCM_RIGHTS, so threads verify concurrently. The server exits when
    this process closes its end (or dies); the children stop themselves at their deadline.
    """

    def __init__(self, process: subprocess.Popen[bytes], control: socket.socket) -> None:
        self.process = process
        self.control = control
        self.owner = os.getpid()
        self.lock = threading.Lock()

    @classmethod
    def start(cls) -> _Server:
        ours, theirs = socket.socketpair()
        try:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-I",
                    "-c",
                    _SERVER_CODE,
                    json.dumps(sys.path),
                    str(theirs.fileno()),
                ],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                env={},  # what parses hostile files sees none of the application's secrets
                start_new_session=True,  # a Ctrl-C at the terminal is for us, not for it
            )
        except OSError as exc:
            ours.close()
            raise VerificationUnavailable(
                f"impossible de lancer le processus d'analyse : {exc}"
            ) from exc
        finally:
            theirs.close()
        ours.settimeout(_START_TIMEOUT)
        try:
            ready = ours.recv(len(_READY))
        except OSError:
            ready = b""
        if ready != _READY:
            ours.close()
            process.kill()
            process.wait()
            raise VerificationUnavailable("le processus d'analyse n'a pas démarré")
        ours.settimeout(None)
        return cls(process, ours)

    def alive(self) -> bool:
        return self.owner == os.getpid() and self.process.poll() is None

    def channel(self) -> socket.socket:
        ours, theirs = socket.socketpair()
        try:
            with self.lock:
                socket.send_fds(self.control, [b"f"], [theirs.fileno()])
        except OSError:
            ours.close()
            raise
        finally:
            theirs.close()
        return ours

    def stop(self) -> None:
        self.control.close()  # the server reads end of file and exits
        try:
            self.process.wait(_EXIT_GRACE)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class _ServerSlot:
    """This process's server, started on first use and again if it died (or if this process
    is a fork of the one that started it, as gunicorn workers are)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._inherited: list[_Server] = []
        atexit.register(self._stop)

    def get(self) -> _Server:
        with self._lock:
            if self._server is None or not self._server.alive():
                self._retire()
                self._server = _Server.start()
            return self._server

    def channel(self) -> socket.socket:
        try:
            return self.get().channel()
        except OSError:  # the server died since: one new one, one more try
            with self._lock:
                self._retire()
            try:
                return self.get().channel()
            except OSError as exc:
                raise VerificationUnavailable(
                    f"le processus d'analyse ne répond pas : {exc}"
                ) from exc

    def replaced(self) -> bool:
        """Retire the server if it died; whether it had (and a new one will start).

        Called when a child vanished without an answer, the rare path: a server that just
        closed our socket while dying may need a moment to be seen dead.
        """
        with self._lock:
            server = self._server
            if server is None or server.owner != os.getpid():
                return False
            try:
                server.process.wait(_DEATH_WAIT)
            except subprocess.TimeoutExpired:
                return False
            self._retire()
            return True

    def _retire(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        if server.owner == os.getpid():
            server.stop()
        else:  # a forked copy of our parent's: its process is not ours to wait for
            server.control.close()
            self._inherited.append(server)

    def _stop(self) -> None:
        with self._lock:
            self._retire()


_SERVER = _ServerSlot()


def _run_isolated(
    data: bytes, roots_der: list[bytes], timeout_s: float, memory_bytes: int
) -> _Findings:
    header = json.dumps(
        {
            "timeout_s": timeout_s,
            "memory_bytes": memory_bytes,
            "roots": [der.hex() for der in roots_der],
        }
    ).encode()
    deadline = time.monotonic() + timeout_s
    findings = _ask(_SERVER.channel(), header, data, deadline)
    if findings is None and _SERVER.replaced():
        # The server died with our file in its queue (killed, say): one more try on a new one.
        findings = _ask(_SERVER.channel(), header, data, deadline)
    if findings is None:
        # The child was killed: by its own alarm at the deadline, or by the kernel
        late = time.monotonic() >= deadline - _DEADLINE_SLACK
        return _Findings(problems=(TIMED_OUT if late else ANALYSIS_FAILED,))
    return findings


def _ask(channel: socket.socket, header: bytes, data: bytes, deadline: float) -> _Findings | None:
    """Send one file to a child and read its answer; None when the child died without one."""
    answer = bytearray()
    try:
        channel.settimeout(max(deadline - time.monotonic(), 0.001))
        channel.sendall(_HEADER.pack(len(header), len(data)) + header)
        channel.sendall(data)
        while len(answer) <= _ANSWER_MAX:
            channel.settimeout(max(deadline - time.monotonic(), 0.001))
            chunk = channel.recv(_ANSWER_MAX)
            if not chunk:
                break
            answer += chunk
    except TimeoutError:
        return _Findings(problems=(TIMED_OUT,))
    except OSError:
        pass  # the child died while reading the file: answered below by what was received
    finally:
        channel.close()
    if not answer:
        return None
    try:
        return _Findings.from_json(bytes(answer))
    except (ValueError, TypeError, KeyError):
        return _Findings(problems=(ANALYSIS_FAILED,))


# The server and its children (another process: see `_Server`)

_SERVER_CODE = (
    "import json, sys; sys.path[:] = json.loads(sys.argv[1]); "
    "from signing.verify import _serve; _serve(int(sys.argv[2]))"
)


def _serve(control_fd: int) -> None:
    """Main loop of the analysis server: one forked child per socket received."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the children
    control = socket.socket(fileno=control_fd)
    control.sendall(_READY)
    while True:
        try:
            message, fds, _flags, _address = socket.recv_fds(control, 1, 4)
        except OSError:
            return
        if not message:
            return  # the process that started us is gone
        for fd in fds:
            try:
                pid = os.fork()
            except OSError:
                pid = -1  # no child: closing the socket tells the parent
            if pid == 0:
                control.close()
                _child_main(fd)
            os.close(fd)


def _child_main(fd: int) -> NoReturn:
    """One file: read it from the socket, limit this process, analyse, answer in JSON, exit."""
    # pyHanko logs what it finds wrong in a hostile file, with tracebacks: the findings say it.
    logging.disable(logging.CRITICAL)
    channel = socket.socket(fileno=fd)
    # SIGALRM's default action ends the process, wherever it is stuck (even in C code)
    signal.setitimer(signal.ITIMER_REAL, _START_TIMEOUT)
    try:
        header_size, data_size = _HEADER.unpack(_receive(channel, _HEADER.size))
        job = json.loads(_receive(channel, header_size))
        timeout_s, memory_bytes = float(job["timeout_s"]), int(job["memory_bytes"])
        signal.setitimer(signal.ITIMER_REAL, timeout_s)
        data = _receive(channel, data_size)
        roots_der = [bytes.fromhex(root) for root in job["roots"]]
    except (OSError, EOFError, ValueError, KeyError, TypeError, struct.error):
        os._exit(_EXIT_FAILED)  # the parent gave up, or never was one: nothing to answer
    # Answers prepared, and some address space set aside, before the ceiling is set: once
    # memory runs out, even building an answer could fail.
    greedy = _Findings(problems=(TOO_GREEDY,)).to_json()
    unreadable = _Findings(problems=(UNREADABLE,)).to_json()
    spare: bytearray | None = bytearray(_SPARE_BYTES)
    _limit_resources(memory_bytes, timeout_s)
    try:
        answer = _analyse(data, roots_der).to_json()
    except MemoryError:
        spare = None
        answer = greedy
    except Exception:  # any failure to read untrusted bytes is an answer, not a crash
        answer = unreadable
    del spare
    try:
        channel.sendall(answer)
        channel.shutdown(socket.SHUT_WR)
    except BaseException:
        os._exit(_EXIT_FAILED)
    # No interpreter shutdown: nothing here needs cleaning, and a starved one can hang.
    os._exit(0)


def _receive(channel: socket.socket, size: int) -> bytes:
    buffer = bytearray(size)
    view = memoryview(buffer)
    received = 0
    while received < size:
        count = channel.recv_into(view[received:])
        if count == 0:
            raise EOFError("le fichier à analyser est arrivé incomplet")
        received += count
    return bytes(buffer)


def _limit_resources(memory_bytes: int, timeout_s: float) -> None:
    with contextlib.suppress(OSError, ValueError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    with contextlib.suppress(OSError, ValueError):
        # Behind the alarm, a second stop that counts CPU time instead of the clock.
        seconds = int(timeout_s) + 2
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
    with contextlib.suppress(OSError, ValueError):
        ceiling = _address_space() + memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))


def _address_space() -> int:
    """Current virtual size of this process, in bytes (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[0])
    return pages * resource.getpagesize()


def _analyse(data: bytes, roots_der: list[bytes]) -> _Findings:
    """Read the file and validate its seal with pyHanko (runs in the child)."""
    reader = PdfFileReader(io.BytesIO(data))
    signatures = reader.embedded_signatures
    if not signatures:
        return _Findings(problems=(NO_SEAL,))
    seal = next((sig for sig in signatures if sig.docmdp_level is not None), signatures[-1])
    context = ValidationContext(trust_roots=[x509.Certificate.load(der) for der in roots_der])
    try:
        # One signature, after which nothing may change: coverage says it all, and pyHanko's
        # difference analysis (slow, and lenient by design) is not needed.
        status = validate_pdf_signature(seal, context, skip_diff=True)
    except (SignatureValidationError, ValueError, KeyError, TypeError):
        return _Findings(seal_present=True, problems=(SEAL_UNREADABLE,))
    return _judge(status, seal)


def _judge(status: Any, seal: Any) -> _Findings:
    problems: list[str] = []
    if not status.intact:
        problems.append(ALTERED)
    elif not status.valid:
        problems.append(SIGNATURE_BROKEN)
    if status.intact and status.valid and not status.trusted:
        problems.append(_trust_problem(status.trust_problem_indic))
    covers_all = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    if status.intact and not covers_all:
        appended = status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        problems.append(APPENDED if appended else PARTIAL_COVERAGE)

    sealed_at = seal.self_reported_timestamp or status.signer_reported_dt
    timestamp = status.timestamp_validity
    if timestamp is not None:
        if timestamp.intact and timestamp.valid and timestamp.trusted:
            sealed_at = timestamp.timestamp
        else:
            problems.append(TIMESTAMP_UNTRUSTED)
    return _Findings(
        seal_present=True,
        seal_valid=bool(status.intact and status.valid and status.trusted),
        intact=bool(status.intact and covers_all),
        signed_by=_subject(status.signing_cert),
        sealed_at=sealed_at.astimezone(UTC) if sealed_at is not None else None,
        problems=tuple(problems),
    )


def _trust_problem(indication: Any) -> str:
    name = getattr(indication, "name", "")
    if name.startswith("REVOKED"):
        return REVOKED
    if name in {"EXPIRED", "NOT_YET_VALID"} or name.startswith("OUT_OF_BOUNDS"):
        return OUT_OF_VALIDITY
    return UNTRUSTED


def _subject(certificate: Any) -> str | None:
    names = certificate.subject.native
    common = names.get("common_name")
    organisation = names.get("organization_name")
    parts = [str(part) for part in (common, organisation) if part]
    if len(parts) == 2 and parts[1] in parts[0]:
        parts = parts[:1]
    if not parts:
        return None
    text = f"{parts[0]} ({parts[1]})" if len(parts) == 2 else parts[0]
    return _CONTROL.sub(" ", text)[:_NAME_MAX]


__all__ = ["SignerLine", "VerificationReport", "verify_pdf", "warm_up"]
