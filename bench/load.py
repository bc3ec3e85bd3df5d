"""A small HTTP load generator on loopback: closed-loop (as fast as it goes) or open-loop (a
fixed rate), keep-alive connections, latency percentiles. Bounded in count and time."""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

Request = tuple[str, str, bytes | None, dict[str, str]]
"""method, path, body, headers"""


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    client_cpu: float = 0.0
    """CPU seconds this load generator used (every thread): it shares the cores with the server."""
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def rps(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _send(conn: http.client.HTTPConnection, request: Request) -> tuple[int, bytes]:
    method, path, body, headers = request
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def _connect(host: str, port: int) -> http.client.HTTPConnection:
    return http.client.HTTPConnection(host, port, timeout=10)


def _attempt(
    conn: http.client.HTTPConnection,
    request: Request,
    since: float,
    *,
    result: LoadResult,
    lock: threading.Lock,
    expect: int,
) -> http.client.HTTPConnection:
    """Send one request and record it (latency counted from `since`); the connection to use
    next is returned, a new one after a failure."""
    try:
        status, _ = _send(conn, request)
    except (OSError, http.client.HTTPException) as exc:
        conn.close()
        with lock:
            result.errors.append(repr(exc))
        return _connect(conn.host, conn.port)
    took = time.perf_counter() - since
    with lock:
        result.latencies.append(took)
        result.statuses[status] = result.statuses.get(status, 0) + 1
        if status != expect:
            result.errors.append(f"HTTP {status}")
    return conn


def _run(work: Callable[[], None], workers: int) -> None:
    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def closed_loop(
    host: str,
    port: int,
    requests: Callable[[], Request | None],
    *,
    workers: int,
    seconds: float,
    expect: int = 200,
) -> LoadResult:
    """`workers` connections each sending the next request as soon as the last one answered,
    for `seconds` or until `requests` returns None (a finite supply)."""
    result = LoadResult()
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def work() -> None:
        conn = _connect(host, port)
        while time.perf_counter() < stop:
            with lock:
                request = requests()
            if request is None:
                break
            conn = _attempt(
                conn, request, time.perf_counter(), result=result, lock=lock, expect=expect
            )
        conn.close()

    started, cpu = time.perf_counter(), time.process_time()
    _run(work, workers)
    result.elapsed = time.perf_counter() - started
    result.client_cpu = time.process_time() - cpu
    return result


def open_loop(
    host: str,
    port: int,
    requests: Iterator[Request],
    *,
    rate: float,
    count: int,
    workers: int = 16,
    expect: int = 200,
) -> LoadResult:
    """`count` requests started at `rate` per second whatever the answers' speed (latency
    counted from the scheduled start, so a slow server shows its queueing)."""
    result = LoadResult()
    lock = threading.Lock()
    schedule: list[tuple[float, Request]] = []
    begin = time.perf_counter() + 0.2
    for index in range(count):
        schedule.append((begin + index / rate, next(requests)))
    cursor = iter(schedule)

    def work() -> None:
        conn = _connect(host, port)
        while True:
            with lock:
                item = next(cursor, None)
            if item is None:
                break
            at, request = item
            delay = at - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            conn = _attempt(conn, request, at, result=result, lock=lock, expect=expect)
        conn.close()

    cpu = time.process_time()
    _run(work, workers)
    result.elapsed = time.perf_counter() - begin
    result.client_cpu = time.process_time() - cpu
    return result
