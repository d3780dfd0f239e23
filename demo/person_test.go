package demo_test

import (
	"maps"
	"strings"
	"testing"

	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/intel"
)

func TestSubscriberRecords(t *testing.T) {
	w := MustWorld(t)
	all := entities(w)
	registered := linksOfType(w, intel.LinkRegisteredTo)
	holdings := map[string]map[intel.Kind][]string{} // person id → kind → artefact ids
	for _, l := range registered {
		kind, _, _ := intel.SplitEntityID(l.From)
		if holdings[l.To] == nil {
			holdings[l.To] = map[intel.Kind][]string{}
		}
		holdings[l.To][kind] = append(holdings[l.To][kind], l.From)
	}

	t.Run("SIMFarmHolderHoldsTheRack", func(t *testing.T) {
		sims := holdings[demo.SIMFarmHolder.ID()][intel.KindPhoneNumber]
		hub := false
		for _, id := range sims {
			hub = hub || id == demo.SIMBoxHub.ID()
		}
		if len(sims) <= 5 || !hub {
			t.Fatalf("%s holds %d SIMs (hub among them: %v), want more than 5 with the hub", demo.SIMFarmHolder.Name, len(sims), hub)
		}
		t.Logf("%s holds %d SIMs", demo.SIMFarmHolder.Name, len(sims))
	})

	t.Run("SomeNomineeHoldsSeveralMuleAccounts", func(t *testing.T) {
		// A mule account is one a victim's report names as the destination.
		mule := map[string]bool{}
		for _, l := range linksOfType(w, intel.LinkReportedIn) {
			if l.Attrs["role"] == "destination_account" {
				mule[l.From] = true
			}
		}
		for _, held := range holdings {
			n := 0
			for _, id := range held[intel.KindBankAccount] {
				if mule[id] {
					n++
				}
			}
			if n >= 2 {
				return
			}
		}
		t.Fatal("no person holds two mule accounts that victims reported")
	})

	t.Run("PersonalDataOnlyInSensitive", func(t *testing.T) {
		for _, e := range all {
			if e.Kind != intel.KindPerson {
				continue
			}
			s := e.Sensitive
			if s["name"] == "" || s["documentNumber"] == "" || s["address"] == "" || len(s) != 3 {
				t.Fatalf("%s: sensitive %v, want name, documentNumber and address", e.Key, s)
			}
			if len(e.Attrs) != 2 || e.Attrs["documentType"] == "" {
				t.Fatalf("%s: attrs %v, want documentType and documentCountry only", e.Key, e.Attrs)
			}
			if want := intel.PersonKey(e.Attrs["documentCountry"], e.Attrs["documentType"], s["documentNumber"]); e.Key != want {
				t.Fatalf("%s: key is not the digest of its document (%s)", e.Key, want)
			}
			if strings.Contains(e.Label, s["name"]) || strings.Contains(e.Label, s["documentNumber"]) {
				t.Fatalf("%s: label %q shows personal data", e.Key, e.Label)
			}
			if e.Attrs["documentType"] == "NATIONAL_ID" && e.Attrs["documentCountry"] == "TH" && validThaiID(s["documentNumber"]) {
				t.Fatalf("%s: Thai ID %s passes the checksum, so it could be a real card's", e.Key, s["documentNumber"])
			}
		}
		for _, l := range registered {
			p := all[l.To]
			if !maps.Equal(l.Sensitive, p.Sensitive) || len(l.Attrs) != 1 || l.Attrs["documentType"] != p.Attrs["documentType"] {
				t.Fatalf("REGISTERED_TO %s→%s: attrs %v sensitive %v, the person has %v %v", l.From, l.To, l.Attrs, l.Sensitive, p.Attrs, p.Sensitive)
			}
		}
	})
}

// validThaiID reports whether a 13-digit number passes the Thai ID check.
func validThaiID(s string) bool {
	if len(s) != 13 {
		return false
	}
	sum := 0
	for i := 0; i < 12; i++ {
		sum += int(s[i]-'0') * (13 - i)
	}
	return int(s[12]-'0') == (11-sum%11)%10
}
