package intel_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/scamgraph/scamgraph/intel"
)

// iddCodes are the international prefixes carriers publish in each
// country, as phonenumbers' metadata has them (TH 00[1-9], KH 00[14-9]),
// with Thailand's five-digit economy and VoIP-routed forms 00X00.
var iddCodes = map[intel.Region][]string{
	intel.RegionTH: {"001", "002", "003", "004", "005", "006", "007", "008", "009",
		"00100", "00300", "00400", "00500", "00600", "00700", "00800", "00900"},
	intel.RegionKH: {"001", "004", "005", "006", "007", "008", "009"},
}

// iddTargets are real numbers whose country code starts with each digit:
// written after a plain 00 without spaces, each begins with the last
// digit of one of the carrier prefixes, the case that reads two ways.
// They are written "cc rest" so the test can group them as people do.
var iddTargets = map[byte][]string{
	'1': {"1 4155552671", "1 6135550123"},
	'2': {"27 821234567", "234 8031234567"},
	'3': {"33 612345678", "380 501234567"},
	'4': {"44 7912345678", "49 15123456789"},
	'5': {"55 11912345678", "52 5512345678"},
	'6': {"66 610518337", "66 812345678", "66 21234567", "66 601234567", "60 123456789", "63 9171234567", "65 91234567", "61 412345678"},
	'7': {"7 9161234567"},
	'8': {"855 12345678", "855 971234567", "855 23234567", "86 13800138000", "84 912345678", "856 2023123456"},
	'9': {"91 9876543210", "971 501234567", "98 9123456789"},
}

// TestEveryIDDCodeReadsTheNumberMeant writes every target number after
// every carrier prefix of both countries and after the plain 00, grouped
// and ungrouped, and requires the number meant: always when the grouping
// or the country says which it is, and otherwise either that number or an
// ambiguity warning that names it among the candidates. A number of the
// record's own country after a plain 00 (the everyday "0066 61 ..." of a
// Thai mobile) is never misread and never ambiguous.
func TestEveryIDDCodeReadsTheNumberMeant(t *testing.T) {
	ambiguous := 0
	for _, region := range []intel.Region{intel.RegionTH, intel.RegionKH} {
		own := map[intel.Region]string{intel.RegionTH: "66", intel.RegionKH: "855"}[region]
		for _, idd := range iddCodes[region] {
			for _, target := range iddTargets[idd[2]] {
				cc, rest, _ := strings.Cut(target, " ")
				want := "+" + cc + rest
				check := func(input string, mustBeClear bool) {
					t.Helper()
					want := want
					if digits := strings.ReplaceAll(input, " ", ""); cc == own && strings.HasPrefix(digits, idd) && !strings.HasPrefix(input, "00 ") {
						// A carrier prefix dialling one's own country is
						// implausible: run together, the digits after a
						// plain 00 are the number meant when they are one.
						if plain := intel.ParseIdentifier("+"+digits[2:], region, intel.KindPhoneNumber); plain.Valid && !strings.Contains(input, " ") {
							want = plain.Key
						}
					}
					id := intel.ParseIdentifier(input, region, intel.KindPhoneNumber)
					switch {
					case !id.Valid:
						t.Errorf("%s %q: invalid (%s), want %s", region, input, id.Error, want)
					case len(id.Alternatives) > 0 && mustBeClear:
						t.Errorf("%s %q: ambiguous %s or %v, want %s without doubt", region, input, id.Key, id.Alternatives, want)
					case len(id.Alternatives) > 0 && !slices.Contains(append([]string{id.Key}, id.Alternatives...), want):
						t.Errorf("%s %q: ambiguous %s or %v, neither is %s", region, input, id.Key, id.Alternatives, want)
					case len(id.Alternatives) == 0 && id.Key != want:
						t.Errorf("%s %q: read as %s, want %s", region, input, id.Key, want)
					}
					if len(id.Alternatives) > 0 {
						ambiguous++
					}
				}
				// Grouped as written: the prefix, the country code, the rest.
				check("00 "+cc+" "+rest, true)
				check("00"+cc+" "+rest, true)
				check(idd+" "+cc+" "+rest, true)
				// Run together: only the country and the ranges can tell.
				check("00"+cc+rest, cc == own)
				check(idd+cc+rest, false)
			}
		}
	}
	t.Logf("%d ungrouped inputs stayed ambiguous and were reported so", ambiguous)
}

// TestAmbiguousPrefixReadings pins the readings the issue names and the
// ambiguity report: the preferred reading is the key, and Alternatives
// holds the others, never the key itself.
func TestAmbiguousPrefixReadings(t *testing.T) {
	cases := []struct {
		name, input string
		region      intel.Region
		key         string
		alts        []string
	}{
		{"ThaiMobileAfter00Grouped", "0066 61 051 8337", intel.RegionTH, "+66610518337", nil},
		{"ThaiMobileAfter00RunTogether", "0066610518337", intel.RegionTH, "+66610518337", nil},
		{"ThaiMobileAfter00Spaced", "00 66 61 051 8337", intel.RegionTH, "+66610518337", nil},
		{"CarrierIDDToOwnCountryAsWritten", "006 66 61 051 8337", intel.RegionTH, "+66610518337", nil},
		{"ThaiMobileFromCambodiaRunTogether", "0066610518337", intel.RegionKH, "+66610518337", []string{"+6610518337"}},
		{"FrenchMobileOrHungarianFixed", "0033612345678", intel.RegionTH, "+3612345678", []string{"+33612345678"}},
		{"FrenchMobileGrouped", "0033 6 12 34 56 78", intel.RegionTH, "+33612345678", nil},
		{"CarrierIDDToChinaGrouped", "006 86 138 0013 8000", intel.RegionTH, "+8613800138000", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id := intel.ParseIdentifier(tc.input, tc.region, intel.KindPhoneNumber)
			if !id.Valid || id.Key != tc.key || !slices.Equal(id.Alternatives, tc.alts) {
				t.Fatalf("%q in %s: key %q alternatives %v (%s), want %q and %v", tc.input, tc.region, id.Key, id.Alternatives, id.Error, tc.key, tc.alts)
			}
		})
	}
}
