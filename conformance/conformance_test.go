package conformance

import (
	"testing"

	"github.com/scamgraph/scamgraph/intel"
)

// The issue asks for at least 40 named checks; this keeps the suite from
// shrinking unnoticed.
func TestSuiteHasEnoughChecks(t *testing.T) {
	names := Names()
	if len(names) < 40 {
		t.Fatalf("%d checks, want at least 40", len(names))
	}
	for i := 1; i < len(names); i++ {
		if names[i] == names[i-1] {
			t.Errorf("check %q registered twice", names[i])
		}
	}
}

// TestOracleFollowsTheAgreement pins the access oracle to the rule written
// out case by case, so that the oracle the access checks trust is itself
// checked against something other than code.
func TestOracleFollowsTheAgreement(t *testing.T) {
	fact := func(agency string, country intel.Region, v intel.Visibility, typ intel.LinkType) *intel.Link {
		return &intel.Link{ID: agency + "/" + string(v) + "/" + string(typ), Type: typ,
			Provenance: intel.Provenance{Agency: agency, Country: country, Visibility: v}}
	}
	thCIB := &intel.Access{Agency: "TH-CIB", Country: intel.RegionTH}
	khNPA := &intel.Access{Agency: "KH-NPA", Country: intel.RegionKH}
	khCalls := &intel.Access{Agency: "KH-NPA", Country: intel.RegionKH, Shared: []intel.Category{intel.CategoryCallRecords}}
	cases := []struct {
		name   string
		reader *intel.Access
		fact   *intel.Link
		want   bool
	}{
		{"NoTermsSeeEverything", nil, fact("KH-GDNP", intel.RegionKH, intel.VisibilityRestricted, intel.LinkCalled), true},
		{"AllSeesEverything", &intel.Access{All: true}, fact("KH-GDNP", intel.RegionKH, intel.VisibilityRestricted, intel.LinkCalled), true},
		{"OwnRestricted", thCIB, fact("TH-CIB", intel.RegionTH, intel.VisibilityRestricted, intel.LinkCalled), true},
		{"CompatriotRestricted", thCIB, fact("TH-NBTC", intel.RegionTH, intel.VisibilityRestricted, intel.LinkCalled), false},
		{"CompatriotDomestic", thCIB, fact("TH-NBTC", intel.RegionTH, intel.VisibilityDomestic, intel.LinkCalled), true},
		{"CompatriotShareable", thCIB, fact("TH-NBTC", intel.RegionTH, intel.VisibilityShareable, intel.LinkCalled), true},
		{"ForeignDomestic", khCalls, fact("TH-CIB", intel.RegionTH, intel.VisibilityDomestic, intel.LinkCalled), false},
		{"ForeignShareableNoAgreement", khNPA, fact("TH-CIB", intel.RegionTH, intel.VisibilityShareable, intel.LinkCalled), false},
		{"ForeignShareableCovered", khCalls, fact("TH-CIB", intel.RegionTH, intel.VisibilityShareable, intel.LinkCalled), true},
		{"ForeignShareableOtherCategory", khCalls, fact("TH-CIB", intel.RegionTH, intel.VisibilityShareable, intel.LinkPresentedAs), false},
		{"ForeignRestrictedCovered", khCalls, fact("TH-CIB", intel.RegionTH, intel.VisibilityRestricted, intel.LinkCalled), false},
		{"ForeignRestrictedGranted", &intel.Access{Agency: "KH-NPA", Country: intel.RegionKH,
			Granted: []string{"TH-CIB/RESTRICTED/CALLED"}}, fact("TH-CIB", intel.RegionTH, intel.VisibilityRestricted, intel.LinkCalled), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := sees(c.reader, c.fact); got != c.want {
				t.Errorf("sees = %v, want %v", got, c.want)
			}
		})
	}
}
