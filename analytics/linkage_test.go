package analytics_test

import (
	"fmt"
	"testing"

	"github.com/scamgraph/scamgraph/analytics"
	"github.com/scamgraph/scamgraph/intel"
)

func TestLinkCases(t *testing.T) {
	bank := intel.EntityID(intel.KindBankAccount, "TH:014:4071829305")
	sip := intel.EntityID(intel.KindVoipAccount, "sip:a@x.example")
	hotline := intel.EntityID(intel.KindPhoneNumber, "+6621111111")
	cases := func(n ...string) []string {
		var out []string
		for _, c := range n {
			out = append(out, "Case:"+c)
		}
		return out
	}
	naming := map[string][]string{
		bank:    cases("ME", "A"),
		sip:     cases("ME", "B", "B"),
		hotline: cases("ME", "A", "B", "C", "D", "E", "F", "G", "H"),
	}
	t.Run("RankedByWhatIsShared", func(t *testing.T) {
		got := analytics.LinkCases("Case:ME", naming, 0)
		var order []string
		for _, lc := range got {
			order = append(order, fmt.Sprintf("%s=%.3f", lc.Case, lc.Score))
		}
		// A shares the bank account (1.0) and the hotline (0.5/log2(9));
		// B the SIP account and the hotline; the others the hotline alone.
		want := "[Case:A=1.158 Case:B=1.158 Case:C=0.158 Case:D=0.158 Case:E=0.158 Case:F=0.158 Case:G=0.158 Case:H=0.158]"
		if fmt.Sprint(order) != want {
			t.Errorf("ranking = %v, want %s", order, want)
		}
		if s := got[0].Shared; len(s) != 2 || s[0].ID != bank || s[1].ID != hotline || s[1].Cases != 8 {
			t.Errorf("A's shared artefacts = %+v, want the bank account, then the hotline named by 8 other cases", s)
		}
		for _, lc := range got {
			if lc.Case == "Case:ME" {
				t.Error("the case asked about is listed as linked to itself")
			}
		}
	})
	t.Run("PopularNumberWeighsLess", func(t *testing.T) {
		if a, b := analytics.ArtefactWeight(intel.KindPhoneNumber, 1), analytics.ArtefactWeight(intel.KindPhoneNumber, 20); a <= b {
			t.Errorf("a number one other case names weighs %v, one twenty name %v", a, b)
		}
		if a, b := analytics.ArtefactWeight(intel.KindBankAccount, 1), analytics.ArtefactWeight(intel.KindPhoneNumber, 1); a <= b {
			t.Errorf("a bank account weighs %v, a phone number %v", a, b)
		}
	})
	t.Run("First", func(t *testing.T) {
		if got := analytics.LinkCases("Case:ME", naming, 3); len(got) != 3 || got[2].Case != "Case:C" {
			t.Errorf("first 3 = %+v", got)
		}
	})
	t.Run("NothingShared", func(t *testing.T) {
		if got := analytics.LinkCases("Case:ME", map[string][]string{bank: cases("ME")}, 0); len(got) != 0 {
			t.Errorf("got %+v, want no linked case", got)
		}
	})
}
