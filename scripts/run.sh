#!/usr/bin/env bash
# Set up (idempotently) and run Cosigne on its embedded defaults: SQLite and files in ./var,
# mail written to ./var/outbox. Address: http://127.0.0.1:5000
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export COSIGNE_ENV="${COSIGNE_ENV:-development}"
port="${COSIGNE_PORT:-5000}"
export COSIGNE_BASE_URL="${COSIGNE_BASE_URL:-http://127.0.0.1:$port}"
.venv/bin/cosigne db upgrade
# A demo school, its head's account and sample documents; the credentials are printed each time.
if [ "$COSIGNE_ENV" = development ]; then
  .venv/bin/cosigne demo
fi
# The worker delivers the mail (to var/outbox as .eml files without an SMTP host), sends the
# reminders, expires late documents and finishes any finalization left over.
.venv/bin/cosigne worker &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM
.venv/bin/cosigne run --host 127.0.0.1 --port "$port"
