package resolvers

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/graph/model"
	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
)

func (r *Resolver) requestEvidence(ctx context.Context, in model.EvidenceRequestInput) (*model.EvidenceRequest, error) {
	req, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	entityID, err := entityIDArg("input.entityId", in.EntityID)
	if err != nil {
		return nil, err
	}
	er := access.EvidenceRequest{AgreementID: in.AgreementID, EntityID: entityID, Fields: in.Fields,
		Period: window(in.Since, in.Until), Description: in.Description, LegalBasis: in.LegalBasis, DueAt: in.DueAt}
	for _, c := range in.Categories {
		er.Categories = append(er.Categories, intel.Category(c))
	}
	created, err := r.Registry.CreateRequest(ctx, req.Principal, er)
	if err != nil {
		return nil, err
	}
	return requestModel(created, time.Now()), nil
}

func (r *Resolver) acknowledgeEvidenceRequest(ctx context.Context, id string) (*model.EvidenceRequest, error) {
	req, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	er, err := r.Registry.AcknowledgeRequest(ctx, req.Principal, id)
	if err != nil {
		return nil, err
	}
	return requestModel(er, time.Now()), nil
}

func (r *Resolver) declineEvidenceRequest(ctx context.Context, id, reason string) (*model.EvidenceRequest, error) {
	req, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	er, err := r.Registry.DeclineRequest(ctx, req.Principal, id, reason)
	if err != nil {
		return nil, err
	}
	return requestModel(er, time.Now()), nil
}

// fulfilEvidenceRequest answers a request with records. The answer is all
// or nothing: every record must map (as a record of the responding
// agency) before any is written, so that the grant names exactly the facts
// that were stored. The records go through the ingest pipeline like any
// other, and the requester is then granted exactly the facts they produced.
func (r *Resolver) fulfilEvidenceRequest(ctx context.Context, id string, in []*model.RecordInput, fields []string) (*model.EvidenceRequest, error) {
	req, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	p := req.Principal
	if len(in) == 0 {
		return nil, intel.Errorf(intel.EINVALID, "records", "must hold the evidence that answers the request")
	}
	records, err := toRecords(in)
	if err != nil {
		return nil, err
	}
	var linkIDs, entityIDs []string
	dec := ingest.AsContributor(ingest.NewSliceDecoder(records), p.Agency.Code, p.Agency.Country)
	for i := 0; ; i++ {
		raw, err := dec.Next()
		if err != nil {
			break // io.EOF: a slice decoder fails in no other way
		}
		field := "records[" + strconv.Itoa(i) + "]"
		if raw.Err != nil {
			return nil, intel.Errorf(intel.EINVALID, field+"."+intel.ErrorField(raw.Err), "%s", intel.ErrorMessage(raw.Err))
		}
		b, err := ingest.Map(raw.Record)
		if err != nil {
			return nil, intel.Errorf(intel.EINVALID, field+"."+intel.ErrorField(err), "%s", intel.ErrorMessage(err))
		}
		for _, l := range b.Links {
			l.Normalize()
			linkIDs = append(linkIDs, l.ID)
			entityIDs = append(entityIDs, l.From, l.To)
		}
		for _, e := range b.Entities {
			entityIDs = append(entityIDs, e.ID)
		}
	}
	if len(linkIDs) == 0 {
		return nil, intel.Errorf(intel.EINVALID, "records", "produce no facts to grant")
	}
	slices.Sort(linkIDs)
	slices.Sort(entityIDs)
	linkIDs, entityIDs = slices.Compact(linkIDs), slices.Compact(entityIDs)
	// Every check of the answer (designated coordinator, agreement in
	// force, categories and fields asked for) passes before anything is
	// written.
	if err := r.Registry.CheckFulfil(ctx, p, id, linkIDs, entityIDs, fields); err != nil {
		return nil, err
	}
	_, err = ingest.Run(ctx, r.Store, ingest.AsContributor(ingest.NewSliceDecoder(records), p.Agency.Code, p.Agency.Country),
		ingest.Options{}, func(res ingest.Result) error {
			if res.Status == ingest.StatusRejected {
				return intel.Errorf(intel.EINVALID, "records["+strconv.Itoa(res.Line)+"]."+res.Field, "%s", res.Reason)
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	req.Wrote(entityIDs...)
	done, err := r.Registry.FulfilRequest(ctx, p, id, linkIDs, entityIDs, fields)
	if err != nil {
		return nil, err
	}
	return requestModel(done, time.Now()), nil
}

func (r *Resolver) evidenceRequests(ctx context.Context, status []model.RequestStatus, side *model.RequestSide, overdue *bool) ([]*model.EvidenceRequest, error) {
	req, err := caller(ctx)
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
	list, err := r.Registry.ListRequests(ctx, req.Principal, f, now)
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
	req, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	er, err := r.Registry.GetRequest(ctx, req.Principal, id)
	if intel.ErrorCode(err) == intel.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return requestModel(er, time.Now()), nil
}
