"""The warm analysis workers on their own: a pool of one or two, with real files and the real
verification job, to see when a worker is reused, replaced, waited for or refused."""

from __future__ import annotations

import io
import json
import os
import threading
import time
from collections.abc import Iterator

import pytest
from pdftools import slow_pdf
from pypdf import PdfWriter

from signing.errors import VerificationUnavailable
from signing.pdf.analysis import AnalysisTimedOut, Pool

JOB = json.dumps({"roots": []}).encode()
ANALYSIS = "signing.pdf.verify_analysis:analysis_job"
MEMORY = 512 * 2**20


def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def findings(answer: bytes) -> tuple[str, ...]:
    return tuple(json.loads(answer)["problems"])


def reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@pytest.fixture
def pool() -> Iterator[Pool]:
    pool = Pool(ANALYSIS, size=1, max_files=3)
    yield pool
    pool.close()


def run(
    pool: Pool, data: bytes, timeout_s: float = 10.0, wait_s: float = 10.0, memory: int = MEMORY
) -> bytes:
    return pool.run(JOB, data, timeout_s=timeout_s, memory_bytes=memory, wait_s=wait_s)


def test_a_worker_is_replaced_after_its_quota_of_files(pool: Pool) -> None:
    no_seal = ("Le fichier ne porte aucun cachet électronique.",)
    assert findings(run(pool, blank_pdf())) == no_seal
    (first,) = pool.workers()

    assert findings(run(pool, blank_pdf())) == no_seal
    assert pool.workers() == [first]
    assert findings(run(pool, blank_pdf())) == no_seal  # its third and last

    assert first not in pool.workers()
    assert reaped(first)
    assert findings(run(pool, blank_pdf())) == no_seal


def test_a_thread_waits_for_a_busy_worker_then_gives_up(pool: Pool) -> None:
    run(pool, blank_pdf())
    outcome: list[BaseException] = []

    def hostile() -> None:
        try:
            # Seconds to read, and room enough not to stop at the memory ceiling before
            run(pool, slow_pdf(), timeout_s=1.0, memory=4 * 2**30)
        except AnalysisTimedOut as exc:
            outcome.append(exc)

    thread = threading.Thread(target=hostile)
    thread.start()
    time.sleep(0.5)  # the only worker has the slow file by now
    started = time.monotonic()
    with pytest.raises(VerificationUnavailable, match="occupés"):
        run(pool, blank_pdf(), wait_s=0.3)
    assert time.monotonic() - started < 1.5
    thread.join()

    assert len(outcome) == 1
    assert findings(run(pool, blank_pdf(), wait_s=10.0))  # the next one is served


def test_a_closed_pool_stops_its_workers_and_refuses_files(pool: Pool) -> None:
    run(pool, blank_pdf())
    (worker,) = pool.workers()

    pool.close()

    assert reaped(worker)
    with pytest.raises(VerificationUnavailable):
        run(pool, blank_pdf())
