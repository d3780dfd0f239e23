package usecase

import (
	"context"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/intel"
)

// Viewer is who the caller is and what it may see now.
type Viewer struct {
	Principal access.Principal
	Shared    []intel.Category
	// GrantedFacts counts the facts evidence requests granted the agency.
	GrantedFacts int
}

// Viewer describes the caller to itself.
func (s *Service) Viewer(_ context.Context, c *Caller) (v Viewer, err error) {
	defer func() { c.finish(access.OpViewer, err) }()
	if err = c.allow(access.OpViewer); err != nil {
		return v, err
	}
	return Viewer{Principal: c.Principal, Shared: c.access.Shared, GrantedFacts: len(c.access.Granted)}, nil
}

// Agencies lists every agency of both countries: who takes part is no secret
// between the parties.
func (s *Service) Agencies(ctx context.Context, c *Caller) (out []access.Agency, err error) {
	defer func() { c.finish(access.OpAgencies, err) }()
	if err = c.allow(access.OpAgencies); err != nil {
		return nil, err
	}
	return s.registry.ListAgencies(ctx)
}

// CreateAgency registers an agency of the admin's own country.
func (s *Service) CreateAgency(ctx context.Context, c *Caller, a access.Agency) (out access.Agency, err error) {
	defer func() { c.finish(access.OpCreateAgency, err) }()
	if err = c.allow(access.OpCreateAgency); err != nil {
		return out, err
	}
	if err = c.ownCountry("country", a.Country); err != nil {
		return out, err
	}
	return s.registry.CreateAgency(ctx, c.KeyID(), a)
}

// APIKeys lists the keys of the admin's own country, or of one of its
// agencies.
func (s *Service) APIKeys(ctx context.Context, c *Caller, agency string) (out []access.Key, err error) {
	defer func() { c.finish(access.OpAPIKeys, err) }()
	if err = c.allow(access.OpAPIKeys); err != nil {
		return nil, err
	}
	if agency != "" {
		a, err := s.registry.GetAgency(ctx, agency)
		if err != nil {
			return nil, err
		}
		if err := c.ownCountry("agency", a.Country); err != nil {
			return nil, err
		}
	}
	keys, err := s.registry.ListKeys(ctx, agency)
	if err != nil {
		return nil, err
	}
	countries, err := s.agencyCountries(ctx)
	if err != nil {
		return nil, err
	}
	out = []access.Key{}
	for _, k := range keys {
		if countries[k.Agency] == c.Country() {
			out = append(out, k)
		}
	}
	return out, nil
}

func (s *Service) agencyCountries(ctx context.Context) (map[string]intel.Region, error) {
	list, err := s.registry.ListAgencies(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]intel.Region, len(list))
	for _, a := range list {
		out[a.Code] = a.Country
	}
	return out, nil
}

// CreateKey issues a key for an agency of the admin's own country; the
// token is returned once. ttl 0 is the registry's default term.
func (s *Service) CreateKey(ctx context.Context, c *Caller, agency string, role access.Role, label string, ttl time.Duration) (k access.Key, token string, err error) {
	defer func() { c.finish(access.OpCreateKey, err) }()
	if err = c.allow(access.OpCreateKey); err != nil {
		return k, "", err
	}
	a, err := s.registry.GetAgency(ctx, agency)
	if err != nil {
		return k, "", err
	}
	if err = c.ownCountry("agency", a.Country); err != nil {
		return k, "", err
	}
	return s.registry.CreateKey(ctx, c.KeyID(), agency, role, label, ttl)
}

// RevokeKey revokes a key of the admin's own country.
func (s *Service) RevokeKey(ctx context.Context, c *Caller, id, reason string) (k access.Key, err error) {
	defer func() { c.finish(access.OpRevokeKey, err) }()
	if err = c.allow(access.OpRevokeKey); err != nil {
		return k, err
	}
	keys, err := s.registry.ListKeys(ctx, "")
	if err != nil {
		return k, err
	}
	countries, err := s.agencyCountries(ctx)
	if err != nil {
		return k, err
	}
	for _, key := range keys {
		if key.ID != id {
			continue
		}
		if err = c.ownCountry("id", countries[key.Agency]); err != nil {
			return k, err
		}
		return s.registry.RevokeKey(ctx, c.KeyID(), id, reason)
	}
	return k, intel.Errorf(intel.ENOTFOUND, "id", "no API key %q", id)
}

