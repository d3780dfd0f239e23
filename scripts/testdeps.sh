#!/usr/bin/env bash
# Installs what the tests need beside the services (scripts/services.sh):
#   - Debian's Chromium with Thai and Khmer fonts, driven headless by
#     playwright-core (no browser is downloaded from anywhere else);
#   - the npm packages pinned in web/package-lock.json (playwright-core, and
#     what `make assets` bundles);
#   - a Python virtual environment with NetworkX, pinned in
#     export/exporttest/requirements.txt: the independent reader the export
#     tests check every GraphML, GEXF and Cytoscape file with.
#
# Usage: scripts/testdeps.sh install | python
#   install   install all of the above (idempotent; quick when all is there)
#   python    print the virtual environment's python, for the tests
#
# Settings (environment): SCAMGRAPH_STATE_DIR (default <repo>/.services)
# holds the virtual environment under pyenv/.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE_DIR=$(realpath -m "${SCAMGRAPH_STATE_DIR:-$ROOT/.services}")
VENV=$STATE_DIR/pyenv
REQUIREMENTS=$ROOT/export/exporttest/requirements.txt
log() { printf 'testdeps: %s\n' "$*" >&2; }

# Chromium, and fonts for Thai and Khmer so that the pages' screenshots show
# those scripts as the analysts see them rather than as boxes.
PACKAGES=(chromium fonts-thai-tlwg fonts-khmeros)

install_chromium() {
    local missing=() p
    for p in "${PACKAGES[@]}"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    if ((${#missing[@]} == 0)); then
        return
    fi
    log "installing ${missing[*]} from apt"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
}

install_npm() {
    command -v npm >/dev/null || { log "error: npm not found (Node 20 or later is needed)"; exit 1; }
    local stamp=$ROOT/web/node_modules/.package-lock.json
    # npm ci again only when the lockfile changed since the last install.
    if [[ -f $stamp && $stamp -nt $ROOT/web/package-lock.json ]]; then
        return
    fi
    log "installing the pinned npm packages (npm ci in web/)"
    (cd "$ROOT/web" && npm ci --no-audit --no-fund --loglevel=error >&2)
}

install_python() {
    command -v python3 >/dev/null || { log "error: python3 not found"; exit 1; }
    # A fresh venv only when the pinned requirements changed.
    if [[ -x $VENV/bin/python && $VENV/.installed -nt $REQUIREMENTS ]]; then
        return
    fi
    log "creating $VENV with $(tr '\n' ' ' <"$REQUIREMENTS")"
    rm -rf "$VENV"
    python3 -m venv "$VENV" >&2
    "$VENV/bin/pip" install -q --disable-pip-version-check -r "$REQUIREMENTS" >&2
    touch "$VENV/.installed"
}

case ${1:-} in
install)
    install_chromium
    install_npm
    install_python
    ;;
python)
    echo "$VENV/bin/python"
    ;;
*)
    echo "usage: $0 install | python" >&2
    exit 2
    ;;
esac
