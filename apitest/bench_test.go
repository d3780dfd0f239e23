package apitest

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/access/accesstest"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/neo4jstore"
	"github.com/scamgraph/scamgraph/neo4jstore/neo4jtest"
	"github.com/scamgraph/scamgraph/rediscache"
)

// concurrency is the fixed number of clients of the lookup benchmarks.
const concurrency = 16

const lookupQuery = `query($q: String!) { lookup(identifier: $q) { key kind valid entity { id label
	... on PhoneNumber { numberType carrier summary { linkCount reportCount firstSeen lastSeen } } } } }`

// BenchmarkAPI measures the service through HTTP on the full demo world,
// on the embedded store and on Neo4j, in one run: lookups at a fixed
// concurrency without a cache, with every answer cached (hit) and with no
// answer cached yet (miss); the network two links around the SIM-box hub;
// and a shortest path four links long. Each reports p50 and p99 latency and
// requests per second.
func BenchmarkAPI(b *testing.B) {
	client := MustRedis(b)
	numbers := demoPhoneInputs(b)
	hot := numbers[:200]
	for _, name := range []string{"embedded", "neo4j"} {
		inner := demoStore(b, name)
		plain := serve(b, backend{name: name, store: inner})
		b.Run(name+"/lookup/no-cache", func(b *testing.B) { hammer(b, plain, hot) })
		b.Run(name+"/lookup/cache=hit", func(b *testing.B) {
			ts := cachedServer(b, inner, client)
			for _, q := range hot {
				mustQuery(b, ts, lookupQuery, map[string]any{"q": q})
			}
			hammer(b, ts, hot)
		})
		b.Run(name+"/lookup/cache=miss", func(b *testing.B) {
			// A fresh key prefix per run: nothing is cached, and each of
			// the demo's numbers is asked once (more only if b.N exceeds them).
			hammer(b, cachedServer(b, inner, client), numbers)
		})
		hub := demo.SIMBoxHub.ID()
		b.Run(name+"/network/depth=2/hub=1000", func(b *testing.B) {
			hammerQuery(b, plain, 1, `query($s: [ID!]!) { network(seeds: $s, depth: 2, limit: 2000) {
				truncated nodeCount edgeCount nodes { id kind label } edges { id type source target } } }`,
				func(int) map[string]any { return map[string]any{"s": []string{hub}} })
		})
		pair := demo.MoneyTrail
		b.Run(name+"/shortestPath/depth=4", func(b *testing.B) {
			hammerQuery(b, plain, 1, `query($a: ID!, $b: ID!) { shortestPath(from: $a, to: $b, maxDepth: 4) { length nodes { id } } }`,
				func(int) map[string]any { return map[string]any{"a": pair.From.ID(), "b": pair.To.ID()} })
		})
	}
}

// accessLookupQuery is what an analyst asks of a number: the entity, its
// summary and its first facts.
const accessLookupQuery = `query($q: String!) { lookup(identifier: $q) { key entity { id
	summary { linkCount reportCount } links(first: 10) { totalCount edges { node { id type provenance { agency country } } } } } } }`

