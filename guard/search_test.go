package guard_test

import (
	"context"
	"slices"
	"testing"

	"github.com/scamgraph/scamgraph/guard"
	"github.com/scamgraph/scamgraph/intel"
)

func TestSearchFindsOnlyWhatTheReaderMaySee(t *testing.T) {
	ctx := context.Background()
	s, _, _, _ := fixture(t)
	shared := []intel.Category{intel.CategorySubscriberData, intel.CategorySuspectIdentity}
	caller := intel.EntityID(intel.KindPhoneNumber, "+66812000010") // only in a Thai domestic call
	number := intel.EntityID(intel.KindPhoneNumber, "+66812000009")
	for _, c := range []struct {
		name    string
		access  *intel.Access
		want    []string
		foreign []string
	}{
		{"Thai reader", &intel.Access{Agency: "TH-CCIB", Country: intel.RegionTH}, []string{number, caller}, nil},
		{"Cambodian reader under the agreement", &intel.Access{Agency: "KH-NPA", Country: intel.RegionKH, Shared: shared},
			[]string{number}, []string{number}},
		// The number is in a Cambodian fact too (a suspect's use of it), so
		// it is known to Cambodian readers even without the agreement; the
		// Thai-only caller is not.
		{"Cambodian reader without one", &intel.Access{Agency: "KH-NPA", Country: intel.RegionKH}, []string{number}, []string{number}},
	} {
		t.Run(c.name, func(t *testing.T) {
			report := &guard.Report{}
			got, err := guard.New(s, c.access, report).Search(ctx, intel.SearchQuery{Text: "8120000"})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, e := range got {
				ids = append(ids, e.ID)
			}
			if !slices.Equal(ids, c.want) {
				t.Errorf("found %v, want %v", ids, c.want)
			}
			// Only what was handed out is noted for the audit.
			if foreign, _ := report.CrossBorder(); !slices.Equal(foreign, c.foreign) {
				t.Errorf("reported as read across the border: %v, want %v", foreign, c.foreign)
			}
		})
	}
}
