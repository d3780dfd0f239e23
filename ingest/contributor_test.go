package ingest

import (
	"testing"

	"github.com/scamgraph/scamgraph/intel"
)

func TestAsContributor(t *testing.T) {
	dec := AsContributor(NewSliceDecoder([]Record{
		{Type: TypeCall},
		{Type: TypeCall, Agency: " th-ccib ", Country: "th"},
		{Type: TypeCall, Agency: "TH-NBTC", Country: "TH"},
		{Type: TypeCall, Agency: "TH-CCIB", Country: "KH"},
	}), "TH-CCIB", intel.RegionTH)
	want := []struct{ agency, country, errField string }{
		{"TH-CCIB", "TH", ""}, {"TH-CCIB", "TH", ""}, {"", "", "agency"}, {"", "", "country"},
	}
	for i, w := range want {
		raw, err := dec.Next()
		if err != nil {
			t.Fatal(err)
		}
		if w.errField != "" {
			if intel.ErrorField(raw.Err) != w.errField {
				t.Errorf("record %d: error %v, want one on %s", i, raw.Err, w.errField)
			}
			continue
		}
		if raw.Err != nil || raw.Record.Agency != w.agency || raw.Record.Country != w.country {
			t.Errorf("record %d: %q %q %v, want %q %q", i, raw.Record.Agency, raw.Record.Country, raw.Err, w.agency, w.country)
		}
	}
}
