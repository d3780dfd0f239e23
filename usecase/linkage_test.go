package usecase_test

import (
	"testing"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/usecase"
)

// TestLinkedCases: the victim's report links to the other reports that
// name its artefacts, strongest first; a new report's identifiers, typed as people type them, find the
// same cases; bad questions are refused naming the field.
func TestLinkedCases(t *testing.T) {
	e := newEnv(t)
	e.loadDemo(t, 0.2)
	c := e.mustCaller(t, "TH-CCIB", access.RoleAnalyst, "")
	byCase, err := e.svc.LinkedCases(e.ctx, c, usecase.LinkageQuery{Case: demo.VictimReport.ID(), First: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(byCase.Artefacts) != 3 || len(byCase.Cases) == 0 {
		t.Fatalf("artefacts %v, %d cases: want the report's three artefacts and some linked cases", byCase.Artefacts, len(byCase.Cases))
	}
	// The strongest link shares the most: more than one artefact, listed
	// heaviest first.
	top := byCase.Cases[0]
	if len(top.Shared) < 2 || top.Shared[0].Weight < top.Shared[1].Weight {
		t.Errorf("the strongest link shares %+v", top.Shared)
	}
	for i, lc := range byCase.Cases {
		if lc.Case == demo.VictimReport.ID() {
			t.Fatal("the case asked about is linked to itself")
		}
		if i > 0 && lc.Score > byCase.Cases[i-1].Score {
			t.Fatalf("case %d scores %v above case %d's %v", i, lc.Score, i-1, byCase.Cases[i-1].Score)
		}
	}
	byIDs, err := e.svc.LinkedCases(e.ctx, c, usecase.LinkageQuery{Identifiers: []string{demo.FirstLayerMule.LocalForm}, First: 100})
	if err != nil {
		t.Fatal(err)
	}
	withMule := 0
	for _, lc := range byCase.Cases {
		for _, s := range lc.Shared {
			if s.ID == demo.FirstLayerMule.ID() {
				withMule++
			}
		}
	}
	// The new report is not stored, so the victim's own report is among
	// the cases naming the mule.
	if len(byIDs.Cases) != withMule+1 {
		t.Errorf("the mule typed as a slip shows it links %d cases, the victim's report shares it with %d others", len(byIDs.Cases), withMule)
	}
	for _, tc := range []struct {
		q     usecase.LinkageQuery
		code  string
		field string
	}{
		{usecase.LinkageQuery{}, intel.EINVALID, "caseId"},
		{usecase.LinkageQuery{Case: demo.VictimReport.ID(), Identifiers: []string{"0812345678"}}, intel.EINVALID, "caseId"},
		{usecase.LinkageQuery{Case: demo.VictimNumber.ID()}, intel.EINVALID, "caseId"},
		{usecase.LinkageQuery{Case: "Case:TH-CCIB:2567-000000"}, intel.ENOTFOUND, "caseId"},
		{usecase.LinkageQuery{Identifiers: []string{"0812345678", "not a number"}}, intel.EINVALID, "identifiers[1]"},
		{usecase.LinkageQuery{Identifiers: []string{"0812345678"}, First: 101}, intel.EINVALID, "first"},
	} {
		_, err := e.svc.LinkedCases(e.ctx, c, tc.q)
		wantCode(t, err, tc.code, tc.field)
	}
}
