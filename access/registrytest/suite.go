// Package registrytest is the conformance suite of access.Records: every
// behaviour of the Registry a caller can see, checked over a backend. Each
// backend runs it from one test of its own package (embeddedstore and
// neo4jstore); any difference between two backends is a bug in one of them.
package registrytest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/intel"
)

// Harness makes backends for the suite. Every behaviour check runs against
// every backend, so a backend cannot drift from the contract unnoticed.
type Harness struct {
	// Open returns an empty backend for one check.
	Open func(t *testing.T) access.Records
	// Reopen closes old and returns a new backend over the same data: what
	// a restarted service sees.
	Reopen func(t *testing.T, old access.Records) access.Records
}

// checks is the suite, by name. A check gets a fresh, empty backend.
var checks = []struct {
	name string
	fn   func(t *testing.T, e *env)
}{
	{"AgencyValidation", testAgencyValidation},
	{"AgencyCreateGetList", testAgencyCreateGetList},
	{"KeyValidation", testKeyValidation},
	{"KeyLifecycle", testKeyLifecycle},
	{"KeyExpiry", testKeyExpiry},
	{"AuthenticateRejectsWithoutLeaking", testAuthenticateRejects},
	{"TermsMatchTheirParts", testTermsMatchTheirParts},
	{"TermsFollowEveryChange", testTermsFollowEveryChange},
	{"TermsOfAnotherProcess", testTermsOfAnotherProcess},
	{"KeyStoresOnlyAHash", testKeyStoresOnlyAHash},
	{"KeyRevokeRace", testKeyRevokeRace},
	{"AgreementValidation", testAgreementValidation},
	{"AgreementLifecycle", testAgreementLifecycle},
	{"AgreementExtension", testAgreementExtension},
	{"AgreementNeedsBothParties", testAgreementNeedsBothParties},
	{"SharedCategories", testSharedCategories},
	{"RequestValidation", testRequestValidation},
	{"RequestFullPath", testRequestFullPath},
	{"RequestForbidden", testRequestForbidden},
	{"RequestFinalStates", testRequestFinalStates},
	{"RequestListAndOverdue", testRequestListAndOverdue},
	{"FulfilValidation", testFulfilValidation},
	{"GrantsFor", testGrantsFor},
	{"AuditValidation", testAuditValidation},
	{"AuditAppendAndFilters", testAuditAppendAndFilters},
	{"AuditConcurrentAppenders", testAuditConcurrentAppenders},
	{"AuditOfRegistryChanges", testAuditOfRegistryChanges},
	{"LegalStatusValidation", testLegalStatusValidation},
	{"LegalStatusSteps", testLegalStatusSteps},
	{"LegalStatusConcurrentSteps", testLegalStatusConcurrentSteps},
	{"Durability", testDurability},
	{"AuditRetention", testAuditRetention},
}

// Run runs every check as a subtest, each on a fresh backend from h.
func Run(t *testing.T, h Harness) {
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			c.fn(t, newEnv(t, h))
		})
	}
}

// start is the fake clock's first reading: inside the test agreement's term.
var start = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)

// fakeClock is a clock the tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is one check's registry, backend and clock.
type env struct {
	t     *testing.T
	ctx   context.Context
	h     Harness
	rec   access.Records
	reg   *access.Registry
	clock *fakeClock
}

func newEnv(t *testing.T, h Harness) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	rec := h.Open(t)
	clock := &fakeClock{t: start}
	return &env{t: t, ctx: ctx, h: h, rec: rec, reg: access.New(rec, clock.Now), clock: clock}
}

// reopen swaps in a new backend over the same data.
func (e *env) reopen() {
	e.t.Helper()
	e.rec = e.h.Reopen(e.t, e.rec)
	e.reg = access.New(e.rec, e.clock.Now)
}

// world is the usual cast: two agencies per country, one of each a
// coordinator of the agreement, and keys of several roles.
type world struct {
	agreement access.Agreement
	// thCoord and khCoord are coordinators of the agreement.
	thCoord, khCoord access.Principal
	// thAnalyst is an analyst of the TH coordinating agency.
	thAnalyst access.Principal
	// thOther and khOther hold COORDINATOR keys of agencies that are not
	// the agreement's coordinators.
	thOther, khOther access.Principal
	tokens           map[string]string // principal name -> token
}

