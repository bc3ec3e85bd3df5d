#!/usr/bin/env bash
# Set up (idempotently) and run Cosigne on its embedded defaults: SQLite and files in ./var,
# mail written to ./var/outbox. Address: http://127.0.0.1:5000
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export COSIGNE_ENV="${COSIGNE_ENV:-development}"
.venv/bin/cosigne db upgrade
exec .venv/bin/cosigne run --host 127.0.0.1 --port "${COSIGNE_PORT:-5000}"
