package neo4jstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/embeddedstore/embeddedtest"
	"github.com/scamgraph/scamgraph/intel"
)

// TestUpsertMergesLikeTheEmbeddedStore writes the same random batches,
// full of the cases a bulk statement can get wrong (an entity twice in one
// batch, a link resent within a batch, empty and repeated raw forms, labels
// and attributes replaced, links of several types, ends inside and outside
// the batch), to Neo4j and to the embedded store, and requires the same
// entities, links and created counts; then writes them all again and
// requires Neo4j to be unchanged, first-ingested times included.
func TestUpsertMergesLikeTheEmbeddedStore(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	neo := MustEmpty(t)
	emb := embeddedtest.Open(t)

	rng := rand.New(rand.NewPCG(4, 2))
	u := newUniverse()
	var batches []intel.Batch
	for round := 0; round < 60; round++ {
		b := u.randomBatch(rng)
		batches = append(batches, b)
		want, err := emb.Upsert(ctx, b)
		if err != nil {
			t.Fatalf("round %d: embedded: %v", round, err)
		}
		got, err := neo.Upsert(ctx, b)
		if err != nil {
			t.Fatalf("round %d: neo4j: %v", round, err)
		}
		if got != want {
			t.Fatalf("round %d: neo4j created %+v, the embedded store %+v", round, got, want)
		}
	}
	entities, links := mustSnapshot(t, neo, u)
	wantEntities, wantLinks := mustSnapshot(t, emb, u)
	if len(links) == 0 || len(entities) == 0 {
		t.Fatal("the random batches stored nothing")
	}
	gotE, gotL := withoutTimes(entities, links)
	wantE, wantL := withoutTimes(wantEntities, wantLinks)
	if !reflect.DeepEqual(gotE, wantE) || !reflect.DeepEqual(gotL, wantL) {
		reportDiffs(t, "entity", gotE, wantE)
		reportDiffs(t, "link", gotL, wantL)
		t.Fatalf("neo4j holds %d entities and %d links, the embedded store %d and %d",
			len(entities), len(links), len(wantEntities), len(wantLinks))
	}

	for i, b := range batches {
		res, err := neo.Upsert(ctx, b)
		if err != nil {
			t.Fatalf("replaying batch %d: %v", i, err)
		}
		if res != (intel.UpsertResult{}) {
			t.Fatalf("replaying batch %d created %+v", i, res)
		}
	}
	// The last write of each entity and link wins, so replaying the batches
	// in order must leave every value, times included, as it was.
	again, againLinks := mustSnapshot(t, neo, u)
	if !reflect.DeepEqual(again, entities) || !reflect.DeepEqual(againLinks, links) {
		t.Fatal("replaying every batch changed what Neo4j holds")
	}
}

// universe is the small world random batches draw from, so that batches
// keep meeting the same entities and links.
type universe struct {
	phones, suspects, persons []intel.Entity
	linkIDs                   map[string]bool
}

func newUniverse() *universe {
	u := &universe{linkIDs: map[string]bool{}}
	for i := 0; i < 10; i++ {
		u.phones = append(u.phones, entityOf(intel.KindPhoneNumber, fmt.Sprintf("+6681000000%d", i)))
	}
	for i := 0; i < 3; i++ {
		u.suspects = append(u.suspects, entityOf(intel.KindSuspect, fmt.Sprintf("suspect-%d", i)))
		u.persons = append(u.persons, entityOf(intel.KindPerson, fmt.Sprintf("person-%d", i)))
	}
	return u
}

func entityOf(kind intel.Kind, key string) intel.Entity {
	return intel.Entity{ID: intel.EntityID(kind, key), Kind: kind, Key: key}
}

func (u *universe) all() []intel.Entity {
	return append(append(append([]intel.Entity{}, u.phones...), u.suspects...), u.persons...)
}

func pickFrom[T any](rng *rand.Rand, from []T) T { return from[rng.IntN(len(from))] }

// someOf returns up to n items drawn from from, repeats allowed.
func someOf[T any](rng *rand.Rand, n int, from []T) []T {
	var out []T
	for k := rng.IntN(n + 1); k > 0; k-- {
		out = append(out, pickFrom(rng, from))
	}
	return out
}

func someMap(rng *rand.Rand, keys, values []string) map[string]string {
	if rng.IntN(3) == 0 {
		return nil
	}
	m := map[string]string{}
	for _, k := range someOf(rng, 2, keys) {
		m[k] = pickFrom(rng, values)
	}
	return m
}

