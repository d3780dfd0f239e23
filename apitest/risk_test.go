package apitest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/intel"
)

// The risk fixture: a Thai number named in three victim reports (one of
// them DOMESTIC) and presented by a VoIP account registering from a
// Cambodian address, and a Thai mule account reported twice whose
// transfers (bank data) show fan-in and pass-through.
const (
	riskLineKey = "+66812000777"
	riskMuleKey = "TH:004:7770000001"
)

// riskFact is a fixture fact and who may see it.
type riskFact struct {
	link     intel.Link
	category intel.Category
}

func riskFixture(t *testing.T, s intel.Store) []riskFact {
	t.Helper()
	now := time.Now().UTC().Add(-48 * time.Hour)
	line := intel.EntityID(intel.KindPhoneNumber, riskLineKey)
	mule := intel.EntityID(intel.KindBankAccount, riskMuleKey)
	acct := intel.EntityID(intel.KindVoipAccount, "sip:risk01@mekongvoice.example")
	ipKey := "175.100.37.77"
	b := intel.Batch{Entities: []intel.Entity{{ID: intel.EntityID(intel.KindIPAddress, ipKey), Kind: intel.KindIPAddress, Key: ipKey,
		Attrs: map[string]string{"geoCountry": "KH"}}}}
	var facts []riskFact
	add := func(l intel.Link, c intel.Category) {
		l.Normalize()
		b.Links = append(b.Links, l)
		facts = append(facts, riskFact{link: l, category: c})
	}
	prov := func(agency string, country intel.Region, v intel.Visibility, ref string) intel.Provenance {
		return intel.Provenance{Agency: agency, Country: country, Visibility: v, Confidence: 0.8, EvidenceRef: ref, LegalBasis: "domestic law"}
	}
	report := func(artefact string, n int, v intel.Visibility) {
		key := fmt.Sprintf("TH-CCIB:2569-%06d", 777000+n)
		b.Entities = append(b.Entities, intel.Entity{ID: intel.EntityID(intel.KindCase, key), Kind: intel.KindCase, Key: key,
			Attrs: map[string]string{"loss": "20000", "currency": "THB"}})
		l := intel.Link{Type: intel.LinkReportedIn, From: artefact, To: intel.EntityID(intel.KindCase, key),
			EventKey: fmt.Sprintf("risk-report-%d-%s", n, artefact), Provenance: prov("TH-CCIB", intel.RegionTH, v, "TH-CCIB/CASE/"+key),
			Attrs: map[string]string{"role": "caller"}}
		l.ObservedAt = now.Add(time.Duration(n) * time.Hour)
		add(l, intel.CategoryVictimReports)
	}
	report(line, 1, intel.VisibilityShareable)
	report(line, 2, intel.VisibilityShareable)
	report(line, 3, intel.VisibilityDomestic)
	report(mule, 4, intel.VisibilityShareable)
	report(mule, 5, intel.VisibilityShareable)
	reg := intel.Link{Type: intel.LinkRegisteredFrom, From: acct, To: intel.EntityID(intel.KindIPAddress, ipKey), EventKey: "risk-reg-1",
		Provenance: prov("KH-MPTC", intel.RegionKH, intel.VisibilityShareable, "KH-MPTC/VOIP-REG/1")}
	reg.ObservedAt = now
	add(reg, intel.CategoryVoipRegistration)
	pres := intel.Link{Type: intel.LinkPresentedAs, From: acct, To: line, Provenance: prov("KH-MPTC", intel.RegionKH, intel.VisibilityShareable, "KH-MPTC/VOIP-CLI/1")}
	pres.ValidFrom = now.Add(-24 * time.Hour)
	add(pres, intel.CategoryVoipRegistration)
	for i := 0; i < 3; i++ {
		sender := intel.EntityID(intel.KindBankAccount, fmt.Sprintf("TH:014:77700000%02d", i))
		in := intel.Link{Type: intel.LinkTransferred, From: sender, To: mule, EventKey: fmt.Sprintf("risk-in-%d", i),
			Provenance: prov("TH-AMLO", intel.RegionTH, intel.VisibilityShareable, "TH-AMLO/STR/1"),
			Attrs:      map[string]string{"amount": "20000", "currency": "THB"}}
		in.ObservedAt = now.Add(time.Duration(i) * 6 * time.Hour)
		out := in
		out.From, out.To, out.EventKey = mule, intel.EntityID(intel.KindBankAccount, "KH:ABA:777000001"), fmt.Sprintf("risk-out-%d", i)
		out.Attrs = map[string]string{"amount": "560", "currency": "USD"}
		out.ObservedAt = in.ObservedAt.Add(40 * time.Minute)
		add(in, intel.CategoryBankData)
		add(out, intel.CategoryBankData)
	}
	if _, err := s.Upsert(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	return facts
}

const riskQuery = `query($id: String!) { lookup(identifier: $id) { entity { id } risk { score level
  reasons { kind text entities links finding { kind links } } findings { kind entities links } } } }`

const riskListQuery = `{ riskList(level: LOW, first: 100) { totalCount edges { node { id } risk { score reasons { entities links text } } } }
  rings(first: 50) { nodes { id members { id } mostConnected { entity { id } } } } }`

// citedIDs collects every string in a decoded answer.
func citedIDs(v any, out map[string]bool) {
	switch x := v.(type) {
	case string:
		out[x] = true
	case []any:
		for _, y := range x {
			citedIDs(y, out)
		}
	case map[string]any:
		for _, y := range x {
			citedIDs(y, out)
		}
	}
}

// TestRiskIsComputedFromWhatTheReaderMaySee: a Thai and a Cambodian
// analyst get different scores and explanations for the same number and
// the same mule account where their views differ, and nothing either is
// told (risk on lookup, the triage list, the rings) names a fact hidden
// from them. A redress by the reporting agency moves the Thai score at
// the next request. On every backend, with and without Redis, each read
// twice so that the second may come from a cache.
func TestRiskIsComputedFromWhatTheReaderMaySee(t *testing.T) {
	backends, _ := authzBackends(t)
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			facts := riskFixture(t, b.store)
			ctx := context.Background()
			ts, reg, keys := serveWithKeys(t, b, rulesOn)
			list, err := reg.ListAgreements(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range list {
				if _, err := reg.RevokeAgreement(ctx, "test", a.ID, "replaced by the test's own"); err != nil {
					t.Fatal(err)
				}
			}
			noBank := demo.Agreement()
			noBank.Title = "everything but bank data"
			noBank.ValidFrom, noBank.ValidUntil = time.Now().Add(-24*time.Hour), time.Now().Add(365*24*time.Hour)
			noBank.Categories = []intel.Category{intel.CategoryCallRecords, intel.CategoryVoipRegistration, intel.CategoryVictimReports}
			if _, err := reg.CreateAgreement(ctx, "test", noBank); err != nil {
				t.Fatal(err)
			}
			readers := []authzReader{
				{agency: "TH-CCIB", country: intel.RegionTH, token: demo.KeyFor(keys, "TH-CCIB", access.RoleAnalyst)},
				{agency: "KH-GDNP", country: intel.RegionKH, token: demo.KeyFor(keys, "KH-GDNP", access.RoleAnalyst)},
			}
			score := map[string]map[string]float64{}
			for _, r := range readers {
				hidden := map[string]bool{}
				for _, f := range facts {
					if !oracle(r.agency, r.country, noBank.Categories, authzFact{agency: f.link.Agency, country: f.link.Country,
						visibility: f.link.Visibility, category: f.category}) {
						hidden["Link:"+f.link.ID] = true
						if f.link.Type == intel.LinkReportedIn {
							hidden[f.link.To] = true // the hidden case
						}
					}
				}
				score[r.agency] = map[string]float64{}
				for round := 0; round < 2; round++ {
					for _, key := range []string{riskLineKey, riskMuleKey} {
						c := gql(t, ts, r.token, "", riskQuery, map[string]any{"id": key})
						if len(c.Errors) > 0 {
							t.Fatalf("%s %s: %s", r.agency, key, c.Raw)
						}
						s, _ := dig(c.Data, "lookup", "risk", "score").(float64)
						score[r.agency][key] = s
						cited := map[string]bool{}
						citedIDs(dig(c.Data, "lookup", "risk"), cited)
						for id := range cited {
							if hidden[id] {
								t.Errorf("%s's risk of %s cites %s, hidden from it: %s", r.agency, key, id, c.Raw)
							}
						}
						text := fmt.Sprint(dig(c.Data, "lookup", "risk", "reasons"))
						if r.country == intel.RegionKH && (strings.Contains(text, "3 victim report") || strings.Contains(text, "MULE_")) {
							t.Errorf("the Cambodian explanation counts hidden facts: %s", text)
						}
					}
					c := gql(t, ts, r.token, "", riskListQuery, nil)
					if len(c.Errors) > 0 {
						t.Fatalf("%s riskList: %s", r.agency, c.Raw)
					}
					cited := map[string]bool{}
					citedIDs(c.Data, cited)
					for id := range cited {
						if hidden[id] {
							t.Errorf("%s's triage list or rings cite %s, hidden from it", r.agency, id)
						}
					}
					if !cited[intel.EntityID(intel.KindPhoneNumber, riskLineKey)] {
						t.Errorf("%s's triage list misses the reported line: %s", r.agency, c.Raw)
					}
				}
			}
			t.Logf("scores by reader: %v", score)
			passThrough := `{ riskList(level: NONE, finding: MULE_PASS_THROUGH) { totalCount edges { node { id } } } }`
			mule := intel.EntityID(intel.KindBankAccount, riskMuleKey)
			if c := gql(t, ts, readers[0].token, "", passThrough, nil); !strings.Contains(c.Raw, mule) {
				t.Errorf("the Thai findings list misses the mule: %s", c.Raw)
			}
			if c := gql(t, ts, readers[1].token, "", passThrough, nil); dig(c.Data, "riskList", "totalCount") != 0.0 {
				t.Errorf("the Cambodian findings list shows a pattern of hidden bank data: %s", c.Raw)
			}
			for _, key := range []string{riskLineKey, riskMuleKey} {
				if score["TH-CCIB"][key] <= score["KH-GDNP"][key] {
					t.Errorf("%s: Thai score %v, Cambodian %v; the Cambodian view lacks facts and must score lower",
						key, score["TH-CCIB"][key], score["KH-GDNP"][key])
				}
			}

			// Redress: the reporting agency withdraws one report; the
			// Cambodian side may not mark a Thai report.
			mark := `mutation($c: ID!, $e: ID!, $s: ReportStatus!) { markReport(input: {case: $c, entity: $e, status: $s, note: "victim misdialled"}) { id attrs { key value } } }`
			vars := map[string]any{"c": intel.EntityID(intel.KindCase, "TH-CCIB:2569-777001"), "e": intel.EntityID(intel.KindPhoneNumber, riskLineKey), "s": "FALSE"}
			if c := gql(t, ts, demo.KeyFor(keys, "KH-GDNP", access.RoleEnricher), "", mark, vars); c.code() != "FORBIDDEN" {
				t.Errorf("a Cambodian mark of a Thai report: %s, want FORBIDDEN", c.Raw)
			}
			if c := gql(t, ts, demo.KeyFor(keys, "TH-CCIB", access.RoleAnalyst), "", mark, vars); c.code() != "FORBIDDEN" {
				t.Errorf("an analyst's mark: %s, want FORBIDDEN (role)", c.Raw)
			}
			if c := gql(t, ts, demo.KeyFor(keys, "TH-CCIB", access.RoleEnricher), "", mark, vars); len(c.Errors) > 0 || !strings.Contains(c.Raw, "reportStatus") {
				t.Fatalf("mark: %s", c.Raw)
			}
			after := gql(t, ts, readers[0].token, "", riskQuery, map[string]any{"id": riskLineKey})
			if s, _ := dig(after.Data, "lookup", "risk", "score").(float64); s >= score["TH-CCIB"][riskLineKey] ||
				!strings.Contains(after.Raw, "REDRESS") {
				t.Errorf("after the report was marked false: %s, want a lower score and the redress stated", after.Raw)
			}
			vars["s"] = "REPORTED"
			gql(t, ts, demo.KeyFor(keys, "TH-CCIB", access.RoleEnricher), "", mark, vars)
			back := gql(t, ts, readers[0].token, "", riskQuery, map[string]any{"id": riskLineKey})
			if s, _ := dig(back.Data, "lookup", "risk", "score").(float64); s != score["TH-CCIB"][riskLineKey] {
				t.Errorf("after the mark was withdrawn: %v, want %v again", s, score["TH-CCIB"][riskLineKey])
			}
		})
	}
}
