package usecase_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/analytics"
	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/usecase"
)

// countingStore counts the pages of links read through it.
type countingStore struct {
	intel.Store
	pages atomic.Int64
}

func (s *countingStore) NeighboursOf(ctx context.Context, ids []string, q intel.NeighbourQuery) (map[string]intel.NeighbourPage, error) {
	s.pages.Add(int64(len(ids)))
	return s.Store.NeighboursOf(ctx, ids, q)
}

// mustAccept is mustIngest for records that must all be written.
func mustAccept(t testing.TB, e *env, c *usecase.Caller, records ...ingest.Record) {
	t.Helper()
	if res := mustIngest(t, e, c, records...); res.Totals.Accepted+res.Totals.Duplicate != len(records) {
		t.Fatalf("ingest: %+v", res.Results)
	}
}

// riskAsOf is the clock of the cache tests: the day after their reports.
var riskAsOf = time.Date(2026, 3, 13, 0, 0, 0, 0, time.UTC)

func callRecord(ref, from, to, cell string) ingest.Record {
	dur, answered := 95, true
	return ingest.Record{Type: ingest.TypeCall, Agency: "TH-CCIB", Country: "TH", EvidenceRef: "NBTC-CDR-2026-03",
		LegalBasis: "Emergency Decree on Technology Crime B.E. 2566", Visibility: "SHAREABLE", RecordID: ref,
		Caller: from, Callee: to, Start: "2026-03-11T09:00:00Z", DurationSec: &dur, Answered: &answered, CellID: cell}
}

// TestScoreSurvivesAWriteElsewhere: a cached score is served after a
// write that touched nothing it was computed from, and computed again
// after one that did.
func TestScoreSurvivesAWriteElsewhere(t *testing.T) {
	counted := &countingStore{}
	e := newEnvOver(t, func(s intel.Store) intel.Store { counted.Store = s; return counted },
		usecase.Options{Analytics: usecase.AnalyticsOptions{Now: func() time.Time { return riskAsOf }}})
	enricher := func() *usecase.Caller { return e.mustCaller(t, "TH-CCIB", access.RoleEnricher, "") }
	line := intel.EntityID(intel.KindPhoneNumber, "+66812345601")
	mustAccept(t, e, enricher(), victimReport("TH-CCIB", "TH-CCIB:2569-000001", "081-234-5601"),
		victimReport("TH-CCIB", "TH-CCIB:2569-000002", "081-234-5601"))
	score := func() (analytics.Risk, int64) {
		t.Helper()
		before := counted.pages.Load()
		got, err := e.svc.Reader(e.mustCaller(t, "TH-CCIB", access.RoleAnalyst, "")).Risks(e.ctx, []string{line})
		if err != nil {
			t.Fatal(err)
		}
		return got[line], counted.pages.Load() - before
	}
	first, reads := score()
	if first.Level != analytics.LevelMedium || reads == 0 {
		t.Fatalf("first score %+v after %d pages, want MEDIUM, read", first, reads)
	}
	// A report of another number, and a call between two others.
	mustAccept(t, e, enricher(), victimReport("TH-CCIB", "TH-CCIB:2569-000003", "081-234-5699"))
	mustAccept(t, e, enricher(), callRecord("CDR-1", "081-234-5698", "081-234-5697", "52001-0001-0001"))
	if again, reads := score(); reads != 0 || !reflect.DeepEqual(again, first) {
		t.Errorf("after writes elsewhere: %+v after %d pages, want the cached score", again, reads)
	}
	// A third report of the number itself.
	mustAccept(t, e, enricher(), victimReport("TH-CCIB", "TH-CCIB:2569-000004", "081-234-5601"))
	if after, reads := score(); reads == 0 || after.Score <= first.Score {
		t.Errorf("after a third report: %+v after %d pages, want a higher score, read afresh", after, reads)
	}
}

