// Package neo4jtest opens the Neo4j of `make services` for the tests of
// other packages, the way every one of them needs it: emptied, and failing
// (never skipping) when NEO4J_URI is not set.
package neo4jtest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/neo4jstore"
)

// Open opens the Neo4j named by NEO4J_URI (with NEO4J_USER and
// NEO4J_PASSWORD when set), wipes its graph, and closes it when the test
// ends. The registry beside the graph is left alone (see DeleteAll).
func Open(t testing.TB) *neo4jstore.Store {
	t.Helper()
	uri := os.Getenv("NEO4J_URI")
	if uri == "" {
		t.Fatal("NEO4J_URI is not set: run `make test`, or `make services` and export what it prints")
	}
	// A large graph left by an earlier suite makes the first wipe slow.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	s, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: uri, Username: os.Getenv("NEO4J_USER"), Password: os.Getenv("NEO4J_PASSWORD")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.DeleteAll(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}
