package rediscache_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

var base = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)

func phone(e164 string) intel.Entity {
	return intel.Entity{ID: intel.EntityID(intel.KindPhoneNumber, e164), Kind: intel.KindPhoneNumber, Key: e164}
}

// call is a CALLED link between two phone numbers, observed hour hours
// after base.
func call(from, to string, hour int, key string) intel.Link {
	l := intel.Link{Type: intel.LinkCalled, From: phone(from).ID, To: phone(to).ID, EventKey: key,
		Provenance: intel.Provenance{Agency: "TH-CIB", Country: intel.RegionTH, EvidenceRef: "CASE-1",
			Confidence: 0.9, LegalBasis: "TH-KH MOU 2022", Visibility: intel.VisibilityShareable}}
	l.ObservedAt = base.Add(time.Duration(hour) * time.Hour)
	l.Attrs = map[string]string{"durationSec": "60"}
	l.Normalize()
	return l
}

func ctxFor(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func mustUpsert(t testing.TB, s intel.Store, b intel.Batch) {
	t.Helper()
	if _, err := s.Upsert(ctxFor(t), b); err != nil {
		t.Fatalf("Upsert: %v", err)
	}
}

func mustGet(t testing.TB, s intel.Store, ids ...string) map[string]intel.Entity {
	t.Helper()
	got, err := s.GetEntities(ctxFor(t), ids)
	if err != nil {
		t.Fatalf("GetEntities: %v", err)
	}
	return got
}

// countingObserver counts cache events by kind and op.
type countingObserver struct {
	mu     sync.Mutex
	counts map[string]int
}

func (o *countingObserver) add(kind, op string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.counts == nil {
		o.counts = map[string]int{}
	}
	o.counts[kind+" "+op]++
}

func (o *countingObserver) CacheHit(op string)   { o.add("hit", op) }
func (o *countingObserver) CacheMiss(op string)  { o.add("miss", op) }
func (o *countingObserver) CacheError(op string) { o.add("error", op) }

// Count returns how many events of kind ("hit", "miss" or "error") were
// seen for op, or for every op when op is "".
func (o *countingObserver) Count(kind, op string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for k, v := range o.counts {
		if k == kind+" "+op || (op == "" && strings.HasPrefix(k, kind+" ")) {
			n += v
		}
	}
	return n
}

// logBuffer collects log lines from concurrent writers.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// Lines returns the lines logged so far.
func (b *logBuffer) Lines() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := strings.TrimSpace(b.buf.String())
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
