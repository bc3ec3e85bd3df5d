"""Fixtures of the tests that drive a served app on a frozen clock (the follow-up's pages and
API): `app`, served on both databases with the real converter, and `ctx`, the operations'
context on the same database and clock; `school`, its `head` Anne Leroy and her logged-in
`client`, for the modules that need no other. The test module defines `clock` (its own day)
and imports these, as it imports the database fixtures of `db`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from factories import FrozenClock, logged_in, make_school, make_user, serving_app
from flask import Flask
from flask.testing import FlaskClient

from service.accounts.models import School, User
from service.context import Context
from signing.pdf.convert import ConverterPool


@pytest.fixture
def app(
    database,
    database_url: str,
    clock: FrozenClock,
    converter: ConverterPool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Flask]:
    app = serving_app(database_url, tmp_path, monkeypatch, clock=clock, converter=converter)
    yield app
    app.extensions["cosigne.db"].dispose()


@pytest.fixture
def ctx(app: Flask, converter: ConverterPool, clock: FrozenClock) -> Context:
    return Context(
        db=app.extensions["cosigne.db"],
        settings=app.config["COSIGNE"],
        converter=lambda: converter,
        clock=clock,
    )


@pytest.fixture
def school(ctx: Context) -> School:
    return make_school(ctx.db)


@pytest.fixture
def head(ctx: Context, school: School) -> User:
    """The school's head, Anne Leroy, logged in by `client`."""
    return make_user(
        ctx.db, school, role="head", first_name="Anne", last_name="Leroy", session_version="v1"
    )


@pytest.fixture
def client(app: Flask, head: User) -> FlaskClient:
    return logged_in(app, head)
