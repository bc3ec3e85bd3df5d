"""Fixtures shared by every test: example data, a frozen reference date, the warm converter."""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tsa import LocalTsa, start_local_tsa

from signing.data.schema import example_school
from signing.errors import ConverterUnavailable
from signing.kinds import spec_of
from signing.pdf.convert import ConverterPool, ConverterSettings

TODAY = date(2026, 11, 28)
"""The reference date of every test (the issue date of the example documents)."""


def _example(name: str) -> dict[str, Any]:
    """An example of ``signing``: ``school.json`` (the school) or ``<kind>.json`` (a request)."""
    stem = name.removesuffix(".json")
    return example_school() if stem == "school" else spec_of(stem).example


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def school() -> dict[str, Any]:
    return _example("school.json")


@pytest.fixture
def make_request():
    """A factory of API request bodies: `make_request("convention", pupil_minor=False)`."""

    def make(kind: str = "parcours", *, pupil_minor: bool = True, **changes: Any) -> dict[str, Any]:
        body = copy.deepcopy(_example(f"{kind}.json"))
        data = body["data"]
        if not pupil_minor:
            data["pupil"]["birth_date"] = "2007-01-15"
        for path, value in changes.items():
            target = data
            *parents, leaf = path.split("__")
            for part in parents:
                target = target[int(part)] if isinstance(target, list) else target[part]
            if isinstance(target, list):
                target[int(leaf)] = value
            else:
                target[leaf] = value
        return body

    return make


@pytest.fixture(scope="session")
def converter(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConverterPool]:
    """One warm LibreOffice for the whole run. Under CI=true a missing LibreOffice fails."""
    work_dir: Path = tmp_path_factory.mktemp("libreoffice")
    pool = ConverterPool(ConverterSettings(work_dir=work_dir, timeout=120))
    try:
        pool.warm_up()
    except ConverterUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"LibreOffice manque sur la machine de CI : {exc}")
        pytest.skip(str(exc))
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def local_tsa() -> Iterator[LocalTsa]:
    """A real RFC 3161 timestamp authority on 127.0.0.1 (tests/tsa.py), for the whole run;
    a test that stops it must start it again. Stopped at the end."""
    tsa = start_local_tsa()
    yield tsa
    tsa.stop()


@pytest.fixture
def tsa_up(local_tsa: LocalTsa) -> Iterator[LocalTsa]:
    """The local authority, answering when the test starts and again when it ends."""
    local_tsa.start()
    yield local_tsa
    local_tsa.start()