var sharedCats = []intel.Category{intel.CategoryCallRecords, intel.CategoryVoipRegistration, intel.CategorySubscriberData}

func (e *env) mustAgency(code, name string, country intel.Region) access.Agency {
	e.t.Helper()
	a, err := e.reg.CreateAgency(e.ctx, "cli", access.Agency{Code: code, Name: name, Country: country})
	if err != nil {
		e.t.Fatalf("CreateAgency(%s): %v", code, err)
	}
	return a
}

// mustPrincipal issues a key and authenticates with it.
func (e *env) mustPrincipal(agency string, role access.Role) (access.Principal, string) {
	e.t.Helper()
	_, tok, err := e.reg.CreateKey(e.ctx, "cli", agency, role, "test", 0)
	if err != nil {
		e.t.Fatalf("CreateKey(%s, %s): %v", agency, role, err)
	}
	p, err := e.reg.Authenticate(e.ctx, tok, e.clock.Now())
	if err != nil {
		e.t.Fatalf("Authenticate: %v", err)
	}
	return p, tok
}

// validAgreement is an agreement that passes validation in the world.
func validAgreement() access.Agreement {
	return access.Agreement{
		Title: "MOU on cooperation against call-centre and hybrid scams",
		Parties: []access.Party{
			{Country: intel.RegionTH, Authority: "Ministry of Digital Economy and Society"},
			{Country: intel.RegionKH, Authority: "Ministry of Posts and Telecommunications"},
		},
		Categories:   []intel.Category{intel.CategorySubscriberData, intel.CategoryCallRecords, intel.CategoryVoipRegistration, intel.CategoryCallRecords},
		Purpose:      "Find evidence of call-centre gangs operating across the border.",
		LegalBasis:   "MOU TH-KH 2022, art. 3",
		ValidFrom:    start.Add(-24 * time.Hour),
		ValidUntil:   start.AddDate(2, 0, 0),
		Coordinators: []string{"TH-CCIB", "KH-NPC", "TH-CCIB"},
	}
}

func (e *env) world() world {
	e.t.Helper()
	e.mustAgency("TH-CCIB", "Cyber Crime Investigation Bureau", intel.RegionTH)
	e.mustAgency("TH-DSI", "Department of Special Investigation", intel.RegionTH)
	e.mustAgency("KH-NPC", "National Police Commissariat", intel.RegionKH)
	e.mustAgency("KH-MPTC", "Ministry of Posts and Telecommunications", intel.RegionKH)
	ag, err := e.reg.CreateAgreement(e.ctx, "cli", validAgreement())
	if err != nil {
		e.t.Fatalf("CreateAgreement: %v", err)
	}
	w := world{agreement: ag, tokens: map[string]string{}}
	var tok string
	w.thCoord, tok = e.mustPrincipal("TH-CCIB", access.RoleCoordinator)
	w.tokens["thCoord"] = tok
	w.khCoord, tok = e.mustPrincipal("KH-NPC", access.RoleCoordinator)
	w.tokens["khCoord"] = tok
	w.thAnalyst, _ = e.mustPrincipal("TH-CCIB", access.RoleAnalyst)
	w.thOther, _ = e.mustPrincipal("TH-DSI", access.RoleCoordinator)
	w.khOther, _ = e.mustPrincipal("KH-MPTC", access.RoleCoordinator)
	return w
}

// wantErr fails unless err is a domain error with the code and field.
func wantErr(t *testing.T, err error, code, field string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s on field %q", code, field)
	}
	var de *intel.Error
	if !errors.As(err, &de) {
		t.Fatalf("got %v (%T), want an *intel.Error %s on field %q", err, err, code, field)
	}
	if de.Code != code || de.Field != field {
		t.Fatalf("got %s on field %q (%q), want %s on field %q", de.Code, de.Field, de.Message, code, field)
	}
}

// wantMessage fails unless err's message contains want.
func wantMessage(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil || !strings.Contains(intel.ErrorMessage(err), want) {
		t.Fatalf("error %v does not say %q", err, want)
	}
}

// must unwraps a (value, error) result, failing the test on an error:
// must(f())(t).
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
