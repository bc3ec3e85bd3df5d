"""What a parent and its analysis worker say to each other over their socket
(`signing.pdf.analysis`): the worker says it is ready, takes a request (limits, job, file),
acknowledges it, and replies with a status, whether it retires, and its answer; and how an
analysis can end, as the parent tells its caller."""

from __future__ import annotations

import socket
import struct

MAX_GROWTH = 128 * 2**20
"""Address space a worker may keep beyond what it had when ready, else it is replaced."""


ALARM_SLACK = 0.5
"""The worker's own alarm rings this long after the parent's deadline: the parent decides."""


SPARE_BYTES = 8 * 2**20


ANSWER_MAX = 64 * 2**10


READY = b"ready"


RECEIVED = b"+"


REQUEST = struct.Struct("!dQII")
"""timeout_s, memory_bytes, size of the job, size of the file."""


REPLY = struct.Struct("!BBI")
"""status, retire (0 or 1), size of the answer."""


def receive(channel: socket.socket, size: int) -> bytes:
    buffer = bytearray(size)
    view = memoryview(buffer)
    received = 0
    while received < size:
        count = channel.recv_into(view[received:])
        if count == 0:
            raise EOFError("la connexion s'est fermée avant la fin du message")
        received += count
    return bytes(buffer)


DONE, OUT_OF_MEMORY, FAILED = 0, 1, 2
"""The statuses of a reply."""


class AnalysisError(Exception):
    """The analysis gave no answer (the caller says why, in its words)."""


class AnalysisTimedOut(AnalysisError):
    """No answer by the deadline: the worker was stopped."""


class AnalysisOutOfMemory(AnalysisError):
    """The analysis reached the memory ceiling."""


class AnalysisFailed(AnalysisError):
    """The analysis raised, or its worker died or answered nonsense before the deadline."""
