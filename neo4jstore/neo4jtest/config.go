package neo4jtest

import (
	"testing"

	"github.com/scamgraph/scamgraph/neo4jstore"
)

// Config is the store configuration the environment names (NEO4J_URI,
// NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE), for a test that opens a
// store of its own with settings of its own (a longer retry budget, say).
// It fails the test when NEO4J_URI is not set.
func Config(t testing.TB) neo4jstore.Config {
	t.Helper()
	return config(t)
}
