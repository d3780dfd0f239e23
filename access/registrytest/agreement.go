package registrytest

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/intel"
)

func testAgreementValidation(t *testing.T, e *env) {
	e.world()
	before := must(e.reg.ListAgreements(e.ctx))(t)
	for _, c := range []struct {
		name, field string
		edit        func(*access.Agreement)
	}{
		{"ErrID", "id", func(a *access.Agreement) { a.ID = "MOU 2022" }},
		{"ErrTitleRequired", "title", func(a *access.Agreement) { a.Title = "" }},
		{"ErrTitleTooLong", "title", func(a *access.Agreement) { a.Title = strings.Repeat("x", 201) }},
		{"ErrOneParty", "parties", func(a *access.Agreement) { a.Parties = a.Parties[:1] }},
		{"ErrThreeParties", "parties", func(a *access.Agreement) { a.Parties = append(a.Parties, a.Parties[0]) }},
		{"ErrPartyCountry", "parties[1].country", func(a *access.Agreement) {
			a.Parties = []access.Party{a.Parties[0], {Country: "VN", Authority: "x"}}
		}},
		{"ErrSameCountry", "parties[1].country", func(a *access.Agreement) {
			a.Parties = []access.Party{a.Parties[0], {Country: intel.RegionTH, Authority: "x"}}
		}},
		{"ErrAuthority", "parties[0].authority", func(a *access.Agreement) {
			a.Parties = []access.Party{{Country: intel.RegionTH}, a.Parties[1]}
		}},
		{"ErrCategoriesEmpty", "categories", func(a *access.Agreement) { a.Categories = nil }},
		{"ErrCategoryUnknown", "categories[1]", func(a *access.Agreement) {
			a.Categories = []intel.Category{intel.CategoryBankData, "GOSSIP"}
		}},
		{"ErrPurpose", "purpose", func(a *access.Agreement) { a.Purpose = "" }},
		{"ErrLegalBasis", "legalBasis", func(a *access.Agreement) { a.LegalBasis = "" }},
		{"ErrValidFrom", "validFrom", func(a *access.Agreement) { a.ValidFrom = time.Time{} }},
		{"ErrValidUntilMissing", "validUntil", func(a *access.Agreement) { a.ValidUntil = time.Time{} }},
		{"ErrValidUntilBefore", "validUntil", func(a *access.Agreement) { a.ValidUntil = a.ValidFrom }},
		{"ErrTermOverThreeYears", "validUntil", func(a *access.Agreement) {
			a.ValidUntil = a.ValidFrom.AddDate(3, 0, 0).Add(time.Millisecond)
		}},
		{"ErrStatus", "status", func(a *access.Agreement) { a.Status = access.AgreementSuspended }},
		{"ErrExtensions", "extensions", func(a *access.Agreement) { a.Extensions = 1 }},
		{"ErrHistory", "history", func(a *access.Agreement) { a.History = []access.AgreementEvent{{Action: "CREATED"}} }},
		{"ErrCoordinatorsEmpty", "coordinators", func(a *access.Agreement) { a.Coordinators = nil }},
		{"ErrCoordinatorMalformed", "coordinators[1]", func(a *access.Agreement) { a.Coordinators = []string{"TH-CCIB", "kh"} }},
		{"ErrCoordinatorUnknown", "coordinators[1]", func(a *access.Agreement) { a.Coordinators = []string{"KH-NPC", "TH-NONE"} }},
		{"ErrCoordinatorsOneCountry", "coordinators", func(a *access.Agreement) { a.Coordinators = []string{"TH-CCIB", "TH-DSI"} }},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := validAgreement()
			c.edit(&a)
			_, err := e.reg.CreateAgreement(e.ctx, "cli", a)
			wantErr(t, err, intel.EINVALID, c.field)
		})
	}
	t.Run("AtMostThreeYears", func(t *testing.T) {
		a := validAgreement()
		a.ID = "MOU-TH-KH-2022"
		a.ValidUntil = a.ValidFrom.AddDate(3, 0, 0)
		got, err := e.reg.CreateAgreement(e.ctx, "cli", a)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != "MOU-TH-KH-2022" {
			t.Errorf("id = %q, want the caller's reference", got.ID)
		}
		_, err = e.reg.CreateAgreement(e.ctx, "cli", a)
		wantErr(t, err, intel.ECONFLICT, "id")
	})
	if after := must(e.reg.ListAgreements(e.ctx))(t); len(after) != len(before)+1 {
		t.Fatalf("rejected agreements were stored: %d before, %d after", len(before), len(after))
	}
}

