package analytics_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/analytics"
	"github.com/scamgraph/scamgraph/intel"
)

var now = time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)

func id(kind intel.Kind, key string) string { return intel.EntityID(kind, key) }

func phone(key string) string { return id(intel.KindPhoneNumber, key) }

func link(t intel.LinkType, from, to string, at time.Time, key string, attrs map[string]string) intel.Link {
	l := intel.Link{Type: t, From: from, To: to, EventKey: key, Attrs: attrs,
		Provenance: intel.Provenance{Agency: "TH-CCIB", Country: intel.RegionTH, Confidence: 0.8, Visibility: intel.VisibilityShareable}}
	if spec, _ := t.Spec(); spec.Event {
		l.ObservedAt = at
	} else {
		l.ValidFrom = at
		l.EventKey = ""
	}
	l.Normalize()
	return l
}

// world is a hand-built neighbourhood: links recorded at both ends.
type world struct{ n *analytics.Neighbourhood }

func newWorld() *world { return &world{n: analytics.NewNeighbourhood()} }

func (w *world) add(ls ...intel.Link) {
	for _, l := range ls {
		w.n.Add(l.From, l)
		w.n.Add(l.To, l)
		for _, e := range []string{l.From, l.To} {
			k, key, _ := intel.SplitEntityID(e)
			if _, ok := w.n.Entities[e]; !ok {
				w.n.Entities[e] = &intel.Entity{ID: e, Kind: k, Key: key, Attrs: map[string]string{}}
			}
		}
	}
}

func report(entity string, n int, at time.Time) intel.Link {
	return link(intel.LinkReportedIn, entity, id(intel.KindCase, fmt.Sprintf("TH-CCIB:2567-%06d", n)), at,
		fmt.Sprintf("r-%d-%s", n, entity), map[string]string{"role": "caller"})
}

func score(w *world, e string) analytics.Risk {
	return analytics.Score(w.n, e, analytics.DefaultParams(now))
}

func TestOneUncorroboratedReportIsNotEvenMedium(t *testing.T) {
	w := newWorld()
	line := phone("+66810000001")
	w.add(report(line, 1, now.Add(-24*time.Hour)))
	r := score(w, line)
	if r.Level != analytics.LevelLow {
		t.Errorf("one report: %d %s, want LOW", r.Score, r.Level)
	}
	w.add(report(line, 2, now.Add(-48*time.Hour)))
	if r := score(w, line); r.Level != analytics.LevelMedium {
		t.Errorf("two reports: %d %s, want MEDIUM", r.Score, r.Level)
	}
}

func TestTwoMentionsInOneCaseAreOneReport(t *testing.T) {
	w := newWorld()
	line := phone("+66810000001")
	again := report(line, 1, now.Add(-time.Hour))
	again.EventKey, again.ID = "again", ""
	again.Normalize()
	w.add(report(line, 1, now.Add(-time.Hour)), again)
	if r := score(w, line); r.Level != analytics.LevelLow || !strings.Contains(r.Reasons[0].Text, "1 victim report") {
		t.Errorf("two mentions in one case: %+v, want one report, LOW", r)
	}
}

func TestEvidenceDecaysWithAge(t *testing.T) {
	fresh, old := newWorld(), newWorld()
	line := phone("+66810000001")
	for n := 1; n <= 3; n++ {
		fresh.add(report(line, n, now.Add(-time.Duration(n)*time.Hour)))
		old.add(report(line, n, now.Add(-2*365*24*time.Hour)))
	}
	f, o := score(fresh, line), score(old, line)
	if f.Level != analytics.LevelHigh || o.Score >= f.Score/2 {
		t.Errorf("fresh %d %s, two years old %d: want HIGH and under half", f.Score, f.Level, o.Score)
	}
}

func TestRedressFalseRemovesTheReport(t *testing.T) {
	w := newWorld()
	line := phone("+66810000001")
	l := report(line, 1, now.Add(-time.Hour))
	l.Attrs[analytics.AttrReportStatus] = string(analytics.ReportFalse)
	w.add(l)
	r := score(w, line)
	if r.Score != 0 || r.Level != analytics.LevelNone || len(r.Reasons) != 1 || r.Reasons[0].Kind != analytics.ReasonRedress {
		t.Errorf("false report: %+v, want NONE with the redress stated", r)
	}
}

