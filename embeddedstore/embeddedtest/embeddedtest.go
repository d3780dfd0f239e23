// Package embeddedtest opens embedded stores for tests, as neo4jtest does
// for Neo4j.
package embeddedtest

import (
	"testing"

	"github.com/scamgraph/scamgraph/embeddedstore"
)

// Open opens an empty embedded store in a directory of the test's own and
// closes it when the test ends.
func Open(t testing.TB) *embeddedstore.Store {
	t.Helper()
	s, err := embeddedstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
