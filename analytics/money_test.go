package analytics_test

import (
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/analytics"
	"github.com/scamgraph/scamgraph/intel"
)

var t0 = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)

func acct(n string) string { return intel.EntityID(intel.KindBankAccount, n) }

// transfer builds a TRANSFERRED link from a to b, minutes after t0.
func transfer(a, b string, minutes int, amount, currency string) intel.Link {
	l := intel.Link{Type: intel.LinkTransferred, From: acct(a), To: acct(b),
		EventKey: fmt.Sprintf("%s-%s-%d-%s", a, b, minutes, amount),
		Attrs:    map[string]string{"amount": amount, "currency": currency}}
	l.Agency, l.Country = "TH-AMLO", intel.RegionTH
	l.ObservedAt = t0.Add(time.Duration(minutes) * time.Minute)
	l.Normalize()
	return l
}

func reachable(t *testing.T, tr analytics.Trail, a string) string {
	t.Helper()
	got, ok := tr.Account(acct(a))
	if !ok {
		return "unreached"
	}
	s := ""
	for i, m := range got.Reachable {
		if i > 0 {
			s += ", "
		}
		s += m.String()
	}
	return s
}

func hopsOf(tr analytics.Trail) []string {
	var out []string
	for _, h := range tr.Hops {
		_, from, _ := intel.SplitEntityID(h.Link.From)
		_, to, _ := intel.SplitEntityID(h.Link.To)
		out = append(out, fmt.Sprintf("%s>%s %s %s", from, to, analytics.FormatAmount(h.Carried), h.Currency))
	}
	return out
}

