package apitest

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/access/accesstest"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/guard"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/usecase"
)

// networkSeeds are the seeds of the peer benchmark's network questions on
// the demo world (bench/results/REPORT.md), by depth: the largest networks
// a 500-node cap does not cut.
var networkSeeds = map[int]string{
	1: "BankAccount:TH:014:4071829305",
	2: "PhoneNumber:+66869041377",
	3: "PhoneNumber:+6622322560",
}

// The peer benchmark's questions as ScamGraph is asked them.
const (
	peerNetworkQuery = `query($s:[ID!]!,$d:Int,$l:Int){network(seeds:$s,depth:$d,limit:$l){truncated nodes{id}}}`
	peerPathQuery    = `query($f:ID!,$t:ID!){shortestPath(from:$f,to:$t,maxDepth:4){length nodes{id}}}`
)

// BenchmarkNetworkPeers measures the peer benchmark's network and
// shortest-path questions on the demo world, as a TH-CCIB analyst, on each
// store: through the store with the reader's access (what the peer
// benchmark's raw target E runs), through the reader's view (guard, which
// adds visibility of the seeds, masking and the audit's notes), and through
// the whole HTTP stack (what targets A and B run), at concurrency 16.
// BENCH_STORES=embedded (or neo4j) picks one store.
func BenchmarkNetworkPeers(b *testing.B) {
	ctx := context.Background()
	for _, name := range benchStores() {
		inner := demoStore(b, name)
		reg, keys := accesstest.Registry(b)
		ts, _, _ := serveWith(b, backend{name: name, store: inner}, reg, keys, "TH-CCIB", access.RoleAnalyst, rulesOn)
		svc := usecase.New(inner, reg, usecase.Options{})
		c, err := svc.Authenticate(ctx, usecase.Credentials{Token: demo.KeyFor(keys, "TH-CCIB", access.RoleAnalyst),
			Purpose: "network benchmark"})
		if err != nil {
			b.Fatal(err)
		}
		a := c.Access()
		for depth := 1; depth <= 3; depth++ {
			q := intel.ExpandQuery{Seeds: []string{networkSeeds[depth]}, Depth: depth, MaxNodes: 500, MaxLinks: 2000}
			b.Run(fmt.Sprintf("%s/network-%dhop/store", name, depth), func(b *testing.B) {
				q := q
				q.Access = a
				g, err := inner.Expand(ctx, q)
				if err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				cpu := readCPU()
				for i := 0; i < b.N; i++ {
					if _, err := inner.Expand(ctx, q); err != nil {
						b.Fatal(err)
					}
				}
				reportCPU(b, cpu)
				b.ReportMetric(float64(len(g.Nodes)), "nodes")
				b.ReportMetric(float64(len(g.Links)), "links")
			})
			b.Run(fmt.Sprintf("%s/network-%dhop/guard", name, depth), func(b *testing.B) {
				cpu := readCPU()
				for i := 0; i < b.N; i++ {
					if _, err := guard.New(inner, a, nil).Expand(ctx, q); err != nil {
						b.Fatal(err)
					}
				}
				reportCPU(b, cpu)
			})
			b.Run(fmt.Sprintf("%s/network-%dhop/http", name, depth), func(b *testing.B) {
				cpu := readCPU()
				hammerQuery(b, ts, concurrency, peerNetworkQuery, func(int) map[string]any {
					return map[string]any{"s": []string{networkSeeds[depth]}, "d": depth, "l": 500}
				})
				reportCPU(b, cpu)
			})
		}
		pq := intel.PathQuery{From: demo.VoipAccount.ID(), To: demo.CashOutAccount.ID(), MaxDepth: 4}
		b.Run(name+"/shortestPath/store", func(b *testing.B) {
			q := pq
			q.Access = a
			cpu := readCPU()
			for i := 0; i < b.N; i++ {
				p, err := inner.ShortestPath(ctx, q)
				if err != nil {
					b.Fatal(err)
				}
				if p == nil {
					b.Fatal("no path")
				}
			}
			reportCPU(b, cpu)
		})
		b.Run(name+"/shortestPath/guard", func(b *testing.B) {
			cpu := readCPU()
			for i := 0; i < b.N; i++ {
				if _, err := guard.New(inner, a, nil).ShortestPath(ctx, pq); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
		})
		b.Run(name+"/shortestPath/http", func(b *testing.B) {
			cpu := readCPU()
			hammerQuery(b, ts, concurrency, peerPathQuery, func(int) map[string]any {
				return map[string]any{"f": pq.From, "t": pq.To}
			})
			reportCPU(b, cpu)
		})
	}
}

// benchStores lists the stores a benchmark runs on: both, or the one
// BENCH_STORES names.
func benchStores() []string {
	switch s := os.Getenv("BENCH_STORES"); s {
	case "embedded", "neo4j":
		return []string{s}
	}
	return []string{"embedded", "neo4j"}
}
