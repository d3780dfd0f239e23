package registrytest

import (
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/intel"
)

const (
	suspectA = "Suspect:TH-CCIB-S-0001"
	suspectB = "Suspect:KH-NPC-S-0042"
)

func testLegalStatusValidation(t *testing.T, e *env) {
	w := e.world()
	ok := access.StatusStep{SuspectID: suspectA, Status: access.StatusWanted, At: start.Add(-time.Hour)}
	for _, c := range []struct {
		name, field string
		edit        func(*access.StatusStep)
	}{
		{"ErrSuspectIDRequired", "suspectId", func(s *access.StatusStep) { s.SuspectID = "" }},
		{"ErrSuspectIDMalformed", "suspectId", func(s *access.StatusStep) { s.SuspectID = "somchai" }},
		{"ErrSuspectIDKind", "suspectId", func(s *access.StatusStep) { s.SuspectID = phoneKH }},
		{"ErrStatus", "status", func(s *access.StatusStep) { s.Status = "ESCAPED" }},
		{"ErrAtRequired", "at", func(s *access.StatusStep) { s.At = time.Time{} }},
		{"ErrAtFuture", "at", func(s *access.StatusStep) { s.At = start.Add(time.Minute) }},
		{"ErrAgency", "agency", func(s *access.StatusStep) { s.Agency = "KH-NPC" }},
		{"ErrCountry", "country", func(s *access.StatusStep) { s.Country = intel.RegionKH }},
		{"ErrVisibility", "visibility", func(s *access.StatusStep) { s.Visibility = "PUBLIC" }},
		{"ErrNoteControl", "note", func(s *access.StatusStep) { s.Note = "bad\x00note" }},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := ok
			c.edit(&s)
			_, err := e.reg.AddStatusStep(e.ctx, w.thCoord, s)
			wantErr(t, err, intel.EINVALID, c.field)
		})
	}
	_, err := e.reg.StatusSteps(e.ctx, []string{suspectA, "x"})
	wantErr(t, err, intel.EINVALID, "suspectIds[1]")
	if got := must(e.reg.StatusSteps(e.ctx, []string{suspectA}))(t); len(got) != 0 {
		t.Fatalf("rejected steps were stored: %+v", got)
	}
}

func testLegalStatusSteps(t *testing.T, e *env) {
	w := e.world()
	th, kh := w.thCoord, w.khCoord
	add := func(p access.Principal, s access.StatusStep) access.StatusStep {
		t.Helper()
		return must(e.reg.AddStatusStep(e.ctx, p, s))(t)
	}
	day := 24 * time.Hour
	t0 := start.Add(-30 * day)
	wanted := add(th, access.StatusStep{SuspectID: suspectA, Status: access.StatusWanted, At: t0, LegalBasis: "warrant 123/2567"})
	if !strings.HasPrefix(wanted.ID, "st_") || wanted.Agency != "TH-CCIB" || wanted.Country != intel.RegionTH ||
		wanted.Visibility != intel.VisibilityDomestic || wanted.RecordedBy != th.Key.ID || !wanted.RecordedAt.Equal(start) {
		t.Errorf("step = %+v", wanted)
	}

	t.Run("ErrDeportedWithoutArrest", func(t *testing.T) {
		_, err := e.reg.AddStatusStep(e.ctx, kh, access.StatusStep{SuspectID: suspectA, Status: access.StatusDeported, At: t0.Add(day)})
		wantErr(t, err, intel.ECONFLICT, "status")
	})
	located := add(kh, access.StatusStep{SuspectID: suspectA, Status: access.StatusLocated, At: t0.Add(2 * day), Visibility: intel.VisibilityShareable})
	arrested := add(kh, access.StatusStep{SuspectID: suspectA, Status: access.StatusArrested, At: t0.Add(3 * day), Visibility: intel.VisibilityShareable})
	t.Run("ErrBackwardsForSameCountry", func(t *testing.T) {
		_, err := e.reg.AddStatusStep(e.ctx, kh, access.StatusStep{SuspectID: suspectA, Status: access.StatusLocated, At: t0.Add(2*day + time.Hour)})
		wantErr(t, err, intel.ECONFLICT, "at")
	})
	// The other country's steps do not constrain TH's own timeline.
	requested := add(th, access.StatusStep{SuspectID: suspectA, Status: access.StatusExtraditionRequested, At: t0.Add(2 * day)})
	t.Run("ErrExtraditedBeforeAnyArrestOrRequest", func(t *testing.T) {
		_, err := e.reg.AddStatusStep(e.ctx, kh, access.StatusStep{SuspectID: suspectB, Status: access.StatusExtradited, At: t0})
		wantErr(t, err, intel.ECONFLICT, "status")
	})
	extradited := add(kh, access.StatusStep{SuspectID: suspectA, Status: access.StatusExtradited, At: t0.Add(10 * day)})
	other := add(th, access.StatusStep{SuspectID: suspectB, Status: access.StatusWanted, At: t0})

	got := must(e.reg.StatusSteps(e.ctx, []string{suspectA, suspectB, "Suspect:nobody", suspectA}))(t)
	wantA := []access.StatusStep{wanted, located, requested, arrested, extradited}
	if located.At.Equal(requested.At) && requested.ID < located.ID {
		wantA[1], wantA[2] = requested, located
	}
	if !reflect.DeepEqual(got[suspectA], wantA) {
		t.Errorf("steps of A:\n got %+v\nwant %+v", got[suspectA], wantA)
	}
	if !reflect.DeepEqual(got[suspectB], []access.StatusStep{other}) {
		t.Errorf("steps of B = %+v", got[suspectB])
	}
	if _, ok := got["Suspect:nobody"]; ok || len(got) != 2 {
		t.Errorf("StatusSteps returned %d suspects, want the 2 with steps", len(got))
	}
}

