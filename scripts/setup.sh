#!/usr/bin/env bash
# Install everything Cosigne needs on a Debian 12 / Ubuntu machine, idempotently:
# system packages (LibreOffice, its Python bridge, fonts, PDF tools) and a virtual
# environment on the system's Python, so that LibreOffice's `uno` module loads in it.
# Usage: scripts/setup.sh [--test]   (--test adds what the test suite needs)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

packages=(
  libreoffice-writer-nogui python3-uno python3-venv
  fonts-liberation2 fonts-dejavu-core fonts-noto-core fonts-wqy-microhei fonts-symbola
  qpdf poppler-utils
)
# The browser tests drive Debian's Chromium through Playwright (never `playwright install`);
# curl fetches axe-core for their accessibility checks (below).
if [ "$want_test" = 1 ]; then packages+=(chromium curl ca-certificates); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installation des paquets système : ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The venv must be on the system's Python: python3-uno is built for it.
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.base_prefix != "/usr")'; then
  rm -rf .venv
  /usr/bin/python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
if [ "$want_test" = 1 ]; then
  .venv/bin/python -m pip install -q -e '.[test]'
else
  .venv/bin/python -m pip install -q -e .
fi

# The signer's pages and mails in their language (issue 14 §8): compile the gettext catalogues
# (service/translations/<lang>/LC_MESSAGES/messages.po → .mo; the .mo are also committed, so a
# checkout without this step still speaks every language).
.venv/bin/pybabel compile -d service/translations >/dev/null

# Reach LibreOffice's `uno` module without the whole system site-packages (which would shadow
# the venv's own packages): a folder with only uno.py and unohelper.py, plus LibreOffice's
# program folder for pyuno.so.
site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
bridge=.venv/uno-bridge
mkdir -p "$bridge"
ln -sf /usr/lib/python3/dist-packages/uno.py "$bridge/uno.py"
ln -sf /usr/lib/python3/dist-packages/unohelper.py "$bridge/unohelper.py"
printf '%s\n%s\n' "$(pwd)/$bridge" /usr/lib/libreoffice/program > "$site/cosigne-uno.pth"
.venv/bin/python -c 'import uno' || { echo "Le module uno de LibreOffice ne se charge pas." >&2; exit 1; }

# `git diff` shows a template's clauses as text (.gitattributes names the driver).
if [ -d .git ] && command -v git >/dev/null; then
  git config diff.docx.textconv ".venv/bin/python scripts/docx_text.py"
fi

# The browser tests' accessibility checks inject axe-core (npm registry, a pinned version whose
# tarball must match the registry's sha512) into the pages: no node needed.
if [ "$want_test" = 1 ]; then
  AXE_VERSION=4.14.1
  AXE_SHA512=FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==
  axe_dir=.test-tools/axe-core
  if [ "$(cat "$axe_dir/VERSION" 2>/dev/null)" != "$AXE_VERSION" ]; then
    echo "Installation d'axe-core $AXE_VERSION dans $axe_dir"
    axe_tmp=$(mktemp -d)
    curl -fsSL --retry 3 -o "$axe_tmp/axe-core.tgz" \
      "https://registry.npmjs.org/axe-core/-/axe-core-$AXE_VERSION.tgz"
    expected=$(echo "$AXE_SHA512" | base64 -d | od -An -v -tx1 | tr -d ' \n')
    if [ "$(sha512sum "$axe_tmp/axe-core.tgz" | cut -d' ' -f1)" != "$expected" ]; then
      echo "L'archive d'axe-core $AXE_VERSION ne correspond pas à son empreinte sha512." >&2
      rm -rf "$axe_tmp"
      exit 1
    fi
    tar xzf "$axe_tmp/axe-core.tgz" -C "$axe_tmp" package/axe.min.js package/LICENSE
    rm -rf "$axe_dir"
    mkdir -p "$axe_dir"
    cp "$axe_tmp/package/axe.min.js" "$axe_tmp/package/LICENSE" "$axe_dir/"
    echo "$AXE_VERSION" > "$axe_dir/VERSION"
    rm -rf "$axe_tmp"
  fi
fi
