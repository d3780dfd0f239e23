package usecase_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/analytics"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/usecase"
)

func victimReport(agency, ref, number string) ingest.Record {
	return ingest.Record{Type: ingest.TypeVictimReport, Agency: agency, Country: "TH", CaseRef: ref, ReportedAt: "2026-03-12",
		Loss: "25000", Currency: "THB", Visibility: "SHAREABLE",
		Involved: []ingest.Involved{{Kind: "PhoneNumber", Identifier: number, Role: "caller"}}}
}

// TestRiskFollowsEveryIngestAndRedress: a score is current after each
// write through the service, and a redress is recorded, audited and
// reversible.
func TestRiskFollowsEveryIngestAndRedress(t *testing.T) {
	e := newEnv(t)
	// Scored the day after the reports, so that decay plays no part.
	asOf := time.Date(2026, 3, 13, 0, 0, 0, 0, time.UTC)
	e.svc = usecase.New(e.store, e.reg, usecase.Options{Analytics: usecase.AnalyticsOptions{Now: func() time.Time { return asOf }}})
	line := intel.EntityID(intel.KindPhoneNumber, "+66812345601")
	enricher := e.mustCaller(t, "TH-CCIB", access.RoleEnricher, "")
	mustIngest(t, e, enricher, victimReport("TH-CCIB", "TH-CCIB:2569-000001", "081-234-5601"))
	risk := func() analytics.Risk {
		c := e.mustCaller(t, "TH-CCIB", access.RoleAnalyst, "")
		got, err := e.svc.Reader(c).Risks(e.ctx, []string{line})
		if err != nil {
			t.Fatal(err)
		}
		return got[line]
	}
	if r := risk(); r.Level != analytics.LevelLow {
		t.Fatalf("one report: %+v, want LOW", r)
	}
	mustIngest(t, e, e.mustCaller(t, "TH-CCIB", access.RoleEnricher, ""), victimReport("TH-CCIB", "TH-CCIB:2569-000002", "081-234-5601"))
	if r := risk(); r.Level != analytics.LevelMedium {
		t.Fatalf("after a second report: %+v, want MEDIUM at once", r)
	}
	c := e.mustCaller(t, "TH-CCIB", access.RoleEnricher, "")
	caseID := intel.EntityID(intel.KindCase, "TH-CCIB:2569-000002")
	links, err := e.svc.MarkReport(e.ctx, c, usecase.ReportMark{Case: caseID, Entity: line, Status: analytics.ReportFalse, Note: "misdialled"})
	if err != nil || len(links) != 1 || links[0].Attrs[analytics.AttrReportStatusBy] != "TH-CCIB" {
		t.Fatalf("mark: %+v, %v", links, err)
	}
	if _, _, err := e.svc.Finish(e.ctx, c); err != nil {
		t.Fatal(err)
	}
	if got := e.lastEntry(t, "TH-CCIB"); got.Operation != access.OpMarkReport || got.Kind != access.KindWrite {
		t.Errorf("audit entry %+v, want the mark as a write", got)
	}
	if r := risk(); r.Level != analytics.LevelLow {
		t.Errorf("after marking one report false: %+v, want LOW", r)
	}
	if _, err := e.svc.MarkReport(e.ctx, e.mustCaller(t, "TH-CCIB", access.RoleEnricher, ""),
		usecase.ReportMark{Case: caseID, Entity: line, Status: analytics.ReportReported}); err != nil {
		t.Fatal(err)
	}
	if r := risk(); r.Level != analytics.LevelMedium {
		t.Errorf("after withdrawing the mark: %+v, want MEDIUM again", r)
	}
}