func (u *universe) randomBatch(rng *rand.Rand) intel.Batch {
	var b intel.Batch
	for _, e := range someOf(rng, 6, u.all()) {
		e.Label = pickFrom(rng, []string{"", "", "Label one", "Label two"})
		e.RawForms = someOf(rng, 3, []string{"", "a", "b", "c"})
		if e.Kind == intel.KindPhoneNumber {
			e.Markers = someOf(rng, 2, []string{"", intel.MarkerVoipFromAbroad, intel.MarkerRoamingAbroad})
		}
		e.Attrs = someMap(rng, []string{"carrier", "numberType"}, []string{"x", "y"})
		e.Sensitive = someMap(rng, []string{"holder"}, []string{"Somchai", "สมชาย"})
		b.Entities = append(b.Entities, e)
	}
	// Ends come from the batch most of the time, as in an import, and from
	// the whole universe otherwise, so that some links need stub ends.
	ends := func(from []intel.Entity) intel.Entity {
		var in []intel.Entity
		for _, e := range b.Entities {
			for _, f := range from {
				if e.ID == f.ID {
					in = append(in, e)
				}
			}
		}
		if len(in) > 0 && rng.IntN(4) > 0 {
			return pickFrom(rng, in)
		}
		return pickFrom(rng, from)
	}
	day := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	for k := rng.IntN(7); k > 0; k-- {
		l := intel.Link{Provenance: intel.Provenance{
			Agency: pickFrom(rng, []string{"TH-NBTC", "TH-CIB"}), Country: intel.RegionTH,
			EvidenceRef: pickFrom(rng, []string{"", "CDR-1"}), Confidence: pickFrom(rng, []float64{0.5, 1}),
			Visibility: pickFrom(rng, []intel.Visibility{intel.VisibilityShareable, intel.VisibilityDomestic}),
		}, Attrs: someMap(rng, []string{"durationSec"}, []string{"30", "60"})}
		switch rng.IntN(3) {
		case 0:
			l.Type, l.From, l.To = intel.LinkCalled, ends(u.phones).ID, ends(u.phones).ID
			l.EventKey = pickFrom(rng, []string{"call-1", "call-2"})
			l.ObservedAt = day.Add(time.Duration(rng.IntN(3)) * time.Minute)
		case 1:
			l.Type, l.From, l.To = intel.LinkUses, ends(u.suspects).ID, ends(u.phones).ID
			l.ValidFrom = pickFrom(rng, []time.Time{{}, day})
		default:
			l.Type, l.From, l.To = intel.LinkRegisteredTo, ends(u.phones).ID, ends(u.persons).ID
			l.Sensitive = someMap(rng, []string{"document"}, []string{"1-2345", "6-7890"})
		}
		if l.From == l.To {
			continue
		}
		b.Links = append(b.Links, l)
		if rng.IntN(6) == 0 {
			b.Links = append(b.Links, l) // resent within the batch
		}
		n := l.Clone()
		n.Normalize()
		u.linkIDs[n.ID] = true
	}
	return b
}

// mustSnapshot reads every entity and link the universe can hold.
func mustSnapshot(t *testing.T, s intel.Store, u *universe) (map[string]intel.Entity, map[string]intel.Link) {
	t.Helper()
	var ids, linkIDs []string
	for _, e := range u.all() {
		ids = append(ids, e.ID)
	}
	for id := range u.linkIDs {
		linkIDs = append(linkIDs, id)
	}
	return mustRead(t, s, ids, linkIDs)
}

// mustRead reads the entities and links with the given ids.
func mustRead(t *testing.T, s intel.Store, ids, linkIDs []string) (map[string]intel.Entity, map[string]intel.Link) {
	t.Helper()
	entities, err := s.GetEntities(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}
	links, err := s.GetLinks(context.Background(), linkIDs)
	if err != nil {
		t.Fatal(err)
	}
	return entities, links
}

// withoutTimes drops the times each store sets from its own clock.
func withoutTimes(entities map[string]intel.Entity, links map[string]intel.Link) (map[string]intel.Entity, map[string]intel.Link) {
	e2 := map[string]intel.Entity{}
	for id, e := range entities {
		e.FirstIngested = time.Time{}
		e2[id] = e
	}
	l2 := map[string]intel.Link{}
	for id, l := range links {
		l.IngestedAt = time.Time{}
		l2[id] = l
	}
	return e2, l2
}

// reportDiffs names each item that Neo4j holds otherwise than the embedded
// store.
func reportDiffs[T any](t *testing.T, what string, got, want map[string]T) {
	t.Helper()
	for id, w := range want {
		if g := got[id]; !reflect.DeepEqual(g, w) {
			t.Errorf("%s %s:\n neo4j    %+v\n embedded %+v", what, id, g, w)
		}
	}
}
