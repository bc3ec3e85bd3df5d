"""Fixtures of the browser tests: the real app served over HTTP, Debian's Chromium through
Playwright, desktop and phone-sized pages, screenshots.

- `live_server`: the app (COSIGNE_ENV=test, a fresh migrated SQLite database, the frozen-free real
  clock) served by werkzeug on 127.0.0.1 and a free port, in a thread, for one test. It has
  ``.url`` (``http://127.0.0.1:<port>``, also the app's COSIGNE_BASE_URL, so mailed links work),
  ``.app`` and ``.db``. Mail is not sent: read it from the outbox table through ``.db``.
- `live_converter`: request it to issue documents; it lends the run's warm LibreOffice
  (`converter` of tests/conftest.py) to the live app.
- `chromium`: one browser for the run, /usr/bin/chromium (``apt-get install chromium``; never
  ``playwright install``). Missing, it skips, except under CI=true where it fails.
- `page`: a desktop page (1280×800, French); `phone_page`: a phone (390×844, touch, mobile).
- `screenshot(page, "step")`: saves ``test-artifacts/<test>-<step>.png`` (gitignored).
"""

from __future__ import annotations

import os
import re
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from service import create_app, migrations
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
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 15_000


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: Flask
    db: Database


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def live_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("COSIGNE_ENV", "test")
    monkeypatch.setenv("COSIGNE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COSIGNE_DATABASE_URL", f"sqlite:///{tmp_path / 'cosigne.sqlite3'}")
    monkeypatch.setenv("COSIGNE_BASE_URL", url)
    for name in ("COSIGNE_SECRET_KEY", "COSIGNE_SECRET_KEY_FALLBACKS", "COSIGNE_SMTP_HOST"):
        monkeypatch.delenv(name, raising=False)
    app = create_app()
    db: Database = app.extensions["cosigne.db"]
    migrations.upgrade(db)
    server: BaseWSGIServer = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=url, app=app, db=db)
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


@pytest.fixture
def phone_page(chromium) -> Iterator[object]:
    """A phone-sized page: touch, mobile viewport (an iPhone 12-like screen)."""
    yield from _page(
        chromium,
        viewport={"width": 390, "height": 844},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
    )


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
