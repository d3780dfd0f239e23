package peers

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/guard"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/neo4jstore"
	"github.com/scamgraph/scamgraph/usecase"
)

// ScaleFor is the demo scale whose world holds about links links. The
// world does not grow linearly with its scale (the SIM-box hubs and the
// victims of each both grow with it: ten times the scale is some sixty
// times their calls), so the links at a scale are taken as
// a·scale + b·scale², fitted to the worlds of scale 1 and 2, counted (not
// stored) once per process: the growth run asks it, and hands each
// point its scale.
func ScaleFor(links int) (float64, error) {
	sizing.once.Do(func() {
		var at [2]float64
		for i, scale := range []float64{1, 2} {
			stats, err := demo.Generate(demo.Config{Scale: scale}, func(intel.Batch) error { return nil })
			if err != nil {
				sizing.err = err
				return
			}
			at[i] = float64(stats.Links)
		}
		sizing.b = (at[1] - 2*at[0]) / 2
		sizing.a = at[0] - sizing.b
	})
	if sizing.err != nil {
		return 0, sizing.err
	}
	a, b, n := sizing.a, sizing.b, float64(links)
	if b <= 0 {
		return n / a, nil
	}
	return (math.Sqrt(a*a+4*b*n) - a) / (2 * b), nil
}

// sizing is ScaleFor's fit.
var sizing struct {
	once sync.Once
	a, b float64
	err  error
}

// GrowthPoint is what one store measured at one size: its footprint and
// how fast it answers the same questions, one at a time.
type GrowthPoint struct {
	// Store is "embedded" or "neo4j"; Size the size asked for, in links.
	Store string
	Size  int
	Scale float64
	// Entities and Links are what the world holds.
	Entities, Links int
	// Load is how long writing the world took, Open how long the embedded
	// store took to read it back into memory.
	Load, Open time.Duration
	// DiskBytes is the data on disk: the embedded store's data file, or
	// Neo4j's database directory after a checkpoint.
	DiskBytes int64
	// HeapBytes is the Go heap the open embedded store holds (live bytes
	// after a collection, less those before it opened); RSSBytes the
	// resident memory of the process holding the graph (the measuring
	// process for the embedded store, Neo4j's JVM for Neo4j).
	HeapBytes, RSSBytes uint64
	// LookupP50, LookupP99 are the latencies of single-entity reads through
	// the sharing rules (guard) of distinct phone numbers, one at a time;
	// TwoHopP50 of 2-link networks around some of them, capped at
	// networkLimit nodes; TwoHopNodes the median size of those networks.
	LookupP50, LookupP99, TwoHopP50 time.Duration
	TwoHopNodes                     int
	Lookups, TwoHops                int
	// APILookupP50, APILookupP99 and APITwoHopP50 are the same questions
	// asked through the API, as a user asks them (askAPI): the store's
	// share of what a user waits for, and how it grows, shown whole.
	APILookupP50, APILookupP99, APITwoHopP50 time.Duration

	// visible are the sampled numbers the analyst may see, as ask found:
	// what askAPI's answers are checked against.
	visible map[string]bool
}

// PerLink divides v by the point's links.
func (p GrowthPoint) PerLink(v float64) float64 {
	if p.Links == 0 {
		return 0
	}
	return v / float64(p.Links)
}

// growthLookups and growthNetworks are how many questions each point asks.
const (
	growthLookups  = 3000
	growthNetworks = 60
)

// sampler keeps every k-th phone number of a generated world, up to a
// bound, as the growth questions' keys.
type sampler struct {
	seen int
	ids  []string
}

func (s *sampler) emit(b intel.Batch) {
	for _, e := range b.Entities {
		if e.Kind != intel.KindPhoneNumber {
			continue
		}
		s.seen++
		if len(s.ids) < 20000 && s.seen%7 == 0 {
			s.ids = append(s.ids, e.ID)
		}
	}
}

// MeasureEmbedded loads the demo world of about size links into a fresh
// embedded data directory dir, reopens it, and measures it. It is meant to
// run alone in its process (peerbench growth-point), so that the heap and
// RSS are the store's.
func MeasureEmbedded(ctx context.Context, dir string, size int, scale float64) (GrowthPoint, error) {
	p := GrowthPoint{Store: "embedded", Size: size, Scale: scale}
	ids, err := loadEmbedded(ctx, dir, &p)
	if err != nil {
		return p, err
	}
	fi, err := os.Stat(filepath.Join(dir, embeddedstore.FileName))
	if err != nil {
		return p, err
	}
	p.DiskBytes = fi.Size()

	// The load's garbage goes back to the system first, so that the
	// resident set after the open is the open store's and the runtime's.
	debug.FreeOSMemory()
	before := liveHeap()
	t0 := time.Now()
	s, err := embeddedstore.Open(dir)
	if err != nil {
		return p, err
	}
	defer s.Close()
	p.Open = time.Since(t0)
	p.HeapBytes = liveHeap() - min(before, liveHeap())
	p.RSSBytes = rss("self")

	rec, err := embeddedstore.OpenAccessRecords(filepath.Join(dir, "access.db"))
	if err != nil {
		return p, err
	}
	defer rec.Close()
	reg := access.New(rec, time.Now)
	a, token, err := analystAccess(ctx, s, reg)
	if err != nil {
		return p, err
	}
	if err := p.ask(ctx, s, a, ids); err != nil {
		return p, err
	}
	return p, p.askAPI(ctx, s, reg, token, ids)
}

