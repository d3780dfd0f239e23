package neo4jstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/embeddedstore/embeddedtest"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/neo4jstore"
	"github.com/scamgraph/scamgraph/neo4jstore/neo4jtest"
)

// mustNoDrift fails when a node's stored fact classes differ from its
// links' or a node has none.
func mustNoDrift(t *testing.T, s *neo4jstore.Store, when string) {
	t.Helper()
	drift, unfilled, err := neo4jstore.FactClassDrift(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if drift != 0 || unfilled != 0 {
		t.Fatalf("%s: %d nodes hold fact classes other than their links', %d hold none", when, drift, unfilled)
	}
}

// mustClassified reads the classified entities of ids.
func mustClassified(t *testing.T, s intel.Store, ids []string) map[string]intel.ClassifiedEntity {
	t.Helper()
	got, err := s.GetClassified(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// mustSameClasses requires Neo4j's classes of every id to be the
// embedded store's.
func mustSameClasses(t *testing.T, neo, emb intel.Store, ids []string, when string) {
	t.Helper()
	got, want := mustClassified(t, neo, ids), mustClassified(t, emb, ids)
	if len(got) != len(want) {
		t.Fatalf("%s: neo4j classifies %d entities, the embedded store %d", when, len(got), len(want))
	}
	for id, w := range want {
		if g := got[id]; !reflect.DeepEqual(g.Classes, w.Classes) {
			t.Fatalf("%s: %s's classes\n neo4j    %+v\n embedded %+v", when, id, g.Classes, w.Classes)
		}
	}
}

func universeIDs(u *universe) []string {
	var ids []string
	for _, e := range u.all() {
		ids = append(ids, e.ID)
	}
	return ids
}

// TestFactClassesFollowEveryWrite writes random batches (links of several
// types, resent with another marking, ends inside and outside the batch)
// and retractions to Neo4j and to the embedded store, and after each
// requires the classes kept on every node to be exactly those of its
// links, and GetClassified to answer as the embedded store does.
func TestFactClassesFollowEveryWrite(t *testing.T) {
	ctx := context.Background()
	neo := MustEmpty(t)
	emb := embeddedtest.Open(t)
	rng := rand.New(rand.NewPCG(16, 7))
	u := newUniverse()
	ids := universeIDs(u)
	retracted := 0
	for round := 0; round < 40; round++ {
		b := u.randomBatch(rng)
		if _, err := emb.Upsert(ctx, b); err != nil {
			t.Fatal(err)
		}
		if _, err := neo.Upsert(ctx, b); err != nil {
			t.Fatal(err)
		}
		if round%3 == 2 {
			for id := range u.linkIDs {
				r := intel.RetractRequest{LinkID: id, Agency: "TH-CIB", Reason: "wrong number", At: time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)}
				_, embErr := emb.Retract(ctx, r)
				_, neoErr := neo.Retract(ctx, r)
				if (embErr == nil) != (neoErr == nil) {
					t.Fatalf("retracting %s: neo4j %v, embedded %v", id, neoErr, embErr)
				}
				if neoErr == nil {
					retracted++
				}
				break
			}
		}
		when := fmt.Sprintf("round %d", round)
		mustNoDrift(t, neo, when)
		mustSameClasses(t, neo, emb, ids, when)
	}
	if retracted == 0 {
		t.Fatal("no retraction was made")
	}
}

// TestFactClassesUnderConcurrentWrites has writers add links of several
// classes at one hub while others retract some of them: the locks the
// writes take must leave the hub's classes exactly those of its links.
func TestFactClassesUnderConcurrentWrites(t *testing.T) {
	ctx := context.Background()
	neo := MustEmpty(t)
	hub := "+66800000001"
	classes := []struct {
		agency     string
		visibility intel.Visibility
	}{{"TH-CIB", intel.VisibilityShareable}, {"TH-CIB", intel.VisibilityDomestic}, {"TH-NBTC", intel.VisibilityRestricted}}
	linkOf := func(w, i int) intel.Link {
		c := classes[(w+i)%len(classes)]
		l := intel.Link{Type: intel.LinkCalled, From: intel.EntityID(intel.KindPhoneNumber, hub),
			To: intel.EntityID(intel.KindPhoneNumber, fmt.Sprintf("+668100%02d%03d", w, i)), EventKey: fmt.Sprintf("c-%d-%d", w, i),
			Provenance: intel.Provenance{Agency: c.agency, Country: intel.RegionTH, Confidence: 1, Visibility: c.visibility}}
		l.ObservedAt = time.Date(2024, 3, 1, 0, i, 0, 0, time.UTC)
		l.Normalize()
		return l
	}
	const writers, each = 4, 12
	var wg sync.WaitGroup
	errs := make(chan error, 2*writers)
	for w := 0; w < writers; w++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if _, err := neo.Upsert(ctx, intel.Batch{Links: []intel.Link{linkOf(w, i)}}); err != nil {
					errs <- err
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			for i := 0; i < each; i += 2 {
				_, err := neo.Retract(ctx, intel.RetractRequest{LinkID: linkOf(w, i).ID, Agency: "TH-CIB", Reason: "test"})
				if err != nil && intel.ErrorCode(err) != intel.ENOTFOUND {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	mustNoDrift(t, neo, "after concurrent writes and retractions")
}

// TestFactClassesOfAnOlderStore reads a graph written before nodes kept
// their fact classes: GetClassified works them out from the links, a
// write meanwhile leaves such a node to that, and opening the store
// fills every node in (in the background), with the same answers
// throughout.
func TestFactClassesOfAnOlderStore(t *testing.T) {
	ctx := context.Background()
	neo := MustEmpty(t)
	emb := embeddedtest.Open(t)
	rng := rand.New(rand.NewPCG(3, 9))
	u := newUniverse()
	ids := universeIDs(u)
	write := func() {
		b := u.randomBatch(rng)
		if _, err := emb.Upsert(ctx, b); err != nil {
			t.Fatal(err)
		}
		if _, err := neo.Upsert(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 15; i++ {
		write()
	}
	if err := neo4jstore.ForgetFactClasses(ctx, neo); err != nil {
		t.Fatal(err)
	}
	if _, unfilled, err := neo4jstore.FactClassDrift(ctx, neo); err != nil || unfilled == 0 {
		t.Fatalf("the older graph: %d nodes without classes (%v), want all", unfilled, err)
	}
	mustSameClasses(t, neo, emb, ids, "an older graph")
	for i := 0; i < 5; i++ {
		write()
	}
	mustSameClasses(t, neo, emb, ids, "an older graph written to")
	reopened := neo4jtest.Reopen(t)
	mustSameClasses(t, reopened, emb, ids, "reopened, while filling in")
	neo4jstore.WaitFactClassesFilled(reopened)
	mustNoDrift(t, reopened, "reopened")
	mustSameClasses(t, reopened, emb, ids, "reopened")
}
