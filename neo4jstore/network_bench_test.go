package neo4jstore_test

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/neo4jstore"
	"github.com/scamgraph/scamgraph/neo4jstore/neo4jtest"
)

var (
	hubOnce sync.Once
	hubErr  error
)

// hubGraph stores, once per run, a number that called fan numbers, each
// of which called three more and one of its neighbours: a network whose
// second level is wide and whose third level a 500-node cap cuts.
func hubGraph(b *testing.B) *neo4jstore.Store {
	s := MustStore(b)
	hubOnce.Do(func() {
		if err := s.DeleteAll(context.Background()); err != nil {
			hubErr = err
			return
		}
		var links []intel.Link
		call := func(from, to string, key string) {
			l := intel.Link{Type: intel.LinkCalled, From: intel.EntityID(intel.KindPhoneNumber, from),
				To: intel.EntityID(intel.KindPhoneNumber, to), EventKey: key,
				Provenance: intel.Provenance{Agency: "TH-CIB", Country: intel.RegionTH, EvidenceRef: "CASE-1",
					Confidence: 0.9, LegalBasis: "TH-KH MOU 2022", Visibility: intel.VisibilityShareable}}
			l.ObservedAt = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
			l.Normalize()
			links = append(links, l)
		}
		const fan = 600
		for i := 0; i < fan; i++ {
			n := fmt.Sprintf("+6681%07d", i)
			call("+66800000000", n, fmt.Sprintf("hub-%d", i))
			call(n, fmt.Sprintf("+6681%07d", (i+1)%fan), fmt.Sprintf("ring-%d", i))
			for j := 0; j < 3; j++ {
				call(n, fmt.Sprintf("+6683%04d%03d", i, j), fmt.Sprintf("leaf-%d-%d", i, j))
			}
		}
		for start := 0; start < len(links); start += 1000 {
			if _, err := s.Upsert(context.Background(), intel.Batch{Links: links[start:min(start+1000, len(links))]}); err != nil {
				hubErr = err
				return
			}
		}
	})
	if hubErr != nil {
		b.Fatal(hubErr)
	}
	return s
}

// BenchmarkExpandStatement compares the network expansion as one statement
// (Expand) with the level-by-level expansion it replaced (one statement
// per level in one transaction), side by side on the same questions: run
// with -count to interleave them. The first answer of each is checked
// against the other's.
func BenchmarkExpandStatement(b *testing.B) {
	ctx := context.Background()
	hub := intel.EntityID(intel.KindPhoneNumber, "+66800000000")
	reader := &intel.Access{Agency: "TH-CCIB", Country: intel.RegionTH}
	questions := []struct {
		name string
		q    intel.ExpandQuery
	}{
		{"depth=1", intel.ExpandQuery{Seeds: []string{hub}, Depth: 1, MaxNodes: 2000, MaxLinks: 8000, Access: reader}},
		{"depth=2", intel.ExpandQuery{Seeds: []string{hub}, Depth: 2, MaxNodes: 3000, MaxLinks: 8000, Access: reader}},
		{"depth=3/capped", intel.ExpandQuery{Seeds: []string{hub}, Depth: 3, MaxNodes: 500, MaxLinks: 2000, Access: reader}},
	}
	for _, qq := range questions {
		b.Run(qq.name+"/levels", func(b *testing.B) {
			s := hubGraph(b)
			want, err := neo4jstore.ExpandByLevels(ctx, s, qq.q)
			if err != nil {
				b.Fatal(err)
			}
			got, err := s.Expand(ctx, qq.q)
			if err != nil {
				b.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				b.Fatalf("one statement: %d nodes, %d links, truncated %v; by levels: %d, %d, %v",
					len(got.Nodes), len(got.Links), got.Truncated, len(want.Nodes), len(want.Links), want.Truncated)
			}
			b.ResetTimer()
			cpu := neo4jtest.ProcessCPU()
			for i := 0; i < b.N; i++ {
				if _, err := neo4jstore.ExpandByLevels(ctx, s, qq.q); err != nil {
					b.Fatal(err)
				}
			}
			reportNeo4jCPU(b, cpu)
			b.ReportMetric(float64(len(want.Nodes)), "nodes")
		})
		b.Run(qq.name+"/statement", func(b *testing.B) {
			s := hubGraph(b)
			b.ResetTimer()
			cpu := neo4jtest.ProcessCPU()
			for i := 0; i < b.N; i++ {
				if _, err := s.Expand(ctx, qq.q); err != nil {
					b.Fatal(err)
				}
			}
			reportNeo4jCPU(b, cpu)
		})
	}
}

