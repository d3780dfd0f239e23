package access

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// groupRecords records the groups of audit entries committed to it. Only
// AppendAudits is implemented: the batcher calls nothing else.
type groupRecords struct {
	Records
	mu     sync.Mutex
	groups [][]string
}

func (r *groupRecords) AppendAudits(_ context.Context, entries []AuditEntry) ([]AuditEntry, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ids []string
	for _, e := range entries {
		ids = append(ids, e.RequestID)
	}
	r.groups = append(r.groups, ids)
	return entries, nil
}

func (r *groupRecords) committed() [][]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.groups)
}

// batchUnderTest is a batcher whose bound on a gather never expires by
// itself: gathering is told on the channel, and the test ends a gather
// by closing expire.
type batchUnderTest struct {
	*auditBatcher
	rec       *groupRecords
	gathering chan struct{}
	expire    chan time.Time
}

func newBatchUnderTest() *batchUnderTest {
	t := &batchUnderTest{rec: &groupRecords{}, gathering: make(chan struct{}, 16), expire: make(chan time.Time)}
	t.auditBatcher = newAuditBatcher(t.rec)
	t.gatherWait = func(d time.Duration) (<-chan time.Time, func() bool) {
		if d != maxAuditGather {
			panic(fmt.Sprintf("gather bound %v, want %v", d, maxAuditGather))
		}
		t.gathering <- struct{}{}
		return t.expire, func() bool { return true }
	}
	return t
}

// appendAsync appends an entry of request id and reports on the returned
// channel once it is durable.
func (b *batchUnderTest) appendAsync(t *testing.T, id string) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := b.append(context.Background(), AuditEntry{RequestID: id}); err != nil {
			t.Error(err)
		}
	}()
	return done
}

// waitGathering returns once the batcher gathers, and fails the test if
// the entry was committed without a gather.
func (b *batchUnderTest) waitGathering(t *testing.T, first <-chan struct{}) {
	t.Helper()
	select {
	case <-b.gathering:
	case <-first:
		t.Fatalf("committed %v without waiting for the requests in flight", b.rec.committed())
	}
}

func wantGroups(t *testing.T, got [][]string, want ...[]string) {
	t.Helper()
	for _, g := range got {
		slices.Sort(g)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("groups committed %v, want %v", got, want)
	}
}

// TestAuditGroupCommitsALoneEntryAtOnce: with no other request in flight,
// an entry is committed without waiting for anyone.
func TestAuditGroupCommitsALoneEntryAtOnce(t *testing.T) {
	for _, inflight := range []int{0, 1, 2} {
		b := newBatchUnderTest()
		for range inflight {
			defer b.expect()(false)
		}
		<-b.appendAsync(t, "r1")
		if len(b.gathering) != 0 {
			t.Fatalf("%d in flight: the lone entry waited for others", inflight)
		}
		wantGroups(t, b.rec.committed(), []string{"r1"})
	}
}

// TestAuditGroupWaitsForHalfOfTheRequestsInFlight: with four requests in
// flight, the first entry waits; the second makes the group half of them,
// and both are committed in one write.
func TestAuditGroupWaitsForHalfOfTheRequestsInFlight(t *testing.T) {
	b := newBatchUnderTest()
	for range 4 {
		defer b.expect()(true)
	}
	first := b.appendAsync(t, "r1")
	b.waitGathering(t, first)
	if got := b.rec.committed(); len(got) != 0 {
		t.Fatalf("committed %v while gathering", got)
	}
	second := b.appendAsync(t, "r2")
	<-first
	<-second
	wantGroups(t, b.rec.committed(), []string{"r1", "r2"})
}

// TestAuditGroupStopsWaitingForRequestsThatEnd: requests that end without
// an entry are no longer waited for.
func TestAuditGroupStopsWaitingForRequestsThatEnd(t *testing.T) {
	b := newBatchUnderTest()
	ends := []func(bool){b.expect(), b.expect(), b.expect(), b.expect()}
	ends[0](true) // ending twice counts once
	first := b.appendAsync(t, "r1")
	b.waitGathering(t, first)
	ends[0](true)
	ends[1](true)
	<-first
	wantGroups(t, b.rec.committed(), []string{"r1"})
	ends[2](true)
	ends[3](true)
	if b.inflight != 0 {
		t.Fatalf("%d requests still counted in flight after all ended", b.inflight)
	}
}

// TestAuditGroupWaitsBoundedly: when the requests in flight send nothing,
// the bound ends the gather and the entry is committed alone.
func TestAuditGroupWaitsBoundedly(t *testing.T) {
	b := newBatchUnderTest()
	for range 8 {
		defer b.expect()(true)
	}
	first := b.appendAsync(t, "r1")
	b.waitGathering(t, first)
	close(b.expire)
	<-first
	wantGroups(t, b.rec.committed(), []string{"r1"})
}

// TestAuditGroupExpectsEntriesOnlyFromTheShareThatLeavesThem: once most
// requests end without an entry (domestic reads), a cross-border read's
// entry among many requests in flight is committed without waiting for
// entries that will not come; once most leave one again, it waits.
func TestAuditGroupExpectsEntriesOnlyFromTheShareThatLeavesThem(t *testing.T) {
	b := newBatchUnderTest()
	for range 4 * shareWindow {
		b.expect()(false)
	}
	for range 8 {
		defer b.expect()(true)
	}
	<-b.appendAsync(t, "r1")
	if len(b.gathering) != 0 {
		t.Fatalf("waited for entries from requests that mostly leave none (share %.2f)", b.share)
	}
	for range 4 * shareWindow {
		b.expect()(true)
	}
	second := b.appendAsync(t, "r2")
	b.waitGathering(t, second)
	close(b.expire)
	<-second
	wantGroups(t, b.rec.committed(), []string{"r1"}, []string{"r2"})
}
