"""Warm worker processes that analyse untrusted bytes within limits of time and memory.

A worker is a Python process started once (``python -I``, an empty environment, a session of
its own), with the analysis's modules already imported. It takes files one at a time over a
socket: for each one it sets its own limits (an alarm, a CPU-time and an address-space
ceiling), runs the analysis, answers, and lifts the limits for the next file. The parent
keeps its own deadline: a worker late with its answer is killed (SIGKILL) and reaped, and a
new one takes its place; so is one that crashed, ran out of memory, or served `MAX_FILES`.

The pool is per process: created on first use, forgotten by a forked child (gunicorn's
workers), whose first file starts workers of its own; stopped at exit. It grows as threads ask,
up to `POOL_SIZE` workers; a thread finding them all busy waits for one.

The analysis is a function named ``module:function`` taking the job's bytes (from the caller)
and the file, and returning the answer's bytes; it runs in the worker only. What happened is
told with this module's exceptions (`AnalysisTimedOut`, `AnalysisOutOfMemory`...), which the
caller turns into its own words. Only a machine that cannot run workers raises
`VerificationUnavailable`.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import json
import logging
import mmap
import os
import resource
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from signing.errors import VerificationUnavailable

POOL_SIZE = max(2, min(4, os.cpu_count() or 1))
"""Workers per application process at most: as many files analysed at once."""
MAX_FILES = 500
"""Files a worker analyses before it is replaced (bounds what any leak could add up to)."""
MAX_GROWTH = 128 * 2**20
"""Address space a worker may keep beyond what it had when ready, else it is replaced."""

_START_TIMEOUT = 60.0
"""Seconds for a worker to start (import the analysis's modules) and say it is ready."""
_EXIT_GRACE = 1.0
_ALARM_SLACK = 0.5
"""The worker's own alarm rings this long after the parent's deadline: the parent decides."""
_DEADLINE_SLACK = 0.05
_SPARE_BYTES = 8 * 2**20
_ANSWER_MAX = 64 * 2**10
_READY = b"ready"
_RECEIVED = b"+"
_REQUEST = struct.Struct("!dQII")
"""timeout_s, memory_bytes, size of the job, size of the file."""
_REPLY = struct.Struct("!BBI")
"""status, retire (0 or 1), size of the answer."""
_DONE, _OUT_OF_MEMORY, _FAILED = 0, 1, 2


class AnalysisError(Exception):
    """The analysis gave no answer (the caller says why, in its words)."""


class AnalysisTimedOut(AnalysisError):
    """No answer by the deadline: the worker was stopped."""


class AnalysisOutOfMemory(AnalysisError):
    """The analysis reached the memory ceiling."""


class AnalysisFailed(AnalysisError):
    """The analysis raised, or its worker died or answered nonsense before the deadline."""


# The parent side


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    channel: socket.socket
    files: int = 0

    @classmethod
    def start(cls, analysis: str) -> _Worker:
        ours, theirs = socket.socketpair()
        try:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-I",
                    "-c",
                    _WORKER_CODE,
                    json.dumps(sys.path),
                    str(theirs.fileno()),
                    analysis,
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
                f"impossible de lancer un processus d'analyse : {exc}"
            ) from exc
        finally:
            theirs.close()
        worker = cls(process, ours)
        try:
            ours.settimeout(_START_TIMEOUT)
            ready = _receive(ours, len(_READY))
        except (OSError, EOFError):
            ready = b""
        if ready != _READY:
            worker.kill()
            raise VerificationUnavailable("le processus d'analyse n'a pas démarré")
        return worker

    def alive(self) -> bool:
        return self.process.poll() is None

    def run(
        self, job: bytes, data: bytes, timeout_s: float, memory_bytes: int
    ) -> tuple[int, bool, bytes]:
        """Send one file, wait for the answer until the deadline: (status, retire, answer).

        Raises `_NotDelivered` when the worker died before it had the whole file (nothing is
        known of the file then), `AnalysisTimedOut` at the deadline, `AnalysisFailed` when it
        died later or answered nonsense. After an exception the worker is not to be reused.
        """
        self.files += 1
        deadline = time.monotonic() + timeout_s
        channel = self.channel
        try:
            channel.settimeout(_START_TIMEOUT)
            channel.sendall(_REQUEST.pack(timeout_s, memory_bytes, len(job), len(data)) + job)
            channel.sendall(data)
            received = _receive(channel, len(_RECEIVED))
        except (OSError, EOFError) as exc:
            raise _NotDelivered from exc
        if received != _RECEIVED:
            raise AnalysisFailed("réponse inattendue")
        try:
            channel.settimeout(max(deadline - time.monotonic(), 0.001))
            status, retire, size = _REPLY.unpack(_receive(channel, _REPLY.size))
            if size > _ANSWER_MAX:
                raise AnalysisFailed("réponse trop longue")
            answer = _receive(channel, size)
        except TimeoutError as exc:
            raise AnalysisTimedOut from exc
        except (OSError, EOFError) as exc:
            # Dead without an answer: by its own alarm or CPU limit at the deadline, or the kernel
            if time.monotonic() >= deadline - _DEADLINE_SLACK:
                raise AnalysisTimedOut from exc
            raise AnalysisFailed("le processus d'analyse s'est arrêté") from exc
        return status, bool(retire), answer

    def stop(self) -> None:
        """Let it finish (it reads end of file), or kill it after a grace period."""
        self.channel.close()
        try:
            self.process.wait(_EXIT_GRACE)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        self.channel.close()
        with contextlib.suppress(OSError):
            self.process.kill()
        self.process.wait()  # reaped: no zombie


