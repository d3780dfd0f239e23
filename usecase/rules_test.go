package usecase_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/usecase"
)

// operations reads every operation name of the vocabulary from
// access/operation.go, so that a new one cannot be added without a role.
func operations(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "../access/operation.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			v := s.(*ast.ValueSpec)
			if !strings.HasPrefix(v.Names[0].Name, "Op") {
				continue
			}
			op, err := strconv.Unquote(v.Values[0].(*ast.BasicLit).Value)
			if err != nil {
				t.Fatal(err)
			}
			ops = append(ops, op)
		}
	}
	if len(ops) < 20 {
		t.Fatalf("read only %d operations from access/operation.go", len(ops))
	}
	return ops
}

// TestEveryOperationHasRoles: an operation no role may run is a bug (it
// would be refused to everyone), so every one of the vocabulary is allowed
// to some role.
func TestEveryOperationHasRoles(t *testing.T) {
	for _, op := range operations(t) {
		if len(usecase.RolesOf(op)) == 0 {
			t.Errorf("operation %q has no roles", op)
		}
	}
}

// TestRolesPerOperation checks the role table against the README's table
// of roles, restated here independently of rules.go.
func TestRolesPerOperation(t *testing.T) {
	reads := []string{access.OpLookup, access.OpSearch, access.OpExport, access.OpNodes, access.OpLinks, access.OpSummaries, access.OpNetwork,
		access.OpShortest, access.OpLegalStatus, access.OpViewer, access.OpAgencies, access.OpAgreements,
		access.OpRisk, access.OpRiskList, access.OpRings, access.OpMoneyTrail, access.OpLinkedCases}
	want := map[access.Role][]string{
		access.RoleAnalyst: reads,
		access.RoleEnricher: append(slices.Clone(reads), access.OpUpsert, access.OpIngest, access.OpIngestStream, access.OpRecordLegalStatus,
			access.OpRetractFact, access.OpMarkReport),
		access.RoleCoordinator: append(slices.Clone(reads), access.OpEvidenceRequests, access.OpRequestEvidence, access.OpAcknowledgeEvidence,
			access.OpFulfilEvidence, access.OpDeclineEvidence, access.OpRecordLegalStatus, access.OpMarkReport),
		access.RoleAdmin: append(slices.Clone(reads), access.OpUpsert, access.OpIngest, access.OpIngestStream, access.OpRecordLegalStatus, access.OpRetractFact,
			access.OpMarkReport,
			access.OpAPIKeys, access.OpEvidenceRequests, access.OpAuditLog, access.OpCreateAgency, access.OpCreateKey, access.OpRevokeKey,
			access.OpCreateAgreement, access.OpApproveAgreement, access.OpExtendAgreement, access.OpSuspendAgreement,
			access.OpResumeAgreement, access.OpRevokeAgreement, access.OpBackup, access.OpPruneAudit),
	}
	for _, op := range operations(t) {
		for _, role := range access.Roles {
			allowed := slices.Contains(usecase.RolesOf(op), role)
			if expected := slices.Contains(want[role], op); allowed != expected {
				t.Errorf("%s may run %s: %v, want %v", role, op, allowed, expected)
			}
		}
	}
}

// TestRefusedRoleIsForbiddenAndAudited: a key of the wrong role gets
// FORBIDDEN naming the operation, nothing runs, and the refusal is logged.
func TestRefusedRoleIsForbiddenAndAudited(t *testing.T) {
	e := newEnv(t)
	c := e.mustCaller(t, "TH-CCIB", access.RoleAnalyst, "")
	before, _ := e.store.Counts()
	_, err := e.svc.Ingest(e.ctx, c, nil)
	wantCode(t, err, intel.EFORBIDDEN, access.OpIngest)
	if !strings.Contains(err.Error(), "ENRICHER or ADMIN") {
		t.Errorf("refusal %q does not say which roles may", err)
	}
	if _, _, err := e.svc.Finish(e.ctx, c); err != nil {
		t.Fatal(err)
	}
	got := e.lastEntry(t, "TH-CCIB")
	if got.Operation != access.OpIngest || got.Outcome != access.OutcomeDenied || got.Code != intel.CodeForbidden || got.Kind != access.KindWrite {
		t.Errorf("audit entry %+v, want a refused ingest with code FORBIDDEN", got)
	}
	if after, _ := e.store.Counts(); after != before {
		t.Errorf("a refused ingest wrote %d entities", after-before)
	}
}

