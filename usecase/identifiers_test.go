package usecase

import (
	"reflect"
	"testing"

	"github.com/scamgraph/scamgraph/intel"
)

// A remembered reading is the reading, for every input, region and kind
// apart, and each caller gets its own: writing into one answer's markers
// or attributes changes no later answer.
func TestIdentifiersRememberReadingsApart(t *testing.T) {
	ids := newIdentifiers()
	for _, c := range []struct {
		input  string
		region intel.Region
		kind   intel.Kind
	}{
		{"+697 081-234-5678", intel.RegionTH, ""},
		{"081-234-5678", intel.RegionTH, intel.KindPhoneNumber},
		{"081-234-5678", intel.RegionKH, intel.KindPhoneNumber},
		{"not a number", intel.RegionTH, intel.KindPhoneNumber},
		{"sip:ops01@voip.example.com", intel.RegionTH, ""},
	} {
		want := intel.ParseIdentifier(c.input, c.region, c.kind)
		first := ids.parse(c.input, c.region, c.kind)
		if !reflect.DeepEqual(first, want) {
			t.Fatalf("%q in %s as %q: %+v, want %+v", c.input, c.region, c.kind, first, want)
		}
		if len(first.Markers) > 0 {
			first.Markers[0] = "+699"
		}
		if first.Attrs != nil {
			first.Attrs["carrier"] = "changed"
		}
		if again := ids.parse(c.input, c.region, c.kind); !reflect.DeepEqual(again, want) {
			t.Errorf("%q in %s as %q, asked again after its answer was written into: %+v, want %+v", c.input, c.region, c.kind, again, want)
		}
	}
	if ids.cache.Len() != 5 {
		t.Errorf("%d readings remembered, want 5", ids.cache.Len())
	}
}
