package neo4jstore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/neo4jstore"
)

// cliqueBatch is n phone numbers that have all called each other: a graph
// in which the paths of up to ten hops from one number run to billions.
func cliqueBatch(n int) intel.Batch {
	var b intel.Batch
	ids := make([]string, n)
	for i := range n {
		e := intel.Entity{Kind: intel.KindPhoneNumber, Key: fmt.Sprintf("+668%08d", i)}
		e.ID = intel.EntityID(e.Kind, e.Key)
		ids[i] = e.ID
		b.Entities = append(b.Entities, e)
	}
	at := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	for i := range n {
		for j := i + 1; j < n; j++ {
			l := intel.Link{Type: intel.LinkCalled, From: ids[i], To: ids[j], EventKey: fmt.Sprintf("clique-%d-%d", i, j),
				Provenance: intel.Provenance{Agency: "TH-CIB", Country: intel.RegionTH, Confidence: 0.9, EvidenceRef: "CIB-1",
					Visibility: intel.VisibilityShareable, ObservedAt: at}}
			b.Links = append(b.Links, l)
		}
	}
	return b
}

// runaway counts every path of up to ten hops from one number of the
// clique: a traversal no store method asks for, and one that would run for
// hours.
const runaway = `MATCH p = (a:Entity {id: $id})-[*1..10]-(b) RETURN count(p)`

// TestRunawayTraversalIsCutByTheTransactionTimeout runs a runaway
// traversal through the store's own read path with a one-second
// transaction timeout and a request deadline of a minute: Neo4j ends it
// (not the deadline), the error is a timeout (TIMEOUT to a client), and it
// is not retried.
func TestRunawayTraversalIsCutByTheTransactionTimeout(t *testing.T) {
	MustEmpty(t)
	var retries atomic.Int64
	s, err := neo4jstore.Open(context.Background(), neo4jstore.Config{URI: os.Getenv("NEO4J_URI"),
		Username: os.Getenv("NEO4J_USER"), Password: os.Getenv("NEO4J_PASSWORD"), TxTimeout: time.Second,
		OnRetry: func(error, int, time.Duration) { retries.Add(1) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b := cliqueBatch(40)
	if _, err := s.Upsert(ctx, b); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = neo4jstore.RunRead(ctx, s, runaway, map[string]any{"id": b.Entities[0].ID})
	took := time.Since(start)
	if err == nil {
		t.Fatal("the runaway traversal finished")
	}
	if ctx.Err() != nil {
		t.Fatalf("the request's deadline ended it, not the transaction timeout: %v", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) || intel.ClientCode(err) != intel.CodeTimeout {
		t.Errorf("error %v: client code %s, want %s", err, intel.ClientCode(err), intel.CodeTimeout)
	}
	if n := retries.Load(); n != 0 {
		t.Errorf("the timed-out transaction was retried %d times", n)
	}
	// The store still answers at once afterwards.
	if _, err := s.GetEntities(ctx, []string{b.Entities[0].ID}); err != nil {
		t.Errorf("a read after the timeout: %v", err)
	}
	t.Logf("runaway traversal over a %d-number clique cut after %s by a 1s transaction timeout, 0 retries, client code %s",
		len(b.Entities), took.Round(time.Millisecond), intel.ClientCode(err))
}
