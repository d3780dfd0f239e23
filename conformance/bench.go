package conformance

import (
	"context"
	"fmt"
	"testing"

	"github.com/scamgraph/scamgraph/intel"
)

// Bench runs the store benchmarks against one backend. Each backend calls it
// from one Benchmark function, so `make bench` prints every backend's
// figures side by side in one run. Benchmarks measure; they assert nothing
// about speed.
func Bench(b *testing.B, newStore func(b *testing.B) intel.Store) {
	b.Run("UpsertLinks/batch=1000/new", func(b *testing.B) {
		s := newStore(b)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := s.Upsert(context.Background(), callBatch(i, 1000)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "links/s")
	})
	b.Run("UpsertLinks/batch=1000/repeat", func(b *testing.B) {
		s := newStore(b)
		batch := callBatch(0, 1000)
		if _, err := s.Upsert(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := s.Upsert(context.Background(), batch); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "links/s")
	})
	b.Run("FindByKey", func(b *testing.B) {
		s := newStore(b)
		for i := 0; i < 10; i++ {
			if _, err := s.Upsert(context.Background(), callBatch(i, 1000)); err != nil {
				b.Fatal(err)
			}
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			key := fmt.Sprintf("+6681%07d", (i*7919)%10000)
			if _, err := s.FindEntity(context.Background(), intel.KindPhoneNumber, key); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Expand/depth=2/hub=1000", func(b *testing.B) {
		s := newStore(b)
		hub := loadHub(b, s, 1000, 3)
		q := intel.ExpandQuery{Seeds: []string{hub}, Depth: 2, MaxNodes: intel.MaxNodesCap, MaxLinks: intel.MaxLinksCap}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			g, err := s.Expand(context.Background(), q)
			if err != nil {
				b.Fatal(err)
			}
			if len(g.Nodes) != 4001 {
				b.Fatalf("expansion reached %d nodes, want 4001", len(g.Nodes))
			}
		}
	})
	b.Run("ShortestPath/depth=4", func(b *testing.B) {
		s := newStore(b)
		hub := loadHub(b, s, 1000, 3)
		// The target hangs off a leaf of the hub's 500th neighbour: 4 links away.
		target := phone("+66890000000")
		leaf := phone(fmt.Sprintf("+6683%04d%03d", 500, 0))
		if _, err := s.Upsert(context.Background(), intel.Batch{Links: []intel.Link{
			call(leaf.Key, "+66891111111", 1, "p1"), call("+66891111111", target.Key, 2, "p2"),
		}}); err != nil {
			b.Fatal(err)
		}
		q := intel.PathQuery{From: hub, To: target.ID, MaxDepth: 4}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			p, err := s.ShortestPath(context.Background(), q)
			if err != nil {
				b.Fatal(err)
			}
			if p == nil || len(p.Links) != 4 {
				b.Fatalf("path %+v, want 4 links", p)
			}
		}
	})
}

// callBatch makes n distinct calls for batch number i among 10,000 numbers.
func callBatch(i, n int) intel.Batch {
	links := make([]intel.Link, n)
	for j := 0; j < n; j++ {
		k := i*n + j
		links[j] = call(fmt.Sprintf("+6681%07d", k%10000), fmt.Sprintf("+6682%07d", (k*31)%10000), k%1000, fmt.Sprintf("cdr-%d", k))
	}
	return intel.Batch{Links: links}
}

// loadHub stores a hub number that called fan numbers, each of which called
// leaves further numbers, and returns the hub's id.
func loadHub(b *testing.B, s intel.Store, fan, leaves int) string {
	var links []intel.Link
	flush := func() {
		if _, err := s.Upsert(context.Background(), intel.Batch{Links: links}); err != nil {
			b.Fatal(err)
		}
		links = links[:0]
	}
	for i := 0; i < fan; i++ {
		n := fmt.Sprintf("+6681%07d", i)
		links = append(links, call("+66800000000", n, i%500, fmt.Sprintf("hub-%d", i)))
		for j := 0; j < leaves; j++ {
			links = append(links, call(n, fmt.Sprintf("+6683%04d%03d", i, j), j, fmt.Sprintf("leaf-%d-%d", i, j)))
		}
		if len(links) >= 1000 {
			flush()
		}
	}
	if len(links) > 0 {
		flush()
	}
	return pid("+66800000000")
}
