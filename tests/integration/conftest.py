"""Fixtures of the integration tests: the real databases of tests/db.py, for every module here."""

from __future__ import annotations

from db import database, database_url, postgres_server, postgres_url

__all__ = ["database", "database_url", "postgres_server", "postgres_url"]