class _NotDelivered(Exception):
    """The worker was gone before it received the file (killed while idle, say)."""


class Pool:
    """Up to `size` workers of one process, started as needed, reused while healthy."""

    def __init__(self, analysis: str, size: int = POOL_SIZE, max_files: int = MAX_FILES) -> None:
        self.analysis = analysis
        self.size = size
        self.max_files = max_files
        self.owner = os.getpid()
        self._condition = threading.Condition()
        self._idle: list[_Worker] = []
        self._count = 0
        """Workers idle, busy or starting."""
        self._closed = False

    def run(
        self, job: bytes, data: bytes, *, timeout_s: float, memory_bytes: int, wait_s: float
    ) -> bytes:
        """The analysis's answer for `data`, from a worker, within about `timeout_s` once a
        worker has it; a thread waits up to `wait_s` for a worker when all are busy.

        Raises the `AnalysisError`s, or `VerificationUnavailable` when no worker can be had.
        """
        attempts = self.size + 1  # every idle worker may have been killed at once
        for attempt in range(attempts):
            worker = self._acquire(wait_s)
            try:
                status, retire, answer = worker.run(job, data, timeout_s, memory_bytes)
            except _NotDelivered as exc:
                self._discard(worker)
                if attempt + 1 < attempts:
                    continue  # killed from outside while idle: the file goes to another worker
                raise AnalysisFailed("le processus d'analyse ne répond pas") from exc
            except BaseException:
                self._discard(worker)
                raise
            if retire or status != _DONE or worker.files >= self.max_files:
                self._discard(worker)
            else:
                self._release(worker)
            if status == _OUT_OF_MEMORY:
                raise AnalysisOutOfMemory
            if status != _DONE:
                raise AnalysisFailed("l'analyse a levé une exception")
            return answer
        raise AssertionError("unreachable")  # pragma: no cover

    def warm_up(self) -> None:
        """Have one worker ready."""
        self._release(self._acquire(_START_TIMEOUT))

    def workers(self) -> list[int]:
        """The process ids of the idle workers (for tests and diagnosis)."""
        with self._condition:
            return [worker.process.pid for worker in self._idle]

    def close(self) -> None:
        """Stop the idle workers; busy ones stop when released."""
        with self._condition:
            self._closed = True
            idle, self._idle = self._idle, []
            self._count -= len(idle)
            self._condition.notify_all()
        for worker in idle:
            worker.stop()

    def forget(self) -> list[_Worker]:
        """In a forked child: drop the parent's workers without touching their processes
        (not ours to stop or wait for); returns them, to be kept referenced."""
        self._closed = True
        inherited, self._idle = self._idle, []
        for worker in inherited:
            worker.channel.close()  # the parent's workers see end of file when it closes its own
        return inherited

    def _acquire(self, wait_s: float) -> _Worker:
        give_up = time.monotonic() + wait_s
        with self._condition:
            while True:
                if self._closed:
                    raise VerificationUnavailable("le service d'analyse est arrêté")
                while self._idle:
                    worker = self._idle.pop()
                    if worker.alive():
                        return worker
                    self._count -= 1  # died while idle (killed from outside): reaped by poll
                    worker.channel.close()
                if self._count < self.size:
                    self._count += 1
                    break
                remaining = give_up - time.monotonic()
                if remaining <= 0 or not self._condition.wait(remaining):
                    raise VerificationUnavailable("tous les processus d'analyse sont occupés")
        try:
            return _Worker.start(self.analysis)
        except BaseException:
            with self._condition:
                self._count -= 1
                self._condition.notify()
            raise

    def _release(self, worker: _Worker) -> None:
        with self._condition:
            if not self._closed:
                self._idle.append(worker)
                self._condition.notify()
                return
            self._count -= 1
        worker.stop()

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._condition:
            self._count -= 1
            replace = not self._closed and self._count < self.size
            if replace:
                self._count += 1
            self._condition.notify()
        if replace:  # a warm worker for the next file, started out of the caller's way
            threading.Thread(target=self._replace, name="analysis-replace", daemon=True).start()

    def _replace(self) -> None:
        try:
            worker = _Worker.start(self.analysis)
        except Exception:  # no worker now: the next file starts one, or says why it cannot
            with self._condition:
                self._count -= 1
                self._condition.notify()
            return
        self._release(worker)