// BenchmarkAccessRules measures what the sharing rules cost, side by side
// in one run: a Cambodian analyst's lookups of Thai numbers (16 clients)
// and a two-link network around the SIM-box hub (one client), through the
// real server (rules on: the key and the request's terms, visibility in
// every query, masking, the durable audit entry of each cross-border read)
// and through the same GraphQL handler with the rules lifted (unguarded).
//
// On a shared machine the speed of one mode drifts with whatever else
// runs, so one stretch of each would compare two different machines. The
// modes take turns instead, accessRounds times (each turn accessTurn long,
// the order swapped every round), after one unmeasured turn of each; the
// figures are the medians per mode and the ratio is that of the medians.
// Each round's figures are printed too, and, after every run, an
// access-summary line with the medians of the ratios over the runs so far
// (make bench BENCH=AccessRules BENCHCOUNT=5 gives five).
func BenchmarkAccessRules(b *testing.B) {
	numbers := demoPhoneInputs(b)
	var thai []string
	for _, n := range numbers {
		if strings.HasPrefix(n, "0") {
			thai = append(thai, n)
		}
	}
	hot := thai[:200]
	networkQuery := `query($s: [ID!]!) { network(seeds: $s, depth: 2, limit: 2000) {
		truncated nodeCount edgeCount nodes { id kind label } edges { id type source target } } }`
	hub := demo.SIMBoxHub.ID()
	for _, name := range []string{"embedded", "neo4j"} {
		inner := demoStore(b, name)
		// Each deployment keeps its registry where it keeps its graph: a
		// bbolt file beside the embedded store, or the same Neo4j.
		reg, keys := accesstest.Registry(b)
		if name == "neo4j" {
			reg, keys = accesstest.Neo4jRegistry(b, inner.(*neo4jstore.Store))
		}
		on, _, _ := serveWith(b, backend{name: name, store: inner}, reg, keys, "KH-GDNP", access.RoleAnalyst, rulesOn)
		off, _, _ := serveWith(b, backend{name: name, store: inner}, reg, keys, "KH-GDNP", access.RoleAnalyst, rulesBypassed)
		modes := []accessMode{{"on", on}, {"off", off}}
		b.Run(name+"/lookup", func(b *testing.B) {
			compareTurns(b, modes, accessRounds(12), accessTurn(time.Second), concurrency, accessLookupQuery,
				func(i int) map[string]any { return map[string]any{"q": hot[i%len(hot)]} })
		})
		b.Run(name+"/network/depth=2", func(b *testing.B) {
			compareTurns(b, modes, accessRounds(6), accessTurn(2*time.Second), 1, networkQuery,
				func(int) map[string]any { return map[string]any{"s": []string{hub}} })
		})
	}
}

// accessRounds is how many turns each mode of BenchmarkAccessRules takes
// (even, so that each mode goes first as often): def unless
// SCAMGRAPH_BENCH_ROUNDS says otherwise. Lookups take many short turns,
// since the finer the modes interleave, the less the machine's drift
// between two turns weighs; a network takes fewer, each of at least
// minTurnRequests requests of most of a second.
func accessRounds(def int) int { return envInt("SCAMGRAPH_BENCH_ROUNDS", def) }

// accessTurn is how long one turn lasts: def unless SCAMGRAPH_BENCH_TURN
// (a Go duration) says otherwise.
func accessTurn(def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv("SCAMGRAPH_BENCH_TURN")); err == nil && d > 0 {
		return d
	}
	return def
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// accessMode is one of the stacks BenchmarkAccessRules compares.
type accessMode struct {
	name string
	ts   *httptest.Server
}

