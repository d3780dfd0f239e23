package apitest

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/intel"
)

const trailFields = `direction truncated origin { id }
	hops { from to time depth amount { amount currency } carried { amount currency }
	  currencyChange { account in out } link { id type provenance { agency country visibility } } }
	accounts { entity { id label } depth fanIn fanOut firstSeen lastSeen reachable { amount currency } }`

const linkageFields = `truncated artefacts { id }
	cases { case { id } score shared { entity { id kind } caseCount weight } }`

// analyticsParityCases are the money-trail and case-linkage questions
// every backend must answer identically (TestSameAnswersOnEveryBackend).
func analyticsParityCases() []parityCase {
	return []parityCase{
		{name: "moneyTrail/victim-forward", query: `query($a: ID!) { moneyTrail(from: $a, maxHops: 4) { ` + trailFields + ` } }`,
			vars: map[string]any{"a": demo.VictimAccount.ID()}},
		{name: "moneyTrail/cash-out-backward", query: `query($a: ID!) { moneyTrail(from: $a, direction: BACKWARD, maxHops: 3,
			since: "2024-03-01T00:00:00Z", until: "2024-05-01T00:00:00Z") { ` + trailFields + ` } }`,
			vars: map[string]any{"a": demo.CashOutAccount.ID()}},
		{name: "linkedCases/victim-report", query: `query($c: ID!) { linkedCases(caseId: $c, first: 30) { ` + linkageFields + ` } }`,
			vars: map[string]any{"c": demo.VictimReport.ID()}},
		{name: "linkedCases/new-report", query: `query($ids: [String!]!) { linkedCases(identifiers: $ids) { ` + linkageFields + ` } }`,
			vars: map[string]any{"ids": []string{demo.FirstLayerMule.LocalForm, demo.PresentedNumber.LocalForm, "081-000-0000"}}},
	}
}

// TestMoneyTrailAnswersInTimeOrder checks the demo's money story through
// the API: forward from the victim's account, hops in time order, each
// carrying no more than it moved, the border crossing marked as a change
// from baht to dollars, and the cash-out account reached.
func TestMoneyTrailAnswersInTimeOrder(t *testing.T) {
	backends := mustBackends(t, 0.1)
	for _, b := range backends[:1] {
		ts := serve(t, b)
		r, err := query(&http.Client{}, ts.URL, `query($a: ID!) { moneyTrail(from: $a) { `+trailFields+` } }`,
			map[string]any{"a": demo.VictimAccount.ID()})
		if err != nil || len(r.Errors) > 0 {
			t.Fatalf("%v %s", err, r.Errors)
		}
		var data struct {
			MoneyTrail struct {
				Hops []struct {
					Time           time.Time
					Amount         struct{ Amount, Currency string }
					Carried        struct{ Amount, Currency string }
					CurrencyChange *struct{ Account, In, Out string }
				}
				Accounts []struct {
					Entity    struct{ ID string }
					Reachable []struct{ Amount, Currency string }
				}
			}
		}
		if err := json.Unmarshal(r.Data, &data); err != nil {
			t.Fatal(err)
		}
		tr := data.MoneyTrail
		border := false
		for i, h := range tr.Hops {
			if i > 0 && h.Time.Before(tr.Hops[i-1].Time) {
				t.Fatalf("hop %d at %s comes before hop %d at %s", i, h.Time, i-1, tr.Hops[i-1].Time)
			}
			if h.CurrencyChange != nil && h.CurrencyChange.In == "THB" && h.CurrencyChange.Out == "USD" && h.Carried.Currency == "USD" {
				border = true
			}
		}
		if !border {
			t.Error("no hop shows baht in, dollars out at the border")
		}
		found := false
		for _, a := range tr.Accounts {
			if a.Entity.ID == demo.CashOutAccount.ID() && len(a.Reachable) == 1 && a.Reachable[0].Currency == "USD" {
				found = true
			}
		}
		if !found {
			t.Errorf("the cash-out account is not reached with dollars: %+v", tr.Accounts)
		}
	}
}

