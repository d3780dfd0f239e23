package conformance

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/scamgraph/scamgraph/guard"
	"github.com/scamgraph/scamgraph/intel"
)

// mustFactClasses asks GetClassified for ids and returns the classes, after
// checking that each entity it returns is the one GetEntities returns.
func mustFactClasses(t *testing.T, s intel.Store, ids ...string) map[string][]intel.FactClass {
	t.Helper()
	got, err := s.GetClassified(ctxFor(t), ids)
	if err != nil {
		t.Fatalf("GetClassified: %v", err)
	}
	entities, err := s.GetEntities(ctxFor(t), ids)
	if err != nil {
		t.Fatalf("GetEntities: %v", err)
	}
	if len(entities) != len(got) {
		t.Errorf("GetClassified returns %d entities, GetEntities %d", len(got), len(entities))
	}
	out := make(map[string][]intel.FactClass, len(got))
	for id, ce := range got {
		if !reflect.DeepEqual(ce.Entity, entities[id]) {
			t.Errorf("GetClassified's entity\n got %+v\nwant %+v (GetEntities)", ce.Entity, entities[id])
		}
		out[id] = ce.Classes
	}
	return out
}

// hubClasses are the classes of hubFixture's facts at its hub.
var hubClasses = []intel.FactClass{
	{Type: intel.LinkCalled, Country: intel.RegionTH, Visibility: intel.VisibilityShareable, Agency: "TH-CIB"},
	{Type: intel.LinkPresentedAs, Country: intel.RegionTH, Visibility: intel.VisibilityShareable, Agency: "TH-NBTC"},
}

var _ = register("ClassifiedEntitiesHaveTheSummaryClasses", func(t *testing.T, h *Harness, s intel.Store) {
	hub, _, _ := hubFixture(t, s)
	isolated := phone("+66811111111")
	mustUpsert(t, s, intel.Batch{Entities: []intel.Entity{isolated}})
	missing := pid("+66899999999")
	got := mustFactClasses(t, s, hub, isolated.ID, missing)
	if len(got) != 2 {
		t.Fatalf("%d entries, want 2 (the missing id is left out): %v", len(got), got)
	}
	if !reflect.DeepEqual(got[hub], hubClasses) {
		t.Errorf("hub's classes\n got %+v\nwant %+v", got[hub], hubClasses)
	}
	if cs, ok := got[isolated.ID]; !ok || cs == nil || len(cs) != 0 {
		t.Errorf("an entity without facts: %#v, want an empty list", cs)
	}
	sums, err := s.Summaries(ctxFor(t), []string{hub})
	if err != nil {
		t.Fatal(err)
	}
	if want := sums[hub].Classes(); !reflect.DeepEqual(got[hub], want) {
		t.Errorf("classes %+v differ from the summary's %+v", got[hub], want)
	}
	if none := mustFactClasses(t, s); len(none) != 0 {
		t.Errorf("no ids: %v", none)
	}
})

var _ = register("ClassifiedEntitiesFollowWritesAndRetractions", func(t *testing.T, h *Harness, s intel.Store) {
	hub, _, _ := hubFixture(t, s)
	// Enough calls of the same class that a store keeping the classes of
	// hubs keeps these, so that the writes below must reach what it kept.
	var more []intel.Link
	for i := 0; i < 80; i++ {
		more = append(more, call("+66800000000", fmt.Sprintf("+668300000%02d", i), 50+i%20, fmt.Sprintf("more-%d", i)))
	}
	mustUpsert(t, s, intel.Batch{Links: more})
	// Read first, so that a cache holds the value the writes change.
	if got := mustFactClasses(t, s, hub)[hub]; !reflect.DeepEqual(got, hubClasses) {
		t.Fatalf("fixture: %+v", got)
	}
	// A fact sent again with another marking replaces the stored one, and
	// its class with it.
	resent := more[0]
	resent.Visibility = intel.VisibilityRestricted
	mustUpsert(t, s, intel.Batch{Links: []intel.Link{resent}})
	restricted := intel.FactClass{Type: intel.LinkCalled, Country: intel.RegionTH, Visibility: intel.VisibilityRestricted, Agency: "TH-CIB"}
	if got := mustFactClasses(t, s, pid("+66830000000"))[pid("+66830000000")]; !reflect.DeepEqual(got, []intel.FactClass{restricted}) {
		t.Errorf("a fact sent again with another marking: %+v, want %+v", got, []intel.FactClass{restricted})
	}
	withRestricted := []intel.FactClass{restricted, hubClasses[0], hubClasses[1]}
	if got := mustFactClasses(t, s, hub)[hub]; !reflect.DeepEqual(got, withRestricted) {
		t.Errorf("the hub after a fact changed its marking\n got %+v\nwant %+v", got, withRestricted)
	}
	resent.Visibility = intel.VisibilityShareable
	mustUpsert(t, s, intel.Batch{Links: []intel.Link{resent}})
	if got := mustFactClasses(t, s, hub)[hub]; !reflect.DeepEqual(got, hubClasses) {
		t.Fatalf("the hub after the marking changed back: %+v", got)
	}
	other := call("+66800000000", "+66850000000", 40, "kh-1")
	other.Agency, other.Country, other.Visibility = "KH-GDNP", intel.RegionKH, intel.VisibilityRestricted
	other.ID = ""
	other.Normalize()
	mustUpsert(t, s, intel.Batch{Links: []intel.Link{other}})
	khClass := intel.FactClass{Type: intel.LinkCalled, Country: intel.RegionKH, Visibility: intel.VisibilityRestricted, Agency: "KH-GDNP"}
	want := append([]intel.FactClass{khClass}, hubClasses...)
	if got := mustFactClasses(t, s, hub)[hub]; !reflect.DeepEqual(got, want) {
		t.Errorf("after a write\n got %+v\nwant %+v", got, want)
	}
	// The far end is new and knows the one class.
	if got := mustFactClasses(t, s, pid("+66850000000"))[pid("+66850000000")]; !reflect.DeepEqual(got, []intel.FactClass{khClass}) {
		t.Errorf("the new end's classes: %+v", got)
	}
	// Through a reader's view, only the classes the reader may see.
	th := guard.New(s, &intel.Access{Agency: "TH-CIB", Country: intel.RegionTH}, nil)
	if got := mustFactClasses(t, th, hub)[hub]; !reflect.DeepEqual(got, hubClasses) {
		t.Errorf("a Thai reader's view\n got %+v\nwant %+v", got, hubClasses)
	}
	if got := mustFactClasses(t, th, pid("+66850000000")); len(got) != 0 {
		t.Errorf("a Thai reader knows an entity seen only in a Cambodian restricted fact: %+v", got)
	}
	if _, err := s.Retract(ctxFor(t), intel.RetractRequest{LinkID: other.ID, Agency: "KH-GDNP", Reason: "wrong number"}); err != nil {
		t.Fatalf("Retract: %v", err)
	}
	got := mustFactClasses(t, s, hub, pid("+66850000000"))
	if !reflect.DeepEqual(got[hub], hubClasses) {
		t.Errorf("after the retraction\n got %+v\nwant %+v", got[hub], hubClasses)
	}
	if cs, ok := got[pid("+66850000000")]; !ok || len(cs) != 0 {
		t.Errorf("an entity whose one fact was retracted: %#v, want an empty list", cs)
	}
})
