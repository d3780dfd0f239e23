// Package browsertest drives the pages the binary serves in a real browser:
// headless Debian Chromium through playwright-core (web/node_modules), over
// the real handler on loopback. The scripts under web/test do what a person
// would and print what they saw; the Go tests judge it. Like the suites that
// need Neo4j and Redis, they fail rather than skip when Chromium or the npm
// packages are missing: `scripts/testdeps.sh install` (run by `make test` and
// CI) brings both.
package browsertest
