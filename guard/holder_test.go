package guard_test

import (
	"context"
	"testing"

	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/guard"
	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
)

// The holder of an artefact known without an identity document is masked
// exactly like a person known by one: no personal data on the person for
// anyone restricted, and the record's name and address on its fact only,
// shown at home and masked abroad.
func TestHolderWithoutDocumentIsMaskedLikeAnyPerson(t *testing.T) {
	ctx := context.Background()
	s, err := embeddedstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	b, err := ingest.Map(ingest.Record{Type: ingest.TypeSubscriber, Agency: "TH-NBTC", Country: "TH", Visibility: "SHAREABLE",
		Identifier: "sip:kh7781@voip.sunrise.example", Name: "Somchai", Address: "1 Example Road", RegisteredAt: "2025-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Upsert(ctx, b); err != nil {
		t.Fatal(err)
	}
	sub := b.Links[0]
	shared := []intel.Category{intel.CategorySubscriberData}
	for _, c := range []struct {
		name     string
		access   intel.Access
		wantName bool
	}{
		{"home", intel.Access{Agency: "TH-DSI", Country: intel.RegionTH, Shared: shared}, true},
		{"abroad", intel.Access{Agency: "KH-GDNP", Country: intel.RegionKH, Shared: shared}, false},
	} {
		g := guard.New(s, &c.access, nil)
		got, err := g.GetEntities(ctx, []string{sub.To})
		if err != nil {
			t.Fatal(err)
		}
		p, ok := got[sub.To]
		if !ok || p.Kind != intel.KindPerson || len(p.Sensitive) != 0 {
			t.Fatalf("%s: holder %+v (found %v), want a person without personal data", c.name, p, ok)
		}
		links, err := g.GetLinks(ctx, []string{sub.ID})
		if err != nil {
			t.Fatal(err)
		}
		l := links[sub.ID]
		if (l.Sensitive["name"] == "Somchai") != c.wantName || (l.Sensitive["address"] == "1 Example Road") != c.wantName {
			t.Errorf("%s: the record's personal data %v", c.name, l.Sensitive)
		}
	}
}
