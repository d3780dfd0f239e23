package conformance

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/scamgraph/scamgraph/analytics"
	"github.com/scamgraph/scamgraph/fetch"
	"github.com/scamgraph/scamgraph/guard"
	"github.com/scamgraph/scamgraph/intel"
)

// The analytics are pure functions over what a store returns, so these
// checks prove that every backend hands them the same facts: the same
// seeds, the same neighbourhoods, hence the same scores, findings and rings.

func mustLinked(t *testing.T, s intel.Store, q intel.LinkedQuery) intel.LinkedPage {
	t.Helper()
	p, err := s.LinkedEntities(ctxFor(t), q)
	if err != nil {
		t.Fatalf("LinkedEntities(%+v): %v", q, err)
	}
	return p
}

var _ = register("LinkedEntitiesListsEndsInOrder", func(t *testing.T, h *Harness, s intel.Store) {
	analyticsFixture(t, s)
	reported := intel.LinkedQuery{LinkTypes: []intel.LinkType{intel.LinkReportedIn}, End: intel.EndFrom}
	want := []string{scamLine.ID, innocentLine.ID}
	slices.Sort(want)
	if got := mustLinked(t, s, reported); !equalStrings(got.IDs, want) || got.HasNextPage {
		t.Errorf("reported: %+v, want %v", got, want)
	}
	// Pages continue exactly after the cursor.
	q := reported
	q.First = 1
	first := mustLinked(t, s, q)
	q.After = first.IDs[0]
	second := mustLinked(t, s, q)
	if !first.HasNextPage || second.HasNextPage || !equalStrings(append(first.IDs, second.IDs...), want) {
		t.Errorf("pages %+v then %+v, want %v in two pages", first, second, want)
	}
	cases := mustLinked(t, s, intel.LinkedQuery{LinkTypes: []intel.LinkType{intel.LinkReportedIn}, End: intel.EndTo})
	if len(cases.IDs) != 4 || !strings.HasPrefix(cases.IDs[0], "Case:") {
		t.Errorf("cases: %v, want the four cases", cases.IDs)
	}
	both := mustLinked(t, s, intel.LinkedQuery{LinkTypes: []intel.LinkType{intel.LinkPresentedAs}, Kinds: []intel.Kind{intel.KindVoipAccount}})
	if !equalStrings(both.IDs, []string{spoofVoIP.ID}) {
		t.Errorf("presenting accounts: %v, want %s", both.IDs, spoofVoIP.ID)
	}
	_, err := s.LinkedEntities(ctxFor(t), intel.LinkedQuery{})
	wantCode(t, err, intel.EINVALID, "linkTypes")
	_, err = s.LinkedEntities(ctxFor(t), intel.LinkedQuery{LinkTypes: []intel.LinkType{intel.LinkUses}, First: intel.MaxLinkedPage + 1})
	wantCode(t, err, intel.EINVALID, "first")
})

var _ = register("LinkedEntitiesHidesWhatTheReaderMayNotSee", func(t *testing.T, h *Harness, s intel.Store) {
	analyticsFixture(t, s)
	transfers := intel.LinkedQuery{LinkTypes: []intel.LinkType{intel.LinkTransferred}, End: intel.EndTo}
	if got := mustLinked(t, s, transfers); len(got.IDs) != 2 {
		t.Fatalf("unrestricted: %v, want the mule and its next account", got.IDs)
	}
	transfers.Access = cambodianAnalyst
	if got := mustLinked(t, s, transfers); len(got.IDs) != 0 {
		t.Errorf("a reader without bank data sees %v", got.IDs)
	}
})

var _ = register("ReportCountCountsDistinctCases", func(t *testing.T, h *Harness, s intel.Store) {
	analyticsFixture(t, s)
	// A second mention of the line in case 1, in another role: one case still.
	again := reportLink(scamLine, 1, 24*30+1)
	again.Attrs["role"], again.EventKey = "second_caller", again.EventKey+":again"
	again.ID = ""
	again.Normalize()
	mustUpsert(t, s, intel.Batch{Links: []intel.Link{again}})
	sums, err := s.Summaries(ctxFor(t), []string{scamLine.ID, caseEntity(1).ID, hubLine.ID})
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]int{scamLine.ID: 3, caseEntity(1).ID: 1, hubLine.ID: 0} {
		if got := sums[id].ReportCount; got != want {
			t.Errorf("%s: reportCount %d, want %d", id, got, want)
		}
	}
})

