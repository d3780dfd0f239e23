package resolvers

import (
	"context"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/graph/model"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/usecase"
)

func (r *Resolver) viewer(ctx context.Context) (*model.Viewer, error) {
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	v, err := r.Service.Viewer(ctx, c)
	if err != nil {
		return nil, err
	}
	p := v.Principal
	out := &model.Viewer{Agency: agencyModel(p.Agency), Role: model.Role(p.Key.Role), KeyID: p.Key.ID,
		KeyExpiresAt: p.Key.ExpiresAt, SharedCategories: []model.EvidenceCategory{}, GrantedFacts: v.GrantedFacts}
	for _, cat := range v.Shared {
		out.SharedCategories = append(out.SharedCategories, model.EvidenceCategory(cat))
	}
	return out, nil
}

func (r *Resolver) agencies(ctx context.Context) ([]*model.Agency, error) {
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	list, err := r.Service.Agencies(ctx, c)
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
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	a, err := r.Service.CreateAgency(ctx, c, access.Agency{Code: code, Name: name, Country: intel.Region(country)})
	if err != nil {
		return nil, err
	}
	return agencyModel(a), nil
}

func (r *Resolver) apiKeys(ctx context.Context, agency *string) ([]*model.APIKey, error) {
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	keys, err := r.Service.APIKeys(ctx, c, deref(agency))
	if err != nil {
		return nil, err
	}
	out := make([]*model.APIKey, len(keys))
	for i, k := range keys {
		out[i] = keyModel(k)
	}
	return out, nil
}

func (r *Resolver) createAPIKey(ctx context.Context, agency string, role model.Role, label *string, ttlHours *int) (*model.CreatedAPIKey, error) {
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	var ttl time.Duration
	if ttlHours != nil {
		if *ttlHours < 1 {
			return nil, intel.Errorf(intel.EINVALID, "ttlHours", "must be at least 1, got %d", *ttlHours)
		}
		ttl = time.Duration(*ttlHours) * time.Hour
	}
	k, tok, err := r.Service.CreateKey(ctx, c, agency, access.Role(role), deref(label), ttl)
	if err != nil {
		return nil, err
	}
	return &model.CreatedAPIKey{Key: keyModel(k), Token: tok}, nil
}

func (r *Resolver) revokeAPIKey(ctx context.Context, id, reason string) (*model.APIKey, error) {
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	k, err := r.Service.RevokeKey(ctx, c, id, reason)
	if err != nil {
		return nil, err
	}
	return keyModel(k), nil
}

func (r *Resolver) agreements(ctx context.Context) ([]*model.Agreement, error) {
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	list, err := r.Service.Agreements(ctx, c)
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
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	a, err := r.Service.Agreement(ctx, c, id)
	if intel.ErrorCode(err) == intel.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return agreementModel(a, time.Now()), nil
}

func (r *Resolver) createAgreement(ctx context.Context, in model.AgreementInput) (*model.Agreement, error) {
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	a := access.Agreement{Title: in.Title, Purpose: in.Purpose, LegalBasis: in.LegalBasis,
		ValidFrom: in.ValidFrom, ValidUntil: in.ValidUntil, Coordinators: in.Coordinators}
	for _, p := range in.Parties {
		a.Parties = append(a.Parties, access.Party{Country: intel.Region(p.Country), Authority: p.Authority})
	}
	for _, cat := range in.Categories {
		a.Categories = append(a.Categories, intel.Category(cat))
	}
	created, err := r.Service.CreateAgreement(ctx, c, a)
	if err != nil {
		return nil, err
	}
	return agreementModel(created, time.Now()), nil
}

func (r *Resolver) setAgreementStatus(ctx context.Context, id string, status model.AgreementStatus, reason *string) (*model.Agreement, error) {
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	a, err := r.Service.SetAgreementStatus(ctx, c, id, access.AgreementStatus(status), deref(reason))
	if err != nil {
		return nil, err
	}
	return agreementModel(a, time.Now()), nil
}

func (r *Resolver) approveAgreement(ctx context.Context, id string, validUntil *time.Time) (*model.Agreement, error) {
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	var until time.Time
	if validUntil != nil {
		until = *validUntil
	}
	a, err := r.Service.ApproveAgreement(ctx, c, id, until)
	if err != nil {
		return nil, err
	}
	return agreementModel(a, time.Now()), nil
}

func (r *Resolver) extendAgreement(ctx context.Context, id string, until time.Time) (*model.Agreement, error) {
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	a, err := r.Service.ExtendAgreement(ctx, c, id, until)
	if err != nil {
		return nil, err
	}
	return agreementModel(a, time.Now()), nil
}

func (r *Resolver) auditLog(ctx context.Context, agency *string, actorCountry, dataCountry *model.Region, operation *string,
	since, until *time.Time, after, first *int) ([]*model.AuditEntry, error) {
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	f := access.AuditFilter{Agency: deref(agency), Operation: deref(operation), Limit: intOr(first, access.DefaultAuditLimit)}
	if actorCountry != nil {
		f.ActorCountry = intel.Region(*actorCountry)
	}
	if dataCountry != nil {
		f.DataCountry = intel.Region(*dataCountry)
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
	entries, err := r.Service.AuditLog(ctx, c, f)
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
