package resolvers

import (
	"context"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/graph/model"
	"github.com/scamgraph/scamgraph/guard"
	"github.com/scamgraph/scamgraph/intel"
)

// caller returns the request's identity. The server admits no GraphQL
// request without one, so its absence is a wiring bug.
func caller(ctx context.Context) (*guard.Request, error) {
	req := guard.RequestFrom(ctx)
	if req == nil {
		return nil, intel.Errorf(intel.EUNAUTHENTICATED, "Authorization", "an API key is required")
	}
	return req, nil
}

// ownCountry refuses an admin's change to another country's agency: each
// side manages its own agencies and keys.
func ownCountry(req *guard.Request, field string, country intel.Region) error {
	if country != req.Principal.Agency.Country {
		return intel.Errorf(intel.EFORBIDDEN, field, "belongs to %s; an admin of %s manages %s's agencies and keys only",
			country, req.Principal.Agency.Country, req.Principal.Agency.Country)
	}
	return nil
}

func (r *Resolver) viewer(ctx context.Context) (*model.Viewer, error) {
	req, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	p := req.Principal
	out := &model.Viewer{Agency: agencyModel(p.Agency), Role: model.Role(p.Key.Role), KeyID: p.Key.ID,
		KeyExpiresAt: p.Key.ExpiresAt, SharedCategories: []model.EvidenceCategory{}, GrantedFacts: len(req.Access.Granted)}
	for _, c := range req.Access.Shared {
		out.SharedCategories = append(out.SharedCategories, model.EvidenceCategory(c))
	}
	return out, nil
}

func (r *Resolver) agencies(ctx context.Context) ([]*model.Agency, error) {
	list, err := r.Registry.ListAgencies(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*model.Agency, len(list))
	for i, a := range list {
		out[i] = agencyModel(a)
	}
	return out, nil
}

func (r *Resolver) createAgency(ctx context.Context, code, name string, country model.Region) (*model.Agency, error) {
	req, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := ownCountry(req, "country", intel.Region(country)); err != nil {
		return nil, err
	}
	a, err := r.Registry.CreateAgency(ctx, req.Principal.Key.ID, access.Agency{Code: code, Name: name, Country: intel.Region(country)})
	if err != nil {
		return nil, err
	}
	return agencyModel(a), nil
}

func (r *Resolver) apiKeys(ctx context.Context, agency *string) ([]*model.APIKey, error) {
	req, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	code := ""
	if agency != nil {
		code = *agency
		a, err := r.Registry.GetAgency(ctx, code)
		if err != nil {
			return nil, err
		}
		if err := ownCountry(req, "agency", a.Country); err != nil {
			return nil, err
		}
	}
	keys, err := r.Registry.ListKeys(ctx, code)
	if err != nil {
		return nil, err
	}
	countries, err := r.agencyCountries(ctx)
	if err != nil {
		return nil, err
	}
	out := []*model.APIKey{}
	for _, k := range keys {
		if countries[k.Agency] == req.Principal.Agency.Country {
			out = append(out, keyModel(k))
		}
	}
	return out, nil
}

func (r *Resolver) agencyCountries(ctx context.Context) (map[string]intel.Region, error) {
	list, err := r.Registry.ListAgencies(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]intel.Region, len(list))
	for _, a := range list {
		out[a.Code] = a.Country
	}
	return out, nil
}

func (r *Resolver) createAPIKey(ctx context.Context, agency string, role model.Role, label *string, ttlHours *int) (*model.CreatedAPIKey, error) {
	req, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	a, err := r.Registry.GetAgency(ctx, agency)
	if err != nil {
		return nil, err
	}
	if err := ownCountry(req, "agency", a.Country); err != nil {
		return nil, err
	}
	var ttl time.Duration
	if ttlHours != nil {
		if *ttlHours < 1 {
			return nil, intel.Errorf(intel.EINVALID, "ttlHours", "must be at least 1, got %d", *ttlHours)
		}
		ttl = time.Duration(*ttlHours) * time.Hour
	}
	k, tok, err := r.Registry.CreateKey(ctx, req.Principal.Key.ID, agency, access.Role(role), deref(label), ttl)
	if err != nil {
		return nil, err
	}
	return &model.CreatedAPIKey{Key: keyModel(k), Token: tok}, nil
}

func (r *Resolver) revokeAPIKey(ctx context.Context, id, reason string) (*model.APIKey, error) {
	req, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	keys, err := r.Registry.ListKeys(ctx, "")
	if err != nil {
		return nil, err
	}
	countries, err := r.agencyCountries(ctx)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if k.ID != id {
			continue
		}
		if err := ownCountry(req, "id", countries[k.Agency]); err != nil {
			return nil, err
		}
		revoked, err := r.Registry.RevokeKey(ctx, req.Principal.Key.ID, id, reason)
		if err != nil {
			return nil, err
		}
		return keyModel(revoked), nil
	}
	return nil, intel.Errorf(intel.ENOTFOUND, "id", "no API key %q", id)
}

