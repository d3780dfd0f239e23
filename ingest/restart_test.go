package ingest_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/neo4jstore"
	"github.com/scamgraph/scamgraph/neo4jstore/neo4jtest"
)

// MustNeo4j opens the Neo4j of `make services`, emptied, and empties it
// again when the test ends. There is no skip.
func MustNeo4j(t testing.TB) *neo4jstore.Store {
	t.Helper()
	s := neo4jtest.Open(t)
	// A million calls left behind would make the next suite's first wipe
	// the slow one; this test pays for its own.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		if err := s.DeleteAll(ctx); err != nil {
			t.Errorf("wiping after the test: %v", err)
		}
	})
	return s
}

// TestNeo4jKilledMidImportStoresEveryCallOnce imports call records into
// Neo4j, kills Neo4j with SIGKILL a fifth of the way in (while batches are
// being written) and starts it again, and requires the import to finish on
// its own with every call stored exactly once. The store retries each
// transaction for as long as an operator's import would (its RetryFor);
// the pipeline itself retries nothing.
func TestNeo4jKilledMidImportStoresEveryCallOnce(t *testing.T) {
	const n = 30_000
	MustNeo4j(t) // emptied now and after the test
	cfg := neo4jtest.Config(t)
	cfg.RetryFor = 3 * time.Minute
	var retries atomic.Int64
	cfg.OnRetry = func(error, int, time.Duration) { retries.Add(1) }
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	s, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	var done atomic.Int64
	restarted := make(chan error, 1)
	var once atomic.Bool
	start := time.Now()
	totals, err := ingest.Run(ctx, s, &ingest.SyntheticCalls{N: n}, ingest.Options{
		Checkpoint: func(line int, _ int64, tot ingest.Totals) error {
			done.Store(int64(tot.Records))
			if tot.Records >= n/5 && once.CompareAndSwap(false, true) {
				// Killed here, with later batches in flight; started again
				// while the import keeps trying.
				t.Logf("killing Neo4j after %d records (%s)", tot.Records, time.Since(start).Round(time.Second))
				if out, err := exec.Command("../scripts/services.sh", "stop-neo4j", "--hard").CombinedOutput(); err != nil {
					return fmt.Errorf("killing Neo4j: %v: %s", err, out)
				}
				go func() {
					// Recovery after a kill can be slow on a busy machine;
					// the store's budget (RetryFor) waits longer still.
					start := exec.Command("../scripts/services.sh", "start-neo4j")
					start.Env = append(os.Environ(), "NEO4J_START_TIMEOUT=170")
					out, err := start.CombinedOutput()
					if err != nil {
						t.Logf("start output: %s", out)
					}
					restarted <- err
				}()
			}
			return nil
		},
	}, func(r ingest.Result) error {
		if r.Status == ingest.StatusRejected {
			t.Errorf("record at line %d rejected: %s %s", r.Line, r.Field, r.Reason)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("import failed after %d records: %v", done.Load(), err)
	}
	if !once.Load() {
		t.Fatal("Neo4j was never killed")
	}
	if err := <-restarted; err != nil {
		t.Fatalf("starting Neo4j again: %v", err)
	}
	if retries.Load() == 0 {
		t.Error("no transaction was retried: the kill hit nothing in flight")
	}
	if totals.Records != n || totals.Accepted != n {
		t.Errorf("totals %+v, want %d accepted", totals, n)
	}
	_, _, calls, err := s.Counts(ctx, intel.LinkCalled)
	if err != nil {
		t.Fatal(err)
	}
	if calls != n {
		t.Fatalf("%d CALLED links stored, want exactly %d", calls, n)
	}
	t.Logf("%d calls stored exactly once in %s across a Neo4j kill and restart (%d transactions retried)",
		calls, time.Since(start).Round(time.Second), retries.Load())
}
