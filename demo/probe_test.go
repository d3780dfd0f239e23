package demo

import (
	"fmt"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

func TestProbe(t *testing.T) {
	for _, s := range []string{"+66925550142", "+66869041377", "+66627418350", "+6621234567", "+66612345678", "+66651234567", "+66601234567", "+66681234567", "+66941234567",
		"+85512345678", "+85577345678", "+855971234567", "+855881234567", "+85510345678", "+85515345678", "+85516345678", "+85570345678", "+85581345678", "+855961234567", "+85592345678", "+85569345678", "+85597345678", "+855311234567", "+855381234567", "+85560345678", "+85586345678", "+85587345678", "+85598345678", "+85593345678", "+85517345678", "+85585345678", "+85589345678", "+85511345678", "+85599345678"} {
		id := intel.ParseIdentifier(s, "", intel.KindPhoneNumber)
		fmt.Println(s, id.Valid, id.Key, id.NumberType, id.Carrier, id.Country, id.Error)
	}
	for _, s := range []string{"TH:004:1234567890", "KH:ABA:000123456", "KH:HUIONE:00918273", "KH:ACLEDA:123456789012", "sip:cs-agent07@mekongvoice.example", "175.100.37.18", "TH-CIB:S-0001", "092-555-0142", "KBANK 123-4-56789-0"} {
		id := intel.ParseIdentifier(s, "", "")
		fmt.Println(s, id.Kind, id.Valid, id.Key, id.Attrs, id.Error)
	}
	st := time.Now()
	n := 0
	for i := 0; i < 20000; i++ {
		id, _ := intel.NormalizePhone(fmt.Sprintf("+6681%07d", i*37), "")
		if id.Valid {
			n++
		}
	}
	fmt.Println("20000 parses", time.Since(st), n)
}
