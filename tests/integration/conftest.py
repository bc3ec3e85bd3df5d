"""Fixtures of the integration tests: the real databases of tests/db.py, for every module here."""

from __future__ import annotations

from db import database, database_url, postgres_server, postgres_url
from smtp import smtp_server, smtp_server_session

__all__ = [
    "database",
    "database_url",
    "postgres_server",
    "postgres_url",
    "smtp_server",
    "smtp_server_session",
]
