package ingest_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/scamgraph/scamgraph/embeddedstore/embeddedtest"
	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
)

// MustRun imports from dec and returns the totals and every result.
func MustRun(t testing.TB, s intel.Store, dec ingest.Decoder, opts ingest.Options) (ingest.Totals, []ingest.Result) {
	t.Helper()
	var results []ingest.Result
	totals, err := ingest.Run(context.Background(), s, dec, opts, func(r ingest.Result) error {
		results = append(results, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return totals, results
}

func TestRunStoresEveryRecordOnceAndReplayIsDuplicate(t *testing.T) {
	s := embeddedtest.Open(t)
	const n = 5000
	totals, results := MustRun(t, s, &ingest.SyntheticCalls{N: n}, ingest.Options{BatchSize: 700})
	if totals.Accepted != n || totals.Records != n || totals.Batches != 8 {
		t.Fatalf("first run %+v", totals)
	}
	for i, r := range results {
		if r.Line != i+1 {
			t.Fatalf("result %d is for line %d: results must keep input order", i, r.Line)
		}
	}
	_, links := s.Counts()
	if links != n {
		t.Fatalf("%d links stored, want %d", links, n)
	}
	again, _ := MustRun(t, s, &ingest.SyntheticCalls{N: n}, ingest.Options{BatchSize: 1000})
	if again.Duplicate != n || again.Accepted != 0 {
		t.Errorf("replay %+v, want all %d duplicate", again, n)
	}
	if _, links := s.Counts(); links != n {
		t.Errorf("replay changed the link count to %d", links)
	}
}

func TestRunRejectsBadRecordsAndWritesTheRest(t *testing.T) {
	s := embeddedtest.Open(t)
	good := ingest.SyntheticCall(1)
	badNumber := ingest.SyntheticCall(2)
	badNumber.Callee = "not a number"
	badConfidence := ingest.SyntheticCall(3)
	two := 2.0
	badConfidence.Confidence = &two
	resent := ingest.SyntheticCall(1)
	totals, results := MustRun(t, s, ingest.NewSliceDecoder([]ingest.Record{good, badNumber, badConfidence, resent}), ingest.Options{})
	want := []ingest.Status{ingest.StatusAccepted, ingest.StatusRejected, ingest.StatusRejected, ingest.StatusDuplicate}
	for i, r := range results {
		if r.Status != want[i] {
			t.Errorf("record %d: %s (%s %s), want %s", i, r.Status, r.Field, r.Reason, want[i])
		}
	}
	if results[1].Field != "callee" || results[2].Field != "confidence" || results[1].Code != "BAD_USER_INPUT" {
		t.Errorf("rejections name %q and %q", results[1].Field, results[2].Field)
	}
	if totals.Accepted != 1 || totals.Rejected != 2 || totals.Duplicate != 1 {
		t.Errorf("totals %+v", totals)
	}
	if _, links := s.Counts(); links != 1 {
		t.Errorf("%d links stored, want only the good record's", links)
	}
}

// downStore is a store whose writes fail the way a store that stays
// unavailable past its retry budget does, counting the attempts.
type downStore struct {
	intel.Store
	attempts atomic.Int32
}

func (d *downStore) Upsert(ctx context.Context, b intel.Batch) (intel.UpsertResult, error) {
	d.attempts.Add(1)
	return intel.UpsertResult{}, intel.Unavailable(errors.New("connection refused"))
}

// TestRunStopsOnAnUnavailableStoreWithoutRetrying: the pipeline retries
// nothing itself (the store has spent its own budget before it says
// UNAVAILABLE), so one batch costs one write attempt, the run stops with
// the store's error and code, and nothing is reported as done.
func TestRunStopsOnAnUnavailableStoreWithoutRetrying(t *testing.T) {
	s := &downStore{Store: embeddedtest.Open(t)}
	var reported int
	totals, err := ingest.Run(context.Background(), s, &ingest.SyntheticCalls{N: 500}, ingest.Options{BatchSize: 1000},
		func(ingest.Result) error { reported++; return nil })
	if intel.ErrorCode(err) != intel.EUNAVAILABLE {
		t.Fatalf("run ended with %v, want the store's EUNAVAILABLE", err)
	}
	if n := s.attempts.Load(); n != 1 {
		t.Errorf("%d write attempts for one batch, want exactly 1", n)
	}
	if reported != 0 || totals.Accepted != 0 {
		t.Errorf("%d results reported, totals %+v, for a batch that was never written", reported, totals)
	}
}

func TestRunCheckpointsEveryDurableBatch(t *testing.T) {
	s := embeddedtest.Open(t)
	var lines []int
	MustRun(t, s, &ingest.SyntheticCalls{N: 2500}, ingest.Options{BatchSize: 1000,
		Checkpoint: func(line int, _ int64, _ ingest.Totals) error { lines = append(lines, line); return nil }})
	if len(lines) != 3 || lines[0] != 1000 || lines[1] != 2000 || lines[2] != 2500 {
		t.Errorf("checkpoints at %v, want [1000 2000 2500]", lines)
	}
}

func TestRunSplitsBatchesLargerThanTheStoreTakes(t *testing.T) {
	s := embeddedtest.Open(t)
	// 4,000 calls make 12,000 items, over intel.MaxBatchItems.
	totals, _ := MustRun(t, s, &ingest.SyntheticCalls{N: 4000}, ingest.Options{BatchSize: 4000})
	if totals.Accepted != 4000 || totals.Batches != 1 {
		t.Fatalf("totals %+v", totals)
	}
	if _, links := s.Counts(); links != 4000 {
		t.Errorf("%d links stored, want 4000", links)
	}
}

// writeOnly is a store whose reads fail the test: what Options.Reads
// must keep the duplicate check away from.
type writeOnly struct {
	intel.Store
	t *testing.T
}

func (w writeOnly) GetLinks(context.Context, []string) (map[string]intel.Link, error) {
	w.t.Error("the duplicate check read links from the store written to, not Options.Reads")
	return nil, nil
}

func (w writeOnly) GetEntities(context.Context, []string) (map[string]intel.Entity, error) {
	w.t.Error("the duplicate check read entities from the store written to, not Options.Reads")
	return nil, nil
}

// The import command writes through the Redis cache but reads beneath it
// (Options.Reads): the duplicate check must read only from Reads and still
// see what the writes stored.
func TestRunReadsForDuplicatesFromOptionsReads(t *testing.T) {
	s := embeddedtest.Open(t)
	const n = 3000
	opts := ingest.Options{BatchSize: 400, Reads: s}
	first, _ := MustRun(t, writeOnly{Store: s, t: t}, &ingest.SyntheticCalls{N: n}, opts)
	if first.Accepted != n {
		t.Fatalf("first run %+v", first)
	}
	again, _ := MustRun(t, writeOnly{Store: s, t: t}, &ingest.SyntheticCalls{N: n}, opts)
	if again.Duplicate != n || again.Accepted != 0 {
		t.Errorf("replay %+v, want all %d duplicate: the reads missed the writes", again, n)
	}
	if _, links := s.Counts(); links != n {
		t.Errorf("%d links stored, want %d", links, n)
	}
}
