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
import os
import threading
import time
from dataclasses import dataclass

from signing.errors import VerificationUnavailable
from signing.pdf.analysis_process import START_TIMEOUT, NotDelivered, Worker
from signing.pdf.analysis_protocol import (
    DONE,
    OUT_OF_MEMORY,
    AnalysisError,
    AnalysisFailed,
    AnalysisOutOfMemory,
    AnalysisTimedOut,
)

POOL_SIZE = max(2, min(4, os.cpu_count() or 1))
"""Workers per application process at most: as many files analysed at once."""
MAX_FILES = 500
"""Files a worker analyses before it is replaced (bounds what any leak could add up to)."""


# The parent side


@dataclass
class Pool:
    """Up to `size` workers of one process, started as needed, reused while healthy."""

    def __init__(self, analysis: str, size: int = POOL_SIZE, max_files: int = MAX_FILES) -> None:
        self.analysis = analysis
        self.size = size
        self.max_files = max_files
        self.owner = os.getpid()
        self._condition = threading.Condition()
        self._idle: list[Worker] = []
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
            except NotDelivered as exc:
                self._discard(worker)
                if attempt + 1 < attempts:
                    continue  # killed from outside while idle: the file goes to another worker
                raise AnalysisFailed("le processus d'analyse ne répond pas") from exc
            except BaseException:
                self._discard(worker)
                raise
            if retire or status != DONE or worker.files >= self.max_files:
                self._discard(worker)
            else:
                self._release(worker)
            if status == OUT_OF_MEMORY:
                raise AnalysisOutOfMemory
            if status != DONE:
                raise AnalysisFailed("l'analyse a levé une exception")
            return answer
        raise AssertionError("unreachable")  # pragma: no cover

    def warm_up(self) -> None:
        """Have one worker ready."""
        self._release(self._acquire(START_TIMEOUT))

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

    def forget(self) -> list[Worker]:
        """In a forked child: drop the parent's workers without touching their processes
        (not ours to stop or wait for); returns them, to be kept referenced."""
        self._closed = True
        inherited, self._idle = self._idle, []
        for worker in inherited:
            worker.channel.close()  # the parent's workers see end of file when it closes its own
        return inherited

    def _acquire(self, wait_s: float) -> Worker:
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
            return Worker.start(self.analysis)
        except BaseException:
            with self._condition:
                self._count -= 1
                self._condition.notify()
            raise

    def _release(self, worker: Worker) -> None:
        with self._condition:
            if not self._closed:
                self._idle.append(worker)
                self._condition.notify()
                return
            self._count -= 1
        worker.stop()

    def _discard(self, worker: Worker) -> None:
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
            worker = Worker.start(self.analysis)
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
        self._inherited: list[Worker] = []
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


__all__ = [
    "MAX_FILES",
    "POOL_SIZE",
    "AnalysisError",
    "AnalysisFailed",
    "AnalysisOutOfMemory",
    "AnalysisTimedOut",
    "Pool",
    "PoolSlot",
]
