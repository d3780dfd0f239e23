package server_test

import (
	"context"
	"fmt"
	"maps"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/access/accesstest"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/embeddedstore/embeddedtest"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/server"
	"github.com/scamgraph/scamgraph/usecase"
)

// countingStore counts the round trips that reach a store, by method. It
// implements intel.Store itself rather than embedding it, so a method added
// to the contract does not compile here until it is counted too: the guard
// against N+1 reads cannot miss a method.
type countingStore struct {
	inner intel.Store
	mu    sync.Mutex
	calls map[string]int
}

var _ intel.Store = (*countingStore)(nil)

func (c *countingStore) count(m string) {
	c.mu.Lock()
	c.calls[m]++
	c.mu.Unlock()
}

// snapshot copies the counts so far.
func (c *countingStore) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.calls)
}

func (c *countingStore) Upsert(ctx context.Context, b intel.Batch) (intel.UpsertResult, error) {
	c.count("Upsert")
	return c.inner.Upsert(ctx, b)
}

func (c *countingStore) GetEntities(ctx context.Context, ids []string) (map[string]intel.Entity, error) {
	c.count("GetEntities")
	return c.inner.GetEntities(ctx, ids)
}

func (c *countingStore) GetLinks(ctx context.Context, ids []string) (map[string]intel.Link, error) {
	c.count("GetLinks")
	return c.inner.GetLinks(ctx, ids)
}

func (c *countingStore) FindEntity(ctx context.Context, kind intel.Kind, key string) (intel.Entity, error) {
	c.count("FindEntity")
	return c.inner.FindEntity(ctx, kind, key)
}

func (c *countingStore) Neighbours(ctx context.Context, q intel.NeighbourQuery) (intel.NeighbourPage, error) {
	c.count("Neighbours")
	return c.inner.Neighbours(ctx, q)
}

func (c *countingStore) NeighboursOf(ctx context.Context, ids []string, q intel.NeighbourQuery) (map[string]intel.NeighbourPage, error) {
	c.count("NeighboursOf")
	return c.inner.NeighboursOf(ctx, ids, q)
}

func (c *countingStore) GetClassifiedWithNeighbours(ctx context.Context, ids []string, q intel.NeighbourQuery) (map[string]intel.ClassifiedEntity, map[string]intel.NeighbourPage, error) {
	c.count("GetClassifiedWithNeighbours")
	return c.inner.GetClassifiedWithNeighbours(ctx, ids, q)
}

func (c *countingStore) Summaries(ctx context.Context, ids []string) (map[string]intel.Summary, error) {
	c.count("Summaries")
	return c.inner.Summaries(ctx, ids)
}

func (c *countingStore) GetClassified(ctx context.Context, ids []string) (map[string]intel.ClassifiedEntity, error) {
	c.count("GetClassified")
	return c.inner.GetClassified(ctx, ids)
}

func (c *countingStore) Expand(ctx context.Context, q intel.ExpandQuery) (intel.Subgraph, error) {
	c.count("Expand")
	return c.inner.Expand(ctx, q)
}

func (c *countingStore) ShortestPath(ctx context.Context, q intel.PathQuery) (*intel.Path, error) {
	c.count("ShortestPath")
	return c.inner.ShortestPath(ctx, q)
}

func (c *countingStore) LinkedEntities(ctx context.Context, q intel.LinkedQuery) (intel.LinkedPage, error) {
	c.count("LinkedEntities")
	return c.inner.LinkedEntities(ctx, q)
}

func (c *countingStore) CallersAt(ctx context.Context, q intel.SiteQuery) (map[string]intel.SiteCallers, error) {
	c.count("CallersAt")
	return c.inner.CallersAt(ctx, q)
}

func (c *countingStore) Retract(ctx context.Context, r intel.RetractRequest) (intel.Link, error) {
	c.count("Retract")
	return c.inner.Retract(ctx, r)
}

func (c *countingStore) Search(ctx context.Context, q intel.SearchQuery) ([]intel.Entity, error) {
	c.count("Search")
	return c.inner.Search(ctx, q)
}

func (c *countingStore) Ping(ctx context.Context) error {
	c.count("Ping")
	return c.inner.Ping(ctx)
}

func (c *countingStore) Close() error { return c.inner.Close() }

// relationshipQuery reaches every relationship field over three levels:
// the listed entities and links; their summaries, their links and the
// links' ends and neighbours; and the neighbours' summaries and links.
const relationshipQuery = `query($ids: [ID!]!) { nodes(ids: $ids) {
  id
  ... on Link { from { id summary { linkCount } } to { id summary { linkCount } } }
  ... on PhoneNumber { summary { linkCount }
    links(first: 5) { totalCount edges {
      node { id from { id } to { id } }
      neighbour { id summary { linkCount } links(first: 2) { totalCount edges { neighbour { id } } } } } } }
} }`

