"""Fixtures of the browser tests: the real app served over HTTP, Debian's Chromium through
Playwright, desktop and phone-sized pages, screenshots.

- `live_server`: the app (COSIGNE_ENV=test, a fresh migrated SQLite database, the frozen-free real
  clock) served by werkzeug on 127.0.0.1 and a free port, in a thread, for one test. It has
  ``.url`` (``http://127.0.0.1:<port>``, also the app's COSIGNE_BASE_URL, so mailed links work),
  ``.app``, ``.db`` and ``.smtp``: the app's COSIGNE_SMTP_* point at the aiosmtpd server of
  tests/smtp.py. Mail waits in the outbox until the test calls ``.deliver_mail()``, one pass of
  `cosigne worker` (the real delivery over SMTP); read it then with ``.smtp.wait_for(n)``.
- `live_converter`: request it to issue documents; it lends the run's warm LibreOffice
  (`converter` of tests/conftest.py) to the live app.
- `chromium`: one browser for the run, /usr/bin/chromium (``apt-get install chromium``; never
  ``playwright install``). Missing, it skips, except under CI=true where it fails.
- `page`: a desktop page (1280×800, French); `phone_page`: a phone (390×844, touch, mobile).
- `phone_pages()`: one more phone page, with its own cookies (one per signer).
- `screenshot(page, "step")`: saves ``test-artifacts/<test>-<step>.png`` (gitignored).
- `head`: the school's head, with the password ``browser_steps.PASSWORD``.
- `accessibility`: ``accessibility.check(page, "name")`` runs axe-core (npm, pinned, installed by
  ``scripts/setup.sh --test`` into ``.test-tools/``) on the page as it is; ``.assert_clean()``
  fails with every violation of impact "serious" or "critical" seen, page by page. Missing
  axe-core, it skips, except under CI=true where it fails.
"""

from __future__ import annotations

import json
import os
import re
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser_steps import make_head
from flask import Flask
from smtp import SmtpServer, smtp_server, smtp_server_session
from werkzeug.serving import BaseWSGIServer, make_server

from service import create_app, migrations
from service.accounts.models import User
from service.cli.worker import PassReport, run_pass
from service.context import Context
from service.converter import converter
from service.db import Database

CHROMIUM = Path(os.environ.get("COSIGNE_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE = Path(os.environ.get("COSIGNE_TEST_AXE", ROOT / ".test-tools" / "axe-core" / "axe.min.js"))
SERIOUS = ("serious", "critical")
TIMEOUT_MS = 15_000

__all__ = ["smtp_server", "smtp_server_session"]  # the SMTP fixtures, for live_server


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: Flask
    db: Database
    smtp: SmtpServer

    def deliver_mail(self) -> PassReport:
        """One pass of `cosigne worker` without the timed jobs: every message due goes out over
        SMTP to `smtp`, as in production. Fails the test if a message could not be sent."""
        with self.app.app_context():
            ctx = Context(db=self.db, settings=self.app.config["COSIGNE"], converter=converter)
            report = run_pass(ctx, jobs=False)
        if report.errors or report.delivery.failed or report.delivery.abandoned:
            pytest.fail(f"le travailleur n'a pas tout envoyé : {report.summary()}")
        return report


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def live_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, smtp_server: SmtpServer
) -> Iterator[LiveServer]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("COSIGNE_ENV", "test")
    monkeypatch.setenv("COSIGNE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COSIGNE_DATABASE_URL", f"sqlite:///{tmp_path / 'cosigne.sqlite3'}")
    monkeypatch.setenv("COSIGNE_BASE_URL", url)
    for name, value in smtp_server.env.items():
        monkeypatch.setenv(name, value)
    for name in (
        "COSIGNE_SECRET_KEY",
        "COSIGNE_SECRET_KEY_FALLBACKS",
        "COSIGNE_TRAIL_KEY",
        "COSIGNE_TRAIL_KEY_FALLBACKS",
        "COSIGNE_SMTP_USERNAME",
        "COSIGNE_SMTP_PASSWORD",
        "COSIGNE_MAIL_FROM",
        "COSIGNE_TSA_URL",
        "COSIGNE_TSA_URLS",
        "COSIGNE_TSA_ROOTS",
    ):
        monkeypatch.delenv(name, raising=False)
    app = create_app()
    db: Database = app.extensions["cosigne.db"]
    migrations.upgrade(db)
    server: BaseWSGIServer = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=url, app=app, db=db, smtp=smtp_server)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        db.dispose()


