package neo4jstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/embeddedstore/embeddedtest"
	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
)

// TestImportInBatchesMatchesRecordByRecord imports a random stream of call
// and subscriber records that keep resending, respelling and changing the
// same few facts, in batches whose duplicate checks overlap the previous
// batch's write, and requires every record's status and the final graph
// to be what writing the records one at a time gives. It runs into Neo4j,
// and into an embedded store whose writes land late, so that each check
// surely reads the store before the previous batch is in it.
func TestImportInBatchesMatchesRecordByRecord(t *testing.T) {
	records := randomRecords(rand.New(rand.NewPCG(7, 9)), 240)
	ref := embeddedtest.Open(t)
	var want []ingest.Status
	for i, r := range records {
		_, results := mustImport(t, ref, []ingest.Record{r}, 1)
		if results[0].Status == ingest.StatusRejected {
			t.Fatalf("record %d rejected: %s %s", i, results[0].Field, results[0].Reason)
		}
		want = append(want, results[0].Status)
	}
	wantEntities, wantLinks := mustGraphOf(t, ref, records)
	if n := countOf(want, ingest.StatusDuplicate); n < len(records)/10 || n > len(records)*4/5 {
		t.Fatalf("%d of %d records are duplicates: the stream does not test both outcomes", n, len(records))
	}

	check := func(t *testing.T, s intel.Store, batchSize int) {
		_, results := mustImport(t, s, records, batchSize)
		for i, r := range results {
			if r.Status != want[i] {
				t.Errorf("record %d (line %d): %s, written one at a time %s", i, r.Line, r.Status, want[i])
			}
		}
		entities, links := mustGraphOf(t, s, records)
		gotE, gotL := withoutTimes(entities, links)
		wantE, wantL := withoutTimes(wantEntities, wantLinks)
		if !reflect.DeepEqual(gotE, wantE) || !reflect.DeepEqual(gotL, wantL) {
			t.Errorf("the graph differs from the one written record by record")
		}
	}
	t.Run("Neo4j", func(t *testing.T) {
		for _, size := range []int{2, 5} {
			check(t, MustEmpty(t), size)
		}
	})
	t.Run("LateWrites", func(t *testing.T) {
		for _, size := range []int{1, 2, 3, 7} {
			s, err := embeddedstore.Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			late := &lateWrites{Store: s}
			check(t, late, size)
			s.Close()
			if size == 1 && late.most != 2 {
				t.Errorf("at most %d writes ran at once, want 2 (batches that share nothing go together)", late.most)
			}
		}
	})
}

// lateWrites is a store whose writes land a moment after they are sent.
// It counts how many run at once.
type lateWrites struct {
	*embeddedstore.Store
	mu            sync.Mutex
	running, most int
}

func (s *lateWrites) Upsert(ctx context.Context, b intel.Batch) (intel.UpsertResult, error) {
	s.mu.Lock()
	s.running++
	s.most = max(s.most, s.running)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.running--
		s.mu.Unlock()
	}()
	time.Sleep(3 * time.Millisecond)
	return s.Store.Upsert(ctx, b)
}

// randomRecords draws records from a few numbers, spellings, times and
// people, so that most facts are sent several times, some unchanged and
// some with a new spelling, marker, duration, name or address. A third of
// the calls are between numbers of a larger pool instead, so that some
// batches share nothing with the batch before and are written alongside it.
func randomRecords(rng *rand.Rand, n int) []ingest.Record {
	callers := []string{"081-000-0001", "+66810000001", "081-000-0002", "+66 81 000 0002", "081-000-0003"}
	callees := []string{"091-000-0001", "+66910000001", "091-000-0002"}
	var out []ingest.Record
	for i := 0; i < n; i++ {
		r := ingest.Record{Agency: "TH-NBTC", Country: "TH", Visibility: "SHAREABLE"}
		if rng.IntN(3) == 0 {
			dur := 30
			r.Type, r.DurationSec = ingest.TypeCall, &dur
			r.Caller, r.Callee = fmt.Sprintf("082-000-%04d", rng.IntN(200)), fmt.Sprintf("092-000-%04d", rng.IntN(200))
			r.Start = "2024-03-01T00:00:00Z"
		} else if rng.IntN(3) > 0 {
			dur := pickFrom(rng, []int{30, 60})
			r.Type, r.Caller, r.Callee = ingest.TypeCall, pickFrom(rng, callers), pickFrom(rng, callees)
			r.Start = pickFrom(rng, []string{"2024-03-01T00:00:00Z", "2024-03-01T00:01:00Z"})
			r.DurationSec, r.CallerIDMarker = &dur, pickFrom(rng, []string{"", "", "+697"})
		} else {
			r.Type, r.Identifier = ingest.TypeSubscriber, pickFrom(rng, callers)
			r.DocumentType, r.DocumentNumber = "NATIONAL_ID", pickFrom(rng, []string{"1101700203451", "3101200456789"})
			r.Name, r.Address = pickFrom(rng, []string{"Somchai", "สมชาย"}), pickFrom(rng, []string{"", "Bangkok"})
			r.RegisteredAt = pickFrom(rng, []string{"2023-01-01", "2023-06-01"})
		}
		out = append(out, r)
	}
	return out
}

func mustImport(t *testing.T, s intel.Store, records []ingest.Record, batchSize int) (ingest.Totals, []ingest.Result) {
	t.Helper()
	var results []ingest.Result
	totals, err := ingest.Run(context.Background(), s, ingest.NewSliceDecoder(records), ingest.Options{BatchSize: batchSize},
		func(r ingest.Result) error {
			results = append(results, r)
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != len(records) {
		t.Fatalf("%d results for %d records", len(results), len(records))
	}
	return totals, results
}

// mustGraphOf reads every entity and link the records map to.
func mustGraphOf(t *testing.T, s intel.Store, records []ingest.Record) (map[string]intel.Entity, map[string]intel.Link) {
	t.Helper()
	var ids, linkIDs []string
	for _, r := range records {
		b, err := ingest.Map(r)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range b.Entities {
			ids = append(ids, e.ID)
		}
		for _, l := range b.Links {
			linkIDs = append(linkIDs, l.ID)
		}
	}
	return mustRead(t, s, ids, linkIDs)
}

func countOf[T comparable](s []T, v T) int {
	n := 0
	for _, x := range s {
		if x == v {
			n++
		}
	}
	return n
}
