package resolvers_test

import (
	"testing"

	"github.com/scamgraph/scamgraph/access"
)

// TestNetworkBuildsWhatIsAskedFor: a network asked for ids and ends alone
// answers them, and one that asks for the links and entities, directly or
// through fragments, gets them in full. The costly models are skipped only
// when no field of the query can reach them.
func TestNetworkBuildsWhatIsAskedFor(t *testing.T) {
	store := openStore(t)
	writer := newClientOver(t, store, "TH-CCIB", access.RoleEnricher)
	var up struct{ Upsert struct{ Accepted int } }
	writer.MustPost(`mutation { upsert(input: { links: [
		{ type: CALLED, from: { kind: PhoneNumber, identifier: "081-234-5678" }, to: { kind: PhoneNumber, identifier: "081-234-5679" },
		  eventKey: "cdr-1", agency: "TH-CCIB", country: TH, observedAt: "2026-03-01T10:00:00Z", confidence: 0.9, evidenceRef: "CDR-7" } ] }) { accepted } }`, &up)
	if up.Upsert.Accepted != 1 {
		t.Fatalf("upsert accepted %d, want 1", up.Upsert.Accepted)
	}
	reader := newClientOver(t, store, "TH-CCIB", access.RoleAnalyst)
	type edge struct {
		ID, Source, Target string
		Link               *struct {
			ID         string
			Provenance struct{ EvidenceRef string }
		}
	}
	type node struct {
		ID     string
		Entity *struct{ Key string }
	}
	var bare struct {
		Network struct {
			Nodes []node
			Edges []edge
		}
	}
	reader.MustPost(`{ network(seeds: ["PhoneNumber:+66812345678"], depth: 1) { nodes { id } edges { id source target } } }`, &bare)
	if n := bare.Network; len(n.Nodes) != 2 || len(n.Edges) != 1 || n.Edges[0].Source != "PhoneNumber:+66812345678" ||
		n.Edges[0].Target != "PhoneNumber:+66812345679" || n.Edges[0].ID == "" {
		t.Fatalf("ids and ends: %+v", n)
	}
	for name, q := range map[string]string{
		"fields":    `{ network(seeds: ["PhoneNumber:+66812345678"], depth: 1) { nodes { id entity { key } } edges { id source target link { id provenance { evidenceRef } } } } }`,
		"fragments": `query { network(seeds: ["PhoneNumber:+66812345678"], depth: 1) { ...N } } fragment N on Network { nodes { id ... on NetworkNode { entity { ... on PhoneNumber { key } } } } edges { id source target ...E } } fragment E on NetworkEdge { link { id provenance { evidenceRef } } }`,
	} {
		var full struct {
			Network struct {
				Nodes []node
				Edges []edge
			}
		}
		reader.MustPost(q, &full)
		n := full.Network
		if len(n.Nodes) != 2 || len(n.Edges) != 1 {
			t.Fatalf("%s: %+v", name, n)
		}
		if l := n.Edges[0].Link; l == nil || l.ID != n.Edges[0].ID || l.Provenance.EvidenceRef != "CDR-7" {
			t.Errorf("%s: link %+v, want the stored link with its evidence reference", name, l)
		}
		for _, nd := range n.Nodes {
			if nd.Entity == nil || nd.Entity.Key == "" {
				t.Errorf("%s: node %+v, want its entity", name, nd)
			}
		}
	}
}
