package rediscache_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/rediscache"
)

func TestWriteInvalidates(t *testing.T) {
	onEveryStore(t, func(t *testing.T, open storeOpener) {
		c := MustCache(t, open, rediscache.Options{})
		a := phone("+66812345678")
		a.Attrs = map[string]string{"carrier": "AIS"}
		mustUpsert(t, c, intel.Batch{Entities: []intel.Entity{a}})

		t.Run("EntityChange", func(t *testing.T) {
			if got := mustGet(t, c, a.ID)[a.ID]; got.Attrs["carrier"] != "AIS" {
				t.Fatalf("first read: %+v", got)
			}
			if n, _ := c.client.Exists(ctxFor(t), c.Key("e", a.ID)).Result(); n != 1 {
				t.Fatal("the first read did not fill the cache")
			}
			changed := a
			changed.Attrs = map[string]string{"carrier": "TRUE"}
			mustUpsert(t, c, intel.Batch{Entities: []intel.Entity{changed}})
			if got := mustGet(t, c, a.ID)[a.ID]; got.Attrs["carrier"] != "TRUE" {
				t.Errorf("GetEntities after the write: %+v", got)
			}
			if got, err := c.FindEntity(ctxFor(t), a.Kind, a.Key); err != nil || got.Attrs["carrier"] != "TRUE" {
				t.Errorf("FindEntity after the write: %+v, %v", got, err)
			}
		})

		t.Run("LinkChangesSummariesAndStubEnds", func(t *testing.T) {
			b := phone("+855123456789")
			sums, err := c.Summaries(ctxFor(t), []string{a.ID, b.ID})
			if err != nil || sums[a.ID].LinkCount != 0 || len(sums) != 1 {
				t.Fatalf("summaries before the link: %+v, %v", sums, err)
			}
			l := call(a.Key, b.Key, 1, "cdr-1")
			mustUpsert(t, c, intel.Batch{Links: []intel.Link{l}})
			sums, err = c.Summaries(ctxFor(t), []string{a.ID, b.ID})
			if err != nil || sums[a.ID].LinkCount != 1 || sums[b.ID].LinkCount != 1 {
				t.Errorf("summaries after the link: %+v, %v", sums, err)
			}
			if got := mustGet(t, c, b.ID); got[b.ID].Key != b.Key {
				t.Errorf("the stub end is not visible: %v", got)
			}
		})

		t.Run("LinkResent", func(t *testing.T) {
			l := call(a.Key, "+66822222222", 2, "cdr-2")
			mustUpsert(t, c, intel.Batch{Links: []intel.Link{l}})
			if got, err := c.GetLinks(ctxFor(t), []string{l.ID}); err != nil || got[l.ID].Attrs["durationSec"] != "60" {
				t.Fatalf("first read: %+v, %v", got, err)
			}
			// A resend without an id: the cache must work out the id the
			// store gives the link to find its key.
			resent := call(a.Key, "+66822222222", 2, "cdr-2")
			resent.ID = ""
			resent.Attrs = map[string]string{"durationSec": "75"}
			mustUpsert(t, c, intel.Batch{Links: []intel.Link{resent}})
			if got, err := c.GetLinks(ctxFor(t), []string{l.ID}); err != nil || got[l.ID].Attrs["durationSec"] != "75" {
				t.Errorf("after the resend: %+v, %v", got, err)
			}
		})
	})
}

// holdFirstRead pauses the first inner read of op after it has read the
// store and before it returns, which is the moment of the classic
// cache-aside race. It returns a channel closed once that read is paused
// and a function that lets it go on.
func holdFirstRead(c cache, op string) (held <-chan struct{}, release func()) {
	h, r := make(chan struct{}), make(chan struct{})
	// Not a sync.Once: a second read must pass straight through while the
	// first is held, and Once.Do would make it wait for the first.
	var first atomic.Bool
	c.inner.Hold(func(got string) {
		if got == op && first.CompareAndSwap(false, true) {
			close(h)
			<-r
		}
	})
	var releaseOnce sync.Once
	return h, func() { releaseOnce.Do(func() { close(r) }) }
}