// TestOwnFact: a record or item names its agency and country, or takes the
// caller's; another agency's or country's is FORBIDDEN on that field, by
// upsert and ingest alike.
func TestOwnFact(t *testing.T) {
	e := newEnv(t)
	c := e.mustCaller(t, "TH-CCIB", access.RoleEnricher, "")
	res := mustIngest(t, e, c,
		call("", "", "OWN-1", "0812345601", "0812345602"),
		call("th-ccib", "th", "OWN-2", "0812345601", "0812345603"),
		call("TH-NBTC", "TH", "OTHER-AGENCY", "0812345601", "0812345604"),
		call("TH-CCIB", "KH", "OTHER-COUNTRY", "0812345601", "0812345605"))
	want := []struct {
		status ingest.Status
		code   string
		field  string
	}{{ingest.StatusAccepted, "", ""}, {ingest.StatusAccepted, "", ""},
		{ingest.StatusRejected, intel.CodeForbidden, "agency"}, {ingest.StatusRejected, intel.CodeForbidden, "country"}}
	for i, w := range want {
		r := res.Results[i]
		if r.Status != w.status || r.Code != w.code || r.Field != w.field {
			t.Errorf("record %d: %s %s %q (%s), want %s %s %q", i, r.Status, r.Code, r.Field, r.Reason, w.status, w.code, w.field)
		}
	}
	up, err := e.svc.Upsert(e.ctx, c, nil, []usecase.LinkItem{{
		Link: intel.Link{Type: intel.LinkCalled, EventKey: "X-1", Provenance: intel.Provenance{Agency: "TH-NBTC", Country: intel.RegionTH, ObservedAt: time.Now(), Confidence: 1}},
		From: usecase.Endpoint{Kind: intel.KindPhoneNumber, Identifier: "0812345601"},
		To:   usecase.Endpoint{Kind: intel.KindPhoneNumber, Identifier: "0812345606"}}})
	if err != nil {
		t.Fatal(err)
	}
	l := up.Links[0]
	if intel.ErrorCode(l.Err) != intel.EFORBIDDEN || intel.ErrorField(l.Err) != "links[0].agency" {
		t.Errorf("upsert of another agency's link: %v, want FORBIDDEN on links[0].agency", l.Err)
	}
}

// TestOwnFiling: a record may add uses to a suspect another agency filed,
// but not describe it, and a victim report goes under the reporting
// agency's own case reference; the command line is held to the same rule.
// Through the mutation and the evidence fulfilment alike, the refusal is
// INVALID on the reference's field, and the record writes nothing.
func TestOwnFiling(t *testing.T) {
	e := newEnv(t)
	th := e.mustCaller(t, "TH-CCIB", access.RoleEnricher, "")
	described := ingest.Record{Type: ingest.TypeSuspectRecord, SuspectRef: "KH-GDNP:W-1", Names: []string{"Somchai"},
		Uses: []ingest.Involved{{Role: "phone", Identifier: "0812345690"}}}
	usesOnly := ingest.Record{Type: ingest.TypeSuspectRecord, SuspectRef: "KH-GDNP:W-1",
		Uses: []ingest.Involved{{Role: "phone", Identifier: "0812345691"}}}
	own := ingest.Record{Type: ingest.TypeSuspectRecord, SuspectRef: "W-2", Names: []string{"Somsak"},
		Uses: []ingest.Involved{{Role: "phone", Identifier: "0812345692"}}}
	report := ingest.Record{Type: ingest.TypeVictimReport, CaseRef: "KH-GDNP:2567-1", ReportedAt: "2024-03-01",
		Involved: []ingest.Involved{{Role: "caller", Identifier: "0812345693"}}}
	res := mustIngest(t, e, th, described, usesOnly, own, report)
	want := []struct {
		status ingest.Status
		field  string
	}{{ingest.StatusRejected, "suspectRef"}, {ingest.StatusAccepted, ""}, {ingest.StatusAccepted, ""}, {ingest.StatusRejected, "caseRef"}}
	for i, w := range want {
		r := res.Results[i]
		if r.Status != w.status || r.Field != w.field || (w.status == ingest.StatusRejected && r.Code != intel.CodeBadUserInput) {
			t.Errorf("record %d: %s %s %q (%s), want %s %s", i, r.Status, r.Code, r.Field, r.Reason, w.status, w.field)
		}
	}
	got, err := e.store.GetEntities(e.ctx, []string{intel.EntityID(intel.KindSuspect, "KH-GDNP:W-1")})
	if err != nil {
		t.Fatal(err)
	}
	if s := got[intel.EntityID(intel.KindSuspect, "KH-GDNP:W-1")]; len(s.Attrs) > 0 || len(s.Sensitive) > 0 || s.Label != "KH-GDNP:W-1" {
		t.Errorf("another agency described the suspect: %+v", s)
	}
	op := e.svc.Operator(access.Agency{Code: "TH-CCIB", Country: intel.RegionTH}, access.RoleAdmin)
	described.Agency, described.Country = "TH-CCIB", "TH"
	out, err := e.svc.Ingest(e.ctx, op, []ingest.Record{described})
	if err != nil {
		t.Fatal(err)
	}
	if r := out.Results[0]; r.Status != ingest.StatusRejected || r.Field != "suspectRef" {
		t.Errorf("the command line described another agency's suspect: %+v", r)
	}
}

