#!/usr/bin/env bash
# Refresh the front-end files the pages serve, from the npm registry, into service/static/vendor.
# They are committed, so neither the service nor the tests need npm; run this to upgrade them.
set -euo pipefail
cd "$(dirname "$0")/.."
DSFR_VERSION=1.15.3
SIGNATURE_PAD_VERSION=5.1.4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@gouvfr/dsfr@$DSFR_VERSION" "signature_pad@$SIGNATURE_PAD_VERSION" >/dev/null)
mkdir -p "$work/dsfr" "$work/sp"
tar xzf "$work/gouvfr-dsfr-$DSFR_VERSION.tgz" -C "$work/dsfr"
tar xzf "$work/signature_pad-$SIGNATURE_PAD_VERSION.tgz" -C "$work/sp"
dest=service/static/vendor
rm -rf "$dest"
mkdir -p "$dest/dsfr/fonts" "$dest/dsfr/favicon" "$dest/signature_pad"
src="$work/dsfr/package/dist"
cp "$src"/dsfr.min.css "$src"/dsfr.module.min.js "$src"/dsfr.nomodule.min.js "$dest/dsfr/"
cp "$src"/fonts/*.woff2 "$src"/fonts/*.woff "$dest/dsfr/fonts/"
cp -r "$src"/favicon/. "$dest/dsfr/favicon/"
# Only the icons the stylesheet itself points to (the full set is several MB).
grep -o 'url(icons/[^)]*\.svg)' "$src/dsfr.min.css" | sed 's/^url(//; s/)$//' | sort -u |
  while read -r icon; do
    mkdir -p "$dest/dsfr/$(dirname "$icon")"
    cp "$src/$icon" "$dest/dsfr/$icon"
  done
cp "$work/dsfr/package/LICENSE.md" "$dest/dsfr/" 2>/dev/null || true
cp "$work/sp/package/dist/signature_pad.umd.min.js" "$dest/signature_pad/"
cp "$work/sp/package/LICENSE" "$dest/signature_pad/" 2>/dev/null || true
printf 'dsfr %s\nsignature_pad %s\n' "$DSFR_VERSION" "$SIGNATURE_PAD_VERSION" > "$dest/VERSIONS"
echo "Fichiers front-end mis à jour dans $dest"
