package ingest_test

import (
	"context"
	"os/exec"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

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

// TestNeo4jKilledMidImportStoresEveryCallOnce imports a million call
// records into Neo4j, kills Neo4j with SIGKILL a fifth of the way in and
// starts it again, and requires the import to finish on its own with
// exactly a million calls stored.
func TestNeo4jKilledMidImportStoresEveryCallOnce(t *testing.T) {
	const n = 1_000_000
	s := MustNeo4j(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()

	var done atomic.Int64
	restarted := make(chan error, 1)
	var once atomic.Bool
	start := time.Now()
	totals, err := ingest.Run(ctx, s, &ingest.SyntheticCalls{N: n}, ingest.Options{
		Logger: zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel),
		Checkpoint: func(line int, _ int64, tot ingest.Totals) error {
			done.Store(int64(tot.Records))
			if tot.Records >= n/5 && once.CompareAndSwap(false, true) {
				go func() {
					t.Logf("killing Neo4j after %d records (%s)", tot.Records, time.Since(start).Round(time.Second))
					out, err := exec.Command("../scripts/services.sh", "restart-neo4j", "--hard").CombinedOutput()
					if err != nil {
						t.Logf("restart output: %s", out)
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
		t.Fatal("Neo4j was never restarted")
	}
	if err := <-restarted; err != nil {
		t.Fatalf("restarting Neo4j: %v", err)
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
	t.Logf("%d calls stored exactly once in %s across a Neo4j kill and restart", calls, time.Since(start).Round(time.Second))
}
