package neo4jstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/conformance"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/neo4jstore"
	"github.com/scamgraph/scamgraph/neo4jstore/neo4jtest"
)

var (
	shared     *neo4jstore.Store
	sharedErr  error
	sharedOnce sync.Once
)

// MustStore returns the test run's one store against the Neo4j named by
// NEO4J_URI (`make services` starts one). A run that cannot reach Neo4j
// fails; without NEO4J_URI the test skips unless services are required
// (servicetest), so CI can never pass without it.
func MustStore(t testing.TB) *neo4jstore.Store {
	t.Helper()
	cfg := neo4jtest.Config(t)
	sharedOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		shared, sharedErr = neo4jstore.Open(ctx, cfg)
	})
	if sharedErr != nil {
		t.Fatalf("open Neo4j at %s: %v", cfg.URI, sharedErr)
	}
	return shared
}

// MustEmpty wipes the database for a check that needs an empty graph.
func MustEmpty(t testing.TB) *neo4jstore.Store {
	t.Helper()
	s := MustStore(t)
	// Generous: the first wipe may follow a suite that left a large graph.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := s.DeleteAll(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// keepOpen lets the suite "close" a check's store without closing the
// driver every later check shares.
type keepOpen struct{ *neo4jstore.Store }

func (keepOpen) Close() error { return nil }

func TestConformance(t *testing.T) {
	MustStore(t) // without Neo4j, fail or skip once, not in every check
	conformance.Run(t, conformance.Harness{
		New: func(t *testing.T) intel.Store { return keepOpen{MustEmpty(t)} },
		Reopen: func(t *testing.T, _ intel.Store) intel.Store {
			// A new driver and connection pool: what a restarted service sees.
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			s, err := neo4jstore.Open(ctx, neo4jtest.Config(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
	})
}

func BenchmarkStore(b *testing.B) {
	conformance.Bench(b, func(b *testing.B) intel.Store { return keepOpen{MustEmpty(b)} })
}
