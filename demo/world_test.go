package demo_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"hash"
	"sync"
	"testing"

	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/intel"
)

// generated is one full-size world, kept for every test of this file.
type generated struct {
	batches []intel.Batch
	stats   demo.Stats
	digest  string
}

var (
	worldOnce sync.Once
	world     generated
	worldErr  error
)

// MustWorld generates the default world once per test binary.
func MustWorld(tb testing.TB) generated {
	tb.Helper()
	worldOnce.Do(func() {
		h := sha256.New()
		world.stats, worldErr = demo.Generate(demo.Config{}, func(b intel.Batch) error {
			world.batches = append(world.batches, b)
			return hashBatch(h, b)
		})
		world.digest = hex.EncodeToString(h.Sum(nil))
	})
	if worldErr != nil {
		tb.Fatalf("Generate: %v", worldErr)
	}
	return world
}

// hashBatch feeds a batch to h in a canonical form; encoding/json sorts map
// keys, so equal batches hash equally.
func hashBatch(h hash.Hash, b intel.Batch) error {
	buf, err := json.Marshal(b)
	if err != nil {
		return err
	}
	h.Write(buf)
	return nil
}

// MustDigest generates a world and returns the hash of its stream.
func MustDigest(tb testing.TB, cfg demo.Config) string {
	tb.Helper()
	h := sha256.New()
	if _, err := demo.Generate(cfg, func(b intel.Batch) error { return hashBatch(h, b) }); err != nil {
		tb.Fatalf("Generate(%+v): %v", cfg, err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestGenerate(t *testing.T) {
	w := MustWorld(t)

	t.Run("SameStreamEveryRun", func(t *testing.T) {
		if again := MustDigest(t, demo.Config{}); again != w.digest {
			t.Fatalf("second generation hashes to %s, first to %s", again, w.digest)
		}
		if explicit := MustDigest(t, demo.Config{Seed: demo.DefaultSeed, Scale: 1, BatchSize: demo.DefaultBatchSize}); explicit != w.digest {
			t.Fatalf("explicit defaults hash to %s, zero Config to %s", explicit, w.digest)
		}
	})

	t.Run("OtherSeedOtherWorld", func(t *testing.T) {
		if other := MustDigest(t, demo.Config{Seed: 7, Scale: 0.05}); other == MustDigest(t, demo.Config{Seed: 8, Scale: 0.05}) {
			t.Fatal("seeds 7 and 8 generate the same world")
		}
	})

	t.Run("SizeAtScaleOne", func(t *testing.T) {
		if n := w.stats.Entities; n < 20000 {
			t.Errorf("%d entities, want at least 20,000", n)
		}
		if n := w.stats.Links; n < 100000 {
			t.Errorf("%d links, want at least 100,000", n)
		}
		for _, k := range intel.Kinds {
			if w.stats.EntitiesByKind[k] == 0 {
				t.Errorf("no %s entities", k)
			}
		}
		for _, s := range intel.LinkSpecs {
			if w.stats.LinksByType[s.Type] == 0 {
				t.Errorf("no %s links", s.Type)
			}
		}
		t.Logf("%d entities %v, %d links %v, %d batches", w.stats.Entities, w.stats.EntitiesByKind,
			w.stats.Links, w.stats.LinksByType, w.stats.Batches)
	})

	t.Run("StatsCountTheStream", func(t *testing.T) {
		entities, links := 0, 0
		for _, b := range w.batches {
			entities += len(b.Entities)
			links += len(b.Links)
		}
		if entities != w.stats.Entities || links != w.stats.Links || len(w.batches) != w.stats.Batches {
			t.Fatalf("stream has %d entities, %d links, %d batches; stats say %d, %d, %d",
				entities, links, len(w.batches), w.stats.Entities, w.stats.Links, w.stats.Batches)
		}
	})

	t.Run("BatchesValidateAndRespectSize", func(t *testing.T) {
		for i, b := range w.batches {
			if n := len(b.Entities) + len(b.Links); n == 0 || n > demo.DefaultBatchSize {
				t.Fatalf("batch %d has %d items, want 1 to %d", i, n, demo.DefaultBatchSize)
			}
			c := b.Clone()
			if err := c.Validate(); err != nil {
				t.Fatalf("batch %d: %v", i, err)
			}
		}
	})

	t.Run("EveryItemOnceAndEntitiesBeforeTheirLinks", func(t *testing.T) {
		entities, links := map[string]bool{}, map[string]bool{}
		for _, b := range w.batches {
			for _, e := range b.Entities {
				if entities[e.ID] {
					t.Fatalf("entity %s emitted twice", e.ID)
				}
				entities[e.ID] = true
			}
			for _, l := range b.Links {
				if links[l.ID] {
					t.Fatalf("link %s (%s %s→%s) emitted twice", l.ID, l.Type, l.From, l.To)
				}
				links[l.ID] = true
				if !entities[l.From] || !entities[l.To] {
					t.Fatalf("link %s %s→%s comes before one of its ends", l.Type, l.From, l.To)
				}
			}
		}
	})

	t.Run("EveryKeyIsCanonical", func(t *testing.T) {
		for _, b := range w.batches {
			for _, e := range b.Entities {
				id := intel.ParseIdentifier(e.Key, "", e.Kind)
				if !id.Valid || id.Key != e.Key || id.Kind != e.Kind {
					t.Fatalf("%s key %q reads back as %s %q (%s)", e.Kind, e.Key, id.Kind, id.Key, id.Error)
				}
				if e.ID != intel.EntityID(e.Kind, e.Key) {
					t.Fatalf("entity %q has id %q", e.Key, e.ID)
				}
				if e.Kind == intel.KindPhoneNumber && (e.Attrs["numberType"] != id.NumberType || e.Attrs["carrier"] != id.Carrier) {
					t.Fatalf("%s has numberType %q carrier %q, the parser says %q %q",
						e.Key, e.Attrs["numberType"], e.Attrs["carrier"], id.NumberType, id.Carrier)
				}
				for _, raw := range e.RawForms {
					if got := intel.ParseIdentifier(raw, regionOf(e.Key), e.Kind); got.Key != e.Key {
						t.Fatalf("raw form %q of %s reads as %q (%s)", raw, e.Key, got.Key, got.Error)
					}
				}
			}
		}
	})

	t.Run("MarkedCallsComeFromMarkedNumbers", func(t *testing.T) {
		markers := map[string][]string{}
		for _, b := range w.batches {
			for _, e := range b.Entities {
				markers[e.ID] = e.Markers
			}
		}
		marked := 0
		for _, b := range w.batches {
			for _, l := range b.Links {
				m := l.Attrs["callerIdMarker"]
				if m == "" {
					continue
				}
				marked++
				if got := markers[l.From]; len(got) != 1 || got[0] != m {
					t.Fatalf("call %s from %s carries marker %s, the number has %v", l.EventKey, l.From, m, got)
				}
			}
		}
		if marked == 0 {
			t.Fatal("no call carries a caller-ID marker")
		}
	})

	t.Run("SIMBoxHubHasThousandNeighbours", func(t *testing.T) {
		n := len(distinctNeighbours(w, demo.SIMBoxHub.ID()))
		if n < 1000 {
			t.Fatalf("hub %s has %d distinct neighbours, want at least 1,000", demo.SIMBoxHub.Key, n)
		}
		t.Logf("hub %s has %d distinct neighbours", demo.SIMBoxHub.Key, n)
	})

	t.Run("FirstLayerMuleFansIn", func(t *testing.T) {
		payers := map[string]bool{}
		for _, b := range w.batches {
			for _, l := range b.Links {
				if l.Type == intel.LinkTransferred && l.To == demo.FirstLayerMule.ID() {
					payers[l.From] = true
				}
			}
		}
		if len(payers) < 100 {
			t.Fatalf("%d accounts paid into the first-layer mule, want at least 100", len(payers))
		}
		t.Logf("%d accounts paid into the first-layer mule", len(payers))
	})

	t.Run("MostFactsShareable", func(t *testing.T) {
		count := map[intel.Visibility]int{}
		for _, b := range w.batches {
			for _, l := range b.Links {
				count[l.Visibility]++
			}
		}
		total := w.stats.Links
		if count[intel.VisibilityShareable]*2 < total || count[intel.VisibilityDomestic] == 0 || count[intel.VisibilityRestricted] == 0 {
			t.Fatalf("visibility mix %v of %d links: want mostly SHAREABLE, some DOMESTIC and RESTRICTED", count, total)
		}
	})
}

// distinctNeighbours returns the entities joined to id by a link, either way.
func distinctNeighbours(w generated, id string) map[string]bool {
	out := map[string]bool{}
	for _, b := range w.batches {
		for _, l := range b.Links {
			switch id {
			case l.From:
				out[l.To] = true
			case l.To:
				out[l.From] = true
			}
		}
	}
	return out
}

func regionOf(key string) intel.Region {
	if len(key) > 4 && key[:4] == "+855" {
		return intel.RegionKH
	}
	return intel.RegionTH
}

func TestEntryPoints(t *testing.T) {
	names := map[string]bool{}
	for _, e := range demo.EntryPoints() {
		if names[e.Name] {
			t.Errorf("entry point name %q used twice", e.Name)
		}
		names[e.Name] = true
		id := intel.ParseIdentifier(e.Key, e.Region, e.Kind)
		if !id.Valid || id.Key != e.Key {
			t.Errorf("%s: key %q is not canonical (%q, %s)", e.Name, e.Key, id.Key, id.Error)
		}
		if got := intel.ParseIdentifier(e.LocalForm, e.Region, e.Kind); got.Key != e.Key {
			t.Errorf("%s: local form %q reads as %q, want %q (%s)", e.Name, e.LocalForm, got.Key, e.Key, got.Error)
		}
		if e.Why == "" {
			t.Errorf("%s: no Why", e.Name)
		}
	}
	for _, p := range demo.PathPairs() {
		if p.Links < 3 || p.Links > 4 {
			t.Errorf("path %s→%s has %d links, want 3 or 4", p.From.Name, p.To.Name, p.Links)
		}
	}
}

// TestPathPairsHoldInEveryWorld checks the path lengths the docs promise
// in worlds of other seeds and scales, by a breadth-first search over the
// stream, so that no store is needed.
func TestPathPairsHoldInEveryWorld(t *testing.T) {
	for _, cfg := range []demo.Config{{Seed: 1, Scale: 0.2}, {Seed: 7, Scale: 0.05}, {Seed: 99, Scale: 0.01}} {
		adj := map[string][]string{}
		_, err := demo.Generate(cfg, func(b intel.Batch) error {
			for _, l := range b.Links {
				adj[l.From] = append(adj[l.From], l.To)
				adj[l.To] = append(adj[l.To], l.From)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range demo.PathPairs() {
			if got := hops(adj, p.From.ID(), p.To.ID()); got != p.Links {
				t.Errorf("seed %d scale %v: %s→%s is %d links, want %d", cfg.Seed, cfg.Scale, p.From.Name, p.To.Name, got, p.Links)
			}
		}
	}
}

// hops is the length of a shortest path from one entity to another, or -1.
func hops(adj map[string][]string, from, to string) int {
	dist := map[string]int{from: 0}
	for queue := []string{from}; len(queue) > 0; queue = queue[1:] {
		n := queue[0]
		if n == to {
			return dist[n]
		}
		for _, m := range adj[n] {
			if _, seen := dist[m]; !seen {
				dist[m] = dist[n] + 1
				queue = append(queue, m)
			}
		}
	}
	return -1
}

func TestConfigRejected(t *testing.T) {
	for name, cfg := range map[string]demo.Config{
		"NegativeScale":     {Scale: -1},
		"BatchTooLarge":     {BatchSize: intel.MaxBatchItems + 1},
		"NegativeBatchSize": {BatchSize: -5},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := demo.Generate(cfg, func(intel.Batch) error { return nil }); err == nil {
				t.Fatalf("Generate(%+v) succeeded", cfg)
			}
		})
	}
}

func TestEmitErrorStopsGeneration(t *testing.T) {
	refused := errors.New("store is full")
	calls := 0
	stats, err := demo.Generate(demo.Config{Scale: 0.05}, func(intel.Batch) error {
		calls++
		if calls == 3 {
			return refused
		}
		return nil
	})
	if !errors.Is(err, refused) {
		t.Fatalf("Generate returned %v, want the emit error", err)
	}
	if calls != 3 || stats.Batches != 2 {
		t.Fatalf("emit called %d times and %d batches counted, want 3 calls and the 2 accepted batches", calls, stats.Batches)
	}
}

func TestLoadStopsWhenCancelled(t *testing.T) {
	s, err := embeddedstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := demo.Load(ctx, s, demo.Config{Scale: 0.01}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Load with a cancelled context returned %v, want context.Canceled", err)
	}
	if entities, links := s.Counts(); entities != 0 || links != 0 {
		t.Fatalf("a cancelled Load wrote %d entities and %d links", entities, links)
	}
}

func TestSmallWorldHoldsEntryPoints(t *testing.T) {
	seen := map[string]bool{}
	_, err := demo.Generate(demo.Config{Scale: 0.01, BatchSize: 97}, func(b intel.Batch) error {
		if n := len(b.Entities) + len(b.Links); n > 97 {
			t.Fatalf("batch of %d items, want at most 97", n)
		}
		c := b.Clone()
		if err := c.Validate(); err != nil {
			return err
		}
		for _, e := range b.Entities {
			seen[e.ID] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range demo.EntryPoints() {
		if !seen[e.ID()] {
			t.Errorf("entry point %s (%s) missing from a world at scale 0.01", e.Name, e.Key)
		}
	}
}

func TestLoadIntoEmbeddedStore(t *testing.T) {
	ctx := context.Background()
	s, err := embeddedstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	stats, err := demo.Load(ctx, s, demo.Config{})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}

	t.Run("StoreHoldsExactlyTheWorld", func(t *testing.T) {
		entities, links := s.Counts()
		if entities != stats.Entities || links != stats.Links {
			t.Fatalf("store holds %d entities and %d links, the world has %d and %d",
				entities, links, stats.Entities, stats.Links)
		}
	})

	t.Run("EntryPointsExist", func(t *testing.T) {
		for _, e := range demo.EntryPoints() {
			got, err := s.FindEntity(ctx, e.Kind, e.Key)
			if err != nil {
				t.Errorf("%s: %v", e.Name, err)
				continue
			}
			if e.Kind == intel.KindSuspect && got.Label == e.Key {
				t.Errorf("%s: suspect has no name label", e.Name)
			}
		}
	})

	t.Run("PathPairsHaveTheirLength", func(t *testing.T) {
		for _, p := range demo.PathPairs() {
			path, err := s.ShortestPath(ctx, intel.PathQuery{From: p.From.ID(), To: p.To.ID(), MaxDepth: intel.MaxPathDepth})
			if err != nil {
				t.Fatalf("%s→%s: %v", p.From.Name, p.To.Name, err)
			}
			if path == nil {
				t.Fatalf("%s→%s: no path", p.From.Name, p.To.Name)
			}
			t.Logf("%s→%s: %v", p.From.Name, p.To.Name, pathIDs(path))
			if len(path.Links) != p.Links {
				t.Errorf("%s→%s: shortest path has %d links, want %d: %v", p.From.Name, p.To.Name, len(path.Links), p.Links, pathIDs(path))
			}
		}
	})

	t.Run("HubNeighboursInStore", func(t *testing.T) {
		seen := map[string]bool{}
		q := intel.NeighbourQuery{ID: demo.SIMBoxHub.ID(), First: intel.MaxPageSize}
		for {
			page, err := s.Neighbours(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range page.Items {
				seen[n.Entity.ID] = true
				q.After = n.Cursor
			}
			if !page.HasNextPage {
				break
			}
		}
		if len(seen) < 1000 {
			t.Fatalf("the store gives the hub %d distinct neighbours, want at least 1,000", len(seen))
		}
	})
}

func pathIDs(p *intel.Path) []string {
	var ids []string
	for _, n := range p.Nodes {
		ids = append(ids, n.ID)
	}
	return ids
}

// BenchmarkGenerate measures building the default world without storing
// it: the cost a store's load benchmark pays before its own.
func BenchmarkGenerate(b *testing.B) {
	var stats demo.Stats
	for b.Loop() {
		var err error
		stats, err = demo.Generate(demo.Config{}, func(intel.Batch) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(stats.Entities), "entities")
	b.ReportMetric(float64(stats.Links), "links")
}