func testAgreementLifecycle(t *testing.T, e *env) {
	w := e.world()
	a := w.agreement
	if !strings.HasPrefix(a.ID, "agr_") || a.Status != access.AgreementActive || a.Extensions != 0 ||
		!a.CreatedAt.Equal(start) || !a.UpdatedAt.Equal(start) {
		t.Errorf("created agreement = %+v", a)
	}
	if want := []intel.Category{intel.CategoryCallRecords, intel.CategorySubscriberData, intel.CategoryVoipRegistration}; !reflect.DeepEqual(a.Categories, want) {
		t.Errorf("categories = %v, want sorted and distinct %v", a.Categories, want)
	}
	if want := []string{"KH-NPC", "TH-CCIB"}; !reflect.DeepEqual(a.Coordinators, want) {
		t.Errorf("coordinators = %v, want %v", a.Coordinators, want)
	}
	if a.Parties[0].Country != intel.RegionTH || a.Parties[1].Country != intel.RegionKH {
		t.Errorf("parties = %+v, want TH then KH", a.Parties)
	}
	if got := must(e.reg.GetAgreement(e.ctx, a.ID))(t); !reflect.DeepEqual(got, a) {
		t.Errorf("GetAgreement = %+v, want what CreateAgreement returned %+v", got, a)
	}
	_, err := e.reg.GetAgreement(e.ctx, "agr_0000000000000000")
	wantErr(t, err, intel.ENOTFOUND, "id")

	_, err = e.reg.SuspendAgreement(e.ctx, "cli", a.ID, "")
	wantErr(t, err, intel.EINVALID, "reason")
	_, err = e.reg.RevokeAgreement(e.ctx, "cli", a.ID, "")
	wantErr(t, err, intel.EINVALID, "reason")
	_, err = e.reg.ResumeAgreement(e.ctx, "cli", a.ID, "")
	wantErr(t, err, intel.ECONFLICT, "id")

	e.clock.Advance(time.Hour)
	s := must(e.reg.SuspendAgreement(e.ctx, "cli", a.ID, "data breach under review"))(t)
	if s.Status != access.AgreementSuspended || s.ActiveAt(e.clock.Now()) || !s.UpdatedAt.Equal(e.clock.Now()) {
		t.Errorf("suspended = %+v", s)
	}
	_, err = e.reg.SuspendAgreement(e.ctx, "cli", a.ID, "again")
	wantErr(t, err, intel.ECONFLICT, "id")
	r := must(e.reg.ResumeAgreement(e.ctx, "cli", a.ID, ""))(t)
	if r.Status != access.AgreementActive || !r.ActiveAt(e.clock.Now()) {
		t.Errorf("resumed = %+v", r)
	}
	v := must(e.reg.RevokeAgreement(e.ctx, "cli", a.ID, "superseded"))(t)
	if v.Status != access.AgreementRevoked || v.ActiveAt(e.clock.Now()) {
		t.Errorf("revoked = %+v", v)
	}
	_, err = e.reg.ResumeAgreement(e.ctx, "cli", a.ID, "")
	wantErr(t, err, intel.ECONFLICT, "id")
	_, err = e.reg.SuspendAgreement(e.ctx, "cli", a.ID, "x")
	wantErr(t, err, intel.ECONFLICT, "id")
	_, err = e.reg.RevokeAgreement(e.ctx, "cli", a.ID, "x")
	wantErr(t, err, intel.ECONFLICT, "id")

	var actions []string
	for _, ev := range v.History {
		actions = append(actions, ev.Action)
		if ev.By != "cli" || ev.At.IsZero() {
			t.Errorf("history event %+v lacks who or when", ev)
		}
	}
	if want := []string{"CREATED", "SUSPENDED", "RESUMED", "REVOKED"}; !reflect.DeepEqual(actions, want) {
		t.Errorf("history = %v, want %v", actions, want)
	}
	if v.History[1].Reason != "data breach under review" {
		t.Errorf("suspension reason not kept: %+v", v.History[1])
	}
	got := must(e.reg.ListAgreements(e.ctx))(t)
	if len(got) != 1 || !reflect.DeepEqual(got[0], v) {
		t.Errorf("ListAgreements = %+v, want the revoked agreement", got)
	}
}

