"""The worker side of `signing.pdf.analysis`: another process, which runs one analysis at a
time within the limits the parent asked for (an alarm, a CPU-time and an address-space ceiling),
then lifts them for the next file."""

from __future__ import annotations

import contextlib
import importlib
import logging
import mmap
import os
import resource
import signal
import socket
import struct
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from signing.pdf.analysis_protocol import (
    ALARM_SLACK,
    DONE,
    FAILED,
    MAX_GROWTH,
    OUT_OF_MEMORY,
    READY,
    RECEIVED,
    REPLY,
    REQUEST,
    SPARE_BYTES,
    receive,
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
    _SPARE.append(mmap.mmap(-1, SPARE_BYTES))
    ready_space = _address_space()
    try:
        channel.sendall(READY)
    except OSError:
        os._exit(0)  # the parent gave up waiting, or exited meanwhile
    while True:
        try:
            timeout_s, memory_bytes, job_size, data_size = REQUEST.unpack(
                receive(channel, REQUEST.size)
            )
            job = receive(channel, job_size)
            data = receive(channel, data_size)
            channel.sendall(RECEIVED)
        except (OSError, EOFError, struct.error):
            os._exit(0)  # the parent is gone, or closed us: nothing more to do
        status, answer = _analyse_within_limits(function, job, data, timeout_s, memory_bytes)
        del data, job
        retire = status != DONE or _address_space() > ready_space + MAX_GROWTH
        try:
            channel.sendall(REPLY.pack(status, retire, len(answer)) + answer)
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
    signal.setitimer(signal.ITIMER_REAL, timeout_s + ALARM_SLACK)
    limits = _limit(memory_bytes, timeout_s)
    try:
        return DONE, function(job, data)
    except MemoryError:
        for spare in _SPARE:  # room to lift the ceiling and answer (the worker retires after)
            spare.close()
        _SPARE.clear()
        return OUT_OF_MEMORY, b""
    except Exception:  # the analysis's own failure: an answer, not a crash
        return FAILED, b""
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
