"""One analysis worker seen from its parent (`signing.pdf.analysis`): started, handed one file
at a time under the parent's own deadline, killed and reaped when late or done."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import time
from dataclasses import dataclass

from signing.errors import VerificationUnavailable
from signing.pdf.analysis_protocol import (
    ANSWER_MAX,
    READY,
    RECEIVED,
    REPLY,
    REQUEST,
    AnalysisFailed,
    AnalysisTimedOut,
    receive,
)

START_TIMEOUT = 60.0
"""Seconds for a worker to start (import the analysis's modules) and say it is ready."""


EXIT_GRACE = 1.0


_DEADLINE_SLACK = 0.05


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    channel: socket.socket
    files: int = 0

    @classmethod
    def start(cls, analysis: str) -> Worker:
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
            ours.settimeout(START_TIMEOUT)
            ready = receive(ours, len(READY))
        except (OSError, EOFError):
            ready = b""
        if ready != READY:
            worker.kill()
            raise VerificationUnavailable("le processus d'analyse n'a pas démarré")
        return worker

    def alive(self) -> bool:
        return self.process.poll() is None

    def run(
        self, job: bytes, data: bytes, timeout_s: float, memory_bytes: int
    ) -> tuple[int, bool, bytes]:
        """Send one file, wait for the answer until the deadline: (status, retire, answer).

        Raises `NotDelivered` when the worker died before it had the whole file (nothing is
        known of the file then), `AnalysisTimedOut` at the deadline, `AnalysisFailed` when it
        died later or answered nonsense. After an exception the worker is not to be reused.
        """
        self.files += 1
        deadline = time.monotonic() + timeout_s
        channel = self.channel
        try:
            channel.settimeout(START_TIMEOUT)
            channel.sendall(REQUEST.pack(timeout_s, memory_bytes, len(job), len(data)) + job)
            channel.sendall(data)
            received = receive(channel, len(RECEIVED))
        except (OSError, EOFError) as exc:
            raise NotDelivered from exc
        if received != RECEIVED:
            raise AnalysisFailed("réponse inattendue")
        try:
            channel.settimeout(max(deadline - time.monotonic(), 0.001))
            status, retire, size = REPLY.unpack(receive(channel, REPLY.size))
            if size > ANSWER_MAX:
                raise AnalysisFailed("réponse trop longue")
            answer = receive(channel, size)
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
            self.process.wait(EXIT_GRACE)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        self.channel.close()
        with contextlib.suppress(OSError):
            self.process.kill()
        self.process.wait()  # reaped: no zombie


class NotDelivered(Exception):
    """The worker was gone before it received the file (killed while idle, say)."""


_WORKER_CODE = (
    "import json, sys; sys.path[:] = json.loads(sys.argv[1]); "
    "from signing.pdf.analysis_worker import serve; serve(int(sys.argv[2]), sys.argv[3])"
)
