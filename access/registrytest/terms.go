package registrytest

import (
	"reflect"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/intel"
)

// testTermsFollowEveryChange: Terms reuses what it read, yet a change made
// through the Registry is seen by the very next call: a suspended
// agreement closes its categories, granted evidence appears, a revoked key
// stops authenticating, and a key's expiry is checked at each call's time.
func testTermsFollowEveryChange(t *testing.T, e *env) {
	w := e.world()
	tok := w.tokens["thCoord"]
	now := e.clock.Now()
	terms := func() ([]intel.Category, []access.Grant) {
		t.Helper()
		_, shared, grants, err := e.reg.Terms(e.ctx, tok, now)
		if err != nil {
			t.Fatal(err)
		}
		return shared, grants
	}
	if shared, grants := terms(); len(shared) == 0 || len(grants) != 0 {
		t.Fatalf("before any change: shared %v, grants %v", shared, grants)
	}
	terms() // now surely answered from what was read

	r := must(e.reg.CreateRequest(e.ctx, w.thCoord, validRequest(w)))(t)
	d := must(e.reg.FulfilRequest(e.ctx, w.khCoord, r.ID, []string{callLink}, []string{phoneKH}, []string{"name"}, nil))(t)
	if _, grants := terms(); !reflect.DeepEqual(grants, []access.Grant{d.Grant}) {
		t.Errorf("after a grant: grants %+v, want [%+v]", grants, d.Grant)
	}

	must(e.reg.SuspendAgreement(e.ctx, "cli", w.agreement.ID, "data breach under review"))(t)
	if shared, _ := terms(); len(shared) != 0 {
		t.Errorf("after suspending the agreement: shared %v, want none", shared)
	}

	k := must(e.reg.Authenticate(e.ctx, tok, now))(t)
	if _, _, _, err := e.reg.Terms(e.ctx, tok, k.Key.ExpiresAt); err == nil {
		t.Error("Terms at the key's expiry succeeded")
	}
	must(e.reg.RevokeKey(e.ctx, "cli", k.Key.ID, "laptop stolen"))(t)
	_, _, _, err := e.reg.Terms(e.ctx, tok, now)
	wantErr(t, err, intel.EUNAUTHENTICATED, "token")
	wantMessage(t, err, "revoked")
}

// testTermsOfAnotherProcess: a change made through another Registry over
// the same backend (another replica, the CLI) reaches this one's Terms
// once TermsTTL has passed, never later.
func testTermsOfAnotherProcess(t *testing.T, e *env) {
	w := e.world()
	tok := w.tokens["thCoord"]
	now := e.clock.Now()
	if _, _, _, err := e.reg.Terms(e.ctx, tok, now); err != nil {
		t.Fatal(err)
	}
	other := access.New(e.rec, e.clock.Now)
	must(other.RevokeKey(e.ctx, "cli", w.thCoord.Key.ID, "laptop stolen"))(t)
	time.Sleep(access.TermsTTL + 50*time.Millisecond)
	_, _, _, err := e.reg.Terms(e.ctx, tok, now)
	wantErr(t, err, intel.EUNAUTHENTICATED, "token")
}