// compareTurns runs the modes in turns and reports, per mode, the median
// time per request (the inverse of throughput, which is what the ratio
// compares) and the median p50 latency, and the ratios of the first mode's
// medians to the second's. Since the two turns of one round run back to
// back, the machine changes less within a round than across the run, so
// it also reports a paired ratio: the median, over each two consecutive
// rounds (one with each mode first, which cancels any advantage of going
// first or second), of the geometric mean of their two ratios. On a
// machine shared with other work that is the steadier figure.
func compareTurns(b *testing.B, modes []accessMode, rounds int, turn time.Duration, workers int, q string, vars func(i int) map[string]any) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		for _, m := range modes {
			drive(b, m.ts, workers, q, vars, turn) // warm-up, unmeasured
		}
		b.StartTimer()
		perReq := make([][]float64, len(modes))
		p50 := make([][]float64, len(modes))
		reqRatio, p50Ratio := []float64{}, []float64{}
		for r := 0; r < rounds; r++ {
			line := fmt.Sprintf("access-round %d %s:", r+1, b.Name())
			for k := range modes {
				if r%2 == 1 {
					k = len(modes) - 1 - k
				}
				s := drive(b, modes[k].ts, workers, q, vars, turn)
				perReq[k] = append(perReq[k], s.perRequestMs())
				p50[k] = append(p50[k], s.percentileMs(0.50))
				line += fmt.Sprintf(" rules=%s %.3f ms/req %.1f req/s (p50 %.2f ms, %d req)", modes[k].name, s.perRequestMs(),
					1000/s.perRequestMs(), s.percentileMs(0.50), len(s.latencies))
			}
			reqRatio = append(reqRatio, perReq[0][r]/perReq[1][r])
			p50Ratio = append(p50Ratio, p50[0][r]/p50[1][r])
			fmt.Printf("%s; ratio %.2fx, p50 %.2fx\n", line, reqRatio[r], p50Ratio[r])
		}
		for k, m := range modes {
			b.ReportMetric(median(perReq[k]), m.name+"-ms/req")
			b.ReportMetric(1000/median(perReq[k]), m.name+"-req/s")
			b.ReportMetric(median(p50[k]), m.name+"-p50-ms")
		}
		ratio := median(perReq[0]) / median(perReq[1])
		p50ratio := median(p50[0]) / median(p50[1])
		b.ReportMetric(ratio, "x-"+modes[0].name+"/"+modes[1].name)
		b.ReportMetric(p50ratio, "x-p50-"+modes[0].name+"/"+modes[1].name)
		paired, pairedP50 := pairedRatio(reqRatio), pairedRatio(p50Ratio)
		b.ReportMetric(paired, "x-paired-"+modes[0].name+"/"+modes[1].name)
		b.ReportMetric(pairedP50, "x-paired-p50-"+modes[0].name+"/"+modes[1].name)
		fmt.Printf("access-ratio %s: rules=%s %.3f ms/req (%.1f req/s, p50 %.2f ms) vs rules=%s %.3f ms/req (%.1f req/s, p50 %.2f ms) = %.2fx, p50 %.2fx; paired %.2fx, p50 %.2fx (medians of %d turns of %s)\n",
			b.Name(), modes[0].name, median(perReq[0]), 1000/median(perReq[0]), median(p50[0]),
			modes[1].name, median(perReq[1]), 1000/median(perReq[1]), median(p50[1]),
			ratio, p50ratio, paired, pairedP50, rounds, turn)
		runs := accessRuns.add(b.Name(), ratio, paired)
		fmt.Printf("access-summary %s: over %d runs (-count), median ratio %.2fx, median paired %.2fx\n",
			b.Name(), len(runs.ratio), median(runs.ratio), median(runs.paired))
	}
}

// accessRuns keeps each run's ratios per benchmark, so that with -count
// above one the last summary line gives their medians.
var accessRuns = &ratioRuns{byName: map[string]*ratioRun{}}

type ratioRuns struct {
	mu     sync.Mutex
	byName map[string]*ratioRun
}

type ratioRun struct{ ratio, paired []float64 }

func (r *ratioRuns) add(name string, ratio, paired float64) ratioRun {
	r.mu.Lock()
	defer r.mu.Unlock()
	run := r.byName[name]
	if run == nil {
		run = &ratioRun{}
		r.byName[name] = run
	}
	run.ratio = append(run.ratio, ratio)
	run.paired = append(run.paired, paired)
	return ratioRun{ratio: slices.Clone(run.ratio), paired: slices.Clone(run.paired)}
}

// pairedRatio is the median over consecutive pairs of rounds of the
// geometric mean of their ratios; a last unpaired round counts alone.
func pairedRatio(perRound []float64) float64 {
	var pairs []float64
	for r := 0; r < len(perRound); r += 2 {
		if r+1 < len(perRound) {
			pairs = append(pairs, math.Sqrt(perRound[r]*perRound[r+1]))
		} else {
			pairs = append(pairs, perRound[r])
		}
	}
	return median(pairs)
}

