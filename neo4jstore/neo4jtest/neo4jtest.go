// Package neo4jtest opens the Neo4j of `make services` for the tests of
// other packages, the way every one of them needs it: emptied, in the
// database NEO4J_DATABASE names, and failing when NEO4J_URI is not set
// while services are required (servicetest).
package neo4jtest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/neo4jstore"
	"github.com/scamgraph/scamgraph/servicetest"
)

// Open opens the Neo4j named by NEO4J_URI (with NEO4J_USER,
// NEO4J_PASSWORD and NEO4J_DATABASE when set), wipes its graph, and closes
// it when the test ends. The registry beside the graph is left alone (see
// DeleteAll).
func Open(t testing.TB) *neo4jstore.Store {
	t.Helper()
	cfg := Config(t)
	// A large graph left by an earlier suite makes the first wipe slow.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	s, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.DeleteAll(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// Reopen opens the Neo4j the environment names over what it holds, on a
// driver of its own, without wiping anything: what a restarted service
// sees. The store closes when the test ends.
func Reopen(t testing.TB) *neo4jstore.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := neo4jstore.Open(ctx, Config(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Config is the store configuration the environment names: NEO4J_URI,
// NEO4J_USER, NEO4J_PASSWORD and NEO4J_DATABASE. Every test and benchmark
// that opens Neo4j takes it from here, so that all of them honour the
// database and the credentials. Without NEO4J_URI the test skips, or fails
// when services are required (servicetest).
func Config(t testing.TB) neo4jstore.Config {
	t.Helper()
	return neo4jstore.Config{URI: servicetest.Env(t, "NEO4J_URI"), Username: os.Getenv("NEO4J_USER"),
		Password: os.Getenv("NEO4J_PASSWORD"), Database: os.Getenv("NEO4J_DATABASE")}
}

// Configured reports whether NEO4J_URI names a Neo4j, for a test that runs
// over every backend and leaves Neo4j out when it is not configured; it
// fails when services are required and there is none.
func Configured(t testing.TB) bool {
	t.Helper()
	_, ok := servicetest.Lookup(t, "NEO4J_URI")
	return ok
}
