package usecase

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/guard"
	"github.com/scamgraph/scamgraph/intel"
)

// Caller is who makes one request and under what terms: the key and its
// agency, the purpose it gave, what its agency may see at this moment (the
// agreements in force and the evidence granted to it), its view of the
// graph, and the record of what the request did, for the audit.
//
// A Caller lives for one request. It is made by Service.Authenticate (the
// API) or Service.Operator (the command line, which acts with the
// operator's authority over its own store) and is safe for the concurrent
// resolvers of one GraphQL operation.
type Caller struct {
	// Principal is the authenticated key and its agency.
	Principal access.Principal
	// Purpose is the X-Purpose header: the case reference or the reason the
	// request serves, kept in the audit log.
	Purpose string
	// RequestID ties the audit entry to the request's log lines.
	RequestID string

	access *intel.Access
	view   *guard.Store
	// operator is the command line on its own store: no key, no role, and
	// records written as they name their agency.
	operator bool
	report   *guard.Report

	mu      sync.Mutex
	ops     []string
	outcome string
	code    string
	detail  string
	// exports are the seeds of the networks exported (see exported).
	exports []string
	written map[string]bool
	// selfAudited ops commit their own audit entry with their change.
	selfAudited int
	// auditDone, when the request is counted in flight (InFlight), says
	// that its audit entry is appended or will not come.
	auditDone func(appended bool)
}

// Agency is the caller's agency code.
func (c *Caller) Agency() string { return c.Principal.Agency.Code }

// Country is the caller's agency's country.
func (c *Caller) Country() intel.Region { return c.Principal.Agency.Country }

// Role is the caller's key's role.
func (c *Caller) Role() access.Role { return c.Principal.Key.Role }

// KeyID names the caller's key in the audit log.
func (c *Caller) KeyID() string { return c.Principal.Key.ID }

// Access is what the caller may see.
func (c *Caller) Access() *intel.Access { return c.access }

// Redactions lists the fields masked for the caller so far, for the
// response's extensions.
func (c *Caller) Redactions() []guard.Redaction { return c.report.Redactions() }

// maxPurpose bounds the X-Purpose header kept in the audit log.
const maxPurpose = 256

// Credentials are what an API request presents: its bearer token and its
// purpose, as sent.
type Credentials struct {
	Token     string
	Purpose   string
	RequestID string
	// AsOf is the X-As-Of header: an RFC 3339 moment to answer as of
	// (see intel.Access.AsOf); empty for the present.
	AsOf string
}

// Authenticate admits a request only with a valid key and works out what
// the key's agency may see at this moment: the terms are read afresh for
// every request, so an agreement suspended or a key revoked takes effect
// on the next one. A refusal is an EUNAUTHENTICATED (or, for a malformed
// purpose, EINVALID) error naming the reason.
func (s *Service) Authenticate(ctx context.Context, cr Credentials) (*Caller, error) {
	if strings.TrimSpace(cr.Token) == "" {
		return nil, intel.Errorf(intel.EUNAUTHENTICATED, "Authorization",
			"an API key is required: send the header Authorization: Bearer <token> (in GraphiQL, under Headers)")
	}
	purpose := strings.TrimSpace(cr.Purpose)
	if err := checkPurpose(purpose); err != nil {
		return nil, err
	}
	asOf, err := parseAsOf(cr.AsOf)
	if err != nil {
		return nil, err
	}
	p, shared, grants, err := s.registry.Terms(ctx, strings.TrimSpace(cr.Token), time.Now())
	if err != nil {
		return nil, err
	}
	a := accessFor(p, shared, grants)
	a.AsOf = asOf
	return s.newCaller(p, a, purpose, cr.RequestID), nil
}

// parseAsOf reads the X-As-Of header: a request may ask for the graph as
// it was known at an earlier moment, to reproduce an answer given then,
// facts retracted since included.
func parseAsOf(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, intel.Errorf(intel.EINVALID, "X-As-Of", "must be an RFC 3339 date-time such as 2024-03-01T09:00:00Z, got %q", v)
	}
	return t.UTC(), nil
}