func median(v []float64) float64 {
	v = slices.Clone(v)
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// load is what one stretch of requests measured.
type load struct {
	elapsed   time.Duration
	latencies []time.Duration // sorted
}

func (l load) perRequestMs() float64 {
	return float64(l.elapsed.Microseconds()) / 1000 / float64(max(1, len(l.latencies)))
}

func (l load) percentileMs(p float64) float64 {
	if len(l.latencies) == 0 {
		return 0
	}
	return float64(l.latencies[min(len(l.latencies)-1, int(p*float64(len(l.latencies))))].Microseconds()) / 1000
}

// minTurnRequests is the fewest requests one turn measures, so that a
// slow query (a network takes most of a second) still gives a median of
// its own rather than of two or three requests.
const minTurnRequests = 12

// drive sends requests from `workers` clients for d, and at least
// minTurnRequests (the requests in flight then finish), and returns what
// it measured. Any failed request fails the benchmark.
func drive(b *testing.B, ts *httptest.Server, workers int, q string, vars func(i int) map[string]any, d time.Duration) load {
	start := time.Now()
	return send(b, ts, workers, q, vars, func(i int) bool { return i < minTurnRequests || time.Since(start) < d })
}

// demoStore is the embedded store or Neo4j with the full demo world.
func demoStore(b *testing.B, name string) intel.Store {
	var inner intel.Store
	if name == "embedded" {
		s, err := embeddedstore.Open(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		inner = s
	} else {
		inner = neo4jtest.Open(b)
	}
	if _, err := demo.Load(context.Background(), inner, demo.Config{}); err != nil {
		b.Fatal(err)
	}
	return inner
}

func cachedServer(b *testing.B, inner intel.Store, client redis.UniversalClient) *httptest.Server {
	prefix := fmt.Sprintf("bench:%d:", time.Now().UnixNano())
	c := rediscache.New(inner, client, rediscache.Options{Prefix: prefix, TTL: 10 * time.Minute, Logger: zerolog.Nop()})
	return serve(b, backend{name: "cached", store: c, cache: c})
}

func hammer(b *testing.B, ts *httptest.Server, inputs []string) {
	hammerQuery(b, ts, concurrency, lookupQuery, func(i int) map[string]any {
		return map[string]any{"q": inputs[i%len(inputs)]}
	})
}

// hammerQuery sends b.N requests from `workers` clients and reports latency
// percentiles and throughput. Any failed request fails the benchmark.
func hammerQuery(b *testing.B, ts *httptest.Server, workers int, q string, vars func(i int) map[string]any) {
	b.ResetTimer()
	l := send(b, ts, workers, q, vars, func(i int) bool { return i < b.N })
	b.StopTimer()
	b.ReportMetric(l.percentileMs(0.50), "p50-ms")
	b.ReportMetric(l.percentileMs(0.99), "p99-ms")
	b.ReportMetric(float64(len(l.latencies))/l.elapsed.Seconds(), "req/s")
}

// send has `workers` clients send requests while more(i) holds for the
// i-th request, and returns the time taken and the latencies.
func send(b *testing.B, ts *httptest.Server, workers int, q string, vars func(i int) map[string]any, more func(i int) bool) load {
	var next atomic.Int64
	lat := make([][]time.Duration, workers)
	var failed atomic.Value
	var wg sync.WaitGroup
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	defer hc.CloseIdleConnections()
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if !more(i) {
					return
				}
				t0 := time.Now()
				if _, err := query(hc, ts.URL, q, vars(i)); err != nil {
					failed.CompareAndSwap(nil, err)
					return
				}
				lat[w] = append(lat[w], time.Since(t0))
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := failed.Load(); err != nil {
		b.Fatal(err)
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	return load{elapsed: elapsed, latencies: all}
}

func mustQuery(b *testing.B, ts *httptest.Server, q string, vars map[string]any) {
	if _, err := query(http.DefaultClient, ts.URL, q, vars); err != nil {
		b.Fatal(err)
	}
}

// demoPhoneInputs lists the demo world's phone numbers as an analyst types
// them: Thai ones in local form (081-234-5678), others in E.164.
func demoPhoneInputs(b *testing.B) []string {
	var out []string
	_, err := demo.Generate(demo.Config{}, func(batch intel.Batch) error {
		for _, e := range batch.Entities {
			if e.Kind != intel.KindPhoneNumber {
				continue
			}
			if rest, ok := strings.CutPrefix(e.Key, "+66"); ok && len(rest) == 9 {
				out = append(out, "0"+rest[:2]+"-"+rest[2:5]+"-"+rest[5:])
				continue
			}
			out = append(out, e.Key)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return out
}