// loadEmbedded writes the world of p's scale into a fresh store in dir and
// closes it, so that none of it stays reachable, and returns the sampled
// phone numbers.
func loadEmbedded(ctx context.Context, dir string, p *GrowthPoint) ([]string, error) {
	s, err := embeddedstore.Open(dir)
	if err != nil {
		return nil, err
	}
	ids, err := p.load(ctx, s)
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	return ids, err
}

// load writes the demo world of p's scale into s, timing it and counting
// what it wrote into p, and returns the sampled phone numbers.
func (p *GrowthPoint) load(ctx context.Context, s intel.Store) ([]string, error) {
	var smp sampler
	t0 := time.Now()
	stats, err := demo.Generate(demo.Config{Scale: p.Scale}, func(b intel.Batch) error {
		smp.emit(b)
		_, err := s.Upsert(ctx, b)
		return err
	})
	p.Load = time.Since(t0)
	p.Entities, p.Links = stats.Entities, stats.Links
	return smp.ids, err
}

// MeasureNeo4j wipes Neo4j, loads the demo world of about size links into
// it, and measures it; dbDir is Neo4j's data directory, whose size after a
// checkpoint is the point's disk bytes.
func MeasureNeo4j(ctx context.Context, uri, dataDir string, size int, scale float64) (GrowthPoint, error) {
	p := GrowthPoint{Store: "neo4j", Size: size, Scale: scale}
	s, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: uri})
	if err != nil {
		return p, err
	}
	defer s.Close()
	if err := s.DeleteAll(ctx); err != nil {
		return p, err
	}
	ids, err := p.load(ctx, s)
	if err != nil {
		return p, err
	}
	fmt.Fprintf(os.Stderr, "neo4j: %d links loaded in %s\n", p.Links, p.Load.Round(time.Second))
	reg := access.New(s.AccessRecords(), time.Now)
	a, token, err := analystAccess(ctx, s, reg)
	if err != nil {
		return p, err
	}
	if err := p.ask(ctx, s, a, ids); err != nil {
		return p, err
	}
	if err := p.askAPI(ctx, s, reg, token, ids); err != nil {
		return p, err
	}
	// The database directory holds the store files; the transaction logs
	// beside it are not the graph's size.
	p.DiskBytes, err = dirSize(filepath.Join(dataDir, "databases", "neo4j"))
	if err != nil {
		return p, err
	}
	if pid, err := os.ReadFile(filepath.Join(filepath.Dir(filepath.Dir(dataDir)), "pid")); err == nil {
		p.RSSBytes = rss(strings.TrimSpace(string(pid)))
	}
	return p, nil
}

// ask times the lookups and 2-link networks of p over the sampled ids.
func (p *GrowthPoint) ask(ctx context.Context, s intel.Store, a *intel.Access, ids []string) error {
	if len(ids) == 0 {
		return fmt.Errorf("the world holds no phone number to ask about")
	}
	order := askOrder(ids)
	var lookups []time.Duration
	p.visible = map[string]bool{}
	for i := range growthLookups {
		id := order[i%len(order)]
		t0 := time.Now()
		found, err := guard.New(s, a, &guard.Report{}).GetEntities(ctx, []string{id})
		if err != nil {
			return err
		}
		lookups = append(lookups, time.Since(t0))
		_, p.visible[id] = found[id]
	}
	var hops []time.Duration
	var nodes []int
	for i := range growthNetworks {
		seed := order[(i*7919)%len(order)]
		t0 := time.Now()
		g, err := guard.New(s, a, &guard.Report{}).Expand(ctx, intel.ExpandQuery{Seeds: []string{seed}, Depth: 2,
			MaxNodes: networkLimit, MaxLinks: min(4*networkLimit, intel.MaxLinksCap)})
		if err != nil {
			return err
		}
		hops = append(hops, time.Since(t0))
		nodes = append(nodes, len(g.Nodes))
		p.visible[seed] = slices.ContainsFunc(g.Nodes, func(e intel.Entity) bool { return e.ID == seed })
	}
	slices.Sort(lookups)
	slices.Sort(hops)
	slices.Sort(nodes)
	p.Lookups, p.TwoHops = len(lookups), len(hops)
	p.LookupP50, p.LookupP99 = quantile(lookups, 0.5), quantile(lookups, 0.99)
	p.TwoHopP50, p.TwoHopNodes = quantile(hops, 0.5), nodes[len(nodes)/2]
	return nil
}

// askOrder is the order in which ask and askAPI ask about the sampled
// ids: a shuffle, the same every time.
func askOrder(ids []string) []string {
	rng := rand.New(rand.NewPCG(1, 2))
	order := slices.Clone(ids)
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	return order
}

func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(q*float64(len(sorted))))]
}

// analystAccess is the TH-CCIB analyst's view on s, and the analyst's
// key: the keys set up on reg and authenticated as ScamGraph does for each
// request.
func analystAccess(ctx context.Context, s intel.Store, reg *access.Registry) (*intel.Access, string, error) {
	keys, err := setUpRegistry(ctx, reg)
	if err != nil {
		return nil, "", err
	}
	c, err := usecase.New(s, reg, usecase.Options{}).Authenticate(ctx, usecase.Credentials{Token: keys.Analyst, Purpose: "peer benchmark"})
	if err != nil {
		return nil, "", err
	}
	return c.Access(), keys.Analyst, nil
}

// liveHeap is the Go heap in use after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// rss is the resident set of process pid ("self" for this one), 0 when
// it cannot be read.
func rss(pid string) uint64 {
	b, err := os.ReadFile(filepath.Join("/proc", pid, "status"))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// dirSize is the bytes of the regular files under dir.
func dirSize(dir string) (int64, error) {
	var n int64
	err := filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if fi.Mode().IsRegular() {
			n += fi.Size()
		}
		return nil
	})
	return n, err
}
