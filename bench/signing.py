"""Signing-page latency and throughput under load on loopback: gunicorn with 2 workers, the
signing page beside a bare Flask route (/healthz) on the same server, in the same run.

What is measured, each on links of its own:

- the bare route, then the signing page GET on links already opened once (a re-open: the link
  is checked in full, nothing is written), closed loop, 8 connections, as fast as they go;
- the signing page GET on links never opened (the first open: the visit is recorded, a write
  under the document's lock), closed loop over a finite supply of links;
- the signing POST at a fixed rate (open loop: latency counted from the scheduled start, so a
  server falling behind shows its queueing). One "signing request" is one POST of the signing
  form (consent, typed name, the link's CSRF token, the PDF's hash) by one invited
  signer on their own link: a real signature (signer row, hash-chained event; every third one
  also invites the head and queues the mail). The signatures found in the database afterwards
  are counted beside the 200 answers.

Beside each figure: the server's CPU time per request (gunicorn master and workers, from
/proc), steadier than requests per second on a shared machine, and the share of a core the
load generator itself used (it runs on the same cores).

Setup issues many documents; the first PDF is converted by LibreOffice and its bytes reused for
the others (the figures here are about the web page, not the conversion).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import itertools
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

from bench.load import LoadResult, Request, closed_loop, open_loop
from service import migrations
from service.accounts.models import School, User
from service.context import Context
from service.db import Database
from service.documents.create import create_document
from service.documents.issue import issue_document
from service.mail.models import OutboxMessage
from service.settings import Settings
from signing.kinds import Kind
from signing.pdf.convert import ConverterPool, ConverterSettings
from signing.pdf.dev_seal import ensure_dev_seal

TOKEN = re.compile(r"/sign/([A-Za-z0-9_.\-]+)")
CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"')


class CachedConverter:
    """Converts the first document for real, then hands back the same PDF bytes."""

    def __init__(self, pool: ConverterPool) -> None:
        self.pool, self.pdf = pool, b""

    def convert(self, docx: bytes) -> bytes:
        if not self.pdf:
            self.pdf = self.pool.convert(docx)
        return self.pdf


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _prepare(env: dict[str, str], documents: int, work: Path) -> list[tuple[str, str]]:
    """Issue `documents` pathway contracts; return (token, signer's full name) per invitation."""

    settings = Settings.from_env(env)
    db = Database(settings.database_url)
    migrations.upgrade(db)
    with db.transaction() as session:
        school = School(
            uai="0440021J",
            name="Lycée professionnel Michelet",
            address="2 bd de l'Égalité, Nantes",
            email="ce.0440021J@example.edu",
            phone="02 40 00 00 10",
            head_first_name="Anne",
            head_last_name="Leroy",
            head_title="Proviseure",
            head_email="anne.leroy@example.edu",
            board_approval_date=date(2026, 9, 22),
            code_roles="",  # no one-time code: the POST measured is the signature alone
        )
        session.add(school)
        session.flush()
        head = User(
            school_id=school.id,
            email="head@example.edu",
            first_name="Anne",
            last_name="Leroy",
            role="head",
        )
        session.add(head)
    body = next(iter(Kind)).spec.example
    with ConverterPool(ConverterSettings(work_dir=work / "lo")) as pool:
        cached = CachedConverter(pool)
        ctx = Context(
            db=db, settings=settings, converter=lambda: cached, clock=lambda: datetime.now(UTC)
        )
        for _ in range(documents):
            document = create_document(ctx, head, body)
            issue_document(ctx, head, document.id)
    from sqlalchemy import select  # noqa: PLC0415

    from service.signers.models import Signer  # noqa: PLC0415

    found = []
    with db.new_session() as session:
        names = {s.email: s.full_name for s in session.scalars(select(Signer))}
        for message in session.scalars(select(OutboxMessage)):
            match = TOKEN.search(message.text_body)
            if match:
                found.append((match.group(1), names[message.to_address]))
    db.dispose()
    return found


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int) -> Iterator[int]:
    """The server, running; its master's pid."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "service:create_app()",
        ],
        env=env,
        start_new_session=True,
    )
    try:
        for _ in range(200):
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            time.sleep(0.05)
        yield proc.pid
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


def server_cpu(master: int) -> float:
    """CPU seconds used so far by the gunicorn master and its workers (Linux /proc)."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # a process that ended meanwhile
        if int(stat.parent.name) == master or int(fields[1]) == master:
            ticks += int(fields[11]) + int(fields[12])  # utime + stime
    return ticks / os.sysconf("SC_CLK_TCK")