func testLegalStatusConcurrentSteps(t *testing.T, e *env) {
	w := e.world()
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := w.thCoord
			if i%2 == 1 {
				p = w.khCoord
			}
			_, errs[i] = e.reg.AddStatusStep(e.ctx, p, access.StatusStep{SuspectID: suspectA, Status: access.StatusLocated, At: start.Add(-time.Hour)})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("concurrent step: %v", err)
		}
	}
	if got := must(e.reg.StatusSteps(e.ctx, []string{suspectA}))(t); len(got[suspectA]) != n {
		t.Fatalf("%d steps stored, want %d: a concurrent writer's step was lost", len(got[suspectA]), n)
	}
}

func testDurability(t *testing.T, e *env) {
	w := e.world()
	req := must(e.reg.CreateRequest(e.ctx, w.thCoord, validRequest(w)))(t)
	done := must(e.reg.FulfilRequest(e.ctx, w.khCoord, req.ID, []string{callLink}, nil, []string{"name"}, nil))(t)
	step := must(e.reg.AddStatusStep(e.ctx, w.khCoord, access.StatusStep{SuspectID: suspectA, Status: access.StatusArrested, At: start}))(t)
	last := must(e.reg.AppendAudit(e.ctx, readEntry()))(t)
	agencies := must(e.reg.ListAgencies(e.ctx))(t)
	keys := must(e.reg.ListKeys(e.ctx, ""))(t)

	e.reopen()

	if got := must(e.reg.ListAgencies(e.ctx))(t); !reflect.DeepEqual(got, agencies) {
		t.Errorf("agencies after reopen = %+v", got)
	}
	if got := must(e.reg.ListKeys(e.ctx, ""))(t); !reflect.DeepEqual(got, keys) {
		t.Errorf("keys after reopen = %+v", got)
	}
	if p, err := e.reg.Authenticate(e.ctx, w.tokens["thCoord"], e.clock.Now()); err != nil || p != w.thCoord {
		t.Errorf("Authenticate after reopen = %+v, %v", p, err)
	}
	if got := must(e.reg.GetAgreement(e.ctx, w.agreement.ID))(t); !reflect.DeepEqual(got, w.agreement) {
		t.Errorf("agreement after reopen = %+v", got)
	}
	if got := must(e.reg.GetRequest(e.ctx, w.thCoord, req.ID))(t); !reflect.DeepEqual(got, done) {
		t.Errorf("request after reopen = %+v", got)
	}
	if got := must(e.reg.GrantsFor(e.ctx, "TH-CCIB"))(t); !reflect.DeepEqual(got, []access.Grant{done.Grant}) {
		t.Errorf("grants after reopen = %+v", got)
	}
	if got := must(e.reg.StatusSteps(e.ctx, []string{suspectA}))(t); !reflect.DeepEqual(got[suspectA], []access.StatusStep{step}) {
		t.Errorf("steps after reopen = %+v", got)
	}
	entries := must(e.reg.QueryAudit(e.ctx, access.AuditFilter{AfterSeq: last.Seq - 1}))(t)
	if len(entries) != 1 || !reflect.DeepEqual(entries[0], last) {
		t.Errorf("last audit entry after reopen = %+v, want %+v", entries, last)
	}
	next := must(e.reg.AppendAudit(e.ctx, readEntry()))(t)
	if next.Seq != last.Seq+1 {
		t.Errorf("seq after reopen = %d, want %d", next.Seq, last.Seq+1)
	}
}
