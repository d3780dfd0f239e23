package access

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countingRead is a terms read that counts its calls and, until release is
// closed, blocks, so that a test can hold a read in flight.
type countingRead struct {
	calls   atomic.Int32
	release chan struct{}
}

func (r *countingRead) read(ctx context.Context, id string) (*termsDocs, error) {
	r.calls.Add(1)
	<-r.release
	return &termsDocs{rec: &keyRecord{Key: Key{ID: id}}}, nil
}

// TestTermsCacheSharesOneRead: concurrent misses of one key share one
// read of the backend, and the read is kept for the next request.
func TestTermsCacheSharesOneRead(t *testing.T) {
	c := newTermsCache(time.Minute)
	r := &countingRead{release: make(chan struct{})}
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.load(context.Background(), "k", r.read); err != nil {
				t.Error(err)
			}
		}()
	}
	for c.flightCount() == 0 {
		time.Sleep(time.Millisecond)
	}
	close(r.release)
	wg.Wait()
	if n := r.calls.Load(); n != 1 {
		t.Errorf("16 concurrent misses made %d reads, want 1", n)
	}
	if _, err := c.load(context.Background(), "k", r.read); err != nil || r.calls.Load() != 1 {
		t.Errorf("a hit read the backend again (%d reads, %v)", r.calls.Load(), err)
	}
}

// TestTermsCacheDropsAReadRacingAChange: a read that began before a change
// is not kept, so the next request reads afresh.
func TestTermsCacheDropsAReadRacingAChange(t *testing.T) {
	c := newTermsCache(time.Minute)
	r := &countingRead{release: make(chan struct{})}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := c.load(context.Background(), "k", r.read); err != nil {
			t.Error(err)
		}
	}()
	for c.flightCount() == 0 {
		time.Sleep(time.Millisecond)
	}
	c.invalidate()
	close(r.release)
	<-done
	if _, err := c.load(context.Background(), "k", r.read); err != nil || r.calls.Load() != 2 {
		t.Errorf("after a change, %d reads (%v); want the racing read dropped and a second read", r.calls.Load(), err)
	}
}

// TestTermsCacheRefreshesAhead: an entry past half its life is still
// served, and one background read replaces it; an entry past its life is
// never served.
func TestTermsCacheRefreshesAhead(t *testing.T) {
	ttl := 200 * time.Millisecond
	c := newTermsCache(ttl)
	r := &countingRead{release: make(chan struct{})}
	close(r.release)
	first, err := c.load(context.Background(), "k", r.read)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(ttl/2 + 10*time.Millisecond)
	for range 8 {
		if d, err := c.load(context.Background(), "k", r.read); err != nil || d != first {
			t.Fatalf("an entry within its life was not served (%v)", err)
		}
	}
	for c.flightCount() > 0 {
		time.Sleep(time.Millisecond)
	}
	if n := r.calls.Load(); n != 2 {
		t.Errorf("%d reads, want the first and one background refresh", n)
	}
	c.mu.Lock()
	e := c.entries["k"]
	c.mu.Unlock()
	if e == nil || e.docs == first {
		t.Error("the background read did not replace the entry")
	}
	c.mu.Lock()
	e.read = time.Now().Add(-ttl)
	c.mu.Unlock()
	if d, err := c.load(context.Background(), "k", r.read); err != nil || d == e.docs {
		t.Errorf("an entry past its life was served (%v)", err)
	}
}

// flightCount is how many shared reads are in flight (for tests).
func (c *termsCache) flightCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.flights)
}