func testAgreementExtension(t *testing.T, e *env) {
	w := e.world()
	a := w.agreement
	for _, c := range []struct {
		name  string
		until time.Time
		code  string
	}{
		{"ErrZero", time.Time{}, intel.EINVALID},
		{"ErrNotLater", a.ValidUntil, intel.EINVALID},
		{"ErrOverThreeYears", a.ValidUntil.AddDate(3, 0, 0).Add(time.Second), intel.EINVALID},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.reg.ExtendAgreement(e.ctx, a.ID, c.until, "cli")
			wantErr(t, err, c.code, "validUntil")
		})
	}
	_, err := e.reg.ExtendAgreement(e.ctx, "agr_0000000000000000", a.ValidUntil.AddDate(1, 0, 0), "cli")
	wantErr(t, err, intel.ENOTFOUND, "id")
	// A suspended agreement may be extended: suspension is temporary.
	must(e.reg.SuspendAgreement(e.ctx, "cli", a.ID, "review"))(t)
	newUntil := a.ValidUntil.AddDate(3, 0, 0)
	x := must(e.reg.ExtendAgreement(e.ctx, a.ID, newUntil, "cli"))(t)
	if !x.ValidUntil.Equal(newUntil) || x.Extensions != 1 || x.Status != access.AgreementSuspended ||
		x.History[len(x.History)-1].Action != access.ActionExtended {
		t.Errorf("extended = %+v", x)
	}
	_, err = e.reg.ExtendAgreement(e.ctx, a.ID, newUntil.AddDate(1, 0, 0), "cli")
	wantErr(t, err, intel.ECONFLICT, "id")

	b := validAgreement()
	b.ID = "MOU-2"
	must(e.reg.CreateAgreement(e.ctx, "cli", b))(t)
	must(e.reg.RevokeAgreement(e.ctx, "cli", "MOU-2", "ended"))(t)
	_, err = e.reg.ExtendAgreement(e.ctx, "MOU-2", b.ValidUntil.AddDate(1, 0, 0), "cli")
	wantErr(t, err, intel.ECONFLICT, "id")
}

func testSharedCategories(t *testing.T, e *env) {
	e.world() // agreement A: from start-1d to start+2y, call records, subscriber data, VoIP registration
	b := validAgreement()
	b.ID = "BANKS-2024"
	b.Categories = []intel.Category{intel.CategoryBankData, intel.CategoryCallRecords}
	b.ValidFrom, b.ValidUntil = start.AddDate(0, 6, 0), start.AddDate(1, 0, 0)
	must(e.reg.CreateAgreement(e.ctx, "cli", b))(t)

	shared := func(reader intel.Region, at time.Time) []intel.Category {
		t.Helper()
		return must(e.reg.SharedCategories(e.ctx, reader, at))(t)
	}
	a := []intel.Category{intel.CategoryCallRecords, intel.CategorySubscriberData, intel.CategoryVoipRegistration}
	both := []intel.Category{intel.CategoryBankData, intel.CategoryCallRecords, intel.CategorySubscriberData, intel.CategoryVoipRegistration}
	for _, c := range []struct {
		name string
		at   time.Time
		want []intel.Category
	}{
		{"BeforeAny", start.Add(-48 * time.Hour), []intel.Category{}},
		{"AtValidFrom", start.Add(-24 * time.Hour), a},
		{"InsideA", start, a},
		{"InsideBoth", start.AddDate(0, 7, 0), both},
		{"AtEndOfB", start.AddDate(1, 0, 0), a},
		{"AtEndOfA", start.AddDate(2, 0, 0), []intel.Category{}},
		{"After", start.AddDate(5, 0, 0), []intel.Category{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, reader := range []intel.Region{intel.RegionTH, intel.RegionKH} {
				if got := shared(reader, c.at); !reflect.DeepEqual(got, c.want) {
					t.Errorf("SharedCategories(%s, %s) = %v, want %v", reader, c.at, got, c.want)
				}
			}
		})
	}
	_, err := e.reg.SharedCategories(e.ctx, "VN", start)
	wantErr(t, err, intel.EINVALID, "reader")

	agreements := must(e.reg.ListAgreements(e.ctx))(t)
	var idA string
	for _, ag := range agreements {
		if ag.ID != "BANKS-2024" {
			idA = ag.ID
		}
	}
	must(e.reg.SuspendAgreement(e.ctx, "cli", idA, "review"))(t)
	if got := shared(intel.RegionTH, start); len(got) != 0 {
		t.Errorf("after suspension: %v, want nothing", got)
	}
	if got := shared(intel.RegionKH, start.AddDate(0, 7, 0)); !reflect.DeepEqual(got, b.Categories) {
		t.Errorf("suspending A hid B: %v", got)
	}
	must(e.reg.ResumeAgreement(e.ctx, "cli", idA, "review done"))(t)
	if got := shared(intel.RegionTH, start); !reflect.DeepEqual(got, a) {
		t.Errorf("after resumption: %v, want %v", got, a)
	}
	must(e.reg.RevokeAgreement(e.ctx, "cli", idA, "ended"))(t)
	if got := shared(intel.RegionTH, start); len(got) != 0 {
		t.Errorf("after revocation: %v, want nothing", got)
	}
}

