#!/usr/bin/env bash
# Installs what the browser tests and `make assets` need: Debian's Chromium
# (driven headless by playwright-core; no browser is downloaded from
# anywhere else) and the npm packages pinned in web/package-lock.json.
#
# Usage: scripts/browser.sh install     (idempotent; quick when all is there)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
log() { printf 'browser: %s\n' "$*" >&2; }

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

case ${1:-} in
install)
    install_chromium
    install_npm
    ;;
*)
    echo "usage: $0 install" >&2
    exit 2
    ;;
esac