def measured(master: int, load: Callable[[], LoadResult]) -> tuple[LoadResult, float]:
    """The load's result and the server's CPU milliseconds per answered request."""
    before = server_cpu(master)
    result = load()
    used = server_cpu(master) - before
    return result, (used * 1000 / result.count if result.count else float("nan"))


def _get(port: int, token: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", f"/sign/{token}")
    response = conn.getresponse()
    page = response.read().decode()
    if response.status != 200:
        raise RuntimeError(f"GET /sign/… answered {response.status} during setup")
    conn.close()
    return page


def _form(port: int, token: str, name: str) -> Request:
    """GET the page once (as the signer does), then the POST that signs, with its CSRF token."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", f"/sign/{token}")
    response = conn.getresponse()
    page = response.read().decode()
    conn.close()
    csrf = CSRF.search(page)
    sha = re.search(r'name="pdf_sha256"\s+value="([0-9a-f]{64})"', page)
    fields = {"consent": "on", "full_name": name, "csrf_token": csrf.group(1) if csrf else ""}
    if sha:
        fields["pdf_sha256"] = sha.group(1)
    body = urllib.parse.urlencode(fields).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return ("POST", f"/sign/{token}", body, headers)


def report(
    label: str,
    result: LoadResult,
    cpu_ms: float,
    floor: tuple[LoadResult, float] | None = None,
    note: str = "",
) -> None:
    ratio = ""
    if floor:
        bare, bare_cpu = floor
        ratio = f"  ratio {result.rps / bare.rps:5.2f}× of bare (CPU {bare_cpu / cpu_ms:4.2f}×)"
    client = result.client_cpu / result.elapsed * 100 if result.elapsed else 0.0
    print(
        f"  {label:<30}{result.rps:8.1f} req/s  p50 {result.percentile(0.5) * 1000:7.1f} ms  "
        f"p95 {result.percentile(0.95) * 1000:7.1f} ms  errors {len(result.errors)}  "
        f"server CPU {cpu_ms:5.2f} ms/req  load generator {client:3.0f}% of a core{ratio}  {note}"
    )


def _signatures(env: dict[str, str]) -> int:
    """Signatures recorded in the database ('signed' events), counted after the run."""
    from sqlalchemy import func, select  # noqa: PLC0415

    from service.documents.models import Event  # noqa: PLC0415

    db = Database(Settings.from_env(env).database_url)
    try:
        with db.new_session() as session:
            found = session.scalar(select(func.count()).where(Event.type == "signed"))
    finally:
        db.dispose()
    return found or 0


FIRST_OPENS = 150
"""Links kept for the first-open measure (each can be opened for the first time only once)."""
REOPENED = 60
"""Links opened once during setup, then re-opened in a loop."""


def run(database_url: str | None, label: str, rate: float, seconds: float) -> None:
    work = Path(tempfile.mkdtemp(prefix="cosigne-bench-sign-"))
    port = _free_port()
    env = dict(
        os.environ,
        COSIGNE_ENV="production",
        COSIGNE_SECRET_KEY=hashlib.sha256(os.urandom(32)).hexdigest(),
        COSIGNE_TRAIL_KEY=hashlib.sha256(os.urandom(32)).hexdigest(),
        COSIGNE_DATA_DIR=str(work / "data"),
        COSIGNE_BASE_URL=f"http://127.0.0.1:{port}",
    )
    seal = ensure_dev_seal(work / "seal")  # production refuses to start without a seal
    env["COSIGNE_SEAL_P12"] = str(seal.p12_path)
    env["COSIGNE_SEAL_PASSPHRASE"] = (seal.passphrase or b"").decode()
    if database_url:
        env["COSIGNE_DATABASE_URL"] = database_url
    posts = int(rate * seconds)
    needed = posts + FIRST_OPENS + REOPENED
    invitations = _prepare(env, documents=needed // 3 + 1, work=work)
    signing = invitations[:posts]
    fresh = [token for token, _ in invitations[posts : posts + FIRST_OPENS]]
    reopened = [token for token, _ in invitations[posts + FIRST_OPENS : needed]]
    print(f"\nsigning page on {label} (gunicorn, 2 workers, {len(invitations)} links)")
    with gunicorn(env, port) as master:
        for token in reopened:
            _get(port, token)  # the first open, recorded; the loop below re-opens
        readers = itertools.cycle(reopened)
        bare = measured(
            master,
            lambda: closed_loop(
                "127.0.0.1",
                port,
                lambda: ("GET", "/healthz", None, {}),
                workers=8,
                seconds=seconds,
            ),
        )
        page = measured(
            master,
            lambda: closed_loop(
                "127.0.0.1",
                port,
                lambda: ("GET", f"/sign/{next(readers)}", None, {}),
                workers=8,
                seconds=seconds,
            ),
        )
        supply = iter(fresh)

        def first_open() -> Request | None:
            token = next(supply, None)
            return None if token is None else ("GET", f"/sign/{token}", None, {})

        first = measured(
            master,
            lambda: closed_loop("127.0.0.1", port, first_open, workers=8, seconds=seconds),
        )
        report("bare route GET /healthz", *bare)
        report("signing page GET (re-open)", *page, bare, "target ≥ 0.5×")
        report("signing page GET (first open)", *first, bare, f"{first[0].count} links")
        forms = iter([_form(port, token, name) for token, name in signing])
        signed = measured(
            master, lambda: open_loop("127.0.0.1", port, forms, rate=rate, count=posts)
        )
        report(f"signing POST at {rate:g}/s", *signed, None, "target p95 < 300 ms, no error")
        if signed[0].errors:
            print(f"    first errors: {signed[0].errors[:3]}")
    answered = signed[0].statuses.get(200, 0)
    print(
        f"    {posts} signing POSTs sent, {answered} answered 200, "
        f"{_signatures(env)} signatures found in the database"
    )


@contextlib.contextmanager
def postgres_database() -> Iterator[str | None]:
    """A throwaway database on the PostgreSQL of COSIGNE_TEST_POSTGRES_URL, if one answers."""
    import psycopg  # noqa: PLC0415

    admin = os.environ.get(
        "COSIGNE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    name = f"cosigne_bench_{os.urandom(4).hex()}"
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"CREATE DATABASE {name}")
    except psycopg.OperationalError:
        yield None
        return
    try:
        base = admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10, help="length of each measure")
    parser.add_argument("--sqlite-rate", type=float, default=50, help="signing POSTs per second")
    parser.add_argument("--postgres-rate", type=float, default=200, help="same, on PostgreSQL")
    parser.add_argument("--only", choices=("sqlite", "postgresql"), help="one database only")
    args = parser.parse_args()
    if args.only != "postgresql":
        run(None, "SQLite", rate=args.sqlite_rate, seconds=args.seconds)
    if args.only == "sqlite":
        return
    with postgres_database() as url:
        if url:
            run(url, "PostgreSQL", rate=args.postgres_rate, seconds=args.seconds)
        else:
            print("\n(PostgreSQL injoignable : mesure sautée)")


if __name__ == "__main__":
    main()
