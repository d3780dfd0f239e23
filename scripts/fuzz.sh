#!/usr/bin/env bash
# Runs every Go fuzz target of the module (each func Fuzz* in a _test.go
# file) for FUZZTIME each (default 30s), one after another, and prints the
# executions each made. A failure stops the run with go test's report and
# the failing input written under the package's testdata/fuzz, where it
# stays as a regression input. make fuzz runs it long; make test runs it for
# a few seconds a target, after the seed corpora have run as plain tests.
# FUZZ, a regular expression, picks targets by name.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
fuzztime=${FUZZTIME:-30s}
pick=${FUZZ:-.}
go=${GO:-go}
total=0
while IFS=: read -r file name; do
    [[ $name =~ $pick ]] || continue
    pkg=$(dirname "$file")
    out=$("$go" test -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" "$pkg" 2>&1) || {
        echo "$out" >&2
        echo "fuzz: $name in $pkg failed" >&2
        exit 1
    }
    # The last progress line carries the executions of the whole run.
    execs=$(grep -oE 'execs: [0-9]+' <<<"$out" | tail -n1 | grep -oE '[0-9]+' || echo 0)
    total=$((total + execs))
    # go test reports executions as its workers hand them in, so a short run
    # shows fewer than ran: the figure is a lower bound.
    printf 'fuzz: %-24s %-12s at least %9s executions in %s, 0 failures\n' "$name" "$pkg" "$execs" "$fuzztime"
done < <(grep -rhoE --include='*_test.go' '^func Fuzz[A-Za-z0-9_]+' . --exclude-dir=.services --exclude-dir=node_modules -l |
    xargs grep -oE '^func Fuzz[A-Za-z0-9_]+' -H | sed 's/func //' | sort)
echo "fuzz: at least $total executions in all, 0 failures"