class PoolSlot:
    """This process's pool, created on first use, and again in a forked child."""

    def __init__(self, analysis: str) -> None:
        self.analysis = analysis
        self._lock = threading.Lock()
        self._pool: Pool | None = None
        self._inherited: list[_Worker] = []
        atexit.register(self.close)
        os.register_at_fork(after_in_child=self._after_fork)

    def get(self) -> Pool:
        with self._lock:
            if self._pool is not None and self._pool.owner != os.getpid():
                self._inherited += self._pool.forget()
                self._pool = None
            if self._pool is None:
                self._pool = Pool(self.analysis)
            return self._pool

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None and pool.owner == os.getpid():
            pool.close()

    def _after_fork(self) -> None:
        # The parent's locks may have been held by another of its threads: new ones.
        self._lock = threading.Lock()
        if self._pool is not None:
            self._inherited += self._pool.forget()
            self._pool = None


# The worker side (another process)

_WORKER_CODE = (
    "import json, sys; sys.path[:] = json.loads(sys.argv[1]); "
    "from signing.pdf.analysis import serve; serve(int(sys.argv[2]), sys.argv[3])"
)


def serve(fd: int, analysis: str) -> NoReturn:
    """A worker's main loop: one file at a time, until the parent closes the socket."""
    # A hostile file makes the analysis's libraries log, with tracebacks: the answer says it.
    logging.disable(logging.CRITICAL)
    with contextlib.suppress(OSError, ValueError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    module, name = analysis.split(":")
    function: Callable[[bytes, bytes], bytes] = getattr(importlib.import_module(module), name)
    channel = socket.socket(fileno=fd)
    _SPARE.append(mmap.mmap(-1, _SPARE_BYTES))
    ready_space = _address_space()
    try:
        channel.sendall(_READY)
    except OSError:
        os._exit(0)  # the parent gave up waiting, or exited meanwhile
    while True:
        try:
            timeout_s, memory_bytes, job_size, data_size = _REQUEST.unpack(
                _receive(channel, _REQUEST.size)
            )
            job = _receive(channel, job_size)
            data = _receive(channel, data_size)
            channel.sendall(_RECEIVED)
        except (OSError, EOFError, struct.error):
            os._exit(0)  # the parent is gone, or closed us: nothing more to do
        status, answer = _analyse_within_limits(function, job, data, timeout_s, memory_bytes)
        del data, job
        retire = status != _DONE or _address_space() > ready_space + MAX_GROWTH
        try:
            channel.sendall(_REPLY.pack(status, retire, len(answer)) + answer)
        except OSError:
            os._exit(0)
        if retire:
            os._exit(0)  # no interpreter shutdown: a starved one can hang


def _analyse_within_limits(
    function: Callable[[bytes, bytes], bytes],
    job: bytes,
    data: bytes,
    timeout_s: float,
    memory_bytes: int,
) -> tuple[int, bytes]:
    # SIGALRM's default action ends the process, wherever it is stuck (even in C code)
    signal.setitimer(signal.ITIMER_REAL, timeout_s + _ALARM_SLACK)
    limits = _limit(memory_bytes, timeout_s)
    try:
        return _DONE, function(job, data)
    except MemoryError:
        for spare in _SPARE:  # room to lift the ceiling and answer (the worker retires after)
            spare.close()
        _SPARE.clear()
        return _OUT_OF_MEMORY, b""
    except Exception:  # the analysis's own failure: an answer, not a crash
        return _FAILED, b""
    finally:
        _lift(limits)
        signal.setitimer(signal.ITIMER_REAL, 0)


_SPARE: list[mmap.mmap] = []
"""Address space set aside when a worker starts (reserved, never touched), below its ceilings:
given back when memory runs out, so that even then it can answer."""


def _limit(memory_bytes: int, timeout_s: float) -> list[tuple[int, tuple[int, int]]]:
    """Set this file's ceilings; returns the limits they replaced."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    ceilings = {
        # Behind the alarm, a second stop that counts CPU time (the worker's, since it started)
        resource.RLIMIT_CPU: int(usage.ru_utime + usage.ru_stime) + int(timeout_s) + 2,
        resource.RLIMIT_AS: _address_space() + memory_bytes,
    }
    previous: list[tuple[int, tuple[int, int]]] = []
    for kind, ceiling in ceilings.items():
        with contextlib.suppress(OSError, ValueError):
            old = resource.getrlimit(kind)
            soft = ceiling
            if old[0] != resource.RLIM_INFINITY:  # the operator's own limit stays the lower
                soft = min(ceiling, old[0])
            resource.setrlimit(kind, (soft, old[1]))
            previous.append((kind, old))
    return previous


def _lift(limits: list[tuple[int, tuple[int, int]]]) -> None:
    for kind, old in limits:
        with contextlib.suppress(OSError, ValueError):
            resource.setrlimit(kind, old)


def _address_space() -> int:
    """Current virtual size of this process, in bytes (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[0])
    return pages * resource.getpagesize()


def _receive(channel: socket.socket, size: int) -> bytes:
    buffer = bytearray(size)
    view = memoryview(buffer)
    received = 0
    while received < size:
        count = channel.recv_into(view[received:])
        if count == 0:
            raise EOFError("la connexion s'est fermée avant la fin du message")
        received += count
    return bytes(buffer)


__all__ = [
    "MAX_FILES",
    "POOL_SIZE",
    "AnalysisError",
    "AnalysisFailed",
    "AnalysisOutOfMemory",
    "AnalysisTimedOut",
    "Pool",
    "PoolSlot",
    "serve",
]