// TestCachedScoresMatchScoresAfresh writes at random into a small world
// of numbers and accounts (reports, answered calls from shared cells,
// transfers, report marks) and, after every write, asks every score of a
// long-lived service, which keeps what no write touched, and of a new
// one, which computes all: they must agree.
func TestCachedScoresMatchScoresAfresh(t *testing.T) {
	opts := usecase.Options{Analytics: usecase.AnalyticsOptions{Now: func() time.Time { return riskAsOf }}}
	counted := &countingStore{}
	e := newEnvOver(t, func(s intel.Store) intel.Store { counted.Store = s; return counted }, opts)
	rng := rand.New(rand.NewPCG(7, 13))
	number := func(i int) string { return fmt.Sprintf("081-234-56%02d", i) }
	account := func(i int) string { return fmt.Sprintf("KBANK 123-4-%05d-%d", 56780+i, i) }
	var ids []string
	for i := range 14 {
		ids = append(ids, intel.EntityID(intel.KindPhoneNumber, fmt.Sprintf("+668123456%02d", i)))
	}
	for i := range 6 {
		ids = append(ids, intel.EntityID(intel.KindBankAccount, fmt.Sprintf("TH:004:12345678%d%d", i, i)))
	}
	enricher := func() *usecase.Caller { return e.mustCaller(t, "TH-CCIB", access.RoleEnricher, "") }
	var reports []usecase.ReportMark
	write := func(step int) {
		switch k := rng.IntN(20); {
		case k < 5:
			i, ref := rng.IntN(14), fmt.Sprintf("TH-CCIB:2569-%06d", step)
			r := victimReport("TH-CCIB", ref, number(i))
			if rng.IntN(2) == 0 {
				r.Involved = append(r.Involved, ingest.Involved{Kind: "BankAccount", Identifier: account(rng.IntN(6)), Role: "beneficiary"})
			}
			mustAccept(t, e, enricher(), r)
			reports = append(reports, usecase.ReportMark{Case: intel.EntityID(intel.KindCase, ref), Entity: ids[i]})
		case k < 11:
			// A burst of a rack's calls: short, unanswered, to distinct
			// numbers, from one of two cells and handsets, so that lines
			// come to share sites and show the SIM-box signature.
			from, cell, imei := rng.IntN(5), fmt.Sprintf("52001-0001-%04d", rng.IntN(2)), fmt.Sprintf("35%013d", rng.IntN(2))
			var batch []ingest.Record
			for c, to := range rng.Perm(9)[:3] {
				r := callRecord(fmt.Sprintf("CDR-%d-%d", step, c), number(from), number(5+to), cell)
				dur, answered := 12, false
				r.DurationSec, r.Answered, r.IMEI = &dur, &answered, imei
				batch = append(batch, r)
			}
			mustAccept(t, e, enricher(), batch...)
		case k < 14:
			// Answered calls, some repeated, so that lines lend through
			// the calls their callees answered.
			var batch []ingest.Record
			from, to, cell := rng.IntN(5), 5+rng.IntN(9), fmt.Sprintf("52001-0001-%04d", rng.IntN(3))
			for c := range 1 + rng.IntN(4) {
				batch = append(batch, callRecord(fmt.Sprintf("CDR-%d-%d", step, c), number(from), number(to), cell))
			}
			mustAccept(t, e, enricher(), batch...)
		case k < 17:
			amount, from := fmt.Sprint(1000+rng.IntN(90000)), rng.IntN(6)
			mustAccept(t, e, enricher(), ingest.Record{Type: ingest.TypeTransfer,
				Agency: "TH-CCIB", Country: "TH", EvidenceRef: "AMLO-STR-2026-1", Visibility: "SHAREABLE", RecordID: fmt.Sprintf("TX-%d", step),
				FromAccount: account(from), ToAccount: account((from + 1 + rng.IntN(5)) % 6), Amount: amount, Currency: "THB",
				Time: fmt.Sprintf("2026-03-1%dT10:%02d:00Z", rng.IntN(3), rng.IntN(60))})
		default:
			if len(reports) == 0 {
				return
			}
			m := reports[rng.IntN(len(reports))]
			m.Status = []analytics.ReportStatus{analytics.ReportFalse, analytics.ReportConfirmed, analytics.ReportReported}[rng.IntN(3)]
			c := enricher()
			if _, err := e.svc.MarkReport(e.ctx, c, m); err != nil {
				t.Fatal(err)
			}
			if _, _, err := e.svc.Finish(e.ctx, c); err != nil {
				t.Fatal(err)
			}
		}
	}
	scores := func(svc *usecase.Service) map[string]analytics.Risk {
		t.Helper()
		out := map[string]analytics.Risk{}
		c := e.mustCaller(t, "TH-CCIB", access.RoleAnalyst, "")
		// One by one, as lookups ask, and the rest as one list.
		for _, id := range ids[:10] {
			got, err := svc.Reader(c).Risks(e.ctx, []string{id})
			if err != nil {
				t.Fatal(err)
			}
			out[id] = got[id]
		}
		got, err := svc.Reader(c).Risks(e.ctx, ids[10:])
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids[10:] {
			out[id] = got[id]
		}
		return out
	}
	kept := 0
	for step := range 120 {
		scores(e.svc) // cache what it can
		write(step)
		before := counted.pages.Load()
		cached := scores(e.svc)
		if counted.pages.Load()-before < int64(len(ids)) {
			kept++
		}
		afresh := scores(usecase.New(e.store, e.reg, opts))
		for _, id := range ids {
			if !reflect.DeepEqual(cached[id], afresh[id]) {
				t.Fatalf("step %d: %s scored %+v by the long-lived service, %+v afresh", step, id, cached[id], afresh[id])
			}
		}
	}
	// The world must have come to hold what the scores are made of.
	findings, lent := map[analytics.FindingKind]bool{}, false
	for _, r := range scores(e.svc) {
		for _, f := range r.Findings {
			findings[f.Kind] = true
		}
		for _, why := range r.Reasons {
			lent = lent || why.Kind == analytics.ReasonProximity
		}
	}
	if !findings[analytics.FindingSIMBox] || !lent {
		t.Errorf("the world's scores show findings %v and lent scores %v; the test needs SIM boxes and proximity", findings, lent)
	}
	if kept == 0 {
		t.Errorf("no write left any score cached; the test checks nothing the cache keeps")
	}
}