// TestRelationshipFieldsCostConstantRoundTrips lists N entities and N links
// with every relationship field, for N = 2 and N = 12, as readers whose
// view the guard folds, and requires each store method to be called at
// most once per level of the query, for 2 items as for 12: a relationship
// field batches its reads over the whole list, level by level, and never
// reads per item.
func TestRelationshipFieldsCostConstantRoundTrips(t *testing.T) {
	s := embeddedtest.Open(t)
	seedSmallWorld(t, s)
	page, err := s.Neighbours(context.Background(), intel.NeighbourQuery{ID: "PhoneNumber:+66812345678", First: 50})
	if err != nil || len(page.Items) != 12 {
		t.Fatalf("seeded calls: %d, %v", len(page.Items), err)
	}
	counter := &countingStore{inner: s, calls: map[string]int{}}
	reg, keys := accesstest.Registry(t)
	srv := server.New(server.DefaultConfig(), usecase.New(counter, reg, usecase.Options{}), nil, zerolog.Nop(), server.NewMetrics())

	for _, reader := range []struct {
		agency string
		role   access.Role
	}{{"TH-CCIB", access.RoleAnalyst}, {"TH-CCIB", access.RoleAdmin}} {
		t.Run(reader.agency+"/"+string(reader.role), func(t *testing.T) {
			ts := httptest.NewServer(accesstest.WithKey(srv.Handler(), demo.KeyFor(keys, reader.agency, reader.role)))
			t.Cleanup(ts.Close)
			trips := func(n int) map[string]int {
				var ids []string
				for i := 0; i < n; i++ {
					ids = append(ids, page.Items[i].Entity.ID, "Link:"+page.Items[i].Link.ID)
				}
				before := counter.snapshot()
				r := post(t, ts, relationshipQuery, map[string]any{"ids": ids})
				if len(r.Errors) > 0 {
					t.Fatalf("errors: %s", r.Raw)
				}
				nodes := dig(r.Data, "nodes").([]any)
				if len(nodes) != 2*n || slices.Contains(nodes, nil) {
					t.Fatalf("%d of %d nodes: %s", len(nodes), 2*n, r.Raw)
				}
				after := counter.snapshot()
				for m := range before {
					after[m] -= before[m]
				}
				return after
			}
			small, large := trips(2), trips(12)
			// Every store read a relationship field can reach was made, so
			// the comparison below covers all of them.
			for _, m := range []string{"GetClassified", "GetLinks", "NeighboursOf", "Summaries"} {
				if large[m] == 0 {
					t.Errorf("the query never reached %s: %v", m, large)
				}
			}
			// A loader's batch may take in the reads of two levels when
			// they fall into one batching window, so a count may be one
			// level's fewer on either side; what must never happen is a
			// count beyond one call per level, which reading per item
			// would give.
			total := 0
			for m, n := range large {
				if n > 3 || small[m] > 3 {
					t.Errorf("%s: 2 items cost %d calls, 12 cost %d: more than one per level, so the count grows with the list", m, small[m], n)
				}
				total += n
			}
			// Three levels, each at most one batched read of each kind.
			if total > 3*4 {
				t.Errorf("12 items cost %d store calls: %v", total, large)
			}
			t.Logf("store calls for 2 and for 12 items: %v", fmt.Sprint(large))
		})
	}
}

// TestLookupRiskCostsNoRoundTripOfItsOwn looks a number up with and
// without its risk, each on a service of its own (nothing scored yet), as a
// reader whose view the guard folds, and requires the risk to cost no
// store round trip of its own: the lookup's read of the entity and its
// fact classes (which decide whether the reader may see it) brings the
// page of the number's own links the score reads, in the same call
// (GetClassifiedWithNeighbours instead of GetClassified).
func TestLookupRiskCostsNoRoundTripOfItsOwn(t *testing.T) {
	s := embeddedtest.Open(t)
	seedSmallWorld(t, s)
	reg, keys := accesstest.Registry(t)
	trips := func(q string) map[string]int {
		counter := &countingStore{inner: s, calls: map[string]int{}}
		srv := server.New(server.DefaultConfig(), usecase.New(counter, reg, usecase.Options{}), nil, zerolog.Nop(), server.NewMetrics())
		ts := httptest.NewServer(accesstest.WithKey(srv.Handler(), demo.KeyFor(keys, "TH-CCIB", access.RoleAnalyst)))
		t.Cleanup(ts.Close)
		r := post(t, ts, q, map[string]any{"q": "081 234 5678"})
		if len(r.Errors) > 0 {
			t.Fatalf("errors: %s", r.Raw)
		}
		if dig(r.Data, "lookup", "entity", "id") != "PhoneNumber:+66812345678" {
			t.Fatalf("the lookup found no entity: %s", r.Raw)
		}
		return counter.snapshot()
	}
	const lookup = `query($q: String!) { lookup(identifier: $q) { key entity { id ... on PhoneNumber { summary { linkCount } } } %s } }`
	plain := trips(fmt.Sprintf(lookup, ""))
	risk := trips(fmt.Sprintf(lookup, "risk { score level reasons { kind text } }"))
	want := maps.Clone(plain)
	if want["GetClassified"] == 0 {
		t.Fatalf("the plain lookup read no entity: %v", plain)
	}
	if want["GetClassified"]--; want["GetClassified"] == 0 {
		delete(want, "GetClassified")
	}
	want["GetClassifiedWithNeighbours"]++
	if !maps.Equal(risk, want) {
		t.Errorf("store calls of a lookup with its risk %v, want the plain lookup's %v with its GetClassified reading the links too", risk, plain)
	}
}
