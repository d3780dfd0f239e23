package apitest

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"

	"github.com/scamgraph/scamgraph/demo"
)

const entityFields = `id kind key label rawForms attrs { key value }
	... on PhoneNumber { markers numberType carrier country }
	... on BankAccount { country bankCode bankName }
	... on VoipAccount { domain }
	... on IPAddress { version }
	summary { linkCount linkCounts { type count } reportCount agencies firstSeen lastSeen }`

const linkPage = `totalCount pageInfo { hasNextPage endCursor }
	edges { cursor direction neighbour { id label }
	  node { id type eventKey attrs { key value } from { id } to { id }
	    provenance { agency country observedAt validFrom validUntil evidenceRef confidence legalBasis visibility } } }`

// parityCase is one query every backend must answer identically; compare
// picks out what must match (all of data when nil).
type parityCase struct {
	name    string
	query   string
	vars    map[string]any
	compare func(data map[string]any) any
}

func parityCases() []parityCase {
	var cases []parityCase
	for _, p := range demo.EntryPoints() {
		cases = append(cases, parityCase{
			name: "lookup/" + p.Name,
			query: `query($q: String!, $r: Region, $k: EntityKind) { lookup(identifier: $q, region: $r, kind: $k) {
				key kind valid markers numberType carrier country entity { ` + entityFields + `
				... on PhoneNumber { links(first: 25) { ` + linkPage + ` } }
				... on BankAccount { links(first: 25, direction: IN) { ` + linkPage + ` } }
				... on Suspect { links(first: 25) { ` + linkPage + ` } }
				... on VoipAccount { links(first: 25, types: [REGISTERED_FROM]) { ` + linkPage + ` } }
				... on IPAddress { links(first: 25, since: "2024-02-01T00:00:00Z", until: "2024-04-01T00:00:00Z") { ` + linkPage + ` } } } } }`,
			vars: map[string]any{"q": p.LocalForm, "r": string(p.Region), "k": string(p.Kind)},
		})
	}
	hub := demo.SIMBoxHub.ID()
	cases = append(cases,
		parityCase{name: "network/hub-depth-2", query: `query($s: [ID!]!) { network(seeds: $s, depth: 2, limit: 300) {
			truncated nodeCount edgeCount missingSeeds nodes { id kind label } edges { id type source target } } }`,
			vars: map[string]any{"s": []string{hub, "PhoneNumber:+66899999999"}}},
		parityCase{name: "network/filtered", query: `query($s: [ID!]!) { network(seeds: $s, depth: 3, limit: 400,
			linkTypes: [TRANSFERRED, USES], kinds: [BankAccount, Suspect], since: "2024-01-15T00:00:00Z") {
			truncated nodeCount edgeCount nodes { id } edges { id } } }`,
			vars: map[string]any{"s": []string{demo.FirstLayerMule.ID(), demo.SuspectBoss.ID()}}},
		parityCase{name: "nodes/entry-points", query: `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Entity { ` + entityFields + ` } } }`,
			vars: map[string]any{"ids": entryPointIDs()}},
	)
	cases = append(cases, analyticsParityCases()...)
	for _, pp := range demo.PathPairs() {
		cases = append(cases, parityCase{name: "path/" + pp.From.Name + "-" + pp.To.Name,
			query: `query($a: ID!, $b: ID!) { shortestPath(from: $a, to: $b, maxDepth: 6) { length nodes { id } } }`,
			vars:  map[string]any{"a": pp.From.ID(), "b": pp.To.ID()},
			// Which of several equally short paths comes back may differ
			// between backends (the contract allows it); the length and the
			// ends may not.
			compare: func(data map[string]any) any {
				p, _ := data["shortestPath"].(map[string]any)
				nodes, _ := p["nodes"].([]any)
				if len(nodes) == 0 {
					return p
				}
				return []any{p["length"], nodes[0], nodes[len(nodes)-1]}
			}})
	}
	return cases
}

func entryPointIDs() []string {
	var ids []string
	for _, p := range demo.EntryPoints() {
		ids = append(ids, p.ID())
	}
	return ids
}

// TestSameAnswersOnEveryBackend runs the same queries against the embedded
// store and Neo4j, each with and without Redis (twice with Redis, so the
// second answer comes from the cache), and requires identical answers.
func TestSameAnswersOnEveryBackend(t *testing.T) {
	backends := mustBackends(t, 0.2)
	servers := make([]string, len(backends))
	for i, b := range backends {
		servers[i] = serve(t, b).URL
	}
	client := &http.Client{}
	for _, c := range parityCases() {
		t.Run(c.name, func(t *testing.T) {
			var want any
			for i, b := range backends {
				for round := 0; round < 2; round++ {
					r, err := query(client, servers[i], c.query, c.vars)
					if err != nil {
						t.Fatalf("%s: %v", b.name, err)
					}
					var data map[string]any
					if err := json.Unmarshal(r.Data, &data); err != nil {
						t.Fatal(err)
					}
					if lk, ok := data["lookup"].(map[string]any); ok && lk["entity"] == nil {
						t.Fatalf("%s: entry point not found, the comparison would prove nothing", b.name)
					}
					var got any = data
					if c.compare != nil {
						got = c.compare(data)
					}
					if want == nil {
						want = got
						continue
					}
					if !reflect.DeepEqual(got, want) {
						gj, _ := json.Marshal(got)
						wj, _ := json.Marshal(want)
						t.Fatalf("%s (round %d) differs from %s:\n got %.2000s\nwant %.2000s", b.name, round+1, backends[0].name, gj, wj)
					}
				}
			}
		})
	}
}