// TestScoreFollowsANewLineAtItsSite: a line's SIM-box finding depends on
// every line calling from its cell, the ones first seen there after it
// was scored included.
func TestScoreFollowsANewLineAtItsSite(t *testing.T) {
	e := newEnvOver(t, func(s intel.Store) intel.Store { return s },
		usecase.Options{Analytics: usecase.AnalyticsOptions{Now: func() time.Time { return riskAsOf }}})
	burst := func(line int) {
		var batch []ingest.Record
		for c := range 4 {
			r := callRecord(fmt.Sprintf("CDR-%d-%d", line, c), fmt.Sprintf("081-234-56%02d", line), fmt.Sprintf("089-876-54%02d", 10*line+c), "52001-0001-0007")
			dur, answered := 12, false
			r.DurationSec, r.Answered = &dur, &answered
			batch = append(batch, r)
		}
		mustAccept(t, e, e.mustCaller(t, "TH-CCIB", access.RoleEnricher, ""), batch...)
	}
	line := intel.EntityID(intel.KindPhoneNumber, "+66812345601")
	box := func() bool {
		t.Helper()
		got, err := e.svc.Reader(e.mustCaller(t, "TH-CCIB", access.RoleAnalyst, "")).Risks(e.ctx, []string{line})
		if err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(got[line].Findings, func(f analytics.Finding) bool { return f.Kind == analytics.FindingSIMBox })
	}
	burst(1)
	burst(2)
	if box() {
		t.Fatal("two lines at a cell are a SIM box; the test needs the third to make one")
	}
	burst(3)
	if !box() {
		t.Error("after a third line called from the cell, the line's cached score still shows no SIM box")
	}
}