// Operator is the command line acting for an agency on a store it opened
// itself (import, seed): the operator holds the store, so there is no key,
// and its records are the agency's own. Its view is unrestricted.
func (s *Service) Operator(agency access.Agency, role access.Role) *Caller {
	p := access.Principal{Agency: agency, Key: access.Key{ID: "cli", Agency: agency.Code, Role: role}}
	a := &intel.Access{All: true, Agency: agency.Code, Country: agency.Country}
	c := s.newCaller(p, a, "", "")
	c.operator = true
	return c
}

func (s *Service) newCaller(p access.Principal, a *intel.Access, purpose, requestID string) *Caller {
	report := &guard.Report{}
	return &Caller{Principal: p, Purpose: purpose, RequestID: requestID, access: a, report: report,
		view: guard.New(s.reads, a, report)}
}

// checkPurpose is the rule for the X-Purpose header's shape: valid UTF-8,
// bounded, printable.
func checkPurpose(p string) error {
	if len(p) > maxPurpose || !utf8.ValidString(p) {
		return intel.Errorf(intel.EINVALID, "X-Purpose", "must be valid UTF-8 of at most %d bytes", maxPurpose)
	}
	return access.CheckPurpose(p)
}

// accessFor is what the principal's agency may see under the agreements
// active now (shared) and the evidence granted to it.
func accessFor(p access.Principal, shared []intel.Category, grants []access.Grant) *intel.Access {
	a := &intel.Access{Agency: p.Agency.Code, Country: p.Agency.Country, Shared: shared}
	for _, g := range grants {
		a.Granted = append(a.Granted, g.LinkIDs...)
		if len(g.Fields) == 0 {
			continue
		}
		if a.GrantedFields == nil {
			a.GrantedFields = map[string][]string{}
		}
		// Fields are unmasked on the facts given and on the entity asked
		// about, not on every entity the answering records touch.
		for _, id := range append(append([]string{}, g.LinkIDs...), g.Subject) {
			a.GrantedFields[id] = append(a.GrantedFields[id], g.Fields...)
		}
	}
	a.Normalize()
	return a
}

// finish notes how one operation of the request ended. Operations of one
// request are many (a GraphQL document may ask several fields, and every
// entity's links are an operation of their own): the audit entry names each
// once, and its outcome is the worst of theirs.
func (c *Caller) finish(op string, err error) {
	outcome, code := outcomeOf(err)
	c.mu.Lock()
	defer c.mu.Unlock()
	if !slices.Contains(c.ops, op) {
		c.ops = append(c.ops, op)
	}
	if selfAudited[op] && err == nil {
		c.selfAudited++
	}
	if worse(outcome, c.outcome) {
		c.outcome, c.code = outcome, code
		if err != nil {
			c.detail = intel.ErrorMessage(err)
			if f := intel.ErrorField(err); f != "" {
				c.detail = f + ": " + c.detail
			}
		}
	}
}

// note sets the detail of the request's audit entry while no operation
// has failed: a failure's message takes its place.
func (c *Caller) note(detail string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.outcome == "" || c.outcome == access.OutcomeOK {
		c.detail = detail
	}
}

// Operations lists the operations the request ran so far, in the order
// run, and the error code of the worst of them ("" while none failed), for
// the access log.
func (c *Caller) Operations() (ops []string, code string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.ops), c.code
}

// exported notes the seeds of a network copied out of the service as a
// file: such a request is always audited, naming them, whosever data it
// holds.
func (c *Caller) exported(ids ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.exports = append(c.exports, ids...)
}

// wrote notes entities the store acknowledged writing.
func (c *Caller) wrote(ids ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.written == nil {
		c.written = map[string]bool{}
	}
	for _, id := range ids {
		c.written[id] = true
	}
}

func (c *Caller) writtenIDs() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, 0, len(c.written))
	for id := range c.written {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}