func TestMarkReportRefusals(t *testing.T) {
	e := newEnv(t)
	line := intel.EntityID(intel.KindPhoneNumber, "+66812345601")
	mustIngest(t, e, e.mustCaller(t, "TH-CCIB", access.RoleEnricher, ""), victimReport("TH-CCIB", "TH-CCIB:2569-000001", "081-234-5601"))
	caseID := intel.EntityID(intel.KindCase, "TH-CCIB:2569-000001")
	c := e.mustCaller(t, "TH-CCIB", access.RoleEnricher, "")
	for _, x := range []struct {
		name        string
		m           usecase.ReportMark
		code, field string
	}{
		{"ErrCaseNotACase", usecase.ReportMark{Case: line, Entity: line, Status: analytics.ReportFalse}, intel.EINVALID, "input.case"},
		{"ErrEntityIsACase", usecase.ReportMark{Case: caseID, Entity: caseID, Status: analytics.ReportFalse}, intel.EINVALID, "input.entity"},
		{"ErrUnknownStatus", usecase.ReportMark{Case: caseID, Entity: line, Status: "MAYBE"}, intel.EINVALID, "input.status"},
		{"ErrNoSuchReport", usecase.ReportMark{Case: intel.EntityID(intel.KindCase, "TH-CCIB:2569-999999"), Entity: line, Status: analytics.ReportFalse}, intel.ENOTFOUND, "input.case"},
	} {
		t.Run(x.name, func(t *testing.T) {
			_, err := e.svc.MarkReport(e.ctx, c, x.m)
			wantCode(t, err, x.code, x.field)
		})
	}
	t.Run("ErrAnotherAgencysReport", func(t *testing.T) {
		_, err := e.svc.MarkReport(e.ctx, e.mustCaller(t, "KH-GDNP", access.RoleEnricher, ""),
			usecase.ReportMark{Case: caseID, Entity: line, Status: analytics.ReportFalse})
		wantCode(t, err, intel.EFORBIDDEN, "input.case")
	})
	t.Run("ErrAnalystRole", func(t *testing.T) {
		_, err := e.svc.MarkReport(e.ctx, e.mustCaller(t, "TH-CCIB", access.RoleAnalyst, ""),
			usecase.ReportMark{Case: caseID, Entity: line, Status: analytics.ReportFalse})
		wantCode(t, err, intel.EFORBIDDEN, access.OpMarkReport)
	})
}

func TestRiskListRejectsBadInput(t *testing.T) {
	e := newEnv(t)
	c := e.mustCaller(t, "TH-CCIB", access.RoleAnalyst, "")
	for _, x := range []struct {
		q     usecase.RiskListQuery
		field string
	}{
		{usecase.RiskListQuery{First: -1}, "first"},
		{usecase.RiskListQuery{First: usecase.MaxRiskPage + 1}, "first"},
		{usecase.RiskListQuery{Level: "SEVERE"}, "level"},
		{usecase.RiskListQuery{Kind: "Planet"}, "kind"},
		{usecase.RiskListQuery{Country: "LA"}, "country"},
		{usecase.RiskListQuery{After: "not-a-cursor"}, "after"},
	} {
		_, err := e.svc.RiskList(e.ctx, c, x.q)
		wantCode(t, err, intel.EINVALID, x.field)
	}
	if _, err := e.svc.Rings(e.ctx, c, 0, "no-such-ring"); intel.ErrorField(err) != "after" {
		t.Errorf("rings after an unknown id: %v, want an error on after", err)
	}
}