func TestFollowMoney(t *testing.T) {
	t.Run("TimeOrderRespected", func(t *testing.T) {
		// M forwards to X before the victim pays M, and to Y after: only Y
		// can hold the victim's money.
		links := []intel.Link{
			transfer("V", "M", 60, "1000", "THB"),
			transfer("M", "X", 30, "900", "THB"),
			transfer("M", "Y", 90, "900", "THB"),
		}
		tr := analytics.FollowMoney(acct("V"), analytics.TrailForward, links, analytics.ReferenceRates)
		if got := reachable(t, tr, "X"); got != "unreached" {
			t.Errorf("X received before the money arrived, yet reachable = %s", got)
		}
		if got := reachable(t, tr, "Y"); got != "900.00 THB" {
			t.Errorf("Y reachable = %s, want 900.00 THB", got)
		}
		want := []string{"V>M 1000.00 THB", "M>Y 900.00 THB"}
		if got := hopsOf(tr); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("hops = %v, want %v (time order)", got, want)
		}
	})
	t.Run("SameInstantCannotPassOn", func(t *testing.T) {
		links := []intel.Link{transfer("V", "M", 10, "500", "THB"), transfer("M", "X", 10, "500", "THB")}
		tr := analytics.FollowMoney(acct("V"), analytics.TrailForward, links, analytics.ReferenceRates)
		if got := reachable(t, tr, "X"); got != "unreached" {
			t.Errorf("money left M at the instant it arrived: X reachable = %s", got)
		}
	})
	t.Run("AmountsBounded", func(t *testing.T) {
		// The victim paid 1,000 into M, which also holds other money: each
		// of M's transfers can have carried at most 1,000 of it (and no
		// more than its own amount); M's transfer before the payment none.
		// N received from M twice: still at most the 1,000 the victim lost.
		links := []intel.Link{
			transfer("M", "W", -5, "900", "THB"),
			transfer("V", "M", 0, "1000", "THB"),
			transfer("M", "X", 10, "700", "THB"),
			transfer("M", "Y", 20, "4300", "THB"),
			transfer("M", "N", 30, "800", "THB"),
			transfer("M", "N", 40, "800", "THB"),
		}
		tr := analytics.FollowMoney(acct("V"), analytics.TrailForward, links, analytics.ReferenceRates)
		for a, want := range map[string]string{"M": "1000.00 THB", "X": "700.00 THB", "Y": "1000.00 THB", "N": "1000.00 THB", "W": "unreached"} {
			if got := reachable(t, tr, a); got != want {
				t.Errorf("%s reachable = %s, want %s", a, got, want)
			}
		}
		m, _ := tr.Account(acct("M"))
		if !m.FanOut || m.FanIn {
			t.Errorf("M fanOut=%v fanIn=%v, want a fan-out only", m.FanOut, m.FanIn)
		}
		for _, h := range tr.Hops {
			if h.Carried.Cmp(h.Amount) > 0 || h.Carried.Cmp(big.NewRat(1000, 1)) > 0 {
				t.Errorf("hop %s carried %s of %s", h.Link.ID, analytics.FormatAmount(h.Carried), analytics.FormatAmount(h.Amount))
			}
		}
	})
	t.Run("CurrencyChange", func(t *testing.T) {
		// 3,550 baht cross the border as 150 dollars: only 100 dollars'
		// worth can be the victim's, and the hop says the currency changed.
		// The collector's wallet, emptied into by M twice, can hold no more
		// than the loss in dollars either.
		links := []intel.Link{
			transfer("V", "M", 0, "3550", "THB"),
			transfer("M", "KH", 60, "150", "USD"),
			transfer("KH", "W", 70, "90", "USD"),
			transfer("KH", "W", 80, "90", "USD"),
		}
		tr := analytics.FollowMoney(acct("V"), analytics.TrailForward, links, analytics.ReferenceRates)
		if got := reachable(t, tr, "W"); got != "100.00 USD" {
			t.Errorf("W reachable = %s, want 100.00 USD (the loss, converted)", got)
		}
		if got := reachable(t, tr, "KH"); got != "100.00 USD" {
			t.Errorf("KH reachable = %s, want 100.00 USD", got)
		}
		h := tr.Hops[1]
		if h.Change == nil || h.Change.In != "THB" || h.Change.Out != "USD" || h.Change.Account != acct("M") {
			t.Errorf("hop M>KH change = %+v, want THB in, USD out at M", h.Change)
		}
		if tr.Hops[0].Change != nil {
			t.Errorf("the victim's own payment changed no currency, got %+v", tr.Hops[0].Change)
		}
	})
	t.Run("FanIn", func(t *testing.T) {
		links := []intel.Link{
			transfer("V", "A", 0, "600", "THB"),
			transfer("V", "B", 0, "400", "THB"),
			transfer("A", "C", 10, "600", "THB"),
			transfer("B", "C", 20, "400", "THB"),
		}
		tr := analytics.FollowMoney(acct("V"), analytics.TrailForward, links, analytics.ReferenceRates)
		c, _ := tr.Account(acct("C"))
		if !c.FanIn || c.FanOut || c.Depth != 2 {
			t.Errorf("C = %+v, want a fan-in at depth 2", c)
		}
		v, _ := tr.Account(acct("V"))
		if !v.FanOut || v.Depth != 0 || fmt.Sprint(v.Reachable) != "[1000.00 THB]" {
			t.Errorf("origin = %+v, want a fan-out of 1000.00 THB at depth 0", v)
		}
		if got := reachable(t, tr, "C"); got != "1000.00 THB" {
			t.Errorf("C reachable = %s", got)
		}
	})
	t.Run("Backward", func(t *testing.T) {
		// Where did what reached KH come from? P paid M after M's
		// transfer to KH, so P's money cannot be in it; Q's can, up to
		// what M sent on.
		links := []intel.Link{
			transfer("Q", "M", 0, "5000", "THB"),
			transfer("M", "KH", 60, "100", "USD"),
			transfer("P", "M", 90, "9000", "THB"),
		}
		tr := analytics.FollowMoney(acct("KH"), analytics.TrailBackward, links, analytics.ReferenceRates)
		if got := reachable(t, tr, "P"); got != "unreached" {
			t.Errorf("P paid after the money left: reachable = %s", got)
		}
		if got := reachable(t, tr, "Q"); got != "3550.00 THB" {
			t.Errorf("Q reachable = %s, want 3550.00 THB (100 USD at 35.5)", got)
		}
		want := []string{"Q>M 3550.00 THB", "M>KH 100.00 USD"}
		if got := hopsOf(tr); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("hops = %v, want %v", got, want)
		}
		if c := tr.Hops[0].Change; c == nil || c.In != "THB" || c.Out != "USD" || c.Account != acct("M") {
			t.Errorf("change = %+v, want THB in, USD out at M", c)
		}
	})
	t.Run("UnknownRateStopsTheBound", func(t *testing.T) {
		links := []intel.Link{transfer("V", "M", 0, "100", "THB"), transfer("M", "X", 10, "100", "XYZ")}
		tr := analytics.FollowMoney(acct("V"), analytics.TrailForward, links, analytics.ReferenceRates)
		if got := reachable(t, tr, "X"); got != "unreached" {
			t.Errorf("X reachable = %s through a currency without a rate", got)
		}
	})
	t.Run("IgnoresOtherLinksAndReturns", func(t *testing.T) {
		bad := transfer("V", "M", 5, "100", "THB")
		bad.Attrs["amount"] = "lots"
		links := []intel.Link{transfer("V", "M", 0, "100", "THB"), bad, transfer("M", "V", 10, "100", "THB")}
		tr := analytics.FollowMoney(acct("V"), analytics.TrailForward, links, analytics.ReferenceRates)
		if len(tr.Hops) != 1 || len(tr.Accounts) != 2 {
			t.Errorf("hops %v accounts %d, want the one good payment and its two accounts", hopsOf(tr), len(tr.Accounts))
		}
	})
}