// testAgreementNeedsBothParties: an admin's key speaks for its own country
// only. A new agreement opens nothing until the other party approves it;
// either party may suspend it, only the suspending one resume it; an
// extension takes effect once both approved it.
func testAgreementNeedsBothParties(t *testing.T, e *env) {
	e.world()
	thAdmin, _ := e.mustPrincipal("TH-CCIB", access.RoleAdmin)
	khAdmin, _ := e.mustPrincipal("KH-NPC", access.RoleAdmin)
	th, kh := thAdmin.Key.ID, khAdmin.Key.ID
	in := validAgreement()
	in.Title = "bilateral"
	a := must(e.reg.CreateAgreement(e.ctx, th, in))(t)
	now := e.clock.Now()
	if a.ActiveAt(now) || len(a.Approvals) != 1 || a.Approvals[0] != intel.RegionTH {
		t.Fatalf("created by one party: approvals %v, active %v", a.Approvals, a.ActiveAt(now))
	}
	_, err := e.reg.ApproveAgreement(e.ctx, th, a.ID, intel.RegionKH, time.Time{})
	wantErr(t, err, intel.EFORBIDDEN, "country")
	a = must(e.reg.ApproveAgreement(e.ctx, kh, a.ID, intel.RegionKH, time.Time{}))(t)
	if !a.ActiveAt(now) {
		t.Fatalf("approved by both but not active: %+v", a)
	}
	must(e.reg.SuspendAgreement(e.ctx, kh, a.ID, "audit"))(t)
	_, err = e.reg.ResumeAgreement(e.ctx, th, a.ID, "")
	wantErr(t, err, intel.EFORBIDDEN, "id")
	a = must(e.reg.ResumeAgreement(e.ctx, kh, a.ID, "audit done"))(t)
	if !a.ActiveAt(now) {
		t.Fatal("resumed by the suspending party but not active")
	}
	must(e.reg.SuspendAgreement(e.ctx, "cli", a.ID, "operator hold"))(t)
	_, err = e.reg.ResumeAgreement(e.ctx, kh, a.ID, "")
	wantErr(t, err, intel.EFORBIDDEN, "id")
	must(e.reg.ResumeAgreement(e.ctx, "cli", a.ID, "hold lifted"))(t)
	until := a.ValidUntil.AddDate(1, 0, 0)
	a = must(e.reg.ExtendAgreement(e.ctx, a.ID, until, th))(t)
	if !a.PendingUntil.Equal(until) || a.ValidUntil.Equal(until) || a.Extensions != 0 {
		t.Fatalf("an extension proposed by one party took effect: %+v", a)
	}
	_, err = e.reg.ApproveAgreement(e.ctx, kh, a.ID, intel.RegionKH, time.Time{})
	wantErr(t, err, intel.ECONFLICT, "validUntil") // an extension is approved by naming it
	a = must(e.reg.ApproveAgreement(e.ctx, kh, a.ID, intel.RegionKH, until))(t)
	if !a.ValidUntil.Equal(until) || !a.PendingUntil.IsZero() || a.Extensions != 1 {
		t.Fatalf("extension approved by both not in effect: %+v", a)
	}
	// Each side's auditors see every change to the agreement.
	for _, c := range []intel.Region{intel.RegionTH, intel.RegionKH} {
		entries := must(e.reg.QueryAudit(e.ctx, access.AuditFilter{DataCountry: c, Limit: 100}))(t)
		n := 0
		for _, en := range entries {
			if strings.Contains(en.Detail, a.ID) {
				n++
			}
		}
		if n < 6 {
			t.Errorf("%s sees %d entries about %s, want every change", c, n, a.ID)
		}
	}
}
