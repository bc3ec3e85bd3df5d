#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on 127.0.0.1:5432 for the tests: install Debian's
# server when missing, start its cluster when stopped, and let local connections in without a
# password (a test machine only). Does nothing when COSIGNE_TEST_POSTGRES_URL points elsewhere.
set -euo pipefail
if [ -n "${COSIGNE_TEST_POSTGRES_URL:-}" ]; then
  exit 0
fi
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
ready && exit 0
if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
  echo "Installation de PostgreSQL"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql
fi
version=$(ls /etc/postgresql | sort -V | tail -n 1)
hba="/etc/postgresql/$version/main/pg_hba.conf"
if ! $sudo grep -q "cosigne-tests" "$hba"; then
  # Trust local connections, as the tests' throwaway databases expect.
  $sudo sed -i '1i host all all 127.0.0.1/32 trust # cosigne-tests\nlocal all all trust # cosigne-tests' "$hba"
fi
$sudo pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
for _ in $(seq 1 60); do
  ready && exit 0
  sleep 0.5
done
echo "PostgreSQL ne répond pas sur 127.0.0.1:5432" >&2
exit 1