// TestTriageIsServedWhileANewerOneComputes: after a write, the risk list
// is answered from the last triage, saying when it was computed and that
// it is stale, until the newer one (computed in the background) is
// complete; then the write shows.
func TestTriageIsServedWhileANewerOneComputes(t *testing.T) {
	for _, x := range []struct {
		name      string
		wait      time.Duration
		wantStale bool
	}{{"NoWait", time.Nanosecond, true}, {"WaitForTheNewer", time.Minute, false}} {
		t.Run(x.name, func(t *testing.T) {
			e := newEnv(t)
			asOf := time.Date(2026, 3, 13, 0, 0, 0, 0, time.UTC)
			e.svc = usecase.New(e.store, e.reg, usecase.Options{Analytics: usecase.AnalyticsOptions{
				Now: func() time.Time { return asOf }, TriageWait: x.wait}})
			mustIngest(t, e, e.mustCaller(t, "TH-CCIB", access.RoleEnricher, ""), victimReport("TH-CCIB", "TH-CCIB:2569-000001", "081-234-5601"))
			list := func() usecase.RiskPage {
				page, err := e.svc.RiskList(e.ctx, e.mustCaller(t, "TH-CCIB", access.RoleAnalyst, ""), usecase.RiskListQuery{})
				if err != nil {
					t.Fatal(err)
				}
				return page
			}
			first := list()
			if first.TotalCount != 1 || first.Stale || first.ComputedAt.IsZero() {
				t.Fatalf("first list: %+v, want the reported line, fresh, with its time", first)
			}
			mustIngest(t, e, e.mustCaller(t, "TH-CCIB", access.RoleEnricher, ""), victimReport("TH-CCIB", "TH-CCIB:2569-000002", "081-234-5602"))
			after := list()
			if x.wantStale {
				if !after.Stale || !after.ComputedAt.Equal(first.ComputedAt) || after.TotalCount != 1 {
					t.Fatalf("right after the write: %+v, want the last triage, stale, as of %v", after, first.ComputedAt)
				}
				deadline := time.Now().Add(time.Minute)
				for after.Stale && time.Now().Before(deadline) {
					time.Sleep(10 * time.Millisecond)
					after = list()
				}
			}
			if after.Stale || after.TotalCount != 2 || !after.ComputedAt.After(first.ComputedAt) {
				t.Errorf("once the newer triage is complete: %+v, want both lines, fresh", after)
			}
		})
	}
}

// TestRiskFollowsARetraction: a withdrawn report stops raising the score
// at the next request, while a reader asking as of before the retraction
// still gets the score the report raised, without either answer being
// served from the other's cache.
func TestRiskFollowsARetraction(t *testing.T) {
	e := newEnv(t)
	asOf := time.Date(2026, 3, 13, 0, 0, 0, 0, time.UTC)
	e.svc = usecase.New(e.store, e.reg, usecase.Options{Analytics: usecase.AnalyticsOptions{Now: func() time.Time { return asOf }}})
	line := intel.EntityID(intel.KindPhoneNumber, "+66812345601")
	enricher := e.mustCaller(t, "TH-CCIB", access.RoleEnricher, "")
	mustIngest(t, e, enricher, victimReport("TH-CCIB", "TH-CCIB:2569-000001", "081-234-5601"),
		victimReport("TH-CCIB", "TH-CCIB:2569-000002", "081-234-5601"))
	risk := func(c *usecase.Caller) analytics.Risk {
		got, err := e.svc.Reader(c).Risks(e.ctx, []string{line})
		if err != nil {
			t.Fatal(err)
		}
		return got[line]
	}
	analyst := func(asOf time.Time) *usecase.Caller {
		cr := usecase.Credentials{Token: demo.KeyFor(e.keys, "TH-CCIB", access.RoleAnalyst)}
		if !asOf.IsZero() {
			cr.AsOf = asOf.Format(time.RFC3339Nano)
		}
		c, err := e.svc.Authenticate(e.ctx, cr)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if r := risk(analyst(time.Time{})); r.Level != analytics.LevelMedium {
		t.Fatalf("two reports: %+v, want MEDIUM", r)
	}
	page, err := e.store.Neighbours(e.ctx, intel.NeighbourQuery{ID: intel.EntityID(intel.KindCase, "TH-CCIB:2569-000002"),
		LinkTypes: []intel.LinkType{intel.LinkReportedIn}})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("the second case's report link: %+v, %v", page, err)
	}
	before := time.Now()
	time.Sleep(5 * time.Millisecond)
	if _, err := e.svc.Retract(e.ctx, e.mustCaller(t, "TH-CCIB", access.RoleEnricher, ""), page.Items[0].Link.ID, "wrong case"); err != nil {
		t.Fatal(err)
	}
	if r := risk(analyst(time.Time{})); r.Level != analytics.LevelLow {
		t.Errorf("after retracting one of two reports: %+v, want LOW at once", r)
	}
	if r := risk(analyst(before)); r.Level != analytics.LevelMedium {
		t.Errorf("as of before the retraction: %+v, want MEDIUM", r)
	}
	if r := risk(analyst(time.Time{})); r.Level != analytics.LevelLow {
		t.Errorf("the present after an as-of read: %+v, want LOW", r)
	}
}

