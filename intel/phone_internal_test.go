package intel

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// validType stands in for phonenumbers.IsValidNumber on the parse path; the
// two must agree on every number, valid or not, from any country (numbers
// of the +1 and +7 plans share a calling code among regions, the case
// where the two functions take different routes to the region).
func TestValidTypeAgreesWithIsValidNumber(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	digits := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + rng.IntN(10))
		}
		return string(b)
	}
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
