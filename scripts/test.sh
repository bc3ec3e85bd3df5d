#!/usr/bin/env bash
# Set up (idempotently) everything the tests need, then run the linters and the whole suite.
# The suite runs on SQLite and on PostgreSQL (COSIGNE_TEST_POSTGRES_URL, default
# postgresql://postgres@127.0.0.1:5432/postgres); PostgreSQL is installed and started when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
scripts/start_postgres.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
exec .venv/bin/pytest "$@"
