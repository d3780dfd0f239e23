// Package servicetest decides, in one place, what a test does when a
// service it needs (Neo4j, Redis) is not configured. `make test` and CI set
// SCAMGRAPH_REQUIRE_SERVICES=1 and start the services: there a missing one
// fails the test, so a suite can never pass by not running. Without that
// variable (`make test-unit`, a bare `go test ./...`) a test that needs a
// service skips, saying which, and every test that needs none runs.
// A service that is configured but unreachable always fails: that is never
// the quick loop's doing.
package servicetest

import (
	"os"
	"os/exec"
	"testing"
)

// RequireEnv is the variable that turns a missing service from a skip into
// a failure.
const RequireEnv = "SCAMGRAPH_REQUIRE_SERVICES"

// Required reports whether this run must have every service.
func Required() bool { return os.Getenv(RequireEnv) == "1" }

// Env returns the value of the environment variable that names a service
// (NEO4J_URI, REDIS_URL). When it is not set, the test fails if services
// are required and skips otherwise.
func Env(t testing.TB, name string) string {
	t.Helper()
	v, ok := Lookup(t, name)
	if !ok {
		t.Skipf("%s is not set; this test needs the service (make test starts it)", name)
	}
	return v
}

// Lookup is Env for a test that also has work without the service, such as
// a suite run over every backend: it reports false instead of skipping,
// and logs what is left out. It still fails when services are required.
func Lookup(t testing.TB, name string) (string, bool) {
	t.Helper()
	v := os.Getenv(name)
	if v != "" {
		return v, true
	}
	if Required() {
		t.Fatalf("%s is not set but %s=1: run `make test`, or `make services` and export what it prints", name, RequireEnv)
	}
	t.Logf("%s is not set: the parts that need it are left out (make test runs them)", name)
	return "", false
}

// Binary returns the path of a service's program (redis-server) for a test
// that runs its own instance, with the same rule when it is not installed.
func Binary(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if Required() {
		t.Fatalf("%s is not installed but %s=1: %v", name, RequireEnv, err)
	}
	t.Skipf("%s is not installed; this test runs its own (make test needs it)", name)
	return ""
}

// Missing is the same rule for a tool a test needs beside the services
// (Chromium, the npm packages, Python with NetworkX) that scripts install:
// the test fails when services are required and skips otherwise, saying
// what is missing and how to get it.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if Required() {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}
