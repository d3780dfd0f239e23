package neo4jstore_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/access/registrytest"
	"github.com/scamgraph/scamgraph/neo4jstore"
	"github.com/scamgraph/scamgraph/neo4jstore/neo4jtest"
)

// TestAccessRecordsConformance runs the registry's suite over Neo4j: each
// check on a wiped registry, a restart on a new driver and connection pool.
func TestAccessRecordsConformance(t *testing.T) {
	registrytest.Run(t, registrytest.Harness{
		Open: func(t *testing.T) access.Records { return neo4jtest.AccessRecords(t) },
		Reopen: func(t *testing.T, old access.Records) access.Records {
			old.Close()
			return neo4jtest.ReopenAccessRecords(t)
		},
	})
}

// TestConcurrentAuditAppendsTakeDistinctSequenceNumbers appends audit
// groups from two handles at once, as two replicas of the service on one
// Neo4j do, and requires every entry to be stored under its own sequence
// number, with none skipped: the counter is read under its lock.
func TestConcurrentAuditAppendsTakeDistinctSequenceNumbers(t *testing.T) {
	handles := []access.Records{neo4jtest.AccessRecords(t), neo4jtest.ReopenAccessRecords(t)}
	const writers, groups, size = 4, 10, 3
	var wg sync.WaitGroup
	errs := make(chan error, writers*len(handles))
	for w := 0; w < writers*len(handles); w++ {
		wg.Add(1)
		go func(rec access.Records, w int) {
			defer wg.Done()
			for g := 0; g < groups; g++ {
				batch := make([]access.AuditEntry, size)
				for i := range batch {
					batch[i] = access.AuditEntry{RequestID: fmt.Sprintf("w%d-g%d-%d", w, g, i), Operation: "query lookup",
						Kind: access.KindRead, Outcome: access.OutcomeOK, At: time.Now()}
				}
				stored, err := rec.AppendAudits(context.Background(), batch)
				if err != nil {
					errs <- err
					return
				}
				for i := 1; i < len(stored); i++ {
					if stored[i].Seq != stored[i-1].Seq+1 {
						errs <- fmt.Errorf("one group got sequence numbers %d then %d", stored[i-1].Seq, stored[i].Seq)
						return
					}
				}
			}
		}(handles[w%len(handles)], w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var seqs []int64
	ids := map[string]bool{}
	for after := int64(0); ; {
		page, err := handles[0].QueryAudit(context.Background(), access.AuditFilter{AfterSeq: after, Limit: access.MaxAuditLimit})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, e := range page {
			seqs = append(seqs, e.Seq)
			ids[e.RequestID] = true
		}
		after = page[len(page)-1].Seq
	}
	if want := writers * len(handles) * groups * size; len(seqs) != want || len(ids) != want {
		t.Fatalf("%d entries (%d distinct requests) stored, want %d", len(seqs), len(ids), want)
	}
	for i, s := range seqs {
		if s != int64(i+1) {
			t.Fatalf("entry %d has sequence number %d, want %d: numbers skipped or taken twice", i, s, i+1)
		}
	}
}

// TestRetriedAuditWritesAppendOnce runs an audit append and a registry
// commit a second time under the same token, as the driver does when the
// connection drops while the first attempt commits, and requires the
// retry to answer with what the first attempt stored: no second entry,
// and no version conflict with the commit's own write. An attempt under a
// new token still appends.
func TestRetriedAuditWritesAppendOnce(t *testing.T) {
	ctx := context.Background()
	rec := neo4jtest.AccessRecords(t)
	entries := []access.AuditEntry{
		{RequestID: "r-1", Operation: "query lookup", Kind: access.KindRead, Outcome: access.OutcomeOK, At: time.Now()},
		{RequestID: "r-2", Operation: "query lookup", Kind: access.KindRead, Outcome: access.OutcomeOK, At: time.Now()},
	}
	first, err := neo4jstore.AppendAuditsAttempt(ctx, rec, entries, "token-a", false)
	if err != nil {
		t.Fatal(err)
	}
	again, err := neo4jstore.AppendAuditsAttempt(ctx, rec, entries, "token-a", true)
	if err != nil {
		t.Fatal(err)
	}
	if again[0].Seq != first[0].Seq || again[1].Seq != first[1].Seq {
		t.Fatalf("the retried append answered seqs %d,%d, want the first attempt's %d,%d", again[0].Seq, again[1].Seq, first[0].Seq, first[1].Seq)
	}
	put := access.Put{Collection: "keys", ID: "k-1", Data: []byte(`{"id":"k-1"}`)}
	entry := access.AuditEntry{RequestID: "r-3", Operation: "createKey", Kind: access.KindAdmin, Outcome: access.OutcomeOK, At: time.Now()}
	committed, err := neo4jstore.CommitAttempt(ctx, rec, []access.Put{put}, &entry, "token-b", false)
	if err != nil {
		t.Fatal(err)
	}
	recommitted, err := neo4jstore.CommitAttempt(ctx, rec, []access.Put{put}, &entry, "token-b", true)
	if err != nil {
		t.Fatalf("the retried commit failed on its own first write: %v", err)
	}
	if recommitted.Seq != committed.Seq {
		t.Fatalf("the retried commit answered seq %d, want the first attempt's %d", recommitted.Seq, committed.Seq)
	}
	if _, err := neo4jstore.AppendAuditsAttempt(ctx, rec, entries[:1], "token-c", true); err != nil {
		t.Fatal(err)
	}
	all, err := rec.QueryAudit(ctx, access.AuditFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range all {
		ids = append(ids, e.RequestID)
	}
	if want := "r-1 r-2 r-3 r-1"; strings.Join(ids, " ") != want {
		t.Fatalf("the audit holds %q, want %q: each call's entries once", strings.Join(ids, " "), want)
	}
}