func (r *Resolver) agreements(ctx context.Context) ([]*model.Agreement, error) {
	list, err := r.Registry.ListAgreements(ctx)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	out := make([]*model.Agreement, len(list))
	for i, a := range list {
		out[i] = agreementModel(a, now)
	}
	return out, nil
}

func (r *Resolver) agreement(ctx context.Context, id string) (*model.Agreement, error) {
	a, err := r.Registry.GetAgreement(ctx, id)
	if intel.ErrorCode(err) == intel.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return agreementModel(a, time.Now()), nil
}

func (r *Resolver) createAgreement(ctx context.Context, in model.AgreementInput) (*model.Agreement, error) {
	req, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	a := access.Agreement{Title: in.Title, Purpose: in.Purpose, LegalBasis: in.LegalBasis,
		ValidFrom: in.ValidFrom, ValidUntil: in.ValidUntil, Coordinators: in.Coordinators}
	for _, p := range in.Parties {
		a.Parties = append(a.Parties, access.Party{Country: intel.Region(p.Country), Authority: p.Authority})
	}
	for _, c := range in.Categories {
		a.Categories = append(a.Categories, intel.Category(c))
	}
	created, err := r.Registry.CreateAgreement(ctx, req.Principal.Key.ID, a)
	if err != nil {
		return nil, err
	}
	return agreementModel(created, time.Now()), nil
}

func (r *Resolver) setAgreementStatus(ctx context.Context, id string, status model.AgreementStatus, reason *string) (*model.Agreement, error) {
	req, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	by, why := req.Principal.Key.ID, deref(reason)
	var a access.Agreement
	switch status {
	case model.AgreementStatusActive:
		a, err = r.Registry.ResumeAgreement(ctx, by, id, why)
	case model.AgreementStatusSuspended:
		a, err = r.Registry.SuspendAgreement(ctx, by, id, why)
	case model.AgreementStatusRevoked:
		a, err = r.Registry.RevokeAgreement(ctx, by, id, why)
	default:
		return nil, intel.Errorf(intel.EINVALID, "status", "unknown status %q", status)
	}
	if err != nil {
		return nil, err
	}
	return agreementModel(a, time.Now()), nil
}

// approveAgreement approves for the caller's own country, never the other's.
func (r *Resolver) approveAgreement(ctx context.Context, id string, validUntil *time.Time) (*model.Agreement, error) {
	req, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var until time.Time
	if validUntil != nil {
		until = *validUntil
	}
	a, err := r.Registry.ApproveAgreement(ctx, req.Principal.Key.ID, id, req.Principal.Agency.Country, until)
	if err != nil {
		return nil, err
	}
	return agreementModel(a, time.Now()), nil
}

func (r *Resolver) extendAgreement(ctx context.Context, id string, until time.Time) (*model.Agreement, error) {
	req, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	a, err := r.Registry.ExtendAgreement(ctx, id, until, req.Principal.Key.ID)
	if err != nil {
		return nil, err
	}
	return agreementModel(a, time.Now()), nil
}

// auditLog lets an admin see what its own country's agencies did, and
// what the other country did with its country's data, but nothing else.
func (r *Resolver) auditLog(ctx context.Context, agency *string, actorCountry, dataCountry *model.Region, operation *string,
	since, until *time.Time, after, first *int) ([]*model.AuditEntry, error) {
	req, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	own := req.Principal.Agency.Country
	f := access.AuditFilter{Agency: deref(agency), Operation: deref(operation), Limit: intOr(first, access.DefaultAuditLimit)}
	if actorCountry != nil {
		f.ActorCountry = intel.Region(*actorCountry)
	}
	if dataCountry != nil {
		f.DataCountry = intel.Region(*dataCountry)
	}
	if f.ActorCountry == "" && f.DataCountry == "" {
		f.ActorCountry = own
	}
	if f.ActorCountry != own && f.DataCountry != own {
		return nil, intel.Errorf(intel.EFORBIDDEN, "actorCountry", "an admin of %s sees entries by %s's agencies (actorCountry: %s) or about %s's data (dataCountry: %s)",
			own, own, own, own, own)
	}
	if after != nil {
		f.AfterSeq = int64(*after)
	}
	if since != nil {
		f.Since = *since
	}
	if until != nil {
		f.Until = *until
	}
	entries, err := r.Registry.QueryAudit(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]*model.AuditEntry, len(entries))
	for i, e := range entries {
		out[i] = auditModel(e)
	}
	return out, nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