// Agreements lists the agreements between the two countries.
func (s *Service) Agreements(ctx context.Context, c *Caller) (out []access.Agreement, err error) {
	defer func() { c.finish(access.OpAgreements, err) }()
	if err = c.allow(access.OpAgreements); err != nil {
		return nil, err
	}
	return s.registry.ListAgreements(ctx)
}

// Agreement reads one agreement; ENOTFOUND when there is none.
func (s *Service) Agreement(ctx context.Context, c *Caller, id string) (out access.Agreement, err error) {
	defer func() { c.finish(access.OpAgreements, err) }()
	if err = c.allow(access.OpAgreements); err != nil {
		return out, err
	}
	return s.registry.GetAgreement(ctx, id)
}

// CreateAgreement proposes an agreement; it opens nothing until the other
// country's admin approves it.
func (s *Service) CreateAgreement(ctx context.Context, c *Caller, a access.Agreement) (out access.Agreement, err error) {
	defer func() { c.finish(access.OpCreateAgreement, err) }()
	if err = c.allow(access.OpCreateAgreement); err != nil {
		return out, err
	}
	return s.registry.CreateAgreement(ctx, c.KeyID(), a)
}

// ApproveAgreement approves for the caller's own country, never the other's.
func (s *Service) ApproveAgreement(ctx context.Context, c *Caller, id string, until time.Time) (out access.Agreement, err error) {
	defer func() { c.finish(access.OpApproveAgreement, err) }()
	if err = c.allow(access.OpApproveAgreement); err != nil {
		return out, err
	}
	return s.registry.ApproveAgreement(ctx, c.KeyID(), id, c.Country(), until)
}

// ExtendAgreement proposes a longer term, approved like the agreement.
func (s *Service) ExtendAgreement(ctx context.Context, c *Caller, id string, until time.Time) (out access.Agreement, err error) {
	defer func() { c.finish(access.OpExtendAgreement, err) }()
	if err = c.allow(access.OpExtendAgreement); err != nil {
		return out, err
	}
	return s.registry.ExtendAgreement(ctx, id, until, c.KeyID())
}

// SetAgreementStatus suspends, resumes or revokes an agreement.
func (s *Service) SetAgreementStatus(ctx context.Context, c *Caller, id string, status access.AgreementStatus, reason string) (out access.Agreement, err error) {
	var op string
	switch status {
	case access.AgreementActive:
		op = access.OpResumeAgreement
	case access.AgreementSuspended:
		op = access.OpSuspendAgreement
	case access.AgreementRevoked:
		op = access.OpRevokeAgreement
	default:
		err = intel.Errorf(intel.EINVALID, "status", "must be ACTIVE, SUSPENDED or REVOKED, got %q", status)
		c.finish(access.OpSuspendAgreement, err)
		return out, err
	}
	defer func() { c.finish(op, err) }()
	if err = c.allow(op); err != nil {
		return out, err
	}
	switch op {
	case access.OpResumeAgreement:
		return s.registry.ResumeAgreement(ctx, c.KeyID(), id, reason)
	case access.OpSuspendAgreement:
		return s.registry.SuspendAgreement(ctx, c.KeyID(), id, reason)
	default:
		return s.registry.RevokeAgreement(ctx, c.KeyID(), id, reason)
	}
}

// AuditLog reads the audit entries the admin may see (auditScope).
func (s *Service) AuditLog(ctx context.Context, c *Caller, f access.AuditFilter) (out []access.AuditEntry, err error) {
	defer func() { c.finish(access.OpAuditLog, err) }()
	if err = c.allow(access.OpAuditLog); err != nil {
		return nil, err
	}
	if err = c.auditScope(&f); err != nil {
		return nil, err
	}
	return s.registry.QueryAudit(ctx, f)
}
