"""The app's warm LibreOffice pool: one per process, started on first use, stopped at exit."""

from __future__ import annotations

import atexit
import threading

from flask import Flask, current_app

from service.settings import Settings
from signing.pdf.convert import ConverterPool, ConverterSettings

_EXTENSION = "cosigne.converter"
_lock = threading.Lock()


def init_app(app: Flask) -> None:
    app.extensions[_EXTENSION] = None  # created lazily: the factory starts no process


def converter() -> ConverterPool:
    """The current app's converter pool, created on first use."""
    app = current_app
    with _lock:
        pool: ConverterPool | None = app.extensions.get(_EXTENSION)
        if pool is None:
            settings: Settings = app.config["COSIGNE"]
            pool = ConverterPool(
                ConverterSettings(
                    work_dir=settings.data_dir / "libreoffice",
                    processes=settings.converter_processes,
                    timeout=settings.conversion_timeout,
                    soffice=settings.soffice,
                )
            )
            app.extensions[_EXTENSION] = pool
            atexit.register(pool.close)
    return pool
