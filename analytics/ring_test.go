package analytics_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/analytics"
	"github.com/scamgraph/scamgraph/intel"
)

// simBoxWorld is a SIM box whose rack was bought on two ID cards: four
// lines registered to each, every line calling four numbers that hardly
// answer and never call back. When site is set, every call is made from
// the same cell through one of the box's two channels (IMEIs); otherwise
// each line calls from a cell and handset of its own. A neighbour on the
// box's cell, also at MEDIUM risk but with calls answered and returned,
// shares the cell without the signature.
func simBoxWorld(site bool) (*world, map[string]analytics.Risk, []string) {
	w := newWorld()
	risks := map[string]analytics.Risk{}
	var rack []string
	for h, card := range []string{"doc-card-a", "doc-card-b"} {
		holder := id(intel.KindPerson, card)
		for i := 0; i < 4; i++ {
			line := phone(fmt.Sprintf("+66890%d%05d", h, i))
			rack = append(rack, line, holder)
			risks[line] = analytics.Risk{Score: 50, Level: analytics.LevelMedium}
			w.add(link(intel.LinkRegisteredTo, line, holder, now.Add(-60*24*time.Hour), "", nil))
			for k := 0; k < 4; k++ {
				cell, imei := "520-01-1000-10001", fmt.Sprintf("3500000000000%02d", k%2)
				if !site {
					cell, imei = fmt.Sprintf("520-01-2000-%d%d", h, i), fmt.Sprintf("3511111111111%d%d", h, i)
				}
				victim := phone(fmt.Sprintf("+66810%d%d%04d", h, i, k))
				w.add(link(intel.LinkCalled, line, victim, now.Add(-time.Duration(24*h+6*i+k)*time.Hour),
					fmt.Sprintf("call-%d-%d-%d", h, i, k), map[string]string{"answered": "false", "cellId": cell, "imei": imei}))
			}
		}
	}
	neighbour := phone("+66811111111")
	risks[neighbour] = analytics.Risk{Score: 50, Level: analytics.LevelMedium}
	for k := 0; k < 4; k++ {
		friend := phone(fmt.Sprintf("+66812222%03d", k))
		w.add(link(intel.LinkCalled, neighbour, friend, now.Add(-time.Duration(k)*time.Hour), fmt.Sprintf("n-out-%d", k),
			map[string]string{"answered": "true", "cellId": "520-01-1000-10001", "imei": "350000000000099"}),
			link(intel.LinkCalled, friend, neighbour, now.Add(-time.Duration(k)*time.Hour+time.Minute), fmt.Sprintf("n-in-%d", k),
				map[string]string{"answered": "true"}))
	}
	slices.Sort(rack)
	return w, risks, slices.Compact(rack)
}

func TestASIMBoxOnTwoIDCardsSharingItsSiteIsOneRing(t *testing.T) {
	w, risks, rack := simBoxWorld(true)
	rings := analytics.Rings(w.n, risks)
	if len(rings) != 1 || !slices.Equal(rings[0].Members, rack) {
		t.Fatalf("rings %+v, want one ring of the rack's eight lines and its two ID cards %v", rings, rack)
	}
	if again := analytics.Rings(w.n, risks); again[0].ID != rings[0].ID || rings[0].ID != analytics.RingID(rack[0]) {
		t.Errorf("ring id %s then %s, want %s both times", rings[0].ID, again[0].ID, analytics.RingID(rack[0]))
	}
}

func TestLinesSharingNoSiteStayApartByIDCard(t *testing.T) {
	w, risks, _ := simBoxWorld(false)
	rings := analytics.Rings(w.n, risks)
	if len(rings) != 2 || len(rings[0].Members) != 5 || len(rings[1].Members) != 5 {
		t.Fatalf("rings %+v, want two rings of four lines and their ID card", rings)
	}
}

// gang is three numbers presented by one VoIP account, all HIGH.
func gang(w *world, risks map[string]analytics.Risk, prefix string) []string {
	acct := id(intel.KindVoipAccount, "sip:"+prefix+"@x.example")
	ids := []string{acct}
	for i := 0; i < 3; i++ {
		p := phone(fmt.Sprintf("+668%s%06d", prefix, i))
		w.add(link(intel.LinkPresentedAs, acct, p, now.Add(-time.Hour), "", nil))
		ids = append(ids, p)
		risks[p] = analytics.Risk{Score: 80, Level: analytics.LevelHigh}
	}
	risks[acct] = analytics.Risk{Score: 80, Level: analytics.LevelHigh}
	return ids
}

func TestAChatAccountNamedWithAGangsNumbersJoinsItsRing(t *testing.T) {
	for _, status := range []analytics.ReportStatus{analytics.ReportReported, analytics.ReportFalse} {
		w, risks := newWorld(), map[string]analytics.Risk{}
		g := gang(w, risks, "1")
		chat := id(intel.KindMessagingAccount, "line:dsi.officer01")
		risks[chat] = analytics.Risk{Score: 80, Level: analytics.LevelHigh}
		for n := 1; n <= 2; n++ {
			for _, e := range []string{chat, g[n]} {
				l := report(e, n, now.Add(-time.Duration(n)*time.Hour))
				l.Attrs[analytics.AttrReportStatus] = string(status)
				w.add(l)
			}
		}
		rings := analytics.Rings(w.n, risks)
		joined := len(rings) == 1 && slices.Contains(rings[0].Members, chat)
		if joined != (status == analytics.ReportReported) {
			t.Errorf("reports %s: rings %+v; the chat account should join only through reports not marked false", status, rings)
		}
	}
}

func TestASuspectStaysWithTheBoxItRunsNotTheAddressItWasSeenOn(t *testing.T) {
	w, risks, rack := simBoxWorld(true)
	g := gang(w, risks, "2")
	ip := id(intel.KindIPAddress, "175.100.37.10")
	for _, m := range g[:2] {
		w.add(link(intel.LinkUses, id(intel.KindSuspect, "TH-CIB:S-0"+m[len(m)-1:]), ip, now.Add(-time.Hour), "", nil))
	}
	for _, s := range []string{"TH-CIB:S-01", "TH-CIB:S-00"} {
		risks[id(intel.KindSuspect, s)] = analytics.Risk{Score: 80, Level: analytics.LevelHigh}
	}
	w.add(link(intel.LinkUses, id(intel.KindSuspect, "TH-CIB:S-01"), g[1], now.Add(-time.Hour), "", nil),
		link(intel.LinkUses, id(intel.KindSuspect, "TH-CIB:S-00"), g[2], now.Add(-time.Hour), "", nil))
	operator := id(intel.KindSuspect, "TH-DSI:S-09")
	own := phone("+66899999999")
	risks[operator] = analytics.Risk{Score: 80, Level: analytics.LevelHigh}
	w.add(link(intel.LinkUses, operator, rack[2], now.Add(-time.Hour), "", nil),
		link(intel.LinkUses, operator, own, now.Add(-time.Hour), "", nil),
		link(intel.LinkUses, operator, ip, now.Add(-time.Hour), "", nil))
	for _, r := range analytics.Rings(w.n, risks) {
		if slices.Contains(r.Members, rack[2]) && (!slices.Contains(r.Members, operator) || !slices.Contains(r.Members, own)) {
			t.Errorf("box ring %v, want the operator and the phone they use in it", r.Members)
		}
	}
}