@pytest.fixture
def live_converter(live_server: LiveServer, converter):
    """The run's warm LibreOffice, lent to the live app (so issuing works in the browser)."""
    live_server.app.extensions["cosigne.converter"] = converter
    return converter


@pytest.fixture
def chromium() -> Iterator[object]:
    """A browser per test: Playwright's sync API runs an asyncio loop on the main thread while
    it lives, and a loop left running would break later tests that seal (pyHanko uses
    ``asyncio.run``)."""
    if not CHROMIUM.exists():
        reason = (
            f"Chromium manque ({CHROMIUM}) : apt-get install chromium (scripts/setup.sh --test)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _page(chromium, **options) -> Iterator[object]:
    context = chromium.new_context(locale="fr-FR", timezone_id="Europe/Paris", **options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(chromium) -> Iterator[object]:
    """A desktop browser page of its own (its own cookies)."""
    yield from _page(chromium, viewport={"width": 1280, "height": 800})


PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
"""An iPhone 12-like screen: touch, mobile viewport."""


@pytest.fixture
def phone_page(chromium) -> Iterator[object]:
    """A phone-sized page (`PHONE`)."""
    yield from _page(chromium, **PHONE)


@pytest.fixture
def phone_pages(chromium) -> Iterator[Callable[[], object]]:
    """`phone_pages()`: a new phone-sized page in a context of its own, closed after the test."""
    opened: list[Iterator[object]] = []

    def open_page() -> object:
        pages = _page(chromium, **PHONE)
        opened.append(pages)
        return next(pages)

    yield open_page
    for pages in opened:
        next(pages, None)  # runs the generator's cleanup: the context closes


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[object, str], Path]:
    """`screenshot(page, "step")` saves a full-page PNG in test-artifacts/ and returns its path."""
    test = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")

    def take(page, step: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{test}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


class Accessibility:
    """axe-core's findings, page by page, kept until `assert_clean`."""

    def __init__(self, source: str) -> None:
        self._source = source
        self.findings: dict[str, list[dict[str, object]]] = {}

    def check(self, page, where: str) -> list[dict[str, object]]:
        """Run axe-core on `page` as it is now; keep and return its serious or critical
        violations under the name `where`."""
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            # Through DevTools, as an extension would: the pages' CSP allows only their own
            # scripts, and must stay as it is for the test to mean something.
            page.evaluate(self._source)
        results = page.evaluate(
            "async () => JSON.stringify(await axe.run(document, {resultTypes: ['violations']}))"
        )
        violations = [v for v in json.loads(results)["violations"] if v.get("impact") in SERIOUS]
        self.findings[where] = violations
        return violations

    def report(self, names: Iterable[str] | None = None) -> str:
        """The violations of the pages `names` (all when None), one block per rule."""
        lines: list[str] = []
        for where, violations in self.findings.items():
            if names is not None and where not in names:
                continue
            for v in violations:
                lines.append(f"[{where}] {v['id']} ({v['impact']}) : {v['help']} — {v['helpUrl']}")
                for node in v["nodes"]:  # type: ignore[attr-defined]
                    target = " ".join(str(t) for t in node["target"])
                    summary = " ".join(str(node.get("failureSummary", "")).split())
                    lines.append(f"    {target} : {summary}")
        return "\n".join(lines)

    def assert_clean(self, names: Iterable[str] | None = None) -> None:
        names = list(names) if names is not None else None
        text = self.report(names)
        assert not text, "Violations d'accessibilité graves (axe-core) :\n" + text


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        reason = f"axe-core manque ({AXE}) : scripts/setup.sh --test l'installe"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return AXE.read_text("utf-8")


@pytest.fixture
def accessibility(axe_source: str) -> Accessibility:
    return Accessibility(axe_source)


@pytest.fixture
def head(live_server: LiveServer) -> User:
    """The school's head, who logs in with `browser_steps.PASSWORD`."""
    return make_head(live_server)