// scoreAll scores ids over the view of access.
func scoreAll(t *testing.T, s intel.Store, a *intel.Access, ids ...string) map[string]analytics.Risk {
	t.Helper()
	view := guard.New(s, a, nil)
	n, err := fetch.Neighbourhood(ctxFor(t), view, ids)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]analytics.Risk{}
	for _, id := range ids {
		if _, ok := n.Entities[id]; ok {
			out[id] = analytics.Score(n, id, fixtureParams())
		}
	}
	return out
}

func hasFinding(r analytics.Risk, k analytics.FindingKind) *analytics.Finding {
	for i := range r.Findings {
		if r.Findings[i].Kind == k {
			return &r.Findings[i]
		}
	}
	return nil
}

var _ = register("RiskScoresTheFixture", func(t *testing.T, h *Harness, s intel.Store) {
	analyticsFixture(t, s)
	got := scoreAll(t, s, nil, scamLine.ID, sisterLine.ID, innocentLine.ID, hubLine.ID, spoofVoIP.ID, mule.ID)
	for id, want := range map[string]analytics.Level{scamLine.ID: analytics.LevelHigh, sisterLine.ID: analytics.LevelMedium,
		innocentLine.ID: analytics.LevelLow, hubLine.ID: analytics.LevelHigh, spoofVoIP.ID: analytics.LevelHigh,
		mule.ID: analytics.LevelMedium} {
		if got[id].Level != want {
			t.Errorf("%s: %d %s, want %s; reasons %+v", id, got[id].Score, got[id].Level, want, got[id].Reasons)
		}
	}
	if r := got[scamLine.ID]; r.Reasons[0].Kind != analytics.ReasonReports || !strings.Contains(r.Reasons[0].Text, "3 victim report") {
		t.Errorf("scam line's first reason %+v, want its three reports", r.Reasons[0])
	}
	if r := got[sisterLine.ID]; len(r.Reasons) == 0 || r.Reasons[0].Kind != analytics.ReasonProximity ||
		!slices.Equal(r.Reasons[0].Entities, []string{sisterLine.ID, spoofVoIP.ID}) {
		t.Errorf("sister line's reasons %+v, want the presenting account one hop away", r.Reasons)
	}
	if f := hasFinding(got[spoofVoIP.ID], analytics.FindingSpoofing); f == nil || f.Count != 2 {
		t.Errorf("spoofing finding %+v, want two Thai numbers presented", f)
	}
	if f := hasFinding(got[hubLine.ID], analytics.FindingCallVolume); f == nil || f.Day != "2024-04-02" || f.Count != 101 {
		t.Errorf("call volume finding %+v, want 101 calls on 2024-04-02", f)
	}
	if f := hasFinding(got[hubLine.ID], analytics.FindingDisplayMarker); f == nil || f.Count != 101 {
		t.Errorf("marker finding %+v, want 101 calls", f)
	}
	if f := hasFinding(got[mule.ID], analytics.FindingMuleFanIn); f == nil || f.Count != 3 {
		t.Errorf("fan-in finding %+v, want 3 senders", f)
	}
	if f := hasFinding(got[mule.ID], analytics.FindingMulePassThrough); f == nil || f.Count != 100 {
		t.Errorf("pass-through finding %+v, want 100%%", f)
	}
})

var _ = register("RiskFollowsTheReadersView", func(t *testing.T, h *Harness, s intel.Store) {
	analyticsFixture(t, s)
	// One of the three reports stays in Thailand.
	hidden := reportLink(scamLine, 3, 24*30+3)
	hidden.Visibility = intel.VisibilityDomestic
	mustUpsert(t, s, intel.Batch{Links: []intel.Link{hidden}})
	thaiAnalyst := &intel.Access{Agency: "TH-CIB", Country: intel.RegionTH, Shared: []intel.Category{intel.CategoryVoipRegistration}}
	thai := scoreAll(t, s, thaiAnalyst, scamLine.ID, mule.ID)
	khmer := scoreAll(t, s, cambodianAnalyst, scamLine.ID, mule.ID)
	if thai[scamLine.ID].Score <= khmer[scamLine.ID].Score {
		t.Errorf("Thai score %d, Cambodian %d: the hidden report must not count", thai[scamLine.ID].Score, khmer[scamLine.ID].Score)
	}
	for _, r := range khmer[scamLine.ID].Reasons {
		if slices.Contains(r.Entities, caseEntity(3).ID) || slices.Contains(r.Links, hidden.ID) || strings.Contains(r.Text, "3 victim") {
			t.Errorf("a Cambodian reason refers to the hidden report: %+v", r)
		}
	}
	if _, ok := khmer[mule.ID]; ok {
		t.Errorf("the mule, known only through bank data, is scored for a reader without bank data: %+v", khmer[mule.ID])
	}
	if hasFinding(thai[mule.ID], analytics.FindingMulePassThrough) == nil {
		t.Errorf("the Thai reader's mule has no pass-through finding: %+v", thai[mule.ID])
	}
})

