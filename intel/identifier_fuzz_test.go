package intel_test

import (
	"testing"

	"github.com/scamgraph/scamgraph/intel"
)

// fuzzRegions and fuzzKinds turn the fuzzer's bytes into the arguments a
// caller can really pass, so that the fuzzer spends its time on the input text.
var (
	fuzzRegions = []intel.Region{"", intel.RegionTH, intel.RegionKH}
	fuzzKinds   = append([]intel.Kind{""}, intel.Kinds...)
)

// FuzzParseIdentifier asserts what every caller relies on, for any input:
// no panic; Markers never nil; a valid result has a key, no error, and
// re-parsing its key (with the kind it was found to be) gives the same key
// and, for the kinds that can be detected, the key alone is detected as that
// kind; an invalid result has no key, a reason, and an EINVALID error.
func FuzzParseIdentifier(f *testing.F) {
	for _, tc := range identifierCases {
		f.Add(tc.input, uint8(indexOf(fuzzRegions, tc.region)), uint8(indexOf(fuzzKinds, tc.kind)))
	}
	f.Fuzz(func(t *testing.T, input string, regionSel, kindSel uint8) {
		region := fuzzRegions[int(regionSel)%len(fuzzRegions)]
		kind := fuzzKinds[int(kindSel)%len(fuzzKinds)]
		id := intel.ParseIdentifier(input, region, kind)
		if id.Markers == nil {
			t.Fatalf("Markers is nil for %q", input)
		}
		if !id.Valid {
			if id.Key != "" || id.Error == "" || intel.ErrorCode(id.Err) != intel.EINVALID {
				t.Fatalf("invalid result for %q has key %q, error %q, err %v", input, id.Key, id.Error, id.Err)
			}
			return
		}
		if id.Key == "" || id.Error != "" || id.Err != nil {
			t.Fatalf("valid result for %q has key %q, error %q, err %v", input, id.Key, id.Error, id.Err)
		}
		for _, alt := range id.Alternatives {
			if alt == id.Key || !intel.ParseIdentifier(alt, region, id.Kind).Valid {
				t.Fatalf("%q: alternative %q of key %q is the key or not valid", input, alt, id.Key)
			}
		}
		again := intel.ParseIdentifier(id.Key, region, id.Kind)
		if !again.Valid || again.Key != id.Key {
			t.Fatalf("not idempotent: %q -> %q -> %q (valid %v, error %q)", input, id.Key, again.Key, again.Valid, again.Error)
		}
		// Suspects, cases and persons have no shape of their own (a case
		// reference is any agency's text, a person key a digest that only
		// the service makes) and DetectKind never guesses them.
		if id.Kind != intel.KindSuspect && id.Kind != intel.KindCase && id.Kind != intel.KindPerson {
			if got := intel.DetectKind(id.Key); got != id.Kind {
				t.Fatalf("key %q of a %s is detected as %s", id.Key, id.Kind, got)
			}
		}
	})
}

func indexOf[T comparable](list []T, v T) int {
	for i, x := range list {
		if x == v {
			return i
		}
	}
	return 0
}