// reportNeo4jCPU reports Neo4j's processor time per operation since start.
func reportNeo4jCPU(b *testing.B, start time.Duration) {
	if now := neo4jtest.ProcessCPU(); now > 0 {
		b.ReportMetric(float64((now-start).Microseconds())/1000/float64(max(b.N, 1)), "neo4j-cpu-ms/op")
	}
}

// BenchmarkShortestPathStatement compares the shortest path in one round
// trip (ShortestPath) with the two it took before, on a path four links
// long through the hub: run with -count to interleave them.
func BenchmarkShortestPathStatement(b *testing.B) {
	ctx := context.Background()
	q := intel.PathQuery{From: intel.EntityID(intel.KindPhoneNumber, "+66830010002"),
		To: intel.EntityID(intel.KindPhoneNumber, "+66830400001"), MaxDepth: 4,
		Access: &intel.Access{Agency: "TH-CCIB", Country: intel.RegionTH}}
	variants := []struct {
		name string
		path func(context.Context, *neo4jstore.Store, intel.PathQuery) (*intel.Path, error)
	}{
		{"two-trips", neo4jstore.ShortestPathTwoTrips},
		{"statement", func(ctx context.Context, s *neo4jstore.Store, q intel.PathQuery) (*intel.Path, error) {
			return s.ShortestPath(ctx, q)
		}},
	}
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			s := hubGraph(b)
			b.ResetTimer()
			cpu := neo4jtest.ProcessCPU()
			for i := 0; i < b.N; i++ {
				p, err := v.path(ctx, s, q)
				if err != nil {
					b.Fatal(err)
				}
				if p == nil || len(p.Links) != 4 {
					b.Fatalf("path %+v, want 4 links", p)
				}
			}
			reportNeo4jCPU(b, cpu)
		})
	}
}

// TestBareExpansionLeavesOutAttributes: a bare expansion does not ship
// what it may leave out (intel.ExpandQuery.Bare), which is its point; the
// conformance suite checks that it is the same network.
func TestBareExpansionLeavesOutAttributes(t *testing.T) {
	s := MustStore(t)
	ctx := context.Background()
	if err := s.DeleteAll(ctx); err != nil {
		t.Fatal(err)
	}
	l := intel.Link{Type: intel.LinkCalled, From: intel.EntityID(intel.KindPhoneNumber, "+66800000001"),
		To: intel.EntityID(intel.KindPhoneNumber, "+66800000002"), EventKey: "bare-1",
		Provenance: intel.Provenance{Agency: "TH-CIB", Country: intel.RegionTH, Visibility: intel.VisibilityShareable},
		Attrs:      map[string]string{"durationSec": "60"}}
	l.ObservedAt = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	l.Normalize()
	if _, err := s.Upsert(ctx, intel.Batch{Links: []intel.Link{l}}); err != nil {
		t.Fatal(err)
	}
	for _, bare := range []bool{false, true} {
		g, err := s.Expand(ctx, intel.ExpandQuery{Seeds: []string{l.From}, Depth: 1, Bare: bare})
		if err != nil {
			t.Fatal(err)
		}
		if len(g.Links) != 1 || (g.Links[0].Attrs["durationSec"] == "60") == bare {
			t.Errorf("bare=%v: links %+v", bare, g.Links)
		}
	}
}
