package conformance

import (
	"testing"

	"github.com/scamgraph/scamgraph/intel"
)

// searchFixture stores a few entities to find by part: two Thai numbers,
// a bank account, a suspect named in Thai, Khmer and Latin script, a case.
func searchFixture(t *testing.T, s intel.Store) {
	t.Helper()
	a, b := phone("+66925550142"), phone("+66812345678")
	a.RawForms = []string{"092-555-0142"}
	acct := bank("TH:014:4071829305")
	acct.Label = "SCB 407-1-82930-5"
	sus := suspect("TH-CCIB:W-2567-001")
	sus.Label = "สมชาย ใจดี / សុខ ចាន់ / Somchai Jaidee"
	sus.RawForms = []string{"Somchai Jaidee", "សុខ ចាន់", "สมชาย ใจดี"}
	cs := entity(intel.KindCase, "TH-CCIB:2567-000123")
	mustUpsert(t, s, intel.Batch{Entities: []intel.Entity{a, b, acct, sus, cs},
		Links: []intel.Link{call("+66925550142", "+66812345678", 1, "s-1")}})
}

func searchIDs(t *testing.T, s intel.Store, q intel.SearchQuery) []string {
	t.Helper()
	got, err := s.Search(ctxFor(t), q)
	if err != nil {
		t.Fatalf("Search(%q): %v", q.Text, err)
	}
	return nodeIDs(got)
}

var _ = register("SearchByPartOfAnIdentifierOrName", func(t *testing.T, h *Harness, s intel.Store) {
	searchFixture(t, s)
	num, acct := pid("+66925550142"), intel.EntityID(intel.KindBankAccount, "TH:014:4071829305")
	sus, cs := intel.EntityID(intel.KindSuspect, "TH-CCIB:W-2567-001"), intel.EntityID(intel.KindCase, "TH-CCIB:2567-000123")
	for text, want := range map[string][]string{
		"5550142":          {num},
		"092-555-0142":     {num},
		"๐๙๒ ๕๕๕ ๐๑๔๒":     {num},
		"555-01":           {num},
		"407-1-82930":      {acct},
		"scb":              {acct},
		"somchai":          {sus},
		"ใจดี":             {sus},
		"ចាន់":             {sus},
		"2567-000123":      {cs},
		"nothing like it":  nil,
		"+66 81 234 5678":  {pid("+66812345678")},
		"TH-CCIB:2567-000": {cs},
	} {
		if got := searchIDs(t, s, intel.SearchQuery{Text: text}); !equalStrings(got, want) {
			t.Errorf("search %q: %v, want %v", text, got, want)
		}
	}
	// Kinds narrow it, and results come in id order, a page at a time.
	if got := searchIDs(t, s, intel.SearchQuery{Text: "66", Kinds: []intel.Kind{intel.KindPhoneNumber}}); !equalStrings(got, []string{pid("+66812345678"), num}) {
		t.Errorf("phone numbers with 66: %v", got)
	}
	first := searchIDs(t, s, intel.SearchQuery{Text: "2567", Limit: 1})
	rest := searchIDs(t, s, intel.SearchQuery{Text: "2567", After: first[0]})
	if !equalStrings(append(first, rest...), []string{cs, sus}) {
		t.Errorf("pages of 2567: %v then %v", first, rest)
	}
})

var _ = register("SearchRefusesUselessQueries", func(t *testing.T, h *Harness, s intel.Store) {
	for _, q := range []intel.SearchQuery{{Text: "a"}, {Text: "  "}, {Text: "bad\x00text"},
		{Text: "somchai", Limit: intel.MaxSearchLimit + 1}, {Text: "somchai", Kinds: []intel.Kind{"Planet"}}} {
		_, err := s.Search(ctxFor(t), q)
		if intel.ErrorCode(err) != intel.EINVALID {
			t.Errorf("search %+v: %v, want EINVALID", q, err)
		}
	}
})