// TestSlowFillAfterWriteIsDropped plays the race that leases defeat: a
// reader misses, reads the old value from the store, and only tries to
// cache it after a writer has committed a new value and invalidated.
func TestSlowFillAfterWriteIsDropped(t *testing.T) {
	onEveryStore(t, func(t *testing.T, open storeOpener) {
		c := MustCache(t, open, rediscache.Options{})
		e := phone("+66812345678")
		e.Attrs = map[string]string{"carrier": "AIS"}
		mustUpsert(t, c, intel.Batch{Entities: []intel.Entity{e}})

		held, release := holdFirstRead(c, "GetEntities")
		t.Cleanup(release)
		done := make(chan map[string]intel.Entity, 1)
		go func() {
			got, err := c.GetEntities(ctxFor(t), []string{e.ID})
			if err != nil {
				t.Error(err)
			}
			done <- got
		}()
		<-held
		raw, err := c.client.Get(ctxFor(t), c.Key("e", e.ID)).Result()
		if err != nil || !strings.HasPrefix(raw, "~") {
			t.Fatalf("while the reader reads the store its key holds %q (%v), want its lease", raw, err)
		}
		if ttl, err := c.client.PTTL(ctxFor(t), c.Key("e", e.ID)).Result(); err != nil || ttl <= 0 || ttl > rediscache.DefaultLeaseTTL {
			t.Errorf("lease expiry %v (%v), want within %v", ttl, err, rediscache.DefaultLeaseTTL)
		}

		changed := e
		changed.Attrs = map[string]string{"carrier": "TRUE"}
		mustUpsert(t, c, intel.Batch{Entities: []intel.Entity{changed}})
		release()
		old := <-done
		t.Logf("the slow reader, which started before the write, answered carrier=%s", old[e.ID].Attrs["carrier"])

		if err := c.client.Get(ctxFor(t), c.Key("e", e.ID)).Err(); err != redis.Nil {
			t.Errorf("the slow reader's fill landed after the write's invalidation (GET: %v)", err)
		}
		if got := mustGet(t, c, e.ID)[e.ID]; got.Attrs["carrier"] != "TRUE" {
			t.Errorf("read after the write: %+v", got)
		}
		if got := mustGet(t, c, e.ID)[e.ID]; got.Attrs["carrier"] != "TRUE" {
			t.Errorf("cached read after the write: %+v", got)
		}
	})
}

// TestReadAfterWriteDoesNotJoinOlderFlight checks that a read starting
// after Upsert returned does not share the store read of a flight that
// began before the write (which would hand it the old value).
func TestReadAfterWriteDoesNotJoinOlderFlight(t *testing.T) {
	onEveryStore(t, func(t *testing.T, open storeOpener) {
		c := MustCache(t, open, rediscache.Options{})
		e := phone("+66812345678")
		e.Attrs = map[string]string{"carrier": "AIS"}
		mustUpsert(t, c, intel.Batch{Entities: []intel.Entity{e}})

		held, release := holdFirstRead(c, "GetEntities")
		t.Cleanup(release)
		done := make(chan struct{})
		go func() {
			defer close(done)
			if _, err := c.GetEntities(ctxFor(t), []string{e.ID}); err != nil {
				t.Error(err)
			}
		}()
		<-held
		changed := e
		changed.Attrs = map[string]string{"carrier": "TRUE"}
		mustUpsert(t, c, intel.Batch{Entities: []intel.Entity{changed}})
		// Were this read to join the held flight, it would wait for it (until
		// this deadline) and then get the old value; it must do neither.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		got, err := c.GetEntities(ctx, []string{e.ID})
		if err != nil || got[e.ID].Attrs["carrier"] != "TRUE" {
			t.Errorf("read after the write, during an older flight: %+v, %v", got, err)
		}
		release()
		<-done
		if got := mustGet(t, c, e.ID)[e.ID]; got.Attrs["carrier"] != "TRUE" {
			t.Errorf("once the older flight ended: %+v", got)
		}
	})
}

func TestRejectedBatchLeavesCacheAlone(t *testing.T) {
	onEveryStore(t, func(t *testing.T, open storeOpener) {
		c := MustCache(t, open, rediscache.Options{})
		e := phone("+66812345678")
		mustUpsert(t, c, intel.Batch{Entities: []intel.Entity{e}})
		mustGet(t, c, e.ID)
		bad := call(e.Key, "+66822222222", 1, "cdr-1")
		bad.Confidence = 2
		if _, err := c.Upsert(ctxFor(t), intel.Batch{Entities: []intel.Entity{e}, Links: []intel.Link{bad}}); intel.ErrorCode(err) != intel.EINVALID {
			t.Fatalf("invalid batch: %v", err)
		}
		if n, _ := c.client.Exists(ctxFor(t), c.Key("e", e.ID)).Result(); n != 1 {
			t.Error("a batch the store rejected deleted cached values")
		}
	})
}
