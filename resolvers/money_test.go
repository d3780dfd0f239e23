package resolvers_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/intel"
)

// TestRingLossesAreExactMoney: a ring's reported losses come back as
// Money, exact decimal text in the currency's major unit, summed without
// rounding (three losses of 10,000.10 baht are 30,000.30, which a float
// sum gives as 30000.300000000003), one entry per currency.
func TestRingLossesAreExactMoney(t *testing.T) {
	store := openStore(t)
	recent := time.Now().UTC().Add(-48 * time.Hour)
	prov := intel.Provenance{Agency: "TH-CCIB", Country: intel.RegionTH, Visibility: intel.VisibilityShareable,
		Confidence: 0.8, EvidenceRef: "TH-CCIB/CASE/1", LegalBasis: "domestic law"}
	line := intel.EntityID(intel.KindPhoneNumber, "+66812000101")
	sister := intel.EntityID(intel.KindPhoneNumber, "+66812000102")
	acct := intel.EntityID(intel.KindVoipAccount, "sip:money01@mekongvoice.example")
	b := intel.Batch{}
	for n, loss := range []struct{ amount, currency string }{{"10000.10", "THB"}, {"10000.10", "THB"}, {"10000.10", "THB"}, {"0.07", "USD"}} {
		key := fmt.Sprintf("TH-CCIB:2569-%06d", 880000+n)
		cs := intel.EntityID(intel.KindCase, key)
		b.Entities = append(b.Entities, intel.Entity{ID: cs, Kind: intel.KindCase, Key: key,
			Attrs: map[string]string{"loss": loss.amount, "currency": loss.currency}})
		l := intel.Link{Type: intel.LinkReportedIn, From: line, To: cs, EventKey: fmt.Sprintf("money-report-%d", n),
			Provenance: prov, Attrs: map[string]string{"role": "caller"}}
		l.ObservedAt = recent.Add(time.Duration(n) * time.Hour)
		l.Normalize()
		b.Links = append(b.Links, l)
	}
	for _, p := range []string{line, sister} {
		l := intel.Link{Type: intel.LinkPresentedAs, From: acct, To: p, Provenance: prov}
		l.ValidFrom = recent.Add(-24 * time.Hour)
		l.Normalize()
		b.Links = append(b.Links, l)
	}
	if _, err := store.Upsert(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	c := newClientOver(t, store, "TH-CCIB", access.RoleAnalyst)
	var resp struct {
		Rings struct {
			Nodes []struct {
				Size           int
				ReportedLosses []struct{ Amount, Currency string }
			}
		}
	}
	c.MustPost(`{ rings { nodes { size reportedLosses { amount currency } } } }`, &resp)
	if len(resp.Rings.Nodes) != 1 {
		t.Fatalf("rings %+v, want the two numbers and the account presenting them", resp.Rings.Nodes)
	}
	got := fmt.Sprint(resp.Rings.Nodes[0].ReportedLosses)
	if want := "[{30000.30 THB} {0.07 USD}]"; got != want {
		t.Errorf("reported losses %s, want %s", got, want)
	}
}
