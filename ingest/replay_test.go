package ingest_test

import (
	"context"
	"testing"

	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/embeddedstore/embeddedtest"
	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/neo4jstore"
)

// TestReplayOfSpelledCallsIsAllDuplicate imports 15,000 call records whose
// numbers come in the spellings real feeds use, then imports them again:
// the replay must add nothing and answer DUPLICATE for every record. Before
// entities stopped carrying how one record wrote them (intel.SightingAttrs),
// a callee written "0066 ..." in one record and "001 66 ..." in another
// had its "idd" attribute rewritten by each, so the replay of the first
// changed the entity back and was answered ACCEPTED while adding nothing:
// none up to 10,000 records (where callees start to repeat), then more and
// more (4,286 of 25,000 here), on both stores.
func TestReplayOfSpelledCallsIsAllDuplicate(t *testing.T) {
	const n = 15_000
	stores := map[string]func(t *testing.T) intel.Store{
		"embedded": func(t *testing.T) intel.Store { return embeddedtest.Open(t) },
		"neo4j":    func(t *testing.T) intel.Store { return MustNeo4j(t) },
	}
	for _, name := range []string{"embedded", "neo4j"} {
		t.Run(name, func(t *testing.T) {
			s := stores[name](t)
			first, _ := MustRun(t, s, &ingest.SyntheticCalls{N: n, Spellings: true}, ingest.Options{})
			if first.Accepted != n {
				t.Fatalf("first import %+v, want all %d accepted", first, n)
			}
			before := storeCounts(t, s)
			again, results := MustRun(t, s, &ingest.SyntheticCalls{N: n, Spellings: true}, ingest.Options{})
			if again.Duplicate != n {
				for _, r := range results {
					if r.Status != ingest.StatusDuplicate {
						t.Errorf("line %d answered %s on replay: %+v", r.Line, r.Status, ingest.SyntheticSpelledCall(r.Line-1))
						break
					}
				}
				t.Fatalf("replay %+v, want all %d duplicate", again, n)
			}
			if after := storeCounts(t, s); after != before {
				t.Fatalf("the replay changed the store: %v, then %v", before, after)
			}
		})
	}
}

// storeCounts reads how many entities and links s holds.
func storeCounts(t *testing.T, s intel.Store) [2]int {
	t.Helper()
	switch c := s.(type) {
	case *embeddedstore.Store:
		e, l := c.Counts()
		return [2]int{e, l}
	case *neo4jstore.Store:
		e, l, _, err := c.Counts(context.Background(), intel.LinkCalled)
		if err != nil {
			t.Fatal(err)
		}
		return [2]int{e, l}
	}
	t.Fatalf("%T cannot count what it holds", s)
	return [2]int{}
}
