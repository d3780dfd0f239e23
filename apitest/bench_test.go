package apitest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
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
// in one run: a Cambodian analyst's lookups of Thai numbers and a two-link
// network around the SIM-box hub, with the rules applied (visibility in
// every query, masking, the audit entry of each cross-border read) and with
// them lifted by the benchmark's own unguarded stack (unguarded).
func BenchmarkAccessRules(b *testing.B) {
	numbers := demoPhoneInputs(b)
	var thai []string
	for _, n := range numbers {
		if strings.HasPrefix(n, "0") {
			thai = append(thai, n)
		}
	}
	hot := thai[:200]
	for _, name := range []string{"embedded", "neo4j"} {
		inner := demoStore(b, name)
		// Each deployment keeps its registry where it keeps its graph: a
		// bbolt file beside the embedded store, or the same Neo4j.
		reg, keys := accesstest.Registry(b)
		if name == "neo4j" {
			reg, keys = accesstest.Neo4jRegistry(b, os.Getenv("NEO4J_URI"))
		}
		// Both modes then start from a warm store: the one measured first
		// must not pay alone for Neo4j's cold page cache.
		warm, _, _ := serveWith(b, backend{name: name, store: inner}, reg, keys, "KH-GDNP", access.RoleAnalyst,
			rulesBypassed)
		for _, q := range hot {
			mustQuery(b, warm, accessLookupQuery, map[string]any{"q": q})
		}
		for _, mode := range []struct {
			name string
			opts rulesMode
		}{{"rules=on", rulesOn}, {"rules=bypass", rulesBypassed}} {
			ts, _, _ := serveWith(b, backend{name: name, store: inner}, reg, keys, "KH-GDNP", access.RoleAnalyst, mode.opts)
			b.Run(name+"/lookup/"+mode.name, func(b *testing.B) {
				hammerQuery(b, ts, concurrency, accessLookupQuery, func(i int) map[string]any { return map[string]any{"q": hot[i%len(hot)]} })
			})
		}
		for _, mode := range []struct {
			name string
			opts rulesMode
		}{{"rules=on", rulesOn}, {"rules=bypass", rulesBypassed}} {
			ts, _, _ := serveWith(b, backend{name: name, store: inner}, reg, keys, "KH-GDNP", access.RoleAnalyst, mode.opts)
			hub := demo.SIMBoxHub.ID()
			b.Run(name+"/network/depth=2/"+mode.name, func(b *testing.B) {
				hammerQuery(b, ts, 1, `query($s: [ID!]!) { network(seeds: $s, depth: 2, limit: 2000) {
					truncated nodeCount edgeCount nodes { id kind label } edges { id type source target } } }`,
					func(int) map[string]any { return map[string]any{"s": []string{hub}} })
			})
		}
	}
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
	var next atomic.Int64
	lat := make([][]time.Duration, workers)
	var failed atomic.Value
	var wg sync.WaitGroup
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	b.ResetTimer()
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
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
	b.StopTimer()
	if err := failed.Load(); err != nil {
		b.Fatal(err)
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	pct := func(p float64) float64 {
		return float64(all[min(len(all)-1, int(p*float64(len(all))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
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
