package intel

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// randomDigits returns a generator of random digit strings, the same ones
// for the same seeds on every run.
func randomDigits(seed1, seed2 uint64) func(n int) string {
	rng := rand.New(rand.NewPCG(seed1, seed2))
	return func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + rng.IntN(10))
		}
		return string(b)
	}
}

// validType stands in for phonenumbers.IsValidNumber on the parse path; the
// two must agree on every number, valid or not, from any country (numbers
// of the +1 and +7 plans share a calling code among regions, the case
// where the two functions take different routes to the region).
func TestValidTypeAgreesWithIsValidNumber(t *testing.T) {
	digits := randomDigits(1, 2)
	var inputs []string
	for lead := 0; lead < 100; lead++ {
		for length := 6; length <= 12; length++ {
			for range 4 {
				inputs = append(inputs, fmt.Sprintf("0%02d%s", lead, digits(length-3)))
			}
		}
	}
	for _, cc := range []string{"66", "855", "1", "7", "44", "86", "84", "856", "95", "60", "65", "63", "62", "886", "852", "882", "800"} {
		for length := 5; length <= 13; length++ {
			for range 40 {
				inputs = append(inputs, "+"+cc+digits(length))
			}
		}
	}
	valid := 0
	for _, region := range []string{"TH", "KH"} {
		for _, in := range inputs {
			num, err := phonenumbers.Parse(in, region)
			typ, ok := validType(num, err)
			want := err == nil && phonenumbers.IsValidNumber(num)
			if ok != want {
				t.Fatalf("%s read in %s: validType says %v, IsValidNumber %v", in, region, ok, want)
			}
			if ok {
				valid++
				if typ != phonenumbers.GetNumberType(num) {
					t.Fatalf("%s: type %v, GetNumberType %v", in, typ, phonenumbers.GetNumberType(num))
				}
			}
		}
	}
	// The sample must exercise both answers, or it proves nothing.
	if valid < len(inputs)/10 || valid > 2*len(inputs)*9/10 {
		t.Fatalf("%d of %d readings valid: the sample does not exercise both answers", valid, 2*len(inputs))
	}
	if _, ok := validType(nil, fmt.Errorf("parse failed")); ok {
		t.Fatal("a failed parse is valid")
	}
}

// readNational skips phonenumbers.Parse for national numbers; whenever it
// takes a number, Parse must read the very same one from the same digits:
// the same calling code, national number, type, key and carrier. The sample
// covers every three-digit start after the trunk 0 at every length from 3
// to 17 digits, in both countries; and Parse must find no valid national
// number that readNational leaves to it.
func TestReadNationalAgreesWithParse(t *testing.T) {
	digits := randomDigits(3, 4)
	var inputs []string
	for lead := 0; lead < 1000; lead++ {
		for length := 3; length <= 17; length++ {
			for range 3 {
				in := fmt.Sprintf("0%03d", lead) + digits(max(length-4, 0))
				inputs = append(inputs, in[:max(length, 3)])
			}
		}
	}
	taken := map[string]int{}
	for _, region := range []Region{RegionTH, RegionKH} {
		for _, in := range inputs {
			fast, ft, ok := readNational(in, region)
			num, err := phonenumbers.Parse(in, string(region))
			want, valid := validType(num, err)
			if !ok {
				if valid && in[1] != '0' {
					t.Errorf("%s in %s: Parse reads a valid %v number that readNational leaves to it", in, region, want)
				}
				continue
			}
			taken[string(region)]++
			if !valid {
				t.Fatalf("%s in %s: readNational takes a number Parse finds invalid", in, region)
			}
			if fast.GetCountryCode() != num.GetCountryCode() || fast.GetNationalNumber() != num.GetNationalNumber() ||
				num.GetItalianLeadingZero() || ft != want {
				t.Fatalf("%s in %s: readNational reads +%d %d (%v), Parse +%d %d (%v, leading zero %v)", in, region,
					fast.GetCountryCode(), fast.GetNationalNumber(), ft, num.GetCountryCode(), num.GetNationalNumber(), want, num.GetItalianLeadingZero())
			}
			fc, _ := phonenumbers.GetCarrierForNumber(fast, "en")
			pc, _ := phonenumbers.GetCarrierForNumber(num, "en")
			if phonenumbers.Format(fast, phonenumbers.E164) != phonenumbers.Format(num, phonenumbers.E164) || fc != pc {
				t.Fatalf("%s in %s: key or carrier differ", in, region)
			}
		}
	}
	// Both countries must have had numbers taken, or the shortcut was
	// never exercised.
	if taken["TH"] < 1000 || taken["KH"] < 1000 {
		t.Fatalf("readNational took %v numbers: too few to prove anything", taken)
	}
	t.Logf("readNational took %v of %d inputs per region", taken, len(inputs))
}