// TestLookupWithRiskAnswersAndAuditsAsLookupThenRisks: a lookup that reads
// the links its score needs ahead (LookupWithRisk) returns the same
// entity and the same score, and leaves the same audit entry, as a lookup
// and a score read apart, for a Thai and a Cambodian analyst, whose views
// of the number differ; each on a service of its own, nothing cached.
func TestLookupWithRiskAnswersAndAuditsAsLookupThenRisks(t *testing.T) {
	asOf := time.Date(2026, 3, 13, 0, 0, 0, 0, time.UTC)
	line := intel.EntityID(intel.KindPhoneNumber, "+66812345601")
	type answer struct {
		entity *intel.Entity
		risk   analytics.Risk
		entry  access.AuditEntry
	}
	read := func(agency string, ahead bool) answer {
		e := newEnv(t)
		e.svc = usecase.New(e.store, e.reg, usecase.Options{Analytics: usecase.AnalyticsOptions{Now: func() time.Time { return asOf }}})
		th := e.mustCaller(t, "TH-CCIB", access.RoleEnricher, "")
		shared := call("", "", "SHARED-1", "081-234-5601", "0812220002")
		shared.Visibility = "SHAREABLE"
		// The second report is Thailand's alone: the Cambodian analyst's
		// score rests on the first.
		domestic := victimReport("TH-CCIB", "TH-CCIB:2569-000002", "081-234-5601")
		domestic.Visibility = "DOMESTIC"
		mustIngest(t, e, th, victimReport("TH-CCIB", "TH-CCIB:2569-000001", "081-234-5601"), domestic, shared,
			call("", "", "DOMESTIC-1", "081-234-5601", "0812220003"))
		c := e.mustCaller(t, agency, access.RoleAnalyst, "CASE-1")
		lookup := e.svc.Lookup
		if ahead {
			lookup = e.svc.LookupWithRisk
		}
		res, err := lookup(e.ctx, c, "081-234-5601", "", intel.RegionTH)
		if err != nil {
			t.Fatal(err)
		}
		risks, err := e.svc.Reader(c).Risks(e.ctx, []string{line})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.svc.Finish(e.ctx, c); err != nil {
			t.Fatal(err)
		}
		entry := e.lastEntry(t, agency)
		// What differs between two services: when, which request and key.
		entry.Seq, entry.At, entry.RequestID, entry.KeyID = 0, time.Time{}, "", ""
		if res.Entity != nil {
			res.Entity.FirstIngested = time.Time{} // when each service's ingest ran
		}
		return answer{res.Entity, risks[line], entry}
	}
	scores := map[string]int{}
	for _, agency := range []string{"TH-CCIB", "KH-GDNP"} {
		apart, ahead := read(agency, false), read(agency, true)
		if apart.entity == nil || apart.risk.Score == 0 {
			t.Fatalf("%s: the lookup found %+v scored %+v; the check needs a visible, scored number", agency, apart.entity, apart.risk)
		}
		if !reflect.DeepEqual(ahead, apart) {
			t.Errorf("%s: reading ahead gave %+v, reading apart %+v", agency, ahead, apart)
		}
		scores[agency] = apart.risk.Score
	}
	if scores["TH-CCIB"] == scores["KH-GDNP"] {
		t.Errorf("a Thai and a Cambodian analyst got the same score %d; the check needs views that differ", scores["TH-CCIB"])
	}
}
