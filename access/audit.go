package access

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// AuditEntry is one line of the audit log: who (agency, country, key,
// role) did what (operation, kind, purpose), to which entities, whose data
// it returned, and how it ended. The log is append-only: nothing in this
// package or in the Records contract changes or deletes an entry.
type AuditEntry struct {
	// Seq is assigned on append: strictly increasing and gap-free, so a
	// reader can page with AfterSeq and notice a missing entry.
	Seq int64
	// At is when it happened; the registry's clock when left zero.
	At time.Time
	// RequestID is the HTTP request's id; AppendAudit and the Registry's
	// own entries take it from the context (WithRequestID) when empty.
	RequestID string
	Agency    string
	Country   intel.Region
	KeyID     string
	Role      Role
	// Operation names what was done: a GraphQL field, or a Registry method
	// such as "createKey".
	Operation string
	// Kind is READ, WRITE or ADMIN.
	Kind string
	// Purpose is the reason the caller gave for a read, when it gave one.
	Purpose  string
	Entities []string
	// DataCountries are the countries whose data a read returned, sorted
	// and distinct: a cross-border read is one whose DataCountries hold a
	// country other than Country.
	DataCountries []intel.Region
	// Outcome is OK, DENIED or ERROR (see operation.go).
	Outcome string
	// Code is the error code a refused or failed request was given
	// (FORBIDDEN, UNAVAILABLE, …); empty when it succeeded.
	Code   string
	Detail string
}

// Limits of the audit log's input and queries.
const (
	DefaultAuditLimit = 100
	MaxAuditLimit     = 1000
	// maxAuditEntities bounds one entry: a subgraph read is capped well below it.
	maxAuditEntities = 10000
)

// AuditFilter selects audit entries; zero fields match everything.
type AuditFilter struct {
	// Agency is the acting agency's code.
	Agency string
	// ActorCountry is the acting agency's country.
	ActorCountry intel.Region
	// DataCountry matches entries whose DataCountries include it.
	DataCountry intel.Region
	Operation   string
	// Since is inclusive, Until exclusive.
	Since, Until time.Time
	// AfterSeq returns only entries with a greater Seq, for paging.
	AfterSeq int64
	// Limit is how many entries at most: 0 means DefaultAuditLimit, and at
	// most MaxAuditLimit.
	Limit int
}

// Matches reports whether e passes f. Backends that cannot push the filter
// down use it, so that every backend filters the same way.
func (f AuditFilter) Matches(e AuditEntry) bool {
	if e.Seq <= f.AfterSeq ||
		f.Agency != "" && e.Agency != f.Agency ||
		f.ActorCountry != "" && e.Country != f.ActorCountry ||
		f.Operation != "" && e.Operation != f.Operation ||
		!f.Since.IsZero() && e.At.Before(f.Since) ||
		!f.Until.IsZero() && !e.At.Before(f.Until) {
		return false
	}
	if f.DataCountry == "" {
		return true
	}
	for _, c := range e.DataCountries {
		if c == f.DataCountry {
			return true
		}
	}
	return false
}

type requestIDKey struct{}

// WithRequestID returns ctx carrying the id of the request being served,
// which audit entries made under ctx record.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestIDFrom returns the request id carried by ctx, or "".
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// ExpectAudit tells the log that a request which may append an entry has
// begun; the function it returns (only its first call counts) says that
// the request has appended its entry (true) or will append none (false). The group
// commit of entries uses the count to wait for the entries of requests
// still in flight (see auditBatcher); requests that never say so are not
// waited for.
func (r *Registry) ExpectAudit() (done func(appended bool)) { return r.audit.expect() }

// AppendAudit appends e to the log and returns it as stored, with its Seq
// and, when e.At was zero, the registry's time. The HTTP layer calls it
// for every request it serves, allowed or not.
func (r *Registry) AppendAudit(ctx context.Context, e AuditEntry) (AuditEntry, error) {
	e, err := r.normalizeAudit(ctx, e)
	if err != nil {
		return AuditEntry{}, err
	}
	return r.audit.append(ctx, e)
}