// TestAnalysesSeeOnlyTheCallersView: a Cambodian analyst without an
// agreement covering bank data gets no Thai transfer in a trail and no
// hint of one, nor a Thai case through linkage it may not see. With BANK_DATA shared, the
// shareable Thai transfer into the cash-out appears, and still no domestic one.
func TestAnalysesSeeOnlyTheCallersView(t *testing.T) {
	for _, b := range mustBackends(t, 0.1) {
		t.Run(b.name, func(t *testing.T) {
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
			noBank.ValidFrom, noBank.ValidUntil = time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour)
			noBank.Categories = []intel.Category{intel.CategoryCallRecords, intel.CategoryVoipRegistration,
				intel.CategorySubscriberData, intel.CategorySuspectIdentity, intel.CategoryVictimReports}
			agreement, err := reg.CreateAgreement(ctx, "test", noBank)
			if err != nil {
				t.Fatal(err)
			}
			kh := demo.KeyFor(keys, "KH-GDNP", access.RoleAnalyst)
			// ask returns the errors (the code and message of each, "null"
			// when none) and the data as JSON text.
			ask := func(q string, vars map[string]any) (string, []byte) {
				t.Helper()
				c := gql(t, ts, kh, "apitest", q, vars)
				errs := "null"
				if len(c.Errors) > 0 {
					errs = c.code() + ": " + c.Errors[0].Message
				}
				data, _ := json.Marshal(c.Data)
				return errs, data
			}
			backward := `query($a: ID!) { moneyTrail(from: $a, direction: BACKWARD) { ` + trailFields + ` } }`
			errs, data := ask(backward, map[string]any{"a": demo.CashOutAccount.ID()})
			if errs != "null" {
				t.Fatalf("backward trail: %s", errs)
			}
			// Every transfer into the cash-out is a Thai bank's record: the
			// trail is the account alone, and says nothing was cut.
			if strings.Contains(string(data), `"country":"TH"`) || strings.Contains(string(data), "BankAccount:TH:") ||
				!strings.Contains(string(data), `"hops":[]`) || !strings.Contains(string(data), `"truncated":false`) {
				t.Fatalf("without BANK_DATA the trail names or hints at a Thai transfer: %.1500s", data)
			}
			errs, data = ask(`query($a: ID!) { moneyTrail(from: $a) { `+trailFields+` } }`, map[string]any{"a": demo.CashOutAccount.ID()})
			if errs != "null" || !strings.Contains(string(data), "KH-CAFIU") || strings.Contains(string(data), `"country":"TH"`) {
				t.Fatalf("forward from the cash-out, the Cambodian transfers and only they should show (%s): %.800s", errs, data)
			}
			// The Thai victim's account is known to the analyst (through the
			// facts of categories shared), its payments are not.
			errs, data = ask(`query($a: ID!) { moneyTrail(from: $a) { `+trailFields+` } }`, map[string]any{"a": demo.VictimAccount.ID()})
			if errs != "null" || !strings.Contains(string(data), `"hops":[]`) || !strings.Contains(string(data), `"reachable":[]`) {
				t.Fatalf("forward from the Thai victim's account, the trail shows or hints at Thai payments (%s): %.800s", errs, data)
			}
			// Linkage over the Thai first-layer mule counts exactly the cases
			// the analyst may see naming it: those its own links show.
			c := gql(t, ts, kh, "apitest", `query($ids: [String!]!, $k: String!) {
				linkedCases(identifiers: $ids, first: 100) { cases { case { id } shared { entity { id } caseCount } } }
				lookup(identifier: $k, kind: BankAccount) { entity { ... on BankAccount {
					links(types: [REPORTED_IN], direction: OUT, first: 500) { edges { neighbour { id } node { provenance { country visibility } } } } } } } }`,
				map[string]any{"ids": []string{demo.FirstLayerMule.Key}, "k": demo.FirstLayerMule.Key})
			if len(c.Errors) > 0 {
				t.Fatalf("linkage: %s", c.Raw)
			}
			visible := map[string]bool{}
			for _, e := range dig(c.Data, "lookup", "entity", "links", "edges").([]any) {
				visible[dig(e, "neighbour", "id").(string)] = true
				if dig(e, "node", "provenance", "visibility") != "SHAREABLE" && dig(e, "node", "provenance", "country") == "TH" {
					t.Fatalf("a domestic Thai report reached the Cambodian reader: %v", e)
				}
			}
			linked, _ := dig(c.Data, "linkedCases", "cases").([]any)
			if len(linked) != len(visible) || len(visible) == 0 {
				t.Fatalf("linkage lists %d cases, the mule's visible reports %d", len(linked), len(visible))
			}
			for _, lc := range linked {
				if id := dig(lc, "case", "id").(string); !visible[id] {
					t.Fatalf("linkage lists %s, which the analyst's view of the mule does not show", id)
				}
				if n := dig(lc, "shared", 0, "caseCount"); n != float64(len(visible)) {
					t.Fatalf("caseCount %v, want %d (the cases the analyst may see)", n, len(visible))
				}
			}

			th := gql(t, ts, demo.KeyFor(keys, "TH-CCIB", access.RoleAnalyst), "apitest", `query($ids: [String!]!) {
				linkedCases(identifiers: $ids, first: 100) { cases { case { id } } } }`, map[string]any{"ids": []string{demo.FirstLayerMule.Key}})
			if thCases, _ := dig(th.Data, "linkedCases", "cases").([]any); len(thCases) <= len(linked) {
				t.Fatalf("the Thai analyst links %d cases, the Cambodian %d: the test proves nothing", len(thCases), len(linked))
			}

			// With bank data shared, the shareable Thai transfer into the
			// cash-out shows; a domestic one never does.
			if _, err := reg.RevokeAgreement(ctx, "test", agreement.ID, "widened"); err != nil {
				t.Fatal(err)
			}
			all := demo.Agreement()
			all.ValidFrom, all.ValidUntil = time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour)
			if _, err := reg.CreateAgreement(ctx, "test", all); err != nil {
				t.Fatal(err)
			}
			errs, data = ask(backward, map[string]any{"a": demo.CashOutAccount.ID()})
			if errs != "null" || !strings.Contains(string(data), `"visibility":"SHAREABLE","country":"TH"`) && !strings.Contains(string(data), `"country":"TH","visibility":"SHAREABLE"`) {
				t.Fatalf("with BANK_DATA shared the shareable Thai transfer is missing (%s): %.1500s", errs, data)
			}
			if strings.Contains(string(data), `"visibility":"DOMESTIC","country":"TH"`) || strings.Contains(string(data), `"country":"TH","visibility":"DOMESTIC"`) {
				t.Fatalf("a domestic Thai transfer reached a Cambodian reader: %.1500s", data)
			}
		})
	}
}
