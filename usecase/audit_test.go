package usecase_test

import (
	"slices"
	"testing"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
)

// TestIngestAuditListsOnlyWhatWasWritten: a batch mixing a new record, a
// resent one, a malformed one and another agency's leaves an entry that
// names exactly the new record's entities, however many the others name.
func TestIngestAuditListsOnlyWhatWasWritten(t *testing.T) {
	e := newEnv(t)
	c := e.mustCaller(t, "TH-CCIB", access.RoleEnricher, "")
	mustIngest(t, e, c, call("", "", "OLD-1", "0811110001", "0811110002"))

	c = e.mustCaller(t, "TH-CCIB", access.RoleEnricher, "")
	res := mustIngest(t, e, c,
		call("", "", "NEW-1", "0811110003", "0811110004"),
		call("", "", "OLD-1", "0811110001", "0811110002"),
		call("", "", "BAD-1", "not a number", "0811110005"),
		call("TH-NBTC", "", "OTHER-1", "0811110006", "0811110007"))
	if got := []ingest.Status{res.Results[0].Status, res.Results[1].Status, res.Results[2].Status, res.Results[3].Status}; !slices.Equal(got,
		[]ingest.Status{ingest.StatusAccepted, ingest.StatusDuplicate, ingest.StatusRejected, ingest.StatusRejected}) {
		t.Fatalf("statuses %v", got)
	}
	got := e.lastEntry(t, "TH-CCIB")
	want := []string{"PhoneNumber:+66811110003", "PhoneNumber:+66811110004"}
	if !slices.Equal(got.Entities, want) || got.Kind != access.KindWrite || got.Operation != access.OpIngest || got.Outcome != access.OutcomeOK {
		t.Errorf("audit entry %+v, want a done ingest naming %v", got, want)
	}
}

// TestCrossBorderReadIsAuditedWithWhatWasShown: a Cambodian analyst's
// lookup that returns a Thai fact is logged with the entity and TH; one that
// returns nothing of Thailand's leaves no entry.
func TestCrossBorderReadIsAuditedWithWhatWasShown(t *testing.T) {
	e := newEnv(t)
	th := e.mustCaller(t, "TH-CCIB", access.RoleEnricher, "")
	shared := call("", "", "SHARED-1", "0812220001", "0812220002")
	shared.Visibility = "SHAREABLE"
	domestic := call("", "", "DOMESTIC-1", "0812220003", "0812220004")
	mustIngest(t, e, th, shared, domestic)

	before := len(mustAudit(t, e, "KH-GDNP"))
	kh := e.mustCaller(t, "KH-GDNP", access.RoleAnalyst, "CASE-1")
	res, err := e.svc.Lookup(e.ctx, kh, "081-222-0001", "", intel.RegionTH)
	if err != nil || res.Entity == nil {
		t.Fatalf("lookup of a shared number: %+v, %v", res, err)
	}
	if _, _, err := e.svc.Finish(e.ctx, kh); err != nil {
		t.Fatal(err)
	}
	got := e.lastEntry(t, "KH-GDNP")
	if !slices.Equal(got.Entities, []string{"PhoneNumber:+66812220001"}) || !slices.Equal(got.DataCountries, []intel.Region{intel.RegionTH}) || got.Kind != access.KindRead {
		t.Errorf("audit entry %+v, want the read of +66812220001 with TH data", got)
	}
	kh = e.mustCaller(t, "KH-GDNP", access.RoleAnalyst, "CASE-1")
	res, err = e.svc.Lookup(e.ctx, kh, "081-222-0003", "", intel.RegionTH)
	if err != nil || res.Entity != nil {
		t.Fatalf("lookup of a domestic-only number: %+v, %v (want nothing)", res, err)
	}
	if _, wrote, err := e.svc.Finish(e.ctx, kh); err != nil || wrote {
		t.Fatalf("a read that showed nothing of TH left an entry (%v, %v)", wrote, err)
	}
	if n := len(mustAudit(t, e, "KH-GDNP")); n != before+1 {
		t.Errorf("%d new entries, want 1", n-before)
	}
}

func mustAudit(t testing.TB, e *env, agency string) []access.AuditEntry {
	t.Helper()
	entries, err := e.reg.QueryAudit(e.ctx, access.AuditFilter{Agency: agency, Limit: access.MaxAuditLimit})
	if err != nil {
		t.Fatal(err)
	}
	return entries
}
