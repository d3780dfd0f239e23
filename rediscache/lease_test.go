package rediscache_test

import (
	"sync"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/rediscache"
)

// TestStampedeSharesOneStoreRead sends 50 concurrent reads of the same
// uncached ids (in either order) and checks that they share a store read.
// The store read is held until every reader has missed, so that all of them
// are waiting while it runs.
func TestStampedeSharesOneStoreRead(t *testing.T) {
	onEveryStore(t, func(t *testing.T, open storeOpener) {
		const readers = 50
		obs := &countingObserver{}
		c := MustCache(t, open, rediscache.Options{Observer: obs})
		a, b := phone("+66811111111"), phone("+66822222222")
		mustUpsert(t, c, intel.Batch{Entities: []intel.Entity{a, b}})

		c.inner.Hold(func(op string) {
			if op != "GetEntities" {
				return
			}
			for obs.Count("miss", "GetEntities") < 2*readers {
				time.Sleep(time.Millisecond)
			}
			// Every reader has missed; give the last ones a moment to join
			// the flight before it ends.
			time.Sleep(20 * time.Millisecond)
		})
		var start, wg sync.WaitGroup
		start.Add(1)
		for i := 0; i < readers; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				ids := []string{a.ID, b.ID}
				if i%2 == 1 {
					ids = []string{b.ID, a.ID}
				}
				start.Wait()
				got, err := c.GetEntities(ctxFor(t), ids)
				if err != nil || len(got) != 2 || got[a.ID].Key != a.Key || got[b.ID].Key != b.Key {
					t.Errorf("reader %d: %v, %v", i, got, err)
				}
			}(i)
		}
		start.Done()
		wg.Wait()
		c.inner.Hold(nil)
		// One flight is the design; a reader the scheduler delays past the
		// end of that flight may start a second. Without singleflight there
		// would be up to 50.
		if n := c.inner.Calls("GetEntities"); n < 1 || n > 2 {
			t.Errorf("%d concurrent misses cost %d store reads, want 1", readers, n)
		} else {
			t.Logf("%d concurrent misses cost %d store read(s)", readers, n)
		}
		calls := c.inner.Calls("GetEntities")
		mustGet(t, c, a.ID, b.ID)
		if c.inner.Calls("GetEntities") != calls {
			t.Error("the shared read did not fill the cache")
		}
	})
}