// TestOwnCountry: an admin manages its own country's agencies and keys only.
func TestOwnCountry(t *testing.T) {
	e := newEnv(t)
	th := e.mustCaller(t, "TH-CCIB", access.RoleAdmin, "")
	_, err := e.svc.CreateAgency(e.ctx, th, access.Agency{Code: "KH-NEW", Name: "New", Country: intel.RegionKH})
	wantCode(t, err, intel.EFORBIDDEN, "country")
	_, _, err = e.svc.CreateKey(e.ctx, th, "KH-GDNP", access.RoleAnalyst, "x", 0)
	wantCode(t, err, intel.EFORBIDDEN, "agency")
	keys, err := e.svc.APIKeys(e.ctx, th, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if !strings.HasPrefix(k.Agency, "TH-") {
			t.Errorf("a Thai admin listed key %s of %s", k.ID, k.Agency)
		}
	}
	if _, err := e.svc.CreateAgency(e.ctx, th, access.Agency{Code: "TH-NEW", Name: "New", Country: intel.RegionTH}); err != nil {
		t.Errorf("own country's agency: %v", err)
	}
}

// TestAuditScope: an admin reads what its own country's agencies did, or
// what was done with its country's data, nothing else.
func TestAuditScope(t *testing.T) {
	e := newEnv(t)
	th := e.mustCaller(t, "TH-CCIB", access.RoleAdmin, "")
	_, err := e.svc.AuditLog(e.ctx, th, access.AuditFilter{ActorCountry: intel.RegionKH, Limit: 10})
	wantCode(t, err, intel.EFORBIDDEN, "actorCountry")
	for _, f := range []access.AuditFilter{{Limit: 10}, {ActorCountry: intel.RegionKH, DataCountry: intel.RegionTH, Limit: 10}} {
		entries, err := e.svc.AuditLog(e.ctx, th, f)
		if err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		for _, en := range entries {
			if en.Country != intel.RegionTH && !slices.Contains(en.DataCountries, intel.RegionTH) {
				t.Errorf("filter %+v showed %+v", f, en)
			}
		}
	}
}

// TestAuthenticatePurpose: the purpose's shape is checked before the key.
func TestAuthenticatePurpose(t *testing.T) {
	e := newEnv(t)
	_, err := e.svc.Authenticate(e.ctx, usecase.Credentials{Token: demo.KeyFor(e.keys, "TH-CCIB", access.RoleAnalyst), Purpose: strings.Repeat("x", 300)})
	wantCode(t, err, intel.EINVALID, "X-Purpose")
	_, err = e.svc.Authenticate(e.ctx, usecase.Credentials{})
	wantCode(t, err, intel.EUNAUTHENTICATED, "Authorization")
	_, err = e.svc.Authenticate(e.ctx, usecase.Credentials{Token: "sgk_nope"})
	if intel.ErrorCode(err) != intel.EUNAUTHENTICATED {
		t.Errorf("unknown token: %v", err)
	}
}
