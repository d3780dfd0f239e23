package resolvers

import (
	"context"
	"strconv"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/graph/model"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/usecase"
)

func (r *Resolver) requestEvidence(ctx context.Context, in model.EvidenceRequestInput) (*model.EvidenceRequest, error) {
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	entityID, err := entityIDArg("input.entityId", in.EntityID)
	if err != nil {
		return nil, err
	}
	er := access.EvidenceRequest{AgreementID: in.AgreementID, EntityID: entityID, Fields: in.Fields,
		Period: window(in.Since, in.Until), Description: in.Description, LegalBasis: in.LegalBasis, DueAt: in.DueAt}
	for _, cat := range in.Categories {
		er.Categories = append(er.Categories, intel.Category(cat))
	}
	created, err := r.Service.RequestEvidence(ctx, c, er)
	if err != nil {
		return nil, err
	}
	return requestModel(created, time.Now()), nil
}

func (r *Resolver) acknowledgeEvidenceRequest(ctx context.Context, id string) (*model.EvidenceRequest, error) {
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	er, err := r.Service.AcknowledgeEvidence(ctx, c, id)
	if err != nil {
		return nil, err
	}
	return requestModel(er, time.Now()), nil
}

func (r *Resolver) declineEvidenceRequest(ctx context.Context, id, reason string) (*model.EvidenceRequest, error) {
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	er, err := r.Service.DeclineEvidence(ctx, c, id, reason)
	if err != nil {
		return nil, err
	}
	return requestModel(er, time.Now()), nil
}

func (r *Resolver) fulfilEvidenceRequest(ctx context.Context, id string, in []*model.RecordInput, linkIDs []string, fields []string) (*model.EvidenceRequest, error) {
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	records, err := toRecords(in)
	if err != nil {
		return nil, err
	}
	f := usecase.Fulfilment{Records: records, Fields: fields}
	for i, gid := range linkIDs {
		field := "linkIds[" + strconv.Itoa(i) + "]"
		_, lid, err := parseGlobalID(field, gid)
		if err == nil && lid == "" {
			err = intel.Errorf(intel.EINVALID, field, "%q is an entity id; a fact (Link:…) is needed here", gid)
		}
		if err != nil {
			return nil, err
		}
		f.LinkIDs = append(f.LinkIDs, lid)
	}
	done, err := r.Service.FulfilEvidence(ctx, c, id, f)
	if err != nil {
		return nil, err
	}
	return requestModel(done, time.Now()), nil
}

func (r *Resolver) evidenceRequests(ctx context.Context, status []model.RequestStatus, side *model.RequestSide, overdue *bool) ([]*model.EvidenceRequest, error) {
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	f := access.RequestFilter{Overdue: overdue != nil && *overdue}
	for _, s := range status {
		f.Status = append(f.Status, access.RequestStatus(s))
	}
	if side != nil {
		f.Side = string(*side)
	}
	now := time.Now()
	list, err := r.Service.EvidenceRequests(ctx, c, f, now)
	if err != nil {
		return nil, err
	}
	out := make([]*model.EvidenceRequest, len(list))
	for i, er := range list {
		out[i] = requestModel(er, now)
	}
	return out, nil
}

func (r *Resolver) evidenceRequest(ctx context.Context, id string) (*model.EvidenceRequest, error) {
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	er, err := r.Service.EvidenceRequest(ctx, c, id)
	if intel.ErrorCode(err) == intel.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return requestModel(er, time.Now()), nil
}
