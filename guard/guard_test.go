package guard_test

import (
	"context"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/guard"
	"github.com/scamgraph/scamgraph/intel"
)

// fixture: a Thai subscriber record (shareable) and a Thai domestic call at
// one number, and a suspect filed by Cambodia with a document.
func fixture(t *testing.T) (intel.Store, intel.Link, intel.Link, intel.Entity) {
	t.Helper()
	s, err := embeddedstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	number := intel.EntityID(intel.KindPhoneNumber, "+66812000009")
	key := intel.PersonKey("TH", "NATIONAL_ID", "3101200456789")
	person := intel.Entity{ID: intel.EntityID(intel.KindPerson, key), Kind: intel.KindPerson, Key: key,
		Attrs:     map[string]string{"documentCountry": "TH"},
		Sensitive: map[string]string{"name": "Somchai", "documentNumber": "3101200456789"}}
	sub := intel.Link{Type: intel.LinkRegisteredTo, From: number, To: person.ID, Sensitive: map[string]string{"name": "Somchai"},
		Provenance: intel.Provenance{Agency: "TH-CCIB", Country: intel.RegionTH, Visibility: intel.VisibilityShareable, Confidence: 1}}
	sub.ValidFrom = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	call := intel.Link{Type: intel.LinkCalled, From: intel.EntityID(intel.KindPhoneNumber, "+66812000010"), To: number, EventKey: "c-1",
		Provenance: intel.Provenance{Agency: "TH-CCIB", Country: intel.RegionTH, Visibility: intel.VisibilityDomestic, Confidence: 1}}
	call.ObservedAt = time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)
	suspect := intel.Entity{ID: intel.EntityID(intel.KindSuspect, "KH-GDNP:W-1"), Kind: intel.KindSuspect, Key: "KH-GDNP:W-1",
		Sensitive: map[string]string{"document1": "PASSPORT:E1"}}
	uses := intel.Link{Type: intel.LinkUses, From: suspect.ID, To: number,
		Provenance: intel.Provenance{Agency: "KH-GDNP", Country: intel.RegionKH, Visibility: intel.VisibilityShareable, Confidence: 1}}
	sub.Normalize()
	call.Normalize()
	uses.Normalize()
	if _, err := s.Upsert(context.Background(), intel.Batch{Entities: []intel.Entity{person, suspect}, Links: []intel.Link{sub, call, uses}}); err != nil {
		t.Fatal(err)
	}
	return s, sub, call, person
}

func TestMaskingAndGrantedFields(t *testing.T) {
	ctx := context.Background()
	s, sub, _, person := fixture(t)
	shared := []intel.Category{intel.CategorySubscriberData, intel.CategorySuspectIdentity}
	granted := guard.New(s, &intel.Access{Agency: "KH-GDNP", Country: intel.RegionKH, Shared: shared,
		GrantedFields: map[string][]string{sub.ID: {"name"}}}, nil)
	plain := guard.New(s, &intel.Access{Agency: "KH-NPA", Country: intel.RegionKH, Shared: shared}, nil)
	for _, c := range []struct {
		name     string
		g        *guard.Store
		wantName bool
		redacted int
	}{{"granted", granted, true, 0}, {"not granted", plain, false, 1}} {
		got, err := c.g.GetEntities(ctx, []string{person.ID})
		if err != nil {
			t.Fatal(err)
		}
		p, ok := got[person.ID]
		if !ok {
			t.Fatalf("%s: the person of a shared subscriber record is hidden", c.name)
		}
		// A person's data is shown on the facts only, each under its own rules.
		if len(p.Sensitive) != 0 {
			t.Errorf("%s: personal data on the person: %v", c.name, p.Sensitive)
		}
		links, err := c.g.GetLinks(ctx, []string{sub.ID})
		if err != nil {
			t.Fatal(err)
		}
		if l := links[sub.ID]; (l.Sensitive["name"] == "Somchai") != c.wantName || len(l.Sensitive) > 1 {
			t.Errorf("%s: the record's personal data %v", c.name, l.Sensitive)
		}
		if red := c.g.Report().Redactions(); len(red) != c.redacted || (c.redacted > 0 && red[0].Reason == "") {
			t.Errorf("%s: redactions %+v, want %d with a reason", c.name, red, c.redacted)
		}
		entities, countries := c.g.Report().CrossBorder()
		if len(entities) != 2 || len(countries) != 1 || countries[0] != intel.RegionTH {
			t.Errorf("%s: cross-border read of %v from %v", c.name, entities, countries)
		}
	}
	// The Thai side sees its own subscriber record in full; the Cambodian
	// suspect's document stays with Cambodia.
	th := guard.New(s, &intel.Access{Agency: "TH-DSI", Country: intel.RegionTH, Shared: shared}, nil)
	links, err := th.GetLinks(ctx, []string{sub.ID})
	if err != nil {
		t.Fatal(err)
	}
	got, err := th.GetEntities(ctx, []string{"Suspect:KH-GDNP:W-1"})
	if err != nil {
		t.Fatal(err)
	}
	if links[sub.ID].Sensitive["name"] != "Somchai" || len(got["Suspect:KH-GDNP:W-1"].Sensitive) != 0 {
		t.Errorf("Thai reader: record %v, suspect %v", links[sub.ID].Sensitive, got["Suspect:KH-GDNP:W-1"].Sensitive)
	}
}

func TestHiddenIsAbsent(t *testing.T) {
	ctx := context.Background()
	s, _, call, _ := fixture(t)
	kh := guard.New(s, &intel.Access{Agency: "KH-GDNP", Country: intel.RegionKH}, nil)
	// The caller is known only through a Thai domestic call.
	_, err := kh.FindEntity(ctx, intel.KindPhoneNumber, "+66812000010")
	_, absent := kh.FindEntity(ctx, intel.KindPhoneNumber, "+66899999999")
	if intel.ErrorCode(err) != intel.ENOTFOUND || intel.ErrorCode(absent) != intel.ENOTFOUND {
		t.Fatalf("hidden %v, absent %v: both must be not found", err, absent)
	}
	g, err := kh.Expand(ctx, intel.ExpandQuery{Seeds: []string{call.From, "PhoneNumber:+66899999999"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Nodes) != 0 || len(g.MissingSeeds) != 2 {
		t.Errorf("expansion from a hidden seed: %+v", g)
	}
	if _, err := kh.ShortestPath(ctx, intel.PathQuery{From: call.From, To: call.To}); intel.ErrorCode(err) != intel.ENOTFOUND {
		t.Errorf("path from a hidden end: %v", err)
	}
	// The number itself is visible to KH-GDNP through its own fact (the
	// suspect's use), and counts that fact alone.
	sums, err := kh.Summaries(ctx, []string{call.To})
	if err != nil {
		t.Fatal(err)
	}
	if sum, ok := sums[call.To]; !ok || sum.LinkCount != 1 || sum.Groups != nil {
		t.Errorf("summary %+v, want the Cambodian fact only and no class breakdown", sum)
	}
}
