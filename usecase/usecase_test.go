package usecase_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/access/accesstest"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/usecase"
)

// env is a service over a real embedded store and a real bbolt registry
// holding the demo agencies, agreement and keys.
type env struct {
	ctx   context.Context
	store *embeddedstore.Store
	reg   *access.Registry
	svc   *usecase.Service
	keys  []demo.Key
}

func newEnv(t testing.TB) *env {
	return newEnvOver(t, func(s intel.Store) intel.Store { return s }, usecase.Options{})
}

// newEnvOver is newEnv whose service reads the store through wrap, with opts.
func newEnvOver(t testing.TB, wrap func(intel.Store) intel.Store, opts usecase.Options) *env {
	t.Helper()
	store, err := embeddedstore.Open(filepath.Join(t.TempDir(), "graph"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	reg, keys := accesstest.Registry(t)
	return &env{ctx: context.Background(), store: store, reg: reg, keys: keys,
		svc: usecase.New(wrap(store), reg, opts)}
}

// mustCaller authenticates as the demo key of agency and role.
func (e *env) mustCaller(t testing.TB, agency string, role access.Role, purpose string) *usecase.Caller {
	t.Helper()
	c, err := e.svc.Authenticate(e.ctx, usecase.Credentials{Token: demo.KeyFor(e.keys, agency, role), Purpose: purpose})
	if err != nil {
		t.Fatalf("authenticate %s %s: %v", agency, role, err)
	}
	return c
}

// lastEntry returns the newest audit entry of agency.
func (e *env) lastEntry(t testing.TB, agency string) access.AuditEntry {
	t.Helper()
	entries, err := e.reg.QueryAudit(e.ctx, access.AuditFilter{Agency: agency, Limit: access.MaxAuditLimit})
	if err != nil || len(entries) == 0 {
		t.Fatalf("audit of %s: %v, %v", agency, entries, err)
	}
	return entries[len(entries)-1]
}

func wantCode(t testing.TB, err error, code, field string) {
	t.Helper()
	if intel.ErrorCode(err) != code || intel.ErrorField(err) != field {
		t.Fatalf("error %v (code %s, field %q), want %s on %q", err, intel.ErrorCode(err), intel.ErrorField(err), code, field)
	}
}

func call(agency, country, id, caller, callee string) ingest.Record {
	return ingest.Record{Type: ingest.TypeCall, Agency: agency, Country: country, RecordID: id, Caller: caller, Callee: callee,
		Start: "2026-03-11T10:02:15+07:00", Visibility: "DOMESTIC"}
}

func mustIngest(t testing.TB, e *env, c *usecase.Caller, records ...ingest.Record) usecase.IngestResult {
	t.Helper()
	res, err := e.svc.Ingest(e.ctx, c, records)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.svc.Finish(e.ctx, c); err != nil {
		t.Fatal(err)
	}
	return res
}

var _ = time.Now