func (r *Registry) normalizeAudit(ctx context.Context, e AuditEntry) (AuditEntry, error) {
	e.Seq = 0
	e.At = normTime(e.At)
	if e.At.IsZero() {
		e.At = r.clock()
	}
	if e.RequestID == "" {
		e.RequestID = RequestIDFrom(ctx)
	}
	if e.Agency != "" {
		if err := checkAgencyCode("agency", e.Agency); err != nil {
			return e, err
		}
	}
	if e.Country != "" {
		if err := checkRegion("country", e.Country); err != nil {
			return e, err
		}
	}
	if e.Role != "" && !e.Role.Valid() {
		return e, intel.Errorf(intel.EINVALID, "role", "unknown role %q (want one of %v)", e.Role, Roles)
	}
	if e.Kind != KindRead && e.Kind != KindWrite && e.Kind != KindAdmin {
		return e, intel.Errorf(intel.EINVALID, "kind", "must be READ, WRITE or ADMIN, got %q", e.Kind)
	}
	if e.Outcome != OutcomeOK && e.Outcome != OutcomeDenied && e.Outcome != OutcomeError {
		return e, intel.Errorf(intel.EINVALID, "outcome", "must be OK, DENIED or ERROR, got %q", e.Outcome)
	}
	for _, f := range []struct {
		name, value string
		max         int
		required    bool
	}{
		{"operation", e.Operation, maxShortText, true}, {"requestId", e.RequestID, maxShortText, false},
		{"keyId", e.KeyID, maxShortText, false}, {"purpose", e.Purpose, maxLongText, false},
		{"detail", e.Detail, maxLongText, false},
	} {
		if err := checkText(f.name, f.value, f.max, f.required); err != nil {
			return e, err
		}
	}
	if len(e.Entities) > maxAuditEntities {
		return e, intel.Errorf(intel.EINVALID, "entities", "has %d entries, at most %d allowed", len(e.Entities), maxAuditEntities)
	}
	for i, id := range e.Entities {
		if err := checkText(fmt.Sprintf("entities[%d]", i), id, maxLongText, true); err != nil {
			return e, err
		}
	}
	seen := map[intel.Region]bool{}
	countries := []intel.Region{}
	for i, c := range e.DataCountries {
		if err := checkRegion(fmt.Sprintf("dataCountries[%d]", i), c); err != nil {
			return e, err
		}
		if !seen[c] {
			seen[c] = true
			countries = append(countries, c)
		}
	}
	sort.Slice(countries, func(i, j int) bool { return countries[i] < countries[j] })
	e.DataCountries = countries
	if e.Entities == nil {
		e.Entities = []string{}
	}
	return e, nil
}

// QueryAudit returns the entries matching f, oldest (lowest Seq) first.
func (r *Registry) QueryAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	if f.Agency != "" {
		if err := checkAgencyCode("agency", f.Agency); err != nil {
			return nil, err
		}
	}
	if f.ActorCountry != "" {
		if err := checkRegion("actorCountry", f.ActorCountry); err != nil {
			return nil, err
		}
	}
	if f.DataCountry != "" {
		if err := checkRegion("dataCountry", f.DataCountry); err != nil {
			return nil, err
		}
	}
	if err := checkText("operation", f.Operation, maxShortText, false); err != nil {
		return nil, err
	}
	if f.AfterSeq < 0 {
		return nil, intel.Errorf(intel.EINVALID, "afterSeq", "must not be negative")
	}
	switch {
	case f.Limit == 0:
		f.Limit = DefaultAuditLimit
	case f.Limit < 0 || f.Limit > MaxAuditLimit:
		return nil, intel.Errorf(intel.EINVALID, "limit", "must be between 1 and %d, got %d", MaxAuditLimit, f.Limit)
	}
	// Stored times are whole milliseconds, so rounding the bounds up to the
	// millisecond selects exactly the same entries and lets a backend
	// compare integers.
	f.Since, f.Until = ceilMilli(f.Since), ceilMilli(f.Until)
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Until.After(f.Since) {
		return nil, intel.Errorf(intel.EINVALID, "until", "must be after since")
	}
	return r.rec.QueryAudit(ctx, f)
}

// ceilMilli rounds t up to the next whole millisecond, in UTC.
func ceilMilli(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	tr := normTime(t)
	if tr.Before(t) {
		tr = tr.Add(time.Millisecond)
	}
	return tr
}

// CheckPurpose applies the audit log's rule for a purpose to p, so that the
// HTTP layer refuses a bad X-Purpose before the request does anything,
// rather than after, when its audit entry could not be written.
func CheckPurpose(p string) error { return checkText("X-Purpose", p, maxLongText, false) }

// ClipOperation cuts an operation name to what an audit entry holds, on a
// rune boundary, marking the cut.
func ClipOperation(op string) string { return clip(op, maxShortText) }
