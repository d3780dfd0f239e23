package rediscache_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/rediscache"
)

// BenchmarkCachedReads measures the paths the cache adds: a hit (one Redis
// round trip), a miss (lease, store read and fill: three round trips
// around the store read), and a batch of 100 hits in one MGET. The inner
// store is the embedded one, which is faster than any Redis round trip, so
// these figures show the cache's own cost rather than its benefit; the
// benefit is against a remote store such as Neo4j.
func BenchmarkCachedReads(b *testing.B) {
	c := MustCache(b, openEmbedded, rediscache.Options{})
	ctx := context.Background()
	const n = 1000
	ids := make([]string, n)
	var batch intel.Batch
	for i := range ids {
		e := phone(fmt.Sprintf("+6681%07d", i))
		e.Attrs = map[string]string{"carrier": "AIS", "numberType": "MOBILE"}
		e.RawForms = []string{fmt.Sprintf("081-%07d", i)}
		batch.Entities = append(batch.Entities, e)
		ids[i] = e.ID
	}
	if _, err := c.Upsert(ctx, batch); err != nil {
		b.Fatal(err)
	}
	if _, err := c.GetEntities(ctx, ids); err != nil {
		b.Fatal(err)
	}
	b.Run("FindEntity/hit", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			e := batch.Entities[i%n]
			if _, err := c.FindEntity(ctx, e.Kind, e.Key); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("GetEntities/ids=100/hit", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			start := (i * 100) % n
			if got, err := c.GetEntities(ctx, ids[start:start+100]); err != nil || len(got) != 100 {
				b.Fatal(len(got), err)
			}
		}
	})
	b.Run("FindEntity/miss", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			e := batch.Entities[i%n]
			if err := c.client.Del(ctx, c.Key("e", e.ID)).Err(); err != nil {
				b.Fatal(err)
			}
			if _, err := c.FindEntity(ctx, e.Kind, e.Key); err != nil {
				b.Fatal(err)
			}
		}
	})
}
