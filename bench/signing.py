"""Signing-page latency and throughput under load on loopback: gunicorn with 2 workers, the
signing page beside a bare Flask route (/healthz) on the same server, in the same run.

Setup issues many documents; the first PDF is converted by LibreOffice and its bytes reused for
the others (the figures here are about the web page, not the conversion).
"""

from __future__ import annotations

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
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from bench.load import LoadResult, Request, closed_loop, open_loop
from service import migrations, operations
from service.db import Database
from service.models import OutboxMessage, School, User
from service.settings import Settings
from signing.convert import ConverterPool, ConverterSettings
from signing.seal import ensure_dev_seal

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
    import json  # noqa: PLC0415
    from importlib import resources  # noqa: PLC0415

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
    body = json.loads(
        resources.files("contract_templates")
        .joinpath("examples", "parcours.json")
        .read_text("utf-8")
    )
    with ConverterPool(ConverterSettings(work_dir=work / "lo")) as pool:
        cached = CachedConverter(pool)
        ctx = operations.Context(
            db=db, settings=settings, converter=lambda: cached, clock=lambda: datetime.now(UTC)
        )
        for _ in range(documents):
            document = operations.create_document(ctx, head, body)
            operations.issue_document(ctx, head, document.id)
    from sqlalchemy import select  # noqa: PLC0415

    from service.models import Signer  # noqa: PLC0415

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
def gunicorn(env: dict[str, str], port: int) -> Iterator[None]:
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
        yield
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


def _form(port: int, token: str, name: str) -> Request:
    """GET the page once (as the signer does), then the POST that signs, with its CSRF token."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", f"/sign/{token}")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = (response.getheader("Set-Cookie") or "").split(";")[0]
    conn.close()
    csrf = CSRF.search(page)
    sha = re.search(r'name="pdf_sha256"\s+value="([0-9a-f]{64})"', page)
    fields = {"consent": "on", "full_name": name, "csrf_token": csrf.group(1) if csrf else ""}
    if sha:
        fields["pdf_sha256"] = sha.group(1)
    body = urllib.parse.urlencode(fields).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    return ("POST", f"/sign/{token}", body, headers)


def report(label: str, result: LoadResult, floor: LoadResult | None = None, note: str = "") -> None:
    ratio = f"  ratio {result.rps / floor.rps:5.2f}× of bare" if floor else ""
    print(
        f"  {label:<30}{result.rps:8.1f} req/s  p50 {result.percentile(0.5) * 1000:7.1f} ms  "
        f"p95 {result.percentile(0.95) * 1000:7.1f} ms  errors {len(result.errors)}{ratio}  {note}"
    )


def run(database_url: str | None, label: str, rate: float, seconds: float) -> None:
    work = Path(tempfile.mkdtemp(prefix="cosigne-bench-sign-"))
    port = _free_port()
    env = dict(
        os.environ,
        COSIGNE_ENV="production",
        COSIGNE_SECRET_KEY=hashlib.sha256(os.urandom(32)).hexdigest(),
        COSIGNE_DATA_DIR=str(work / "data"),
        COSIGNE_BASE_URL=f"http://127.0.0.1:{port}",
    )
    seal = ensure_dev_seal(work / "seal")  # production refuses to start without a seal
    env["COSIGNE_SEAL_P12"] = str(seal.p12_path)
    env["COSIGNE_SEAL_PASSPHRASE"] = (seal.passphrase or b"").decode()
    if database_url:
        env["COSIGNE_DATABASE_URL"] = database_url
    posts = int(rate * seconds)
    invitations = _prepare(env, documents=posts // 3 + 20, work=work)
    print(f"\nsigning page on {label} (gunicorn, 2 workers, {len(invitations)} links)")
    with gunicorn(env, port):
        readers = itertools.cycle([token for token, _ in invitations[posts:]])
        bare = closed_loop(
            "127.0.0.1", port, lambda: ("GET", "/healthz", None, {}), workers=8, seconds=seconds
        )
        page = closed_loop(
            "127.0.0.1",
            port,
            lambda: ("GET", f"/sign/{next(readers)}", None, {}),
            workers=8,
            seconds=seconds,
        )
        report("bare route GET /healthz", bare)
        report("signing page GET", page, bare, "target ≥ 0.5×")
        forms = iter([_form(port, token, name) for token, name in invitations[:posts]])
        signed = open_loop("127.0.0.1", port, forms, rate=rate, count=posts)
        report(f"signing POST at {rate:g}/s", signed, None, "target p95 < 300 ms, no error")
        if signed.errors:
            print(f"    first errors: {signed.errors[:3]}")


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
    run(None, "SQLite", rate=50, seconds=10)
    with postgres_database() as url:
        if url:
            run(url, "PostgreSQL", rate=200, seconds=10)
        else:
            print("\n(PostgreSQL injoignable : mesure sautée)")


if __name__ == "__main__":
    main()
