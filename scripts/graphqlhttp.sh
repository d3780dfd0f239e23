#!/usr/bin/env bash
# Installs the pinned graphql-http audit suite (tests/graphqlhttp, locked by
# its package-lock.json) for server/httpaudit_test.go. It is idempotent and
# quick once installed: npm ci runs only when the lockfile is newer than the
# install. make test and .ci/run call it; Node.js and npm must be on PATH
# (.ci/run installs them from Debian when missing).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../tests/graphqlhttp"
command -v npm >/dev/null || { echo "graphqlhttp: npm not found; install Node.js (apt-get install nodejs npm)" >&2; exit 1; }
stamp=node_modules/.package-lock.json
if [[ ! -f $stamp || package-lock.json -nt $stamp ]]; then
    npm ci --no-audit --no-fund --loglevel=error
fi
