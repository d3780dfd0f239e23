package usecase_test

import (
	"context"
	"testing"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/analytics"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/usecase"
)

// loadDemo loads a small demo world into the env's store.
func (e *env) loadDemo(t testing.TB, scale float64) {
	t.Helper()
	if _, err := demo.Load(e.ctx, e.store, demo.Config{Scale: scale}); err != nil {
		t.Fatal(err)
	}
}

// TestMoneyTrailFollowsTheVictimToTheCashOut: forward from the victim's
// account, the trail reaches the Cambodian cash-out in dollars, through
// the first-layer mule, with the hops in time order and the currency
// change marked at the border.
func TestMoneyTrailFollowsTheVictimToTheCashOut(t *testing.T) {
	e := newEnv(t)
	e.loadDemo(t, 0.2)
	c := e.mustCaller(t, "TH-CCIB", access.RoleAnalyst, "")
	tr, err := e.svc.MoneyTrail(e.ctx, c, usecase.MoneyTrailQuery{From: demo.VictimAccount.ID(), MaxHops: 4})
	if err != nil {
		t.Fatal(err)
	}
	exit, ok := tr.Account(demo.CashOutAccount.ID())
	if !ok || len(exit.Reachable) != 1 || exit.Reachable[0].Currency != "USD" || exit.Depth != 4 {
		t.Fatalf("cash-out on the trail: %+v (found %v), want some dollars at depth 4", exit, ok)
	}
	mule, _ := tr.Account(demo.FirstLayerMule.ID())
	if mule.Depth != 1 || !mule.FanOut {
		t.Errorf("first-layer mule = %+v, want depth 1 and a fan-out", mule)
	}
	changed := false
	for i, h := range tr.Hops {
		if i > 0 && h.At < tr.Hops[i-1].At {
			t.Fatalf("hop %d at %d before hop %d at %d", i, h.At, i-1, tr.Hops[i-1].At)
		}
		if h.Carried.Cmp(h.Amount) > 0 {
			t.Errorf("hop %s carried %s of %s", h.Link.ID, analytics.FormatAmount(h.Carried), analytics.FormatAmount(h.Amount))
		}
		if h.Change != nil && h.Change.In == "THB" && h.Change.Out == "USD" {
			changed = true
		}
	}
	if !changed {
		t.Error("no hop marks the baht-to-dollar change at the border")
	}
	victim, _ := tr.Account(demo.VictimAccount.ID())
	if victim.Depth != 0 || len(victim.Reachable) != 1 {
		t.Errorf("origin = %+v, want its loss", victim)
	}
	back, err := e.svc.MoneyTrail(e.ctx, c, usecase.MoneyTrailQuery{From: demo.CashOutAccount.ID(), Direction: analytics.TrailBackward, MaxHops: 4})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := back.Account(demo.FirstLayerMule.ID()); !ok {
		t.Error("backward from the cash-out, the first-layer mule is not reached")
	}
	if _, _, err := e.svc.Finish(e.ctx, c); err != nil {
		t.Fatal(err)
	}
	if got := e.lastEntry(t, "TH-CCIB"); got.Operation != access.OpMoneyTrail {
		t.Errorf("audit operation %q, want %s", got.Operation, access.OpMoneyTrail)
	}
}

func TestMoneyTrailBadInput(t *testing.T) {
	e := newEnv(t)
	c := e.mustCaller(t, "TH-CCIB", access.RoleAnalyst, "")
	ctx := context.Background()
	for _, tc := range []struct {
		q     usecase.MoneyTrailQuery
		code  string
		field string
	}{
		{usecase.MoneyTrailQuery{From: demo.VictimNumber.ID()}, intel.EINVALID, "from"},
		{usecase.MoneyTrailQuery{From: demo.VictimAccount.ID(), Direction: "SIDEWAYS"}, intel.EINVALID, "direction"},
		{usecase.MoneyTrailQuery{From: demo.VictimAccount.ID(), MaxHops: 7}, intel.EINVALID, "maxHops"},
		{usecase.MoneyTrailQuery{From: demo.VictimAccount.ID(), Window: intel.TimeWindow{Since: demo.Epoch, Until: demo.Epoch}}, intel.EINVALID, "until"},
		{usecase.MoneyTrailQuery{From: "BankAccount:TH:004:0000000000"}, intel.ENOTFOUND, "from"},
	} {
		_, err := e.svc.MoneyTrail(ctx, c, tc.q)
		wantCode(t, err, tc.code, tc.field)
	}
}
