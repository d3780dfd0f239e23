package apitest

import (
	"fmt"
	"testing"

	"github.com/scamgraph/scamgraph/demo"
)

// BenchmarkMoneyTrail measures moneyTrail through HTTP on the demo world at
// two sizes, on the embedded store and on Neo4j: forward from the entry
// victim's account (four hops, to the Cambodian cash-out) and backward
// from the cash-out account over a month (three hops), each one request at
// a time, reporting p50 and p99. The cost follows the accounts the money
// can reach, one store round trip per hop, so it grows with how busy the
// mule accounts are, not with the size of the graph.
func BenchmarkMoneyTrail(b *testing.B) {
	for _, scale := range []float64{0.25, 1} {
		for _, name := range []string{"embedded", "neo4j"} {
			ts := serve(b, backend{name: name, store: demoStoreAt(b, name, scale)})
			prefix := fmt.Sprintf("scale=%g/%s", scale, name)
			b.Run(prefix+"/forward/victim", func(b *testing.B) {
				hammerQuery(b, ts, 1, `query($a: ID!) { moneyTrail(from: $a, maxHops: 4) { truncated
					hops { from to time carried { amount currency } } accounts { entity { id } reachable { amount currency } fanIn fanOut } } }`,
					func(int) map[string]any { return map[string]any{"a": demo.VictimAccount.ID()} })
			})
			b.Run(prefix+"/backward/cash-out", func(b *testing.B) {
				hammerQuery(b, ts, 1, `query($a: ID!) { moneyTrail(from: $a, direction: BACKWARD, maxHops: 3,
					since: "2024-03-01T00:00:00Z", until: "2024-04-01T00:00:00Z") { truncated
					hops { from to time carried { amount currency } } accounts { entity { id } reachable { amount currency } } } }`,
					func(int) map[string]any { return map[string]any{"a": demo.CashOutAccount.ID()} })
			})
		}
	}
}