func TestPaymentsIntoAMuleDoNotIncriminateTheVictim(t *testing.T) {
	w := newWorld()
	mule := id(intel.KindBankAccount, "TH:004:0000000001")
	victim := id(intel.KindBankAccount, "TH:014:0000000009")
	for n := 1; n <= 4; n++ {
		w.add(report(mule, n, now.Add(-time.Duration(n)*time.Hour)))
	}
	w.add(link(intel.LinkTransferred, victim, mule, now.Add(-30*time.Hour), "t1", map[string]string{"amount": "5000", "currency": "THB"}))
	if r := score(w, victim); r.Level != analytics.LevelNone {
		t.Errorf("victim paying a mule: %+v, want NONE", r)
	}
	next := id(intel.KindBankAccount, "TH:025:0000000002")
	w.add(link(intel.LinkTransferred, mule, next, now.Add(-29*time.Hour), "t2", map[string]string{"amount": "4900", "currency": "THB"}))
	if r := score(w, next); r.Level == analytics.LevelNone || r.Reasons[0].Kind != analytics.ReasonProximity {
		t.Errorf("account paid by a mule: %+v, want a proximity reason", r)
	}
}

func TestCallVolumeCountsBangkokDays(t *testing.T) {
	w := newWorld()
	line := phone("+66810000001")
	// 120 calls from 16:00 to 18:00 UTC: one UTC day, but 23:00 to 01:00
	// in Bangkok, so 60 on each of two Bangkok days: under the limit.
	start := time.Date(2024, 6, 1, 16, 0, 0, 0, time.UTC)
	for i := 0; i < 120; i++ {
		w.add(link(intel.LinkCalled, line, phone(fmt.Sprintf("+6682%07d", i)), start.Add(time.Duration(i)*time.Minute),
			fmt.Sprintf("c%d", i), map[string]string{"answered": "false"}))
	}
	for _, f := range analytics.TelcoFindings(w.n, line) {
		if f.Kind == analytics.FindingCallVolume {
			t.Errorf("call volume %+v, want none: no Bangkok day has more than 100", f)
		}
	}
}

func TestSlowForwardingIsNoPassThrough(t *testing.T) {
	w := newWorld()
	acct := id(intel.KindBankAccount, "TH:004:0000000001")
	for i := 0; i < 3; i++ {
		in := now.Add(-time.Duration(30*(i+1)) * 24 * time.Hour)
		w.add(link(intel.LinkTransferred, id(intel.KindBankAccount, fmt.Sprintf("TH:014:00000000%02d", i)), acct, in,
			fmt.Sprintf("in%d", i), nil),
			link(intel.LinkTransferred, acct, id(intel.KindBankAccount, "TH:025:0000000009"), in.Add(10*24*time.Hour),
				fmt.Sprintf("out%d", i), nil))
	}
	if fs := analytics.MuleFindings(w.n, acct, analytics.DefaultParams(now)); len(fs) != 0 {
		t.Errorf("findings %+v, want none for money kept ten days", fs)
	}
}

func TestRingsSplitLooselyJoinedGroupsAndKeepTheirIDs(t *testing.T) {
	w := newWorld()
	risks := map[string]analytics.Risk{}
	group := func(prefix string) []string {
		acct := id(intel.KindVoipAccount, "sip:"+prefix+"@x.example")
		var ids []string
		for i := 0; i < 3; i++ {
			p := phone(fmt.Sprintf("+668%s%06d", prefix, i))
			w.add(link(intel.LinkPresentedAs, acct, p, now.Add(-time.Hour), "", nil))
			ids = append(ids, p)
			risks[p] = analytics.Risk{Score: 80, Level: analytics.LevelHigh}
		}
		risks[acct] = analytics.Risk{Score: 80, Level: analytics.LevelHigh}
		return append(ids, acct)
	}
	a, b := group("1"), group("2")
	w.add(link(intel.LinkCalled, a[0], b[0], now.Add(-time.Hour), "bridge", map[string]string{"answered": "true"}))
	rings := analytics.Rings(w.n, risks)
	if len(rings) != 2 || len(rings[0].Members) != 4 || len(rings[1].Members) != 4 {
		t.Fatalf("rings %+v, want the two groups apart", rings)
	}
	again := analytics.Rings(w.n, risks)
	for i := range rings {
		if rings[i].ID != again[i].ID || rings[i].ID != analytics.RingID(rings[i].Members[0]) {
			t.Errorf("ring %d: id %s then %s, want stable and from the smallest member", i, rings[i].ID, again[i].ID)
		}
	}
}
