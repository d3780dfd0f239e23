package rediscache_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/rediscache"
)

// fillAndExpiries fills n entities and returns the remaining lifetime of
// each cached value, and how long filling and reading back took: a value
// cached with lifetime d has between d minus that and d left when read, on
// any machine, so the bounds the tests check hold however slow it is.
func fillAndExpiries(t *testing.T, c cache, n int) (ttls []time.Duration, took time.Duration) {
	t.Helper()
	start := time.Now()
	var b intel.Batch
	ids := make([]string, n)
	for i := range ids {
		e := phone(fmt.Sprintf("+668100000%02d", i))
		b.Entities = append(b.Entities, e)
		ids[i] = e.ID
	}
	mustUpsert(t, c, b)
	mustGet(t, c, ids...)
	out := make([]time.Duration, n)
	for i, id := range ids {
		ttl, err := c.client.PTTL(ctxFor(t), c.Key("e", id)).Result()
		if err != nil {
			t.Fatal(err)
		}
		out[i] = ttl
	}
	return out, time.Since(start)
}

func TestTTLHasJitterWithinBounds(t *testing.T) {
	onEveryStore(t, func(t *testing.T, open storeOpener) {
		t.Run("Jitter", func(t *testing.T) {
			c := MustCache(t, open, rediscache.Options{TTL: time.Hour, Jitter: 0.5})
			lo, hi := time.Hour, time.Duration(0)
			ttls, slack := fillAndExpiries(t, c, 40)
			for _, ttl := range ttls {
				if ttl < 30*time.Minute-slack || ttl > time.Hour {
					t.Errorf("expiry %v outside [30m, 1h]", ttl)
				}
				lo, hi = min(lo, ttl), max(hi, ttl)
			}
			// 40 draws spread over 30 minutes are never all within a minute
			// of each other, unless the expiry is not drawn at random.
			if hi-lo < time.Minute {
				t.Errorf("expiries span only %v: no jitter", hi-lo)
			}
		})
		t.Run("NoJitter", func(t *testing.T) {
			c := MustCache(t, open, rediscache.Options{TTL: time.Hour, Jitter: -1})
			ttls, slack := fillAndExpiries(t, c, 10)
			for _, ttl := range ttls {
				if ttl < time.Hour-slack || ttl > time.Hour {
					t.Errorf("expiry %v, want 1h", ttl)
				}
			}
		})
		t.Run("Default", func(t *testing.T) {
			c := MustCache(t, open, rediscache.Options{})
			ttls, slack := fillAndExpiries(t, c, 10)
			for _, ttl := range ttls {
				if ttl < 9*time.Minute-slack || ttl > rediscache.DefaultTTL {
					t.Errorf("expiry %v outside [9m, 10m]", ttl)
				}
			}
		})
	})
}