var _ = register("RiskFollowsRedress", func(t *testing.T, h *Harness, s intel.Store) {
	analyticsFixture(t, s)
	mark := func(status analytics.ReportStatus) analytics.Risk {
		l := reportLink(innocentLine, 4, 24*31)
		l.Attrs[analytics.AttrReportStatus] = string(status)
		l.Attrs[analytics.AttrReportStatusBy] = "TH-CCIB"
		mustUpsert(t, s, intel.Batch{Links: []intel.Link{l}})
		return scoreAll(t, s, nil, innocentLine.ID)[innocentLine.ID]
	}
	if r := mark(analytics.ReportFalse); r.Level != analytics.LevelNone || r.Reasons[0].Kind != analytics.ReasonRedress {
		t.Errorf("marked false: %+v, want NONE with the redress as reason", r)
	}
	if r := mark(analytics.ReportConfirmed); r.Level != analytics.LevelConfirmed || r.Score != 100 {
		t.Errorf("confirmed: %+v, want CONFIRMED", r)
	}
	if r := mark(analytics.ReportReported); r.Level != analytics.LevelLow {
		t.Errorf("mark withdrawn: %+v, want LOW again", r)
	}
})

var _ = register("TriageAndRingsOfTheFixture", func(t *testing.T, h *Harness, s intel.Store) {
	analyticsFixture(t, s)
	tr, err := fetch.RunTriage(ctxFor(t), guard.New(s, nil, nil), fixtureParams())
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{scamLine.ID, sisterLine.ID, spoofVoIP.ID, innocentLine.ID} {
		if _, ok := tr.Risks[id]; !ok {
			t.Errorf("triage did not score %s", id)
		}
	}
	rings := analytics.Rings(tr.Graph, tr.Risks)
	if len(rings) != 1 {
		t.Fatalf("%d rings, want 1: %+v", len(rings), rings)
	}
	want := []string{scamLine.ID, sisterLine.ID, spoofVoIP.ID}
	slices.Sort(want)
	if r := rings[0]; !equalStrings(r.Members, want) || r.ID != analytics.RingID(want[0]) || len(r.Cases) != 3 ||
		len(r.Losses) != 1 || r.Losses[0].String() != "30000.00 THB" || r.MostConnected[0].ID != spoofVoIP.ID {
		t.Errorf("ring %+v, want %v around the spoofing account with three cases", r, want)
	}
})

// scoreOne scores id alone over the view of a, reading around it through
// memo (none when nil), as a lookup's risk does.
func scoreOne(t *testing.T, s intel.Store, a *intel.Access, memo *fetch.Memo, id string) (analytics.Risk, bool) {
	t.Helper()
	n, visible, err := fetch.Scoring(ctxFor(t), guard.New(s, a, nil), []string{id}, memo)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(visible, id) {
		return analytics.Risk{}, false
	}
	return analytics.Score(n, id, fixtureParams()), true
}

var _ = register("RiskThroughAMemoIsTheSame", func(t *testing.T, h *Harness, s intel.Store) {
	analyticsFixture(t, s)
	ids := []string{scamLine.ID, sisterLine.ID, innocentLine.ID, hubLine.ID, spoofVoIP.ID, mule.ID}
	for _, a := range []*intel.Access{nil, cambodianAnalyst} {
		// One memo per view, filled by the first pass and read by the second.
		memo := fetch.NewMemo(1000, nil)
		for pass := 0; pass < 2; pass++ {
			for _, id := range ids {
				want, wantOK := scoreOne(t, s, a, nil, id)
				got, ok := scoreOne(t, s, a, memo, id)
				if ok != wantOK || !reflect.DeepEqual(got, want) {
					t.Errorf("pass %d, %s: through the memo %v %+v, read afresh %v %+v", pass, id, ok, got, wantOK, want)
				}
			}
			if memo.Len() == 0 {
				t.Fatalf("pass %d: the memo holds nothing", pass)
			}
		}
	}
})