func TestMoneyReach(t *testing.T) {
	links := []intel.Link{transfer("V", "M", 60, "1000", "THB"), transfer("M", "X", 30, "900", "THB"),
		transfer("M", "Y", 90, "900", "THB"), transfer("Y", "Z", 100, "10", "XYZ"), transfer("Y", "K", 120, "20", "USD")}
	transfers := analytics.ReadTransfers(links)
	t.Run("SameAccountsAsTheFlow", func(t *testing.T) {
		for _, dir := range []analytics.TrailDirection{analytics.TrailForward, analytics.TrailBackward} {
			for _, origin := range []string{acct("V"), acct("K"), acct("M")} {
				tr := analytics.FollowTransfers(origin, dir, transfers, analytics.ReferenceRates)
				reach := analytics.MoneyReach(origin, dir, transfers, analytics.ReferenceRates)
				if len(reach) != len(tr.Accounts) {
					t.Fatalf("%s %s: reach %v, flow %+v", dir, origin, reach, tr.Accounts)
				}
				for _, a := range tr.Accounts {
					if r, ok := reach[a.ID]; !ok || r.Depth != a.Depth {
						t.Fatalf("%s %s: %s at depth %d in the flow, %+v (%v) in reach", dir, origin, a.ID, a.Depth, r, ok)
					}
				}
			}
		}
	})
	t.Run("NextHop", func(t *testing.T) {
		reach := analytics.MoneyReach(acct("V"), analytics.TrailForward, transfers, analytics.ReferenceRates)
		if _, ok := reach[acct("X")]; ok {
			t.Error("X received before the money arrived, yet is reached")
		}
		if _, ok := reach[acct("Z")]; ok {
			t.Error("Z received in a currency without a rate, yet is reached")
		}
		frontier, w, open := analytics.NextHop(reach, acct("V"), analytics.TrailForward, map[string]bool{acct("V"): true}, 3, intel.TimeWindow{})
		if fmt.Sprint(frontier) != fmt.Sprint([]string{acct("M"), acct("Y")}) || !open || !w.Since.Equal(t0.Add(60*time.Minute)) {
			t.Errorf("next hop %v from %v (open %v), want M and Y from the payment into M", frontier, w.Since, open)
		}
		if frontier, _, _ := analytics.NextHop(reach, acct("V"), analytics.TrailForward, map[string]bool{acct("V"): true}, 1, intel.TimeWindow{}); len(frontier) != 0 {
			t.Errorf("next hop at maxHops 1 = %v, want none", frontier)
		}
		_, _, open = analytics.NextHop(reach, acct("V"), analytics.TrailForward, map[string]bool{acct("V"): true}, 3,
			intel.TimeWindow{Until: t0.Add(30 * time.Minute)})
		if open {
			t.Error("a window ending before the money arrived is open")
		}
	})
}
